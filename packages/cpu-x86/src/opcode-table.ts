/**
 * The opcode table: one record per instruction form, in the Intel manual's
 * operand notation. It drives the decoder (which bytes follow the opcode),
 * the interpreter generator (`scripts/generate-interpreter.ts` writes
 * `generated/handlers.ts` from the `body` templates), and the disassembler.
 *
 * Operand letters (SDM vol. 2, appendix A): E = ModRM r/m, G = ModRM reg,
 * M = ModRM memory only, R = ModRM register only, I = immediate, J = relative
 * offset, O = moffs, A = far pointer, S = segment register, C/D = control /
 * debug register, Z = register in the opcode's low bits. Sizes: b byte, w
 * word, d dword, v word or dword by operand size, z immediate of size v (the
 * same on i386), bs byte sign-extended to v. Fixed operands: AL, eAX, CL, DX, 1.
 *
 * A body is a small code template: `o.get(n)` reads operand n, `o.set(n, x)`
 * writes it, `o.size`/`o.bits`/`o.cc` are the form's constants. Kind "rmw"
 * makes the generator compute a memory destination's address once and probe
 * it for writing before anything is read or computed.
 */

export interface TemplateContext {
  /** Expression reading operand n. */
  get(n: number): string;
  /** Statement writing `value` to operand n. */
  set(n: number, value: string): string;
  /** Size index of the form's main operand: "0", "1" or "2". */
  readonly size: string;
  readonly bits: 8 | 16 | 32;
  /** The condition code in the opcode's low nibble (Jcc, SETcc, CMOVcc). */
  readonly cc: number;
  /** True for the memory form of the E operand. */
  readonly memory: boolean;
  /** The instruction's operand size (16 or 32), whatever the size of its operands. */
  readonly operandBits: 16 | 32;
}

export type Body = (o: TemplateContext) => string;

export type OpcodeKind = "rmw" | "plain" | "custom";

export interface OpcodeForm {
  /** 0x00-0xff one-byte opcodes, 0x100 + second byte after 0x0F. */
  readonly opcode: number;
  /** ModRM.reg selecting a group member, or -1. */
  readonly group: number;
  readonly mnemonic: string;
  /** Comma-separated operand specs, e.g. "Eb,Gb". Empty for none. */
  readonly operands: string;
  readonly kind: OpcodeKind;
  /** Template for "rmw" and "plain". */
  readonly body?: Body;
  /** For "custom": `module.function` of a hand-written handler `(cpu, i) => void`. */
  readonly handler?: string;
  /** LOCK is allowed (memory destination forms only). */
  readonly lockable: boolean;
  /** A translated block ends after this instruction. */
  readonly endsBlock: boolean;
  /** Needs 16- and 32-bit handlers although no operand is "v" sized (RET imm16). */
  readonly operandSized: boolean;
  /** Arithmetic flags (EFLAGS bits) the instruction reads. Hand-written forms are assumed to read all. */
  readonly flagsRead: number;
  /** Arithmetic flags it always writes (undefined-after ones included): earlier values of these are dead. */
  readonly flagsWritten: number;
  /** Writes `flagsWritten` only when its shift count (masked to 5 bits) is not zero. */
  readonly flagsCountDependent: boolean;
  /** Only with a 0xF3 prefix (PAUSE) — unused otherwise. */
  readonly note?: string;
}

interface Options {
  lock?: boolean;
  ends?: boolean;
  sized?: boolean;
  reads?: number;
  writes?: number;
  countDependent?: boolean;
}

// Arithmetic flag bits, as in EFLAGS.
const CF = 0x001;
const PF = 0x004;
const AF = 0x010;
const ZF = 0x040;
const SF = 0x080;
const OF = 0x800;
const ALL_FLAGS = CF | PF | AF | ZF | SF | OF;

/** Flags a condition code (Jcc, SETcc, CMOVcc low nibble) reads. */
export function conditionFlags(cc: number): number {
  return [OF, CF, ZF, CF | ZF, SF, PF, SF | OF, ZF | SF | OF][cc >> 1];
}

const forms: OpcodeForm[] = [];

