/**
 * The x87 FPU of a P6: eight 80-bit registers used as a stack, the control,
 * status and tag words, the last-instruction pointers, and the D8-DF
 * instruction set. The CPU decodes the ModRM byte and the effective address
 * and hands both here; everything else (which instruction, which operands,
 * exceptions and their masked responses) is decided in this module.
 *
 * Register contents are stored by physical register; ST(i) is physical
 * register (TOP + i) & 7. Tags are kept only as "empty or not": the other
 * tag values are computed from the contents when FSTENV/FSAVE store them.
 *
 * State changes follow one discipline: every memory operand is read, and
 * every multi-part store probed, before any FPU state changes, so that a
 * fault thrown by the memory accessors leaves the FPU as it was.
 *
 * The directory:
 *   x87.ts                 state, stack and exception bookkeeping, snapshots
 *   decode.ts              the D8-DF opcode maps
 *   ops-arith.ts           FADD..FDIVR in all forms, FCOM/FUCOM/FICOM
 *   ops-data.ts            loads, stores, constants, FXCH, FCMOVcc, FXAM, FCOMI
 *   ops-special.ts         FSQRT FRNDINT FSCALE FXTRACT FPREM FPREM1
 *   ops-transcendental.ts  FSIN ... FYL2XP1: special operands and exceptions
 *   ops-control.ts         FLDCW FNSTSW FNCLEX FNINIT, FLDENV/FNSTENV/FRSTOR/FNSAVE
 *   float80.ts             the 80-bit format, classes, NaN rules
 *   rounding.ts, core.ts   exact arithmetic on 64-bit significands and rounding
 *   convert.ts             memory formats (single, double, integers, BCD)
 *   wide.ts, transcendental.ts  160-bit arithmetic and the function kernels
 *   memory-host.ts         a standalone FpuHost for tests and tools
 */
import { Packed } from "./convert";
import { FloatCore } from "./core";
import { executeD8, executeD9, executeDA, executeDB, executeDC, executeDD, executeDE, executeDF } from "./decode";
import { EXCEPTIONS, Ext, SW_B, SW_C1, SW_ES, SW_IE, SW_SF, TAG_EMPTY, setIndefinite, tagOf } from "./float80";
import type { FpuHost } from "./fpu-host";
import { Transcendental } from "./transcendental";

/** Where the current instruction came from (for FIP/FCS/FDP/FDS and the image formats). */
export class X87Context {
  cs = 0;
  eip = 0;
  dataSelector = 0;
  dataOffset = 0;
  operandSize32 = true;
  protectedMode = true;
}

/** The architectural state as an FNSAVE image holds it (registers in stack order). */
export interface X87State {
  fcw: number;
  fsw: number;
  /** Full 2-bit tags, physical register order. */
  ftw: number;
  /** ST(0)..ST(7), 10 bytes little-endian each (8 significand bytes, then sign/exponent). */
  st: Uint8Array[];
  fip: number;
  fcs: number;
  fdp: number;
  fds: number;
  fop: number;
}

export class X87 {
  /** Where the current instruction came from; the CPU fills it before execute(). */
  readonly context = new X87Context();

  // ---- architectural state (public for the instruction modules of this directory) ----
  /** Sign (bit 15) and biased exponent per physical register. */
  readonly regSignExp = new Uint16Array(8);
  readonly regHi = new Uint32Array(8);
  readonly regLo = new Uint32Array(8);
  /** 1 = the physical register is empty. */
  readonly regEmpty = new Uint8Array(8);
  fcw = 0x037f;
  /** FSW without the TOP field. */
  sw = 0;
  top = 0;
  fip = 0;
  fcs = 0;
  fdp = 0;
  fds = 0;
  fop = 0;

  // ---- working storage, allocated once ----
  readonly core = new FloatCore();
  readonly trans: Transcendental;
  readonly a = new Ext();
  readonly b = new Ext();
  readonly r = new Ext();
  readonly r2 = new Ext();
  readonly packed = new Packed();
  /** Environment and register words read by FLDENV/FRSTOR before anything changes. */
  readonly image = new Uint32Array(32);

  constructor(readonly host: FpuHost) {
    this.trans = new Transcendental(this.core);
    this.reset();
  }

  /** FNINIT: control word 037F, status and pointers cleared, all registers empty (contents kept). */
  reset(): void {
    this.fcw = 0x037f;
    this.sw = 0;
    this.top = 0;
    this.regEmpty.fill(1);
    this.fip = 0;
    this.fcs = 0;
    this.fdp = 0;
    this.fds = 0;
    this.fop = 0;
  }

