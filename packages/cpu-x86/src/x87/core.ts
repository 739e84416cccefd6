/**
 * The arithmetic core: exact operations on unpacked extended values,
 * finished by the rounding step of Rounder.
 *
 * Every operation returns FSW exception bits (IE DE ZE OE UE PE) plus SW_C1
 * when the packed result was rounded up in magnitude. An unmasked invalid,
 * denormal or zero-divide exception ends the operation early (the caller
 * stores nothing); the result register then holds the masked response.
 */
import {
  Cls,
  EXT_BIAS,
  type Ext,
  RC_DOWN,
  SW_DE,
  SW_IE,
  SW_ZE,
  classify,
  propagateNaN,
  setIndefinite,
  setInfinity,
  setZero,
} from "./float80";
import { Rounder } from "./rounding";

/** Relations returned by compare(). */
export const Rel = { Less: 0, Equal: 1, Greater: 2, Unordered: 3 } as const;

export class FloatCore extends Rounder {
  // 128-bit product output (mul64): p0 most significant.
  p0 = 0;
  p1 = 0;
  p2 = 0;
  p3 = 0;

  /** The outcome of the last compare(): a Rel value. */
  relation: number = Rel.Equal;

  // ----------------------------------------------------------------------
  // Operand screening shared by the two-operand operations
  // ----------------------------------------------------------------------

  /**
   * Handles unsupported and NaN operands. Returns -1 when neither is present
   * (the operation proceeds), else the flags with `dst` holding the masked
   * response.
   */
  private screenNaN(a: Ext, ca: number, b: Ext, cb: number, dst: Ext): number {
    if (ca === Cls.Unsupported || cb === Cls.Unsupported) {
      setIndefinite(dst);
      return SW_IE;
    }
    if (ca === Cls.QNaN || ca === Cls.SNaN || cb === Cls.QNaN || cb === Cls.SNaN) {
      return propagateNaN(a, ca, b, cb, dst) ? SW_IE : 0;
    }
    return -1;
  }

  private denormalOperand(ca: number, cb: number): boolean {
    return ca === Cls.Denormal || cb === Cls.Denormal || this.sourceDenormal;
  }

  // ----------------------------------------------------------------------
  // Addition and subtraction
  // ----------------------------------------------------------------------

  /** dst = a + b (or a - b when `subtract`), rounded to `precision`. */
  add(a: Ext, b: Ext, subtract: boolean, dst: Ext): number {
    const ca = classify(a);
    const cb = classify(b);
    const screened = this.screenNaN(a, ca, b, cb, dst);
    if (screened >= 0) return screened;
    const signB = b.sign ^ (subtract ? 1 : 0);
    if (ca === Cls.Infinity && cb === Cls.Infinity && a.sign !== signB) {
      setIndefinite(dst);
      return SW_IE;
    }
    let flags = 0;
    if (this.denormalOperand(ca, cb)) {
      flags = SW_DE;
      if ((this.masks & SW_DE) === 0) return flags;
    }
    if (ca === Cls.Infinity) {
      setInfinity(dst, a.sign);
      return flags;
    }
    if (cb === Cls.Infinity) {
      setInfinity(dst, signB);
      return flags;
    }
    if (ca === Cls.Zero && cb === Cls.Zero) {
      setZero(dst, a.sign === signB ? a.sign : this.rc === RC_DOWN ? 1 : 0);
      return flags;
    }
    if (ca === Cls.Zero || cb === Cls.Zero) {
      const x = ca === Cls.Zero ? b : a;
      this.normA(x);
      this.sign = ca === Cls.Zero ? signB : a.sign;
      this.exp = this.aExp;
      this.m0 = this.aHi;
      this.m1 = this.aLo;
      this.m2 = 0;
      return flags | this.packExt(dst);
    }
    this.normA(a);
    this.normB(b);
    this.addNormalized(a.sign, signB);
    if ((this.m0 | this.m1 | this.m2) === 0) {
      setZero(dst, this.rc === RC_DOWN ? 1 : 0);
      return flags;
    }
    return flags | this.packExt(dst);
  }

