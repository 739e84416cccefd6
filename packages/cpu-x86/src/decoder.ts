/**
 * The decoder: prefixes, opcode, ModRM/SIB/displacement and immediates, into
 * an `Instr` with its specialised handler already chosen (operand size and
 * register/memory form decided here, not in the handler).
 *
 * The decoding plan of every form is derived once from `OPCODE_FORMS`.
 */
import type { Cpu } from "./cpu";
import { FORM_HANDLERS } from "./generated/handlers";
import type { Handler, Instr } from "./instruction";
import { OPCODE_FORMS } from "./opcode-table";
import { type OperandSpec, parseOperands } from "./operand-spec";
import { REG8_BYTE_INDEX, Seg, ZERO_REG } from "./registers";

/** Immediate fields that follow ModRM, in order. */
const Imm = { U8: 0, S8: 1, U16: 2, V: 3, RelByte: 4, RelV: 5, Moffs: 6, FarPointer: 7 } as const;

interface FormPlan {
  readonly modrm: boolean;
  readonly specs: readonly OperandSpec[];
  readonly immediates: readonly number[];
  /** ModRM.rm always names a register (MOV to/from CRn, DRn). */
  readonly registerOnly: boolean;
  readonly lockable: boolean;
  readonly endsBlock: boolean;
  /** A generated template (not "custom"). */
  readonly templated: boolean;
  /** Has an M operand: the register form is #UD. */
  readonly memoryOnly: boolean;
  readonly handlers: readonly [Handler, Handler, Handler, Handler];
}

function immediateKind(spec: OperandSpec): number {
  switch (spec.kind) {
    case "I":
      return spec.size === "b" ? Imm.U8 : spec.size === "bs" ? Imm.S8 : spec.size === "w" ? Imm.U16 : Imm.V;
    case "J":
      return spec.size === "b" ? Imm.RelByte : Imm.RelV;
    case "O":
      return Imm.Moffs;
    case "A":
      return Imm.FarPointer;
    default:
      return -1;
  }
}

const PLANS: readonly FormPlan[] = OPCODE_FORMS.map((form, index) => {
  const specs = parseOperands(form.operands);
  return {
    modrm: specs.some((s) => "EGMRSCDF".includes(s.kind)),
    specs,
    immediates: specs.map(immediateKind).filter((k) => k >= 0),
    registerOnly: specs.some((s) => s.kind === "R"),
    lockable: form.lockable,
    endsBlock: form.endsBlock,
    templated: form.kind !== "custom",
    memoryOnly: specs.some((s) => s.kind === "M"),
    handlers: FORM_HANDLERS[index],
  };
});

/** Form index per opcode (0x000-0x1ff) and ModRM.reg: `[opcode * 9]` for plain opcodes, `[opcode * 9 + 1 + reg]` for groups. */
const FORM_BY_OPCODE: Int16Array = (() => {
  const table = new Int16Array(0x200 * 9).fill(-1);
  OPCODE_FORMS.forEach((form, index) => {
    const slot = form.opcode * 9 + (form.group >= 0 ? 1 + form.group : 0);
    if (table[slot] !== -1) throw new Error(`duplicate opcode table entry for ${form.opcode.toString(16)} /${form.group}`);
    table[slot] = index;
  });
  return table;
})();

/** Opcodes whose forms are selected by ModRM.reg. */
const IS_GROUP: Uint8Array = (() => {
  const table = new Uint8Array(0x200);
  for (const form of OPCODE_FORMS) if (form.group >= 0) table[form.opcode] = 1;
  return table;
})();

function undefinedOpcode(cpu: Cpu): void {
  cpu.raiseUD();
}

function tooLong(cpu: Cpu): void {
  cpu.raiseGP(0);
}

/** Register index in the view matching `bits`. */
function viewIndex(reg: number, bits: number): number {
  return bits === 8 ? REG8_BYTE_INDEX[reg] : bits === 16 ? reg << 1 : reg;
}

function specBits(spec: OperandSpec, operand16: boolean): number {
  switch (spec.size) {
    case "b":
      return 8;
    case "w":
      return 16;
    case "d":
      return 32;
    default:
      return operand16 ? 16 : 32;
  }
}

/** Where instruction bytes come from: the MMU (linear addresses, may page-fault) or a byte array. */
export interface ByteSource {
  read8(address: number): number;
}

/**
 * Decodes the instruction at `linear` into `i`. Returns false when it would
 * need more than `maxBytes` bytes (it crosses the end of a page and the
 * caller runs it uncached instead). Page faults while fetching propagate.
 */
