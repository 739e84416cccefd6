/**
 * Rounding: the result in flight and the one step that packs it to 24, 53
 * or 64 significant bits in the extended, double or single format.
 *
 * A result in flight is `sign`, an unbounded biased exponent `exp` and a
 * 96-bit significand `m0:m1:m2` (m0 most significant; after normalization
 * bit 31 of m0 is the integer bit). Bits shifted out below m2 are "jammed"
 * into bit 0 of m2, which keeps the sticky information that rounding needs.
 *
 * Packing reports FSW exception bits (OE UE PE) plus SW_C1 when the result
 * was rounded up in magnitude. Masked, overflow gives infinity or the
 * largest finite value by the rounding control, underflow a denormal (UE
 * only when tiny after rounding and inexact). Unmasked, with a register as
 * destination, the exponent is wrapped by 0x6000 (down for overflow, up for
 * underflow); a result that even wrapping cannot bring into range (only
 * FSCALE produces one) becomes a signed zero or infinity.
 */
import {
  EXT_BIAS,
  EXT_MAX_EXP,
  type Ext,
  RC_CHOP,
  RC_DOWN,
  RC_NEAREST,
  RC_UP,
  SW_C1,
  SW_OE,
  SW_PE,
  SW_UE,
  WRAP_BIAS,
  setInfinity,
  setZero,
} from "./float80";

/** Underflow: tininess is detected after rounding (as glibc documents for x86, and the corpus confirms). */
const TININESS_AFTER_ROUNDING = true;

export class Rounder {
  /** Control for the current operation: rounding control, FCW exception masks, significand bits. */
  rc = RC_NEAREST;
  masks = 0x3f;
  precision = 64;
  /** Set by callers whose operand was a denormal before conversion (a single or double from memory). */
  sourceDenormal = false;

  // The result in flight.
  sign = 0;
  exp = 0;
  m0 = 0;
  m1 = 0;
  m2 = 0;

  // Normalized operands: exponent (unbounded) and significand with bit 63 set.
  aExp = 0;
  aHi = 0;
  aLo = 0;
  bExp = 0;
  bHi = 0;
  bLo = 0;

  // Integer rounding output (intRound).
  intHi = 0;
  intLo = 0;
  /** 1 inexact, 2 rounded up in magnitude, 4 does not fit in 64 bits. */
  intStatus = 0;

  /** Sets rounding control and masks from FCW; precision back to 64 bits. */
  control(fcw: number): void {
    this.rc = (fcw >>> 10) & 3;
    this.masks = fcw & 0x3f;
    this.precision = 64;
    this.sourceDenormal = false;
  }

  /** Precision control from FCW (for the instructions it applies to). */
  usePrecisionControl(fcw: number): void {
    const pc = (fcw >>> 8) & 3;
    this.precision = pc === 0 ? 24 : pc === 2 ? 53 : 64;
  }

  // ----------------------------------------------------------------------
  // Operand preparation
  // ----------------------------------------------------------------------

  /** Normalizes a finite nonzero operand into aExp/aHi/aLo. */
  normA(e: Ext): void {
    this.normalizeOperand(e);
    this.aExp = this.nExp;
    this.aHi = this.nHi;
    this.aLo = this.nLo;
  }

  /** Normalizes a finite nonzero operand into bExp/bHi/bLo. */
  normB(e: Ext): void {
    this.normalizeOperand(e);
    this.bExp = this.nExp;
    this.bHi = this.nHi;
    this.bLo = this.nLo;
  }

  private nExp = 0;
  private nHi = 0;
  private nLo = 0;

  private normalizeOperand(e: Ext): void {
    let exp = e.exp === 0 ? 1 : e.exp;
    let hi = e.hi;
    let lo = e.lo;
    if (hi === 0) {
      hi = lo;
      lo = 0;
      exp -= 32;
    }
    const s = Math.clz32(hi);
    if (s !== 0) {
      hi = ((hi << s) | (lo >>> (32 - s))) >>> 0;
      lo = (lo << s) >>> 0;
      exp -= s;
    }
    this.nExp = exp;
    this.nHi = hi;
    this.nLo = lo;
  }

  /** Sets m0:m1:m2 = w0:w1:w2 >> n, jamming lost bits into bit 0. */
  shiftRightJam(w0: number, w1: number, w2: number, n: number): void {
    if (n <= 0) {
      this.m0 = w0;
      this.m1 = w1;
      this.m2 = w2;
      return;
    }
    if (n >= 96) {
      this.m0 = 0;
      this.m1 = 0;
      this.m2 = (w0 | w1 | w2) !== 0 ? 1 : 0;
      return;
    }
    let sticky = 0;
    while (n >= 32) {
      sticky |= w2;
      w2 = w1;
      w1 = w0;
      w0 = 0;
      n -= 32;
    }
    if (n > 0) {
      sticky |= w2 << (32 - n);
      w2 = ((w2 >>> n) | (w1 << (32 - n))) >>> 0;
      w1 = ((w1 >>> n) | (w0 << (32 - n))) >>> 0;
      w0 = w0 >>> n;
    }
    this.m0 = w0;
    this.m1 = w1;
    this.m2 = (w2 | (sticky !== 0 ? 1 : 0)) >>> 0;
  }