  /**
   * Adds the normalized operands (aExp/aHi/aLo with sign sa, bExp/bHi/bLo
   * with sign sb) into the result in flight, exactly up to the jammed bit.
   */
  addNormalized(sa: number, sb: number): void {
    let xExp = this.aExp;
    let xHi = this.aHi;
    let xLo = this.aLo;
    let xSign = sa;
    let yExp = this.bExp;
    let yHi = this.bHi;
    let yLo = this.bLo;
    let ySign = sb;
    if (yExp > xExp || (yExp === xExp && (yHi > xHi || (yHi === xHi && yLo > xLo)))) {
      xExp = this.bExp;
      xHi = this.bHi;
      xLo = this.bLo;
      xSign = sb;
      yExp = this.aExp;
      yHi = this.aHi;
      yLo = this.aLo;
      ySign = sa;
    }
    // |x| >= |y|: align y.
    this.shiftRightJam(yHi, yLo, 0, xExp - yExp);
    const y0 = this.m0;
    const y1 = this.m1;
    const y2 = this.m2;
    this.sign = xSign;
    this.exp = xExp;
    if (xSign === ySign) {
      let s2 = y2;
      let s1 = xLo + y1;
      let s0 = xHi + y0;
      if (s1 >= 0x100000000) {
        s1 -= 0x100000000;
        s0 += 1;
      }
      if (s0 >= 0x100000000) {
        // Carry out: shift right by one, jamming.
        s0 -= 0x100000000;
        const lost = s2 & 1;
        s2 = ((s2 >>> 1) | ((s1 & 1) << 31) | lost) >>> 0;
        s1 = ((s1 >>> 1) | ((s0 & 1) << 31)) >>> 0;
        s0 = ((s0 >>> 1) | 0x80000000) >>> 0;
        this.exp++;
      }
      this.m0 = s0 >>> 0;
      this.m1 = s1 >>> 0;
      this.m2 = s2 >>> 0;
    } else {
      let d2 = 0 - y2;
      let borrow = 0;
      if (d2 < 0) {
        d2 += 0x100000000;
        borrow = 1;
      }
      let d1 = xLo - y1 - borrow;
      borrow = 0;
      if (d1 < 0) {
        d1 += 0x100000000;
        borrow = 1;
      }
      const d0 = xHi - y0 - borrow;
      this.m0 = d0 >>> 0;
      this.m1 = d1 >>> 0;
      this.m2 = d2 >>> 0;
    }
  }

  // ----------------------------------------------------------------------
  // Multiplication
  // ----------------------------------------------------------------------

  /** p0:p1:p2:p3 = (ah:al) * (bh:bl), 128 bits, via 16-bit limbs in exact doubles. */
  mul64(ah: number, al: number, bh: number, bl: number): void {
    const a0 = al & 0xffff;
    const a1 = al >>> 16;
    const a2 = ah & 0xffff;
    const a3 = ah >>> 16;
    const b0 = bl & 0xffff;
    const b1 = bl >>> 16;
    const b2 = bh & 0xffff;
    const b3 = bh >>> 16;
    let t = a0 * b0;
    const c0 = t % 65536;
    t = (t - c0) / 65536 + a0 * b1 + a1 * b0;
    const c1 = t % 65536;
    t = (t - c1) / 65536 + a0 * b2 + a1 * b1 + a2 * b0;
    const c2 = t % 65536;
    t = (t - c2) / 65536 + a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0;
    const c3 = t % 65536;
    t = (t - c3) / 65536 + a1 * b3 + a2 * b2 + a3 * b1;
    const c4 = t % 65536;
    t = (t - c4) / 65536 + a2 * b3 + a3 * b2;
    const c5 = t % 65536;
    t = (t - c5) / 65536 + a3 * b3;
    const c6 = t % 65536;
    const c7 = (t - c6) / 65536;
    this.p3 = (c0 + c1 * 65536) >>> 0;
    this.p2 = (c2 + c3 * 65536) >>> 0;
    this.p1 = (c4 + c5 * 65536) >>> 0;
    this.p0 = (c6 + c7 * 65536) >>> 0;
  }

