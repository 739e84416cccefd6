/**
 * Intel-syntax disassembly from the same decoder and opcode table the CPU
 * runs: what it prints is what the interpreter will execute.
 */
import { type ByteSource, decodeInstruction } from "./decoder";
import { Instr } from "./instruction";
import { OPCODE_FORMS } from "./opcode-table";
import { type OperandSpec, operandBits, parseOperands } from "./operand-spec";
import { REG16_NAMES, REG32_NAMES, REG8_NAMES, SEGMENT_NAMES, ZERO_REG } from "./registers";

const CONDITIONS = ["o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"];
const SIZE_NAMES: Record<number, string> = { 8: "byte", 16: "word", 32: "dword" };
/** Byte-view index back to the register number (AL=0 ... BH=7). */
const BYTE_INDEX_TO_REG = [0, 4, -1, -1, 1, 5, -1, -1, 2, 6, -1, -1, 3, 7];

export interface DisassembledInstruction {
  /** Address of the first byte (as given). */
  readonly address: number;
  readonly length: number;
  readonly bytes: Uint8Array;
  readonly text: string;
}

function hex(value: number): string {
  const v = value >>> 0;
  return v < 10 ? String(v) : `0x${v.toString(16)}`;
}

function signedHex(value: number): string {
  return value < 0 ? `-${hex(-value)}` : `+${hex(value)}`;
}

function registerName(index: number, bits: number): string {
  if (bits === 8) return REG8_NAMES[BYTE_INDEX_TO_REG[index]] ?? `?${index}`;
  if (bits === 16) return REG16_NAMES[index >> 1];
  return REG32_NAMES[index];
}

function memoryOperand(i: Instr, bits: number | null): string {
  const parts: string[] = [];
  const names = i.address16 ? REG16_NAMES : REG32_NAMES;
  if (i.base !== ZERO_REG) parts.push(names[i.base]);
  if (i.index !== ZERO_REG) parts.push(i.scale === 0 ? names[i.index] : `${names[i.index]}*${1 << i.scale}`);
  let address = parts.join("+");
  if (i.displacement !== 0 || parts.length === 0) {
    if (parts.length === 0) address = hex(i.address16 ? i.displacement & 0xffff : i.displacement);
    else address = `${address}${signedHex(i.address16 ? (i.displacement << 16) >> 16 : i.displacement)}`;
  }
  const segment = i.segmentOverride ? `${SEGMENT_NAMES[i.segment]}:` : "";
  const size = bits === null ? "" : `${SIZE_NAMES[bits]} `;
  return `${size}${segment}[${address}]`;
}

function operandText(spec: OperandSpec, i: Instr, nextAddress: number): string {
  const bits = operandBits(spec, i.operand16);
  switch (spec.kind) {
    case "E":
      return i.memory ? memoryOperand(i, bits) : registerName(i.rm, bits);
    case "M":
    case "F":
      return i.memory ? memoryOperand(i, null) : `st${i.modrm & 7}`;
    case "O":
      return memoryOperand(i, bits);
    case "G":
      return registerName(i.reg, bits);
    case "Z":
      return registerName(i.rm, bits);
    case "R":
      return REG32_NAMES[i.rm];
    case "S":
      return SEGMENT_NAMES[i.reg] ?? `seg${i.reg}`;
    case "C":
      return `cr${i.reg}`;
    case "D":
      return `dr${i.reg}`;
    case "I":
      return hex(spec.size === "bs" ? i.immediate & (i.operand16 ? 0xffff : 0xffffffff) : i.immediate);
    case "J": {
      const target = nextAddress + i.immediate;
      return hex(i.operand16 ? target & 0xffff : target);
    }
    case "A":
      return `${hex(i.immediate2)}:${hex(i.immediate)}`;
    case "X":
    case "Y":
      return "";
    default:
      switch (spec.name) {
        case "eAX":
          return i.operand16 ? "ax" : "eax";
        default:
          return spec.name.toLowerCase();
      }
  }
}

function mnemonicOf(i: Instr): string {
  const form = OPCODE_FORMS[i.form];
  let name = form.mnemonic.toLowerCase();
  if (name === "j" || name === "set" || name === "cmov") name += CONDITIONS[i.opcode & 0xf];
  if (form.operands.includes("X") || form.operands.includes("Y")) {
    const suffix = form.operands.endsWith("b") || form.operands.includes("Xb") || form.operands.includes("Yb") ? "b" : i.operand16 ? "w" : "d";
    name += suffix;
    if (i.repeat === 1) name = `${name.startsWith("cmps") || name.startsWith("scas") ? "repe" : "rep"} ${name}`;
    else if (i.repeat === 2) name = `repne ${name}`;
  }
  if (i.lock) name = `lock ${name}`;
  return name;
}

/** A byte array seen at `origin`, as the decoder's byte source. */
class ArraySource implements ByteSource {
  constructor(
    private readonly bytes: Uint8Array,
    private readonly origin: number,
  ) {}

  read8(address: number): number {
    const offset = (address - this.origin) >>> 0;
    return offset < this.bytes.length ? this.bytes[offset] : 0;
  }
}

/** Disassembles one instruction of `bytes` at `offset`, addressed as `origin + offset`. */
export function disassembleOne(bytes: Uint8Array, offset: number, options: { origin?: number; code32?: boolean } = {}): DisassembledInstruction {
  const origin = options.origin ?? 0;
  const i = new Instr();
  const address = (origin + offset) | 0;
  const available = Math.min(15, bytes.length - offset);
  const complete = decodeInstruction(new ArraySource(bytes, origin), address, i, options.code32 ?? true, available);
  if (!complete) {
    return { address: address >>> 0, length: available, bytes: bytes.subarray(offset, offset + available), text: "(truncated)" };
  }
  const next = address + i.length;
  let text: string;
  if (i.form < 0) text = "(bad)";
  else {
    const form = OPCODE_FORMS[i.form];
    // String instructions name their implicit operands in the mnemonic only.
    const isString = /[XY]/.test(form.operands);
    const operands = (isString ? [] : parseOperands(form.operands))
      .map((spec) => operandText(spec, i, next))
      .filter((part) => part !== "");
    text = operands.length > 0 ? `${mnemonicOf(i)} ${operands.join(", ")}` : mnemonicOf(i);
  }
  return { address: address >>> 0, length: i.length, bytes: bytes.subarray(offset, offset + i.length), text };
}

/** Disassembles a whole buffer. */
export function disassemble(bytes: Uint8Array, options: { origin?: number; code32?: boolean } = {}): DisassembledInstruction[] {
  const out: DisassembledInstruction[] = [];
  for (let offset = 0; offset < bytes.length; ) {
    const instruction = disassembleOne(bytes, offset, options);
    out.push(instruction);
    offset += Math.max(1, instruction.length);
  }
  return out;
}