function add(opcode: number, group: number, mnemonic: string, operands: string, kind: OpcodeKind, bodyOrHandler: Body | string | undefined, options: Options = {}): void {
  forms.push(
    Object.freeze({
      opcode,
      group,
      mnemonic,
      operands,
      kind,
      body: typeof bodyOrHandler === "function" ? bodyOrHandler : undefined,
      handler: typeof bodyOrHandler === "string" ? bodyOrHandler : undefined,
      lockable: options.lock === true,
      endsBlock: options.ends === true,
      operandSized: options.sized === true,
      flagsRead: kind === "custom" ? ALL_FLAGS : (options.reads ?? 0),
      flagsWritten: kind === "custom" ? 0 : (options.writes ?? 0),
      flagsCountDependent: options.countDependent === true,
    }),
  );
}

const rmw = (op: number, g: number, mn: string, ops: string, body: Body, o?: Options) => add(op, g, mn, ops, "rmw", body, o);
const plain = (op: number, g: number, mn: string, ops: string, body: Body, o?: Options) => add(op, g, mn, ops, "plain", body, o);
const custom = (op: number, g: number, mn: string, ops: string, handler: string, o?: Options) => add(op, g, mn, ops, "custom", handler, o);

// ---------------------------------------------------------------------------
// Arithmetic and logic: the eight ALU operations share one layout (00-3D, 80-83).
// ---------------------------------------------------------------------------

const ALU_OPS = ["add", "or", "adc", "sbb", "and", "sub", "xor", "cmp"] as const;

for (let n = 0; n < 8; n++) {
  const op = ALU_OPS[n];
  const mn = op.toUpperCase();
  const base = n * 8;
  const isCmp = op === "cmp";
  // CMP computes SUB and discards the result.
  const fn = isCmp ? "sub" : op;
  const compute = (o: TemplateContext) => `alu.${fn}(cpu, ${o.get(0)}, ${o.get(1)}, ${o.size})`;
  const write: Body = isCmp ? (o) => `${compute(o)};` : (o) => o.set(0, compute(o));
  const kindOf = isCmp ? plain : rmw;
  const carryIn = op === "adc" || op === "sbb" ? CF : 0;
  const lock = { lock: !isCmp, writes: ALL_FLAGS, reads: carryIn };
  const noLock = { writes: ALL_FLAGS, reads: carryIn };
  kindOf(base + 0, -1, mn, "Eb,Gb", write, lock);
  kindOf(base + 1, -1, mn, "Ev,Gv", write, lock);
  plain(base + 2, -1, mn, "Gb,Eb", write, noLock);
  plain(base + 3, -1, mn, "Gv,Ev", write, noLock);
  plain(base + 4, -1, mn, "AL,Ib", write, noLock);
  plain(base + 5, -1, mn, "eAX,Iz", write, noLock);
  kindOf(0x80, n, mn, "Eb,Ib", write, lock);
  kindOf(0x81, n, mn, "Ev,Iz", write, lock);
  kindOf(0x82, n, mn, "Eb,Ib", write, lock);
  kindOf(0x83, n, mn, "Ev,Ibs", write, lock);
}