  /** dst = a * b, rounded to `precision`. */
  mul(a: Ext, b: Ext, dst: Ext): number {
    const ca = classify(a);
    const cb = classify(b);
    const screened = this.screenNaN(a, ca, b, cb, dst);
    if (screened >= 0) return screened;
    const sign = a.sign ^ b.sign;
    if ((ca === Cls.Infinity && cb === Cls.Zero) || (ca === Cls.Zero && cb === Cls.Infinity)) {
      setIndefinite(dst);
      return SW_IE;
    }
    let flags = 0;
    if (this.denormalOperand(ca, cb)) {
      flags = SW_DE;
      if ((this.masks & SW_DE) === 0) return flags;
    }
    if (ca === Cls.Infinity || cb === Cls.Infinity) {
      setInfinity(dst, sign);
      return flags;
    }
    if (ca === Cls.Zero || cb === Cls.Zero) {
      setZero(dst, sign);
      return flags;
    }
    this.normA(a);
    this.normB(b);
    this.mul64(this.aHi, this.aLo, this.bHi, this.bLo);
    this.sign = sign;
    this.exp = this.aExp + this.bExp - EXT_BIAS + 1;
    this.m0 = this.p0;
    this.m1 = this.p1;
    this.m2 = (this.p2 | (this.p3 !== 0 ? 1 : 0)) >>> 0;
    return flags | this.packExt(dst);
  }

  // ----------------------------------------------------------------------
  // Division
  // ----------------------------------------------------------------------

  /**
   * Quotient of the normalized significands aHi:aLo / bHi:bLo into m0:m1:m2,
   * at least 80 bits (the integer bit of a/b first) with the remainder
   * jammed. Returns 1 when a < b (the leading quotient bit has weight 1/2:
   * the caller lowers the exponent by one).
   *
   * Long division in base 2^16 (Knuth's algorithm D): each quotient digit is
   * estimated from the top of the remainder and divisor in exact doubles,
   * then corrected by adding the divisor back while the remainder is negative.
   */
  divideSignificands(): number {
    const r = this.rem;
    const bh = this.bHi;
    const bl = this.bLo;
    const b3 = bh >>> 16;
    const b2 = bh & 0xffff;
    const b1 = bl >>> 16;
    const b0 = bl & 0xffff;
    const divisorTop = b3 * 65536 + b2;
    // The remainder starts as a (limbs 3..0); each digit appends a zero limb of a * 2^80.
    r[0] = this.aLo & 0xffff;
    r[1] = this.aLo >>> 16;
    r[2] = this.aHi & 0xffff;
    r[3] = this.aHi >>> 16;
    r[4] = 0;
    // Quotient digits q5 (0 or 1) .. q0: quotient = a * 2^80 / b < 2^81.
    let q5 = 0;
    if (this.aHi > bh || (this.aHi === bh && this.aLo >= bl)) {
      // a >= b: subtract once (a < 2b).
      q5 = 1;
      this.subtractShifted(b0, b1, b2, b3, 1);
    }
    let quotientHi = 0; // q4..q3 as a 32-bit number
    let quotientMid = 0; // q2..q1
    let quotientLo = 0; // q0 (16 bits)
    for (let digit = 4; digit >= 0; digit--) {
      // Shift the remainder one limb up (it is < b, so it fits in 5 limbs).
      r[4] = r[3];
      r[3] = r[2];
      r[2] = r[1];
      r[1] = r[0];
      r[0] = 0;
      // Estimate from 48 bits of remainder over 32 bits of divisor: off by at most one either way.
      const top = (r[4] * 65536 + r[3]) * 65536 + r[2];
      let q = Math.floor(top / divisorTop);
      if (q > 0xffff) q = 0xffff;
      if (q !== 0) {
        this.subtractShifted(b0, b1, b2, b3, q);
        while (this.remNegative) {
          this.addBack(b0, b1, b2, b3);
          q--;
        }
      }
      while (q < 0xffff && this.remainderAtLeast(b0, b1, b2, b3)) {
        this.subtractShifted(b0, b1, b2, b3, 1);
        q++;
      }
      if (digit >= 3) quotientHi = quotientHi * 65536 + q;
      else if (digit >= 1) quotientMid = quotientMid * 65536 + q;
      else quotientLo = q;
    }
    // Quotient bits: q5 (bit 80), quotientHi (79..48), quotientMid (47..16), quotientLo (15..0).
    const sticky = (r[0] | r[1] | r[2] | r[3] | r[4]) !== 0 ? 1 : 0;
    if (q5 !== 0) {
      this.m0 = ((1 << 31) | (quotientHi >>> 1)) >>> 0;
      this.m1 = ((quotientHi << 31) | (quotientMid >>> 1)) >>> 0;
      this.m2 = ((quotientMid << 31) | (quotientLo << 15) | sticky) >>> 0;
      return 0;
    }
    this.m0 = quotientHi >>> 0;
    this.m1 = quotientMid >>> 0;
    this.m2 = ((quotientLo << 16) | sticky) >>> 0;
    return 1;
  }

