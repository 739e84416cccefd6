/**
 * Lazy arithmetic flags.
 *
 * An ALU instruction only records its operands, result and size; CF, PF, AF,
 * ZF, SF and OF are computed when something reads them (a Jcc, PUSHF, an
 * interrupt). `lazyMask` says which of the six flags must be computed from
 * the record; the others are in `storedFlags`, which also holds every
 * non-arithmetic EFLAGS bit.
 */
import { ARITH_FLAGS, Flag } from "./eflags";

/** Operand size index used throughout the CPU: 0 = byte, 1 = word, 2 = dword. */
export const Size = { Byte: 0, Word: 1, Dword: 2 } as const;
export type SizeIndex = 0 | 1 | 2;

export const SIZE_MASK: readonly number[] = [0xff, 0xffff, -1];
export const SIZE_SIGN: readonly number[] = [0x80, 0x8000, 0x80000000 | 0];
export const SIZE_BITS: readonly number[] = [8, 16, 32];
export const SIZE_BYTES: readonly number[] = [1, 2, 4];

/** What the last flag-setting operation was. */
export const LazyOp = {
  ADD: 0,
  /** ADC with carry-in 1. */
  ADC1: 1,
  SUB: 2,
  /** SBB with borrow-in 1. */
  SBB1: 3,
  /** AND/OR/XOR/TEST: CF = OF = AF = 0. */
  LOGIC: 4,
  /** INC: CF untouched (stored). */
  INC: 5,
  DEC: 6,
  /** Only SF, ZF and PF come from the result; CF, AF, OF were stored explicitly. */
  RESULT: 7,
} as const;

/** PF for each byte value: 1 when the number of set bits is even. */
export const PARITY_TABLE: Uint8Array = (() => {
  const table = new Uint8Array(256);
  for (let i = 0; i < 256; i++) {
    let bits = 0;
    for (let b = i; b !== 0; b >>= 1) bits += b & 1;
    table[i] = bits % 2 === 0 ? 1 : 0;
  }
  return table;
})();

const SZP = Flag.SF | Flag.ZF | Flag.PF;

export class LazyFlags {
  /** EFLAGS; the arithmetic bits in `lazyMask` are stale here. */
  storedFlags = Flag.FIXED1;
  lazyMask = 0;
  lazyOp = 0;
  lazySize: SizeIndex = 2;
  lazyA = 0;
  lazyB = 0;
  lazyResult = 0;

  // ---- recording (called by the ALU helpers) ----

  /** ADD/ADC/SUB/SBB/CMP/NEG: all six flags from the record. */
  recordArith(op: number, a: number, b: number, result: number, size: SizeIndex): void {
    this.lazyOp = op;
    this.lazyA = a;
    this.lazyB = b;
    this.lazyResult = result;
    this.lazySize = size;
    this.lazyMask = ARITH_FLAGS;
  }

  recordLogic(result: number, size: SizeIndex): void {
    this.lazyOp = LazyOp.LOGIC;
    this.lazyResult = result;
    this.lazySize = size;
    this.lazyMask = ARITH_FLAGS;
  }

  /** INC/DEC leave CF alone: it is materialised first. */
  recordIncDec(op: number, a: number, result: number, size: SizeIndex): void {
    if ((this.lazyMask & Flag.CF) !== 0) this.storedFlags = (this.storedFlags & ~Flag.CF) | this.computeCF();
    this.lazyOp = op;
    this.lazyA = a;
    this.lazyResult = result;
    this.lazySize = size;
    this.lazyMask = ARITH_FLAGS & ~Flag.CF;
  }

  /** SF/ZF/PF from `result`; CF, AF and OF given explicitly (as 0/flag-bit values). */
  recordResult(result: number, size: SizeIndex, cf: number, af: number, of: number): void {
    this.storedFlags = (this.storedFlags & ~(Flag.CF | Flag.AF | Flag.OF)) | cf | af | of;
    this.lazyOp = LazyOp.RESULT;
    this.lazyResult = result;
    this.lazySize = size;
    this.lazyMask = SZP;
  }

  // ---- reading ----

  getCF(): number {
    return (this.lazyMask & Flag.CF) !== 0 ? this.computeCF() : this.storedFlags & Flag.CF;
  }

  getZF(): number {
    if ((this.lazyMask & Flag.ZF) === 0) return this.storedFlags & Flag.ZF;
    return (this.lazyResult & SIZE_MASK[this.lazySize]) === 0 ? Flag.ZF : 0;
  }

  getSF(): number {
    if ((this.lazyMask & Flag.SF) === 0) return this.storedFlags & Flag.SF;
    return (this.lazyResult & SIZE_SIGN[this.lazySize]) !== 0 ? Flag.SF : 0;
  }

  getPF(): number {
    if ((this.lazyMask & Flag.PF) === 0) return this.storedFlags & Flag.PF;
    return PARITY_TABLE[this.lazyResult & 0xff] !== 0 ? Flag.PF : 0;
  }