  /** FSW.ES: an unmasked exception is pending; the next waiting instruction raises #MF first. */
  get pendingException(): boolean {
    return (this.sw & SW_ES) !== 0;
  }

  /** The no-wait control instructions, which do not check for a pending exception. */
  isNoWait(opcode: number, modrm: number): boolean {
    const reg = (modrm >>> 3) & 7;
    if (modrm < 0xc0) {
      if (opcode === 0xd9) return reg === 6 || reg === 7; // FNSTENV, FNSTCW
      if (opcode === 0xdd) return reg === 6 || reg === 7; // FNSAVE, FNSTSW m16
      return false;
    }
    if (opcode === 0xdb) return modrm === 0xe0 || modrm === 0xe1 || modrm === 0xe2 || modrm === 0xe3 || modrm === 0xe4;
    if (opcode === 0xdf) return modrm === 0xe0; // FNSTSW AX
    return false;
  }

  /**
   * Executes one D8-DF instruction. `address` is the linear address of the
   * memory operand (ignored for register forms). Returns false for a
   * reserved encoding: the CPU raises #UD and nothing has changed.
   */
  execute(opcode: number, modrm: number, address: number): boolean {
    switch (opcode) {
      case 0xd8:
        return executeD8(this, modrm, address);
      case 0xd9:
        return executeD9(this, modrm, address);
      case 0xda:
        return executeDA(this, modrm, address);
      case 0xdb:
        return executeDB(this, modrm, address);
      case 0xdc:
        return executeDC(this, modrm, address);
      case 0xdd:
        return executeDD(this, modrm, address);
      case 0xde:
        return executeDE(this, modrm, address);
      case 0xdf:
        return executeDF(this, modrm, address);
      default:
        return false;
    }
  }

  // ----------------------------------------------------------------------
  // Helpers for the instruction modules
  // ----------------------------------------------------------------------

  /** Records the last non-control instruction (FIP/FCS/FOP, and FDP/FDS for memory forms). */
  noteInstruction(opcode: number, modrm: number): void {
    const context = this.context;
    this.fip = context.eip;
    this.fcs = context.cs & 0xffff;
    this.fop = ((opcode & 7) << 8) | modrm;
    if (modrm < 0xc0) {
      this.fdp = context.dataOffset;
      this.fds = context.dataSelector & 0xffff;
    }
  }

  /** FSW as software reads it. */
  get fsw(): number {
    return (this.sw & ~0x3800) | ((this.top & 7) << 11);
  }

  set fsw(value: number) {
    this.sw = value & 0xc7ff;
    this.top = (value >>> 11) & 7;
  }

  physical(i: number): number {
    return (this.top + i) & 7;
  }

  isEmpty(i: number): boolean {
    return this.regEmpty[(this.top + i) & 7] !== 0;
  }

  read(i: number, into: Ext): Ext {
    const p = (this.top + i) & 7;
    const se = this.regSignExp[p];
    into.sign = se >>> 15;
    into.exp = se & 0x7fff;
    into.hi = this.regHi[p];
    into.lo = this.regLo[p];
    return into;
  }

  write(i: number, from: Ext): void {
    const p = (this.top + i) & 7;
    this.regSignExp[p] = ((from.sign & 1) << 15) | (from.exp & 0x7fff);
    this.regHi[p] = from.hi;
    this.regLo[p] = from.lo;
    this.regEmpty[p] = 0;
  }

  push(from: Ext): void {
    this.top = (this.top - 1) & 7;
    this.write(0, from);
  }

  pop(): void {
    this.regEmpty[this.top & 7] = 1;
    this.top = (this.top + 1) & 7;
  }

  setC1(on: boolean): void {
    this.sw = on ? this.sw | SW_C1 : this.sw & ~SW_C1;
  }

  /** Sets condition codes C0..C3 from a mask of SW_C0|SW_C1|SW_C2|SW_C3 bits. */
  setConditionCodes(bits: number): void {
    this.sw = (this.sw & ~0x4700) | bits;
  }

  /** Raises exception flags; an unmasked one sets ES and B. */
  raise(flags: number): void {
    const ex = flags & (EXCEPTIONS | SW_SF);
    this.sw |= ex;
    if ((ex & ~this.fcw & EXCEPTIONS) !== 0) this.sw |= SW_ES | SW_B;
  }