  /** Remainder limbs for divideSignificands (r[4] most significant) and its sign after a subtraction. */
  private readonly rem = new Float64Array(5);
  private remNegative = false;

  /** rem -= q * b (b as four 16-bit limbs, q < 2^16); sets remNegative on a borrow out. */
  private subtractShifted(b0: number, b1: number, b2: number, b3: number, q: number): void {
    const r = this.rem;
    let borrow = 0;
    let t = r[0] - q * b0 - borrow;
    borrow = Math.floor(t / 65536);
    r[0] = t - borrow * 65536;
    t = r[1] - q * b1 + borrow;
    borrow = Math.floor(t / 65536);
    r[1] = t - borrow * 65536;
    t = r[2] - q * b2 + borrow;
    borrow = Math.floor(t / 65536);
    r[2] = t - borrow * 65536;
    t = r[3] - q * b3 + borrow;
    borrow = Math.floor(t / 65536);
    r[3] = t - borrow * 65536;
    t = r[4] + borrow;
    borrow = Math.floor(t / 65536);
    r[4] = t - borrow * 65536;
    this.remNegative = borrow < 0;
  }

  /** rem >= b? */
  private remainderAtLeast(b0: number, b1: number, b2: number, b3: number): boolean {
    const r = this.rem;
    if (r[4] !== 0) return true;
    if (r[3] !== b3) return r[3] > b3;
    if (r[2] !== b2) return r[2] > b2;
    if (r[1] !== b1) return r[1] > b1;
    return r[0] >= b0;
  }

  /** rem += b, undoing one step of an over-estimated digit. */
  private addBack(b0: number, b1: number, b2: number, b3: number): void {
    const r = this.rem;
    let t = r[0] + b0;
    let carry = t >= 65536 ? 1 : 0;
    r[0] = t - carry * 65536;
    t = r[1] + b1 + carry;
    carry = t >= 65536 ? 1 : 0;
    r[1] = t - carry * 65536;
    t = r[2] + b2 + carry;
    carry = t >= 65536 ? 1 : 0;
    r[2] = t - carry * 65536;
    t = r[3] + b3 + carry;
    carry = t >= 65536 ? 1 : 0;
    r[3] = t - carry * 65536;
    t = r[4] + carry;
    carry = t >= 65536 ? 1 : 0;
    r[4] = t - carry * 65536;
    // The carry out cancels the borrow of the subtraction once the remainder is back in range.
    this.remNegative = carry === 0;
  }