// TEST and the unary group 3 / INC DEC
const testBody: Body = (o) => `alu.and(cpu, ${o.get(0)}, ${o.get(1)}, ${o.size});`;
const allFlags = { writes: ALL_FLAGS };
plain(0x84, -1, "TEST", "Eb,Gb", testBody, allFlags);
plain(0x85, -1, "TEST", "Ev,Gv", testBody, allFlags);
plain(0xa8, -1, "TEST", "AL,Ib", testBody, allFlags);
plain(0xa9, -1, "TEST", "eAX,Iz", testBody, allFlags);
plain(0xf6, 0, "TEST", "Eb,Ib", testBody, allFlags);
plain(0xf6, 1, "TEST", "Eb,Ib", testBody, allFlags);
plain(0xf7, 0, "TEST", "Ev,Iz", testBody, allFlags);
plain(0xf7, 1, "TEST", "Ev,Iz", testBody, allFlags);
for (const [opcode, ops] of [
  [0xf6, "Eb"],
  [0xf7, "Ev"],
] as const) {
  rmw(opcode, 2, "NOT", ops, (o) => o.set(0, `~${o.get(0)}`), { lock: true });
  rmw(opcode, 3, "NEG", ops, (o) => o.set(0, `alu.neg(cpu, ${o.get(0)}, ${o.size})`), { lock: true, writes: ALL_FLAGS });
  plain(opcode, 4, "MUL", ops, (o) => `muldiv.mul${o.bits}(cpu, ${o.get(0)});`, allFlags);
  plain(opcode, 5, "IMUL", ops, (o) => `muldiv.imul${o.bits}(cpu, ${o.get(0)});`, allFlags);
  plain(opcode, 6, "DIV", ops, (o) => `muldiv.div${o.bits}(cpu, ${o.get(0)});`);
  plain(opcode, 7, "IDIV", ops, (o) => `muldiv.idiv${o.bits}(cpu, ${o.get(0)});`);
}
const incDec = { writes: ALL_FLAGS & ~CF };
const incDecLocked = { writes: ALL_FLAGS & ~CF, lock: true };
for (let r = 0; r < 8; r++) {
  plain(0x40 + r, -1, "INC", "Zv", (o) => o.set(0, `alu.inc(cpu, ${o.get(0)}, ${o.size})`), incDec);
  plain(0x48 + r, -1, "DEC", "Zv", (o) => o.set(0, `alu.dec(cpu, ${o.get(0)}, ${o.size})`), incDec);
}
rmw(0xfe, 0, "INC", "Eb", (o) => o.set(0, `alu.inc(cpu, ${o.get(0)}, ${o.size})`), incDecLocked);
rmw(0xfe, 1, "DEC", "Eb", (o) => o.set(0, `alu.dec(cpu, ${o.get(0)}, ${o.size})`), incDecLocked);
rmw(0xff, 0, "INC", "Ev", (o) => o.set(0, `alu.inc(cpu, ${o.get(0)}, ${o.size})`), incDecLocked);
rmw(0xff, 1, "DEC", "Ev", (o) => o.set(0, `alu.dec(cpu, ${o.get(0)}, ${o.size})`), incDecLocked);

// Multiply with explicit operands
plain(0x69, -1, "IMUL", "Gv,Ev,Iz", (o) => o.set(0, `muldiv.imul3(cpu, ${o.get(1)}, ${o.get(2)}, ${o.size})`), allFlags);
plain(0x6b, -1, "IMUL", "Gv,Ev,Ibs", (o) => o.set(0, `muldiv.imul3(cpu, ${o.get(1)}, ${o.get(2)}, ${o.size})`), allFlags);
plain(0x1af, -1, "IMUL", "Gv,Ev", (o) => o.set(0, `muldiv.imul3(cpu, ${o.get(0)}, ${o.get(1)}, ${o.size})`), allFlags);

// ---------------------------------------------------------------------------
// Shifts and rotates (group 2), double shifts
// ---------------------------------------------------------------------------

const SHIFT_OPS = ["rol", "ror", "rcl", "rcr", "shl", "shr", "sal", "sar"] as const;
for (let n = 0; n < 8; n++) {
  const fn = SHIFT_OPS[n] === "sal" ? "shl" : SHIFT_OPS[n];
  const mn = SHIFT_OPS[n].toUpperCase();
  const body: Body = (o) => o.set(0, `shift.${fn}(cpu, ${o.get(0)}, ${o.get(1)}, ${o.size})`);
  const rotate = n < 4;
  const effect = {
    writes: rotate ? CF | OF : ALL_FLAGS,
    reads: n === 2 || n === 3 ? CF : 0,
    countDependent: true,
  };
  rmw(0xc0, n, mn, "Eb,Ib", body, effect);
  rmw(0xc1, n, mn, "Ev,Ib", body, effect);
  rmw(0xd0, n, mn, "Eb,1", body, effect);
  rmw(0xd1, n, mn, "Ev,1", body, effect);
  rmw(0xd2, n, mn, "Eb,CL", body, effect);
  rmw(0xd3, n, mn, "Ev,CL", body, effect);
}
const doubleShift = { writes: ALL_FLAGS, countDependent: true };
rmw(0x1a4, -1, "SHLD", "Ev,Gv,Ib", (o) => o.set(0, `shift.shld(cpu, ${o.get(0)}, ${o.get(1)}, ${o.get(2)}, ${o.size})`), doubleShift);
rmw(0x1a5, -1, "SHLD", "Ev,Gv,CL", (o) => o.set(0, `shift.shld(cpu, ${o.get(0)}, ${o.get(1)}, ${o.get(2)}, ${o.size})`), doubleShift);
rmw(0x1ac, -1, "SHRD", "Ev,Gv,Ib", (o) => o.set(0, `shift.shrd(cpu, ${o.get(0)}, ${o.get(1)}, ${o.get(2)}, ${o.size})`), doubleShift);
rmw(0x1ad, -1, "SHRD", "Ev,Gv,CL", (o) => o.set(0, `shift.shrd(cpu, ${o.get(0)}, ${o.get(1)}, ${o.get(2)}, ${o.size})`), doubleShift);