  /** True when the exceptions in `flags` include an unmasked one. */
  unmasked(flags: number): boolean {
    return (flags & ~this.fcw & EXCEPTIONS) !== 0;
  }

  get ieMasked(): boolean {
    return (this.fcw & SW_IE) !== 0;
  }

  /**
   * Stack underflow (an empty source): IE and SF with C1 = 0. Masked, the
   * real indefinite goes to ST(dst) (dst < 0: no register result) and the
   * stack pops when the instruction pops. Returns true when masked.
   */
  stackUnderflow(dst: number, pops: number): boolean {
    this.raise(SW_IE | SW_SF);
    this.setC1(false);
    if (!this.ieMasked) return false;
    if (dst >= 0) this.write(dst, setIndefinite(this.r));
    for (let n = 0; n < pops; n++) this.pop();
    return true;
  }

  /** Stack overflow (a push onto a full ST(7)): IE and SF with C1 = 1; masked, pushes the indefinite. */
  stackOverflow(): void {
    this.raise(SW_IE | SW_SF);
    this.setC1(true);
    if (this.ieMasked) this.push(setIndefinite(this.r));
  }

  /** Full tag word in physical order, computed from contents. */
  tagWord(): number {
    let ftw = 0;
    for (let p = 0; p < 8; p++) {
      const tag = this.regEmpty[p] !== 0 ? TAG_EMPTY : tagOf(this.regSignExp[p] & 0x7fff, this.regHi[p], this.regLo[p]);
      ftw |= tag << (2 * p);
    }
    return ftw;
  }

  /** Marks registers empty or not from a tag word (as FLDENV/FRSTOR do: only "empty" is kept). */
  loadTagWord(ftw: number): void {
    for (let p = 0; p < 8; p++) this.regEmpty[p] = ((ftw >>> (2 * p)) & 3) === TAG_EMPTY ? 1 : 0;
  }

  /** Loads FCW as FLDCW does: bits 13-15 read as 0, bit 6 as 1; ES/B follow the pending unmasked flags. */
  loadControlWord(value: number): void {
    this.fcw = (value & 0x1f3f) | 0x40;
    this.updateSummary();
  }

  /** ES and B from the exception flags and masks. */
  updateSummary(): void {
    if ((this.sw & ~this.fcw & EXCEPTIONS) !== 0) this.sw |= SW_ES | SW_B;
    else this.sw &= ~(SW_ES | SW_B);
  }

  // ----------------------------------------------------------------------
  // State for snapshots and tests
  // ----------------------------------------------------------------------

  getState(): X87State {
    const st: Uint8Array[] = [];
    for (let i = 0; i < 8; i++) {
      const p = (this.top + i) & 7;
      const bytes = new Uint8Array(10);
      const lo = this.regLo[p];
      const hi = this.regHi[p];
      const se = this.regSignExp[p];
      for (let k = 0; k < 4; k++) {
        bytes[k] = (lo >>> (8 * k)) & 0xff;
        bytes[4 + k] = (hi >>> (8 * k)) & 0xff;
      }
      bytes[8] = se & 0xff;
      bytes[9] = se >>> 8;
      st.push(bytes);
    }
    return {
      fcw: this.fcw,
      fsw: this.fsw,
      ftw: this.tagWord(),
      st,
      fip: this.fip,
      fcs: this.fcs,
      fdp: this.fdp,
      fds: this.fds,
      fop: this.fop,
    };
  }

  /** Loads a state as FRSTOR loads an FNSAVE image. */
  setState(state: X87State): void {
    this.fcw = (state.fcw & 0x1f3f) | 0x40;
    this.fsw = state.fsw & 0xffff;
    this.loadTagWord(state.ftw);
    for (let i = 0; i < 8; i++) {
      const p = (this.top + i) & 7;
      const bytes = state.st[i];
      this.regLo[p] = (bytes[0] | (bytes[1] << 8) | (bytes[2] << 16) | (bytes[3] << 24)) >>> 0;
      this.regHi[p] = (bytes[4] | (bytes[5] << 8) | (bytes[6] << 16) | (bytes[7] << 24)) >>> 0;
      this.regSignExp[p] = bytes[8] | (bytes[9] << 8);
    }
    this.fip = state.fip >>> 0;
    this.fcs = state.fcs & 0xffff;
    this.fdp = state.fdp >>> 0;
    this.fds = state.fds & 0xffff;
    this.fop = state.fop & 0x7ff;
  }
}