  /** dst = a / b, rounded to `precision`. */
  div(a: Ext, b: Ext, dst: Ext): number {
    const ca = classify(a);
    const cb = classify(b);
    const screened = this.screenNaN(a, ca, b, cb, dst);
    if (screened >= 0) return screened;
    const sign = a.sign ^ b.sign;
    if ((ca === Cls.Infinity && cb === Cls.Infinity) || (ca === Cls.Zero && cb === Cls.Zero)) {
      setIndefinite(dst);
      return SW_IE;
    }
    if (cb === Cls.Zero && ca !== Cls.Infinity) {
      setInfinity(dst, sign);
      return SW_ZE;
    }
    let flags = 0;
    if (this.denormalOperand(ca, cb)) {
      flags = SW_DE;
      if ((this.masks & SW_DE) === 0) return flags;
    }
    if (ca === Cls.Infinity || cb === Cls.Zero) {
      setInfinity(dst, sign);
      return flags;
    }
    if (cb === Cls.Infinity || ca === Cls.Zero) {
      setZero(dst, sign);
      return flags;
    }
    this.normA(a);
    this.normB(b);
    const adjusted = this.divideSignificands();
    this.sign = sign;
    this.exp = this.aExp - this.bExp + EXT_BIAS - adjusted;
    return flags | this.packExt(dst);
  }

  // ----------------------------------------------------------------------
  // Square root
  // ----------------------------------------------------------------------

  /**
   * Square root of the normalized significand aHi:aLo scaled by 2 when `odd`:
   * 66 result bits (integer bit first) into m0:m1:m2, remainder jammed.
   */
  sqrtSignificand(odd: boolean): void {
    // Radicand N = sig * 2^(67 + odd), a 132-bit number consumed two bits at a time.
    const shift = odd ? 68 : 67;
    const hi = this.aHi;
    const lo = this.aLo;
    // Remainder r (3 words) and root q (3 words), little-endian word order r2 most significant.
    let r2 = 0;
    let r1 = 0;
    let r0 = 0;
    let q2 = 0;
    let q1 = 0;
    let q0 = 0;
    for (let i = 65; i >= 0; i--) {
      // Next two radicand bits: N bits 2i+1, 2i -> sig bits (2i+1-shift), (2i-shift).
      const j1 = 2 * i + 1 - shift;
      const j0 = 2 * i - shift;
      const b1 = j1 < 0 || j1 > 63 ? 0 : j1 >= 32 ? (hi >>> (j1 - 32)) & 1 : (lo >>> j1) & 1;
      const b0 = j0 < 0 || j0 > 63 ? 0 : j0 >= 32 ? (hi >>> (j0 - 32)) & 1 : (lo >>> j0) & 1;
      // r = (r << 2) | bits
      r2 = ((r2 << 2) | (r1 >>> 30)) >>> 0;
      r1 = ((r1 << 2) | (r0 >>> 30)) >>> 0;
      r0 = ((r0 << 2) | (b1 << 1) | b0) >>> 0;
      // t = (q << 2) | 1
      const t2 = ((q2 << 2) | (q1 >>> 30)) >>> 0;
      const t1 = ((q1 << 2) | (q0 >>> 30)) >>> 0;
      const t0 = ((q0 << 2) | 1) >>> 0;
      // q <<= 1
      q2 = ((q2 << 1) | (q1 >>> 31)) >>> 0;
      q1 = ((q1 << 1) | (q0 >>> 31)) >>> 0;
      q0 = (q0 << 1) >>> 0;
      if (r2 > t2 || (r2 === t2 && (r1 > t1 || (r1 === t1 && r0 >= t0)))) {
        let d0 = r0 - t0;
        let borrow = 0;
        if (d0 < 0) {
          d0 += 0x100000000;
          borrow = 1;
        }
        let d1 = r1 - t1 - borrow;
        borrow = 0;
        if (d1 < 0) {
          d1 += 0x100000000;
          borrow = 1;
        }
        r2 = (r2 - t2 - borrow) >>> 0;
        r1 = d1;
        r0 = d0;
        q0 = (q0 | 1) >>> 0;
      }
    }
    // q has 66 bits: bit 65 is the integer bit. Place it at m0 bit 31.
    this.m0 = ((q2 << 30) | (q1 >>> 2)) >>> 0;
    this.m1 = ((q1 << 30) | (q0 >>> 2)) >>> 0;
    this.m2 = ((q0 << 30) | ((r2 | r1 | r0) !== 0 ? 1 : 0)) >>> 0;
  }

