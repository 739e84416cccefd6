/**
 * The 80-bit double extended-precision format and its classes (Intel SDM
 * vol. 1, 4.2.2 and 8.2.2): a sign, a 15-bit biased exponent and a 64-bit
 * significand with an explicit integer bit J.
 *
 *   exponent 0,      J = 0, fraction 0   zero
 *   exponent 0,      J = 0, fraction != 0 denormal
 *   exponent 0,      J = 1               pseudo-denormal (an operand the P6 accepts, as a denormal)
 *   exponent 1..7FFE J = 1               normal
 *   exponent 1..7FFE J = 0               unnormal (invalid operand on the P6)
 *   exponent 7FFF    J = 1, fraction 0   infinity; fraction != 0: NaN, bit 62 set = quiet
 *   exponent 7FFF    J = 0               pseudo-infinity / pseudo-NaN (invalid operand)
 *
 * Values move through the FPU as `Ext` records: plain numbers, the
 * significand as two unsigned 32-bit halves. Exponents of intermediate
 * results are unbounded JavaScript integers; only packing confines them.
 */

/** FSW bits. */
export const SW_IE = 0x0001;
export const SW_DE = 0x0002;
export const SW_ZE = 0x0004;
export const SW_OE = 0x0008;
export const SW_UE = 0x0010;
export const SW_PE = 0x0020;
export const SW_SF = 0x0040;
export const SW_ES = 0x0080;
export const SW_C0 = 0x0100;
export const SW_C1 = 0x0200;
export const SW_C2 = 0x0400;
export const SW_C3 = 0x4000;
export const SW_B = 0x8000;
/** The six exception flags (also the six mask bits of FCW). */
export const EXCEPTIONS = 0x3f;

/** FCW rounding control (bits 10-11). */
export const RC_NEAREST = 0;
export const RC_DOWN = 1;
export const RC_UP = 2;
export const RC_CHOP = 3;

/** Exponent bias and limits of the three binary formats. */
export const EXT_BIAS = 16383;
export const EXT_MAX_EXP = 0x7fff;
export const DOUBLE_BIAS = 1023;
export const SINGLE_BIAS = 127;
/** What an unmasked overflow subtracts from (and an unmasked underflow adds to) the exponent. */
export const WRAP_BIAS = 0x6000;

/** Operand classes. */
export const Cls = {
  Zero: 0,
  Normal: 1,
  Denormal: 2,
  Infinity: 3,
  QNaN: 4,
  SNaN: 5,
  Unsupported: 6,
} as const;

/** Tag values (FTW, two bits per physical register). */
export const TAG_VALID = 0;
export const TAG_ZERO = 1;
export const TAG_SPECIAL = 2;
export const TAG_EMPTY = 3;

/** An unpacked 80-bit value. `hi`/`lo` are unsigned 32-bit numbers. */
export class Ext {
  sign = 0;
  exp = 0;
  hi = 0;
  lo = 0;

  set(sign: number, exp: number, hi: number, lo: number): this {
    this.sign = sign;
    this.exp = exp;
    this.hi = hi >>> 0;
    this.lo = lo >>> 0;
    return this;
  }

  copy(from: Ext): this {
    this.sign = from.sign;
    this.exp = from.exp;
    this.hi = from.hi;
    this.lo = from.lo;
    return this;
  }
}

export function classify(e: Ext): number {
  const exp = e.exp;
  const hi = e.hi;
  if (exp === 0) {
    if ((hi | e.lo) === 0) return Cls.Zero;
    return Cls.Denormal; // includes pseudo-denormals (J = 1)
  }
  if ((hi & 0x80000000) === 0) return Cls.Unsupported; // unnormal, pseudo-infinity, pseudo-NaN
  if (exp === EXT_MAX_EXP) {
    if ((hi & 0x7fffffff) === 0 && e.lo === 0) return Cls.Infinity;
    return (hi & 0x40000000) !== 0 ? Cls.QNaN : Cls.SNaN;
  }
  return Cls.Normal;
}

/** The tag the hardware computes for a non-empty register. */
export function tagOf(exp: number, hi: number, lo: number): number {
  if (exp === 0) return (hi | lo) === 0 ? TAG_ZERO : TAG_SPECIAL;
  if (exp === EXT_MAX_EXP || (hi & 0x80000000) === 0) return TAG_SPECIAL;
  return TAG_VALID;
}

/** The real indefinite: the QNaN an invalid operation returns when masked. */
export function setIndefinite(e: Ext): Ext {
  return e.set(1, EXT_MAX_EXP, 0xc0000000, 0);
}

export function setInfinity(e: Ext, sign: number): Ext {
  return e.set(sign, EXT_MAX_EXP, 0x80000000, 0);
}

export function setZero(e: Ext, sign: number): Ext {
  return e.set(sign, 0, 0, 0);
}

/** Makes a NaN quiet (sets significand bit 62). */
export function quiet(e: Ext): Ext {
  e.hi = (e.hi | 0x40000000) >>> 0;
  return e;
}

/**
 * Two-operand NaN rule of the x87 (SDM vol. 1, table 4-7): an SNaN becomes
 * quiet; of two NaNs of the same kind the one with the larger significand
 * wins, a QNaN wins over an SNaN. Returns true when an SNaN was involved
 * (the caller raises IE).
 */
export function propagateNaN(a: Ext, clsA: number, b: Ext, clsB: number, into: Ext): boolean {
  const aNaN = clsA === Cls.QNaN || clsA === Cls.SNaN;
  const bNaN = clsB === Cls.QNaN || clsB === Cls.SNaN;
  const signaling = clsA === Cls.SNaN || clsB === Cls.SNaN;
  if (aNaN && bNaN) {
    if (clsA !== clsB) {
      into.copy(clsA === Cls.QNaN ? a : b);
    } else {
      // Same kind: the larger significand; equal significands: the one with the positive sign.
      const ah = a.hi & 0x3fffffff;
      const bh = b.hi & 0x3fffffff;
      let pickA: boolean;
      if (ah !== bh) pickA = ah > bh;
      else if (a.lo !== b.lo) pickA = a.lo > b.lo;
      else pickA = a.sign <= b.sign;
      into.copy(pickA ? a : b);
    }
  } else {
    into.copy(aNaN ? a : b);
  }
  quiet(into);
  return signaling;
}