// ---------------------------------------------------------------------------
// Bit instructions
// ---------------------------------------------------------------------------

// With a register bit offset, the memory forms address a bit string: hand-written.
custom(0x1a3, -1, "BT", "Ev,Gv", "bits.btRegister");
custom(0x1ab, -1, "BTS", "Ev,Gv", "bits.btsRegister", { lock: true });
custom(0x1b3, -1, "BTR", "Ev,Gv", "bits.btrRegister", { lock: true });
custom(0x1bb, -1, "BTC", "Ev,Gv", "bits.btcRegister", { lock: true });
plain(0x1ba, 4, "BT", "Ev,Ib", (o) => `bits.bt(cpu, ${o.get(0)}, ${o.get(1)}, ${o.size});`, { writes: CF });
rmw(0x1ba, 5, "BTS", "Ev,Ib", (o) => o.set(0, `bits.bts(cpu, ${o.get(0)}, ${o.get(1)}, ${o.size})`), { lock: true, writes: CF });
rmw(0x1ba, 6, "BTR", "Ev,Ib", (o) => o.set(0, `bits.btr(cpu, ${o.get(0)}, ${o.get(1)}, ${o.size})`), { lock: true, writes: CF });
rmw(0x1ba, 7, "BTC", "Ev,Ib", (o) => o.set(0, `bits.btc(cpu, ${o.get(0)}, ${o.get(1)}, ${o.size})`), { lock: true, writes: CF });
plain(0x1bc, -1, "BSF", "Gv,Ev", (o) => `{ const v = ${o.get(1)}; if (bits.scanSource(cpu, v, ${o.size})) ${o.set(0, `bits.bsf(v)`)} }`, { writes: ZF });
plain(0x1bd, -1, "BSR", "Gv,Ev", (o) => `{ const v = ${o.get(1)}; if (bits.scanSource(cpu, v, ${o.size})) ${o.set(0, `bits.bsr(v, ${o.size})`)} }`, { writes: ZF });
for (let r = 0; r < 8; r++) plain(0x1c8 + r, -1, "BSWAP", "Zd", (o) => o.set(0, `bits.bswap(${o.get(0)})`));

// ---------------------------------------------------------------------------
// Data movement
// ---------------------------------------------------------------------------