  /** Shifts m0:m1:m2 left until bit 31 of m0 is set (nonzero significand), adjusting exp. */
  normalize(): void {
    while (this.m0 === 0) {
      this.m0 = this.m1;
      this.m1 = this.m2;
      this.m2 = 0;
      this.exp -= 32;
    }
    const s = Math.clz32(this.m0);
    if (s !== 0) {
      this.m0 = ((this.m0 << s) | (this.m1 >>> (32 - s))) >>> 0;
      this.m1 = ((this.m1 << s) | (this.m2 >>> (32 - s))) >>> 0;
      this.m2 = (this.m2 << s) >>> 0;
      this.exp -= s;
    }
  }

  // ----------------------------------------------------------------------
  // Rounding and packing
  // ----------------------------------------------------------------------

  /**
   * Rounds m0:m1:m2 to `p` significant bits (counted from bit 31 of m0) in
   * the direction of `rc`. Returns 1 inexact | 2 incremented | 4 carried out
   * of m0 (m0 becomes 0x80000000 and the caller adds one to the exponent).
   */
  roundSignificand(p: number): number {
    let m0 = this.m0;
    let m1 = this.m1;
    const m2 = this.m2;
    let inexact: boolean;
    let increment = false;
    let odd: boolean;
    let above: boolean;
    let half: boolean;
    if (p === 64) {
      inexact = m2 !== 0;
      odd = (m1 & 1) !== 0;
      above = m2 > 0x80000000;
      half = m2 === 0x80000000;
    } else if (p === 53) {
      const d = m1 & 0x7ff;
      inexact = (d | m2) !== 0;
      odd = (m1 & 0x800) !== 0;
      above = d > 0x400 || (d === 0x400 && m2 !== 0);
      half = d === 0x400 && m2 === 0;
      m1 = (m1 & ~0x7ff) >>> 0;
    } else {
      const d = m0 & 0xff;
      const rest = m1 | m2;
      inexact = (d | rest) !== 0;
      odd = (m0 & 0x100) !== 0;
      above = d > 0x80 || (d === 0x80 && rest !== 0);
      half = d === 0x80 && rest === 0;
      m0 = (m0 & ~0xff) >>> 0;
      m1 = 0;
    }
    if (inexact) {
      switch (this.rc) {
        case RC_NEAREST:
          increment = above || (half && odd);
          break;
        case RC_DOWN:
          increment = this.sign !== 0;
          break;
        case RC_UP:
          increment = this.sign === 0;
          break;
        case RC_CHOP:
          break;
      }
    }
    let status = inexact ? 1 : 0;
    if (increment) {
      status |= 2;
      const unit = p === 64 ? 1 : p === 53 ? 0x800 : 0;
      if (unit !== 0) {
        m1 += unit;
        if (m1 >= 0x100000000) {
          m1 -= 0x100000000;
          m0 += 1;
        }
      } else {
        m0 += 0x100;
      }
      if (m0 >= 0x100000000) {
        m0 = 0x80000000;
        status |= 4;
      }
    }
    this.m0 = m0 >>> 0;
    this.m1 = m1 >>> 0;
    this.m2 = 0;
    return status;
  }