  /** dst = sqrt(a), rounded to `precision`. */
  sqrt(a: Ext, dst: Ext): number {
    const ca = classify(a);
    if (ca === Cls.Unsupported) {
      setIndefinite(dst);
      return SW_IE;
    }
    if (ca === Cls.QNaN || ca === Cls.SNaN) {
      dst.copy(a);
      dst.hi = (dst.hi | 0x40000000) >>> 0;
      return ca === Cls.SNaN ? SW_IE : 0;
    }
    if (ca === Cls.Zero) {
      dst.copy(a);
      return 0;
    }
    if (a.sign !== 0) {
      setIndefinite(dst);
      return SW_IE;
    }
    if (ca === Cls.Infinity) {
      dst.copy(a);
      return 0;
    }
    let flags = 0;
    if (ca === Cls.Denormal) {
      flags = SW_DE;
      if ((this.masks & SW_DE) === 0) return flags;
    }
    this.normA(a);
    const e = this.aExp - EXT_BIAS;
    const odd = (e & 1) !== 0;
    this.sqrtSignificand(odd);
    this.sign = 0;
    this.exp = ((e - (odd ? 1 : 0)) / 2) + EXT_BIAS;
    return flags | this.packExt(dst);
  }

  // ----------------------------------------------------------------------
  // Comparison
  // ----------------------------------------------------------------------

  /** Compares two ordered, supported values (no NaN, no unsupported format). */
  compareOrdered(a: Ext, ca: number, b: Ext, cb: number): number {
    if (ca === Cls.Zero && cb === Cls.Zero) return Rel.Equal;
    if (ca === Cls.Zero) return b.sign !== 0 ? Rel.Greater : Rel.Less;
    if (cb === Cls.Zero) return a.sign !== 0 ? Rel.Less : Rel.Greater;
    if (a.sign !== b.sign) return a.sign !== 0 ? Rel.Less : Rel.Greater;
    let magnitude: number;
    if (ca === Cls.Infinity || cb === Cls.Infinity) {
      magnitude = ca === cb ? 0 : ca === Cls.Infinity ? 1 : -1;
    } else {
      this.normA(a);
      this.normB(b);
      if (this.aExp !== this.bExp) magnitude = this.aExp < this.bExp ? -1 : 1;
      else if (this.aHi !== this.bHi) magnitude = this.aHi < this.bHi ? -1 : 1;
      else if (this.aLo !== this.bLo) magnitude = this.aLo < this.bLo ? -1 : 1;
      else magnitude = 0;
    }
    if (magnitude === 0) return Rel.Equal;
    if (a.sign !== 0) magnitude = -magnitude;
    return magnitude < 0 ? Rel.Less : Rel.Greater;
  }

  /**
   * The relation of a to b with the exceptions a comparison raises: IE for
   * unsupported formats, for SNaNs, and for QNaNs unless `unordered` (the
   * FUCOM family); DE for denormal operands of ordered values.
   * The relation is left in `relation`.
   */
  compare(a: Ext, b: Ext, unordered: boolean): number {
    const ca = classify(a);
    const cb = classify(b);
    if (ca === Cls.Unsupported || cb === Cls.Unsupported) {
      this.relation = Rel.Unordered;
      return SW_IE;
    }
    if (ca === Cls.QNaN || ca === Cls.SNaN || cb === Cls.QNaN || cb === Cls.SNaN) {
      this.relation = Rel.Unordered;
      if (!unordered || ca === Cls.SNaN || cb === Cls.SNaN) return SW_IE;
      return 0;
    }
    let flags = 0;
    if (this.denormalOperand(ca, cb)) flags = SW_DE;
    this.relation = this.compareOrdered(a, ca, b, cb);
    return flags;
  }
}