  getOF(): number {
    return (this.lazyMask & Flag.OF) !== 0 ? this.computeOF() : this.storedFlags & Flag.OF;
  }

  getAF(): number {
    return (this.lazyMask & Flag.AF) !== 0 ? this.computeAF() : this.storedFlags & Flag.AF;
  }

  /** The full EFLAGS value (arithmetic flags computed). */
  getEflags(): number {
    if (this.lazyMask !== 0) this.materializeFlags();
    return this.storedFlags;
  }

  /** Computes every lazy flag into `storedFlags`. */
  materializeFlags(): void {
    const mask = this.lazyMask;
    if (mask === 0) return;
    let value = 0;
    if (mask & Flag.CF) value |= this.computeCF();
    if (mask & Flag.PF) value |= this.getPF();
    if (mask & Flag.AF) value |= this.computeAF();
    if (mask & Flag.ZF) value |= this.getZF();
    if (mask & Flag.SF) value |= this.getSF();
    if (mask & Flag.OF) value |= this.computeOF();
    this.storedFlags = (this.storedFlags & ~mask) | value;
    this.lazyMask = 0;
  }

  /** Replaces the arithmetic flags in `which` (all by default: POPF, SAHF, IRET) with explicit values. */
  setArithFlags(value: number, which: number = ARITH_FLAGS): void {
    // The flags not replaced stay lazy: the record they come from is unchanged.
    this.storedFlags = (this.storedFlags & ~which) | (value & which);
    this.lazyMask &= ~which;
  }

  setCF(on: boolean): void {
    if ((this.lazyMask & Flag.CF) !== 0) this.materializeFlags();
    this.storedFlags = on ? this.storedFlags | Flag.CF : this.storedFlags & ~Flag.CF;
  }

  /** Evaluates condition code `cc` (the low nibble of Jcc/SETcc/CMOVcc). */
  condition(cc: number): boolean {
    switch (cc >> 1) {
      case 0:
        return (this.getOF() !== 0) !== ((cc & 1) !== 0);
      case 1:
        return (this.getCF() !== 0) !== ((cc & 1) !== 0);
      case 2:
        return (this.getZF() !== 0) !== ((cc & 1) !== 0);
      case 3:
        return (this.getCF() !== 0 || this.getZF() !== 0) !== ((cc & 1) !== 0);
      case 4:
        return (this.getSF() !== 0) !== ((cc & 1) !== 0);
      case 5:
        return (this.getPF() !== 0) !== ((cc & 1) !== 0);
      case 6:
        return (this.getSF() !== 0 !== (this.getOF() !== 0)) !== ((cc & 1) !== 0);
      default:
        return (this.getZF() !== 0 || this.getSF() !== 0 !== (this.getOF() !== 0)) !== ((cc & 1) !== 0);
    }
  }

  private computeCF(): number {
    const mask = SIZE_MASK[this.lazySize];
    const a = (this.lazyA & mask) >>> 0;
    const b = (this.lazyB & mask) >>> 0;
    const r = (this.lazyResult & mask) >>> 0;
    switch (this.lazyOp) {
      case LazyOp.ADD:
        return r < a ? Flag.CF : 0;
      case LazyOp.ADC1:
        return r <= a ? Flag.CF : 0;
      case LazyOp.SUB:
        return a < b ? Flag.CF : 0;
      case LazyOp.SBB1:
        return a <= b ? Flag.CF : 0;
      default:
        return 0;
    }
  }

  private computeOF(): number {
    const sign = SIZE_SIGN[this.lazySize];
    const a = this.lazyA;
    const b = this.lazyB;
    const r = this.lazyResult;
    switch (this.lazyOp) {
      case LazyOp.ADD:
      case LazyOp.ADC1:
        return ((a ^ r) & (b ^ r) & sign) !== 0 ? Flag.OF : 0;
      case LazyOp.SUB:
      case LazyOp.SBB1:
        return ((a ^ b) & (a ^ r) & sign) !== 0 ? Flag.OF : 0;
      case LazyOp.INC:
        return (r & SIZE_MASK[this.lazySize]) === sign ? Flag.OF : 0;
      case LazyOp.DEC:
        return (r & SIZE_MASK[this.lazySize]) === ((sign - 1) & SIZE_MASK[this.lazySize]) ? Flag.OF : 0;
      default:
        return 0;
    }
  }

  private computeAF(): number {
    switch (this.lazyOp) {
      case LazyOp.ADD:
      case LazyOp.ADC1:
      case LazyOp.SUB:
      case LazyOp.SBB1:
        return (this.lazyA ^ this.lazyB ^ this.lazyResult) & Flag.AF;
      case LazyOp.INC:
        return (this.lazyResult & 0xf) === 0 ? Flag.AF : 0;
      case LazyOp.DEC:
        return (this.lazyResult & 0xf) === 0xf ? Flag.AF : 0;
      default:
        return 0;
    }
  }
}