  /**
   * Packs the result in flight into `dst` for a format with `p` significand
   * bits and biased exponent field maximum `maxExp` (the in-flight exponent
   * must already be in that format's bias). `register` = the destination is
   * an FPU register, where unmasked overflow/underflow wrap the exponent.
   */
  pack(dst: Ext, p: number, maxExp: number, register: boolean): number {
    if ((this.m0 | this.m1 | this.m2) === 0) {
      setZero(dst, this.sign);
      return 0;
    }
    this.normalize();
    let flags = 0;
    if (this.exp <= 0) {
      if ((this.masks & SW_UE) === 0) {
        if (register && this.exp + WRAP_BIAS <= 0) {
          // Too small even with the exponent wrapped (only FSCALE gets here): a signed zero.
          setZero(dst, this.sign);
          return SW_UE | SW_PE;
        }
        // Unmasked underflow: round with an unbounded exponent, then wrap.
        const status = this.roundSignificand(p);
        if ((status & 4) !== 0) this.exp++;
        const tiny = TININESS_AFTER_ROUNDING ? this.exp <= 0 : true;
        if (tiny) {
          flags |= SW_UE;
          if (register) this.exp += WRAP_BIAS;
        }
        if ((status & 1) !== 0) flags |= SW_PE;
        if ((status & 2) !== 0) flags |= SW_C1;
        dst.set(this.sign, this.exp, this.m0, this.m1);
        return flags;
      }
      let tiny = true;
      if (TININESS_AFTER_ROUNDING && this.exp === 0) {
        const s0 = this.m0;
        const s1 = this.m1;
        const s2 = this.m2;
        const status = this.roundSignificand(p);
        tiny = (status & 4) === 0;
        this.m0 = s0;
        this.m1 = s1;
        this.m2 = s2;
      }
      this.shiftRightJam(this.m0, this.m1, this.m2, 1 - this.exp);
      const status = this.roundSignificand(p);
      const exp = (this.m0 & 0x80000000) !== 0 ? 1 : 0;
      if ((status & 1) !== 0) flags |= tiny ? SW_PE | SW_UE : SW_PE;
      if ((status & 2) !== 0) flags |= SW_C1;
      dst.set(this.sign, exp, this.m0, this.m1);
      return flags;
    }
    const status = this.roundSignificand(p);
    if ((status & 4) !== 0) this.exp++;
    if (this.exp >= maxExp) {
      if ((this.masks & SW_OE) === 0) {
        if (register && this.exp - WRAP_BIAS >= maxExp) {
          // Too large even with the exponent wrapped (only FSCALE gets here): a signed infinity.
          setInfinity(dst, this.sign);
          return SW_OE | SW_PE | SW_C1;
        }
        flags |= SW_OE;
        if ((status & 1) !== 0) flags |= SW_PE;
        if ((status & 2) !== 0) flags |= SW_C1;
        dst.set(this.sign, register ? this.exp - WRAP_BIAS : this.exp, this.m0, this.m1);
        return flags;
      }
      flags |= SW_OE | SW_PE;
      const toInfinity =
        this.rc === RC_NEAREST || (this.rc === RC_UP && this.sign === 0) || (this.rc === RC_DOWN && this.sign !== 0);
      if (toInfinity) {
        dst.set(this.sign, maxExp, 0x80000000, 0);
        flags |= SW_C1;
      } else {
        dst.set(this.sign, maxExp - 1, p === 24 ? 0xffffff00 : 0xffffffff, p === 64 ? 0xffffffff : p === 53 ? 0xfffff800 : 0);
      }
      return flags;
    }
    if ((status & 1) !== 0) flags |= SW_PE;
    if ((status & 2) !== 0) flags |= SW_C1;
    dst.set(this.sign, this.exp, this.m0, this.m1);
    return flags;
  }

  /** Packs to the extended format at the current precision. */
  packExt(dst: Ext): number {
    return this.pack(dst, this.precision, EXT_MAX_EXP, true);
  }

  // ----------------------------------------------------------------------
  // Rounding to an integer
  // ----------------------------------------------------------------------

  /**
   * Rounds the finite value e (zero, normal or denormal) to an integer
   * magnitude intHi:intLo with the current rounding control; intStatus:
   * 1 inexact, 2 magnitude rounded up, 4 magnitude >= 2^64.
   */
  intRound(e: Ext): void {
    if (e.exp === 0 && (e.hi | e.lo) === 0) {
      this.intHi = 0;
      this.intLo = 0;
      this.intStatus = 0;
      return;
    }
    const exp = e.exp === 0 ? 1 : e.exp;
    const unbiased = exp - EXT_BIAS;
    if (unbiased >= 64) {
      this.intHi = e.hi;
      this.intLo = e.lo;
      this.intStatus = 4;
      return;
    }
    this.shiftRightJam(e.hi, e.lo, 0, 63 - unbiased);
    this.sign = e.sign;
    // Round at the 64-bit boundary: m0:m1 integer, m2 fraction.
    const m2 = this.m2;
    const inexact = m2 !== 0;
    let increment = false;
    if (inexact) {
      switch (this.rc) {
        case RC_NEAREST:
          increment = m2 > 0x80000000 || (m2 === 0x80000000 && (this.m1 & 1) !== 0);
          break;
        case RC_DOWN:
          increment = e.sign !== 0;
          break;
        case RC_UP:
          increment = e.sign === 0;
          break;
      }
    }
    let hi = this.m0;
    let lo = this.m1;
    let status = inexact ? 1 : 0;
    if (increment) {
      status |= 2;
      lo += 1;
      if (lo >= 0x100000000) {
        lo = 0;
        hi += 1;
        if (hi >= 0x100000000) {
          hi = 0;
          status |= 4;
        }
      }
    }
    this.intHi = hi >>> 0;
    this.intLo = lo >>> 0;
    this.intStatus = status;
  }
}