export function decodeInstruction(source: ByteSource, linear: number, i: Instr, code32: boolean, maxBytes: number): boolean {
  const mmu = source;
  let pos = 0;
  let operand16 = !code32;
  let address16 = !code32;
  let segment = -1;
  let repeat = 0;
  let lock = false;
  let byte: number;

  // ---- prefixes ----
  for (;;) {
    if (pos >= maxBytes) return false;
    if (pos >= 15) {
      // Fifteen bytes of prefixes and still no opcode: the instruction is too long.
      i.handler = tooLong;
      i.form = -1;
      i.length = pos;
      i.endsBlock = true;
      return true;
    }
    byte = mmu.read8((linear + pos) | 0);
    pos++;
    switch (byte) {
      case 0x66:
        operand16 = code32;
        continue;
      case 0x67:
        address16 = code32;
        continue;
      case 0x26:
        segment = Seg.ES;
        continue;
      case 0x2e:
        segment = Seg.CS;
        continue;
      case 0x36:
        segment = Seg.SS;
        continue;
      case 0x3e:
        segment = Seg.DS;
        continue;
      case 0x64:
        segment = Seg.FS;
        continue;
      case 0x65:
        segment = Seg.GS;
        continue;
      case 0xf0:
        lock = true;
        continue;
      case 0xf2:
        repeat = 2;
        continue;
      case 0xf3:
        repeat = 1;
        continue;
      default:
        break;
    }
    break;
  }

  let opcode = byte;
  if (opcode === 0x0f) {
    if (pos >= maxBytes) return false;
    opcode = 0x100 | mmu.read8((linear + pos) | 0);
    pos++;
  }

  i.opcode = opcode;
  i.operand16 = operand16;
  i.address16 = address16;
  i.repeat = repeat;
  i.lock = lock;
  i.segmentOverride = segment >= 0;
  i.segment = segment >= 0 ? segment : Seg.DS;
  i.base = ZERO_REG;
  i.index = ZERO_REG;
  i.scale = 0;
  i.displacement = 0;
  i.immediate = 0;
  i.immediate2 = 0;
  i.memory = false;
  i.modrm = 0;
  i.reg = 0;
  i.rm = 0;
  i.templated = false;

  // ---- ModRM, or the plain form ----
  let modrm = -1;
  let formIndex: number;
  if (IS_GROUP[opcode] !== 0) {
    if (pos >= maxBytes) return false;
    modrm = mmu.read8((linear + pos) | 0);
    pos++;
    formIndex = FORM_BY_OPCODE[opcode * 9 + 1 + ((modrm >> 3) & 7)];
  } else {
    formIndex = FORM_BY_OPCODE[opcode * 9];
  }
  if (formIndex < 0) {
    i.handler = undefinedOpcode;
    i.form = -1;
    i.length = pos;
    i.endsBlock = true;
    return true;
  }
  const plan = PLANS[formIndex];
  i.form = formIndex;
  i.endsBlock = plan.endsBlock;

  if (plan.modrm) {
    if (modrm < 0) {
      if (pos >= maxBytes) return false;
      modrm = mmu.read8((linear + pos) | 0);
      pos++;
    }
    i.modrm = modrm;
    const mod = modrm >> 6;
    const reg = (modrm >> 3) & 7;
    const rm = modrm & 7;
    i.reg = reg;
    if (mod === 3 || plan.registerOnly) {
      i.rm = rm;
    } else {
      i.memory = true;
      let defaultSegment: number = Seg.DS;
      if (address16) {
        switch (rm) {
          case 0: i.base = 3; i.index = 6; break; // BX+SI
          case 1: i.base = 3; i.index = 7; break; // BX+DI
          case 2: i.base = 5; i.index = 6; defaultSegment = Seg.SS; break; // BP+SI
          case 3: i.base = 5; i.index = 7; defaultSegment = Seg.SS; break; // BP+DI
          case 4: i.base = 6; break; // SI
          case 5: i.base = 7; break; // DI
          case 6:
            if (mod === 0) i.base = ZERO_REG;
            else { i.base = 5; defaultSegment = Seg.SS; }
            break;
          default: i.base = 3; break; // BX
        }
        if (mod === 0 && rm === 6) {
          if (pos + 2 > maxBytes) return false;
          i.displacement = mmu.read8((linear + pos) | 0) | (mmu.read8((linear + pos + 1) | 0) << 8);
          pos += 2;
        } else if (mod === 1) {
          if (pos + 1 > maxBytes) return false;
          i.displacement = (mmu.read8((linear + pos) | 0) << 24) >> 24;
          pos += 1;
        } else if (mod === 2) {
          if (pos + 2 > maxBytes) return false;
          i.displacement = mmu.read8((linear + pos) | 0) | (mmu.read8((linear + pos + 1) | 0) << 8);
          pos += 2;
        }
      } else {
        let base = rm;
        if (rm === 4) {
          if (pos >= maxBytes) return false;
          const sib = mmu.read8((linear + pos) | 0);
          pos++;
          i.scale = sib >> 6;
          const index = (sib >> 3) & 7;
          i.index = index === 4 ? ZERO_REG : index;
          base = sib & 7;
          if (base === 5 && mod === 0) {
            base = ZERO_REG;
            if (pos + 4 > maxBytes) return false;
            i.displacement = read32(mmu, linear, pos);
            pos += 4;
          }
        } else if (rm === 5 && mod === 0) {
          base = ZERO_REG;
          if (pos + 4 > maxBytes) return false;
          i.displacement = read32(mmu, linear, pos);
          pos += 4;
        }
        i.base = base;
        if (base === 4 || base === 5) defaultSegment = Seg.SS;
        if (mod === 1) {
          if (pos + 1 > maxBytes) return false;
          i.displacement = (mmu.read8((linear + pos) | 0) << 24) >> 24;
          pos += 1;
        } else if (mod === 2) {
          if (pos + 4 > maxBytes) return false;
          i.displacement = read32(mmu, linear, pos);
          pos += 4;
        }
      }
      if (segment < 0) i.segment = defaultSegment;
    }
  }

  // ---- immediates ----
  let immediateCount = 0;
  for (const kind of plan.immediates) {
    let value: number;
    switch (kind) {
      case Imm.U8:
        if (pos + 1 > maxBytes) return false;
        value = mmu.read8((linear + pos) | 0);
        pos += 1;
        break;
      case Imm.S8:
      case Imm.RelByte:
        if (pos + 1 > maxBytes) return false;
        value = (mmu.read8((linear + pos) | 0) << 24) >> 24;
        pos += 1;
        break;
      case Imm.U16:
        if (pos + 2 > maxBytes) return false;
        value = mmu.read8((linear + pos) | 0) | (mmu.read8((linear + pos + 1) | 0) << 8);
        pos += 2;
        break;
      case Imm.V:
      case Imm.RelV:
        if (operand16) {
          if (pos + 2 > maxBytes) return false;
          value = mmu.read8((linear + pos) | 0) | (mmu.read8((linear + pos + 1) | 0) << 8);
          if (kind === Imm.RelV) value = (value << 16) >> 16;
          pos += 2;
        } else {
          if (pos + 4 > maxBytes) return false;
          value = read32(mmu, linear, pos);
          pos += 4;
        }
        break;
      case Imm.Moffs:
        if (address16) {
          if (pos + 2 > maxBytes) return false;
          i.displacement = mmu.read8((linear + pos) | 0) | (mmu.read8((linear + pos + 1) | 0) << 8);
          pos += 2;
        } else {
          if (pos + 4 > maxBytes) return false;
          i.displacement = read32(mmu, linear, pos);
          pos += 4;
        }
        i.memory = true;
        continue;
      default: {
        // Far pointer: offset (16/32) then selector.
        const offsetBytes = operand16 ? 2 : 4;
        if (pos + offsetBytes + 2 > maxBytes) return false;
        i.immediate = operand16 ? mmu.read8((linear + pos) | 0) | (mmu.read8((linear + pos + 1) | 0) << 8) : read32(mmu, linear, pos);
        pos += offsetBytes;
        i.immediate2 = mmu.read8((linear + pos) | 0) | (mmu.read8((linear + pos + 1) | 0) << 8);
        pos += 2;
        continue;
      }
    }
    if (immediateCount === 0) i.immediate = value;
    else i.immediate2 = value;
    immediateCount++;
  }

  // ---- register operands as view indexes ----
  for (const spec of plan.specs) {
    const bits = specBits(spec, operand16);
    if (spec.kind === "G") i.reg = viewIndex((modrm >> 3) & 7, bits);
    else if (spec.kind === "E" && !i.memory) i.rm = viewIndex(modrm & 7, bits);
    else if (spec.kind === "Z") i.rm = viewIndex(opcode & 7, bits);
  }

  i.length = pos;
  if (pos > 15) {
    i.handler = tooLong;
    i.endsBlock = true;
    return true;
  }
  if (lock && (!plan.lockable || !i.memory)) {
    i.handler = undefinedOpcode;
    i.endsBlock = true;
    return true;
  }
  i.handler = plan.handlers[(operand16 ? 0 : 2) + (i.memory ? 1 : 0)];
  i.templated = plan.templated && (i.memory || !plan.memoryOnly);
  return true;
}

function read32(mmu: ByteSource, linear: number, pos: number): number {
  return (
    mmu.read8((linear + pos) | 0) |
    (mmu.read8((linear + pos + 1) | 0) << 8) |
    (mmu.read8((linear + pos + 2) | 0) << 16) |
    (mmu.read8((linear + pos + 3) | 0) << 24)
  );
}

/** The decoding plan of a form (for the disassembler). */
export function formPlanOperands(form: number): readonly OperandSpec[] {
  return PLANS[form].specs;
}