const move: Body = (o) => o.set(0, o.get(1));
plain(0x88, -1, "MOV", "Eb,Gb", move);
plain(0x89, -1, "MOV", "Ev,Gv", move);
plain(0x8a, -1, "MOV", "Gb,Eb", move);
plain(0x8b, -1, "MOV", "Gv,Ev", move);
plain(0xa0, -1, "MOV", "AL,Ob", move);
plain(0xa1, -1, "MOV", "eAX,Ov", move);
plain(0xa2, -1, "MOV", "Ob,AL", move);
plain(0xa3, -1, "MOV", "Ov,eAX", move);
for (let r = 0; r < 8; r++) {
  plain(0xb0 + r, -1, "MOV", "Zb,Ib", move);
  plain(0xb8 + r, -1, "MOV", "Zv,Iv", move);
}
plain(0xc6, 0, "MOV", "Eb,Ib", move);
plain(0xc7, 0, "MOV", "Ev,Iz", move);
plain(0x1b6, -1, "MOVZX", "Gv,Eb", move);
plain(0x1b7, -1, "MOVZX", "Gv,Ew", move);
plain(0x1be, -1, "MOVSX", "Gv,Eb", (o) => o.set(0, `((${o.get(1)} << 24) >> 24)`));
plain(0x1bf, -1, "MOVSX", "Gv,Ew", (o) => o.set(0, `((${o.get(1)} << 16) >> 16)`));
plain(0x8d, -1, "LEA", "Gv,M", (o) => o.set(0, o.get(1)));
for (let cc = 0; cc < 16; cc++) {
  const reads = { reads: conditionFlags(cc) };
  plain(0x140 + cc, -1, "CMOV", "Gv,Ev", (o) => `{ const v = ${o.get(1)}; if (cpu.condition(${o.cc})) ${o.set(0, "v")} }`, reads);
  // SETcc ignores ModRM.reg on a P6.
  for (let g = 0; g < 8; g++) plain(0x190 + cc, g, "SET", "Eb", (o) => o.set(0, `cpu.condition(${o.cc}) ? 1 : 0`), reads);
}
rmw(0x86, -1, "XCHG", "Eb,Gb", (o) => `{ const t = ${o.get(0)}; ${o.set(0, o.get(1))} ${o.set(1, "t")} }`, { lock: true });
rmw(0x87, -1, "XCHG", "Ev,Gv", (o) => `{ const t = ${o.get(0)}; ${o.set(0, o.get(1))} ${o.set(1, "t")} }`, { lock: true });
for (let r = 1; r < 8; r++) plain(0x90 + r, -1, "XCHG", "Zv,eAX", (o) => `{ const t = ${o.get(0)}; ${o.set(0, o.get(1))} ${o.set(1, "t")} }`);
plain(0x90, -1, "NOP", "", () => "");
rmw(0x1c0, -1, "XADD", "Eb,Gb", (o) => `{ const d = ${o.get(0)}; const s = ${o.get(1)}; ${o.set(1, "d")} ${o.set(0, `alu.add(cpu, d, s, ${o.size})`)} }`, { lock: true, writes: ALL_FLAGS });
rmw(0x1c1, -1, "XADD", "Ev,Gv", (o) => `{ const d = ${o.get(0)}; const s = ${o.get(1)}; ${o.set(1, "d")} ${o.set(0, `alu.add(cpu, d, s, ${o.size})`)} }`, { lock: true, writes: ALL_FLAGS });
custom(0x1b0, -1, "CMPXCHG", "Eb,Gb", "misc.cmpxchg", { lock: true });
custom(0x1b1, -1, "CMPXCHG", "Ev,Gv", "misc.cmpxchg", { lock: true });
custom(0x1c7, 1, "CMPXCHG8B", "Mq", "misc.cmpxchg8b", { lock: true });
plain(0x98, -1, "CBW", "", (o) => (o.bits === 16 ? "cpu.r16[0] = (cpu.r8[0] << 24) >> 24;" : "cpu.r32[0] = (cpu.r16[0] << 16) >> 16;"));
plain(0x99, -1, "CWD", "", (o) => (o.bits === 16 ? "cpu.r16[4] = (cpu.r16[0] & 0x8000) !== 0 ? 0xffff : 0;" : "cpu.r32[2] = cpu.r32[0] >> 31;"));
custom(0xd7, -1, "XLAT", "", "misc.xlat");
custom(0x9e, -1, "SAHF", "", "misc.sahf");
custom(0x9f, -1, "LAHF", "", "misc.lahf");
custom(0xd6, -1, "SALC", "", "misc.salc");

// Segment registers
custom(0x8c, -1, "MOV", "Ew,Sw", "segments.movFromSegment");
custom(0x8e, -1, "MOV", "Sw,Ew", "segments.movToSegment", { ends: true });
custom(0x06, -1, "PUSH", "ES", "segments.pushSegment");
custom(0x0e, -1, "PUSH", "CS", "segments.pushSegment");
custom(0x16, -1, "PUSH", "SS", "segments.pushSegment");
custom(0x1e, -1, "PUSH", "DS", "segments.pushSegment");
custom(0x1a0, -1, "PUSH", "FS", "segments.pushSegment");
custom(0x1a8, -1, "PUSH", "GS", "segments.pushSegment");
custom(0x07, -1, "POP", "ES", "segments.popSegment", { ends: true });
custom(0x17, -1, "POP", "SS", "segments.popSegment", { ends: true });
custom(0x1f, -1, "POP", "DS", "segments.popSegment", { ends: true });
custom(0x1a1, -1, "POP", "FS", "segments.popSegment", { ends: true });
custom(0x1a9, -1, "POP", "GS", "segments.popSegment", { ends: true });
custom(0xc4, -1, "LES", "Gv,Mp", "segments.loadFarPointer", { ends: true });
custom(0xc5, -1, "LDS", "Gv,Mp", "segments.loadFarPointer", { ends: true });
custom(0x1b2, -1, "LSS", "Gv,Mp", "segments.loadFarPointer", { ends: true });
custom(0x1b4, -1, "LFS", "Gv,Mp", "segments.loadFarPointer", { ends: true });
custom(0x1b5, -1, "LGS", "Gv,Mp", "segments.loadFarPointer", { ends: true });

// ---------------------------------------------------------------------------
// Stack
// ---------------------------------------------------------------------------

for (let r = 0; r < 8; r++) {
  plain(0x50 + r, -1, "PUSH", "Zv", (o) => `cpu.push${o.bits}(${o.get(0)});`);
  plain(0x58 + r, -1, "POP", "Zv", (o) => o.set(0, `cpu.pop${o.bits}()`));
}
plain(0x68, -1, "PUSH", "Iz", (o) => `cpu.push${o.bits}(${o.get(0)});`);
plain(0x6a, -1, "PUSH", "Ibs", (o) => `cpu.push${o.bits}(${o.get(0)});`);
plain(0xff, 6, "PUSH", "Ev", (o) => `cpu.push${o.bits}(${o.get(0)});`);
custom(0x8f, 0, "POP", "Ev", "stack.popToOperand");
custom(0x60, -1, "PUSHA", "", "stack.pusha");
custom(0x61, -1, "POPA", "", "stack.popa");
custom(0x9c, -1, "PUSHF", "", "stack.pushf");
custom(0x9d, -1, "POPF", "", "stack.popf", { ends: true });
custom(0xc8, -1, "ENTER", "Iw,Ib", "stack.enter");
custom(0xc9, -1, "LEAVE", "", "stack.leave");

// ---------------------------------------------------------------------------
// Control transfer
// ---------------------------------------------------------------------------

const ends = { ends: true };
const relTarget = (o: TemplateContext) => (o.bits === 16 ? `(cpu.nextEip + i.immediate) & 0xffff` : `(cpu.nextEip + i.immediate) | 0`);
for (let cc = 0; cc < 16; cc++) {
  const branchOptions = { ends: true, reads: conditionFlags(cc) };
  plain(0x70 + cc, -1, "J", "Jb", (o) => `if (cpu.condition(${o.cc})) cpu.nextEip = ${relTarget(o)};`, branchOptions);
  plain(0x180 + cc, -1, "J", "Jz", (o) => `if (cpu.condition(${o.cc})) cpu.nextEip = ${relTarget(o)};`, branchOptions);
}
plain(0xeb, -1, "JMP", "Jb", (o) => `cpu.nextEip = ${relTarget(o)};`, ends);
plain(0xe9, -1, "JMP", "Jz", (o) => `cpu.nextEip = ${relTarget(o)};`, ends);
plain(0xe8, -1, "CALL", "Jz", (o) => `{ const target = ${relTarget(o)}; cpu.push${o.bits}(cpu.nextEip); cpu.nextEip = target; }`, ends);
plain(0xff, 2, "CALL", "Ev", (o) => `{ const target = ${o.get(0)}; cpu.push${o.bits}(cpu.nextEip); cpu.nextEip = target; }`, ends);
plain(0xff, 4, "JMP", "Ev", (o) => `cpu.nextEip = ${o.get(0)};`, ends);
plain(0xc3, -1, "RET", "", (o) => `cpu.nextEip = cpu.pop${o.bits}();`, ends);
plain(0xc2, -1, "RET", "Iw", (o) => `{ const target = cpu.pop${o.operandBits}(); cpu.adjustStack(i.immediate); cpu.nextEip = target; }`, { ends: true, sized: true });
custom(0xe0, -1, "LOOPNE", "Jb", "control.loopne", ends);
custom(0xe1, -1, "LOOPE", "Jb", "control.loope", ends);
custom(0xe2, -1, "LOOP", "Jb", "control.loop", ends);
custom(0xe3, -1, "JECXZ", "Jb", "control.jecxz", ends);
custom(0x9a, -1, "CALLF", "Ap", "control.callFarImmediate", ends);
custom(0xea, -1, "JMPF", "Ap", "control.jumpFarImmediate", ends);
custom(0xff, 3, "CALLF", "Mp", "control.callFarIndirect", ends);
custom(0xff, 5, "JMPF", "Mp", "control.jumpFarIndirect", ends);
custom(0xca, -1, "RETF", "Iw", "control.returnFar", ends);
custom(0xcb, -1, "RETF", "", "control.returnFar", ends);
custom(0xcc, -1, "INT3", "", "control.int3", ends);
custom(0xcd, -1, "INT", "Ib", "control.intImmediate", ends);
custom(0xce, -1, "INTO", "", "control.into", ends);
custom(0xf1, -1, "INT1", "", "control.int1", ends);
custom(0xcf, -1, "IRET", "", "control.iret", ends);
custom(0x62, -1, "BOUND", "Gv,Ma", "control.bound");

// ---------------------------------------------------------------------------
// Flags
// ---------------------------------------------------------------------------

custom(0xf5, -1, "CMC", "", "flags.cmc");
custom(0xf8, -1, "CLC", "", "flags.clc");
custom(0xf9, -1, "STC", "", "flags.stc");
custom(0xfa, -1, "CLI", "", "flags.cli", ends);
custom(0xfb, -1, "STI", "", "flags.sti", ends);
custom(0xfc, -1, "CLD", "", "flags.cld");
custom(0xfd, -1, "STD", "", "flags.std");

// ---------------------------------------------------------------------------
// Strings (every prefix combination is handled inside)
// ---------------------------------------------------------------------------

custom(0xa4, -1, "MOVS", "Yb,Xb", "strings.movs8");
custom(0xa5, -1, "MOVS", "Yv,Xv", "strings.movs");
custom(0xa6, -1, "CMPS", "Xb,Yb", "strings.cmps8");
custom(0xa7, -1, "CMPS", "Xv,Yv", "strings.cmps");
custom(0xaa, -1, "STOS", "Yb,AL", "strings.stos8");
custom(0xab, -1, "STOS", "Yv,eAX", "strings.stos");
custom(0xac, -1, "LODS", "AL,Xb", "strings.lods8");
custom(0xad, -1, "LODS", "eAX,Xv", "strings.lods");
custom(0xae, -1, "SCAS", "AL,Yb", "strings.scas8");
custom(0xaf, -1, "SCAS", "eAX,Yv", "strings.scas");
custom(0x6c, -1, "INS", "Yb,DX", "strings.ins8");
custom(0x6d, -1, "INS", "Yv,DX", "strings.ins");
custom(0x6e, -1, "OUTS", "DX,Xb", "strings.outs8");
custom(0x6f, -1, "OUTS", "DX,Xv", "strings.outs");

// ---------------------------------------------------------------------------
// BCD
// ---------------------------------------------------------------------------

custom(0x27, -1, "DAA", "", "bcd.daa");
custom(0x2f, -1, "DAS", "", "bcd.das");
custom(0x37, -1, "AAA", "", "bcd.aaa");
custom(0x3f, -1, "AAS", "", "bcd.aas");
custom(0xd4, -1, "AAM", "Ib", "bcd.aam");
custom(0xd5, -1, "AAD", "Ib", "bcd.aad");

// ---------------------------------------------------------------------------
// Port I/O
// ---------------------------------------------------------------------------

custom(0xe4, -1, "IN", "AL,Ib", "io.inImmediate8");
custom(0xe5, -1, "IN", "eAX,Ib", "io.inImmediate");
custom(0xe6, -1, "OUT", "Ib,AL", "io.outImmediate8", ends);
custom(0xe7, -1, "OUT", "Ib,eAX", "io.outImmediate", ends);
custom(0xec, -1, "IN", "AL,DX", "io.inDx8");
custom(0xed, -1, "IN", "eAX,DX", "io.inDx");
custom(0xee, -1, "OUT", "DX,AL", "io.outDx8", ends);
custom(0xef, -1, "OUT", "DX,eAX", "io.outDx", ends);

// ---------------------------------------------------------------------------
// System
// ---------------------------------------------------------------------------

custom(0xf4, -1, "HLT", "", "system.hlt", ends);
custom(0x9b, -1, "FWAIT", "", "system.fwait");
custom(0x100, 0, "SLDT", "Ew", "system.sldt");
custom(0x100, 1, "STR", "Ew", "system.str");
custom(0x100, 2, "LLDT", "Ew", "system.lldt", ends);
custom(0x100, 3, "LTR", "Ew", "system.ltr", ends);
custom(0x100, 4, "VERR", "Ew", "system.verr");
custom(0x100, 5, "VERW", "Ew", "system.verw");
custom(0x101, 0, "SGDT", "Ms", "system.sgdt");
custom(0x101, 1, "SIDT", "Ms", "system.sidt");
custom(0x101, 2, "LGDT", "Ms", "system.lgdt", ends);
custom(0x101, 3, "LIDT", "Ms", "system.lidt", ends);
custom(0x101, 4, "SMSW", "Ew", "system.smsw");
custom(0x101, 6, "LMSW", "Ew", "system.lmsw", ends);
custom(0x101, 7, "INVLPG", "M", "system.invlpg", ends);
custom(0x102, -1, "LAR", "Gv,Ew", "system.lar");
custom(0x103, -1, "LSL", "Gv,Ew", "system.lsl");
custom(0x106, -1, "CLTS", "", "system.clts");
custom(0x108, -1, "INVD", "", "system.invd");
custom(0x109, -1, "WBINVD", "", "system.invd");
custom(0x10b, -1, "UD2", "", "system.ud");
custom(0x120, -1, "MOV", "Rd,Cd", "system.movFromCr");
custom(0x121, -1, "MOV", "Rd,Dd", "system.movFromDr");
custom(0x122, -1, "MOV", "Cd,Rd", "system.movToCr", ends);
custom(0x123, -1, "MOV", "Dd,Rd", "system.movToDr", ends);
custom(0x130, -1, "WRMSR", "", "system.wrmsr", ends);
custom(0x131, -1, "RDTSC", "", "system.rdtsc");
custom(0x132, -1, "RDMSR", "", "system.rdmsr");
custom(0x133, -1, "RDPMC", "", "system.rdpmc");
custom(0x134, -1, "SYSENTER", "", "system.sysenter", ends);
custom(0x135, -1, "SYSEXIT", "", "system.sysexit", ends);
custom(0x1a2, -1, "CPUID", "", "system.cpuid");
custom(0x1aa, -1, "RSM", "", "system.ud");
// Hint NOPs (0F 19-1F /r) exist on every P6; 0F 1F /0 is the long NOP.
for (let op = 0x119; op <= 0x11f; op++) plain(op, -1, "NOP", "Ev", () => "");

// ---------------------------------------------------------------------------
// x87 escape opcodes: the FPU decodes ModRM itself.
// ---------------------------------------------------------------------------

for (let op = 0xd8; op <= 0xdf; op++) custom(op, -1, "ESC", "Fx", "system.fpuEscape");

export const OPCODE_FORMS: readonly OpcodeForm[] = Object.freeze(forms);
