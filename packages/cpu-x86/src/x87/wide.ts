/**
 * A small multi-precision binary floating point for the transcendental
 * functions: a sign, an unbounded exponent and a 160-bit significand in
 * ten 16-bit limbs (little-endian). Limb products are exact in doubles
 * (16 x 16 bits, sums far below 2^53), so no BigInt is needed.
 *
 *   value = (-1)^sign * 0.M * 2^exp,  M normalized: the top limb's bit 15 set
 *
 * Products truncate to 160 bits; sums jam the bits shifted out of the
 * smaller operand into the lowest bit (so a correction far below the
 * precision still tells the final rounding that the value is inexact, and
 * on which side). The functions built on them carry more than 80 bits
 * beyond the 64 that the final rounding keeps. Every operand
 * and result is a preallocated Wide; results may alias operands.
 */

export const LIMBS = 10;

export class Wide {
  sign = 0;
  exp = 0;
  readonly m = new Int32Array(LIMBS);

  isZero(): boolean {
    return this.m[LIMBS - 1] === 0;
  }

  setZero(): this {
    this.sign = 0;
    this.exp = 0;
    this.m.fill(0);
    return this;
  }

  copy(from: Wide): this {
    this.sign = from.sign;
    this.exp = from.exp;
    this.m.set(from.m);
    return this;
  }

  /** A small integer |n| < 2^31. */
  setInt(n: number): this {
    this.m.fill(0);
    this.sign = n < 0 ? 1 : 0;
    const v = Math.abs(n);
    this.m[LIMBS - 1] = v >>> 16;
    this.m[LIMBS - 2] = v & 0xffff;
    this.exp = 32;
    normalize(this);
    return this;
  }

  /** A 64-bit significand hi:lo (integer bit at bit 63) times 2^(e - 63): the value of an extended real with unbiased exponent e. */
  setSignificand(sign: number, e: number, hi: number, lo: number): this {
    this.m.fill(0);
    this.sign = sign;
    this.m[LIMBS - 1] = hi >>> 16;
    this.m[LIMBS - 2] = hi & 0xffff;
    this.m[LIMBS - 3] = lo >>> 16;
    this.m[LIMBS - 4] = lo & 0xffff;
    this.exp = e + 1;
    normalize(this);
    return this;
  }

  /** A constant: at least 4 * LIMBS hex digits of significand (0.M, truncated) and its exponent. */
  setHex(sign: number, exp: number, hex: string): this {
    this.sign = sign;
    this.exp = exp;
    for (let i = 0; i < LIMBS; i++) {
      this.m[LIMBS - 1 - i] = Number.parseInt(hex.substr(4 * i, 4), 16);
    }
    return this;
  }

  /** An approximation as a double (for choosing reduction points). */
  toNumber(): number {
    if (this.isZero()) return 0;
    const m = this.m;
    const top = (m[LIMBS - 1] * 65536 + m[LIMBS - 2]) * 65536 + m[LIMBS - 3];
    const v = top * 2 ** (this.exp - 48);
    return this.sign !== 0 ? -v : v;
  }
}

/** Shifts the significand left until normalized (or zero), adjusting the exponent. */
export function normalize(x: Wide): void {
  const m = x.m;
  let top = LIMBS - 1;
  while (top >= 0 && m[top] === 0) top--;
  if (top < 0) {
    x.exp = 0;
    x.sign = 0;
    return;
  }
  const limbShift = LIMBS - 1 - top;
  if (limbShift > 0) {
    for (let i = LIMBS - 1; i >= 0; i--) m[i] = i - limbShift >= 0 ? m[i - limbShift] : 0;
    x.exp -= 16 * limbShift;
  }
  const bitShift = Math.clz32(m[LIMBS - 1]) - 16;
  if (bitShift > 0) {
    for (let i = LIMBS - 1; i > 0; i--) m[i] = ((m[i] << bitShift) | (m[i - 1] >>> (16 - bitShift))) & 0xffff;
    m[0] = (m[0] << bitShift) & 0xffff;
    x.exp -= bitShift;
  }
}

/** Arithmetic on Wide values with preallocated scratch. */
export class WideMath {
  private readonly product = new Float64Array(2 * LIMBS);
  private readonly shifted = new Int32Array(LIMBS);
  private readonly quotient = new Int32Array(LIMBS + 1);
  private readonly t0 = new Wide();
  private readonly t1 = new Wide();
  private readonly t2 = new Wide();

  /** |a| compared with |b|: -1, 0, 1. */
  compareMagnitude(a: Wide, b: Wide): number {
    const az = a.isZero();
    const bz = b.isZero();
    if (az || bz) return az && bz ? 0 : az ? -1 : 1;
    if (a.exp !== b.exp) return a.exp < b.exp ? -1 : 1;
    for (let i = LIMBS - 1; i >= 0; i--) {
      if (a.m[i] !== b.m[i]) return a.m[i] < b.m[i] ? -1 : 1;
    }
    return 0;
  }

  /** out = a + b (or a - b when `subtract`). */
  add(out: Wide, a: Wide, b: Wide, subtract = false): void {
    const bSign = b.sign ^ (subtract ? 1 : 0);
    if (b.isZero()) {
      out.copy(a);
      return;
    }
    if (a.isZero()) {
      out.copy(b);
      out.sign = bSign;
      return;
    }
    let x = a;
    let y = b;
    let xSign = a.sign;
    let ySign = bSign;
    if (this.compareMagnitude(a, b) < 0) {
      x = b;
      y = a;
      xSign = bSign;
      ySign = a.sign;
    }
    // Align y to x (truncating).
    const d = x.exp - y.exp;
    const s = this.shifted;
    const limbShift = Math.floor(d / 16);
    const bitShift = d - 16 * limbShift;
    for (let i = 0; i < LIMBS; i++) {
      const j = i + limbShift;
      let v = 0;
      if (j < LIMBS) {
        v = y.m[j] >>> bitShift;
        if (bitShift > 0 && j + 1 < LIMBS) v |= (y.m[j + 1] << (16 - bitShift)) & 0xffff;
      }
      s[i] = v;
    }
    // Jam the bits shifted out into the lowest bit, so that a sum that differs from x
    // by less than one unit is still known to be inexact (and on which side of x it is).
    let lost = 0;
    for (let j = 0; j < limbShift && j < LIMBS; j++) lost |= y.m[j];
    if (limbShift < LIMBS) lost |= y.m[limbShift] & ((1 << bitShift) - 1);
    if (lost !== 0) s[0] |= 1;
    const m = out.m;
    const exp = x.exp;
    if (xSign === ySign) {
      let carry = 0;
      for (let i = 0; i < LIMBS; i++) {
        const v = x.m[i] + s[i] + carry;
        m[i] = v & 0xffff;
        carry = v >>> 16;
      }
      out.exp = exp;
      out.sign = xSign;
      if (carry !== 0) {
        for (let i = 0; i < LIMBS - 1; i++) m[i] = ((m[i] >>> 1) | (m[i + 1] << 15)) & 0xffff;
        m[LIMBS - 1] = (m[LIMBS - 1] >>> 1) | 0x8000;
        out.exp++;
      }
    } else {
      let borrow = 0;
      for (let i = 0; i < LIMBS; i++) {
        let v = x.m[i] - s[i] - borrow;
        borrow = 0;
        if (v < 0) {
          v += 0x10000;
          borrow = 1;
        }
        m[i] = v;
      }
      out.exp = exp;
      out.sign = xSign;
      normalize(out);
    }
  }

  /**
   * out = a * b, truncated. Only the product columns that can reach the top
   * LIMBS + 1 limbs are formed: the columns left out are worth less than
   * 2^-(16 LIMBS - 10) relative, below the truncation itself.
   */
  mul(out: Wide, a: Wide, b: Wide): void {
    if (a.isZero() || b.isZero()) {
      out.setZero();
      return;
    }
    const p = this.product;
    const am = a.m;
    const bm = b.m;
    const first = LIMBS - 3;
    let carry = 0;
    for (let k = first; k < 2 * LIMBS - 1; k++) {
      let sum = carry;
      const lo = k - (LIMBS - 1) > 0 ? k - (LIMBS - 1) : 0;
      const hi = k < LIMBS - 1 ? k : LIMBS - 1;
      for (let i = lo; i <= hi; i++) sum += am[i] * bm[k - i];
      const upper = Math.floor(sum / 65536);
      p[k] = sum - upper * 65536;
      carry = upper;
    }
    p[2 * LIMBS - 1] = carry;
    const sign = a.sign ^ b.sign;
    let exp = a.exp + b.exp;
    // Product of two values in [1/2, 1) is in [1/4, 1): at most one leading zero bit.
    const m = out.m;
    if (p[2 * LIMBS - 1] >= 0x8000) {
      for (let i = 0; i < LIMBS; i++) m[i] = p[LIMBS + i];
    } else {
      for (let i = 0; i < LIMBS; i++) m[i] = ((p[LIMBS + i] << 1) | (p[LIMBS + i - 1] >>> 15)) & 0xffff;
      exp -= 1;
    }
    out.sign = sign;
    out.exp = exp;
  }

  /** out = a / k for an integer 0 < k < 65536. */
  divSmall(out: Wide, a: Wide, k: number): void {
    if (a.isZero()) {
      out.setZero();
      return;
    }
    const q = this.quotient;
    let rem = 0;
    for (let i = LIMBS - 1; i >= 0; i--) {
      const cur = rem * 65536 + a.m[i];
      const digit = Math.floor(cur / k);
      rem = cur - digit * k;
      q[i + 1] = digit;
    }
    q[0] = Math.floor((rem * 65536) / k);
    // q (LIMBS + 1 limbs) = a.M * 2^16 / k; normalize from there.
    let top = LIMBS;
    while (q[top] === 0) top--;
    const bitShift = Math.clz32(q[top]) - 16;
    const m = out.m;
    for (let i = LIMBS - 1; i >= 0; i--) {
      const j = top - (LIMBS - 1 - i);
      const hi = j >= 0 ? q[j] : 0;
      const lo = j - 1 >= 0 ? q[j - 1] : 0;
      m[i] = bitShift > 0 ? ((hi << bitShift) | (lo >>> (16 - bitShift))) & 0xffff : hi;
    }
    out.sign = a.sign;
    out.exp = a.exp + 16 * (top - LIMBS) - bitShift;
  }

  /** out = a * k for an integer 0 < k < 65536. */
  mulSmall(out: Wide, a: Wide, k: number): void {
    this.t2.setInt(k);
    this.mul(out, a, this.t2);
  }

  /** out = a / b (b nonzero), by Newton iteration on the reciprocal. */
  div(out: Wide, a: Wide, b: Wide): void {
    if (a.isZero()) {
      out.setZero();
      return;
    }
    const y = this.t0;
    const e = this.t1;
    // Initial 1/|b| from a double: b = 0.M * 2^exp, M in [1/2, 1).
    const m = b.m;
    const top = (m[LIMBS - 1] * 65536 + m[LIMBS - 2]) * 65536 + m[LIMBS - 3]; // 0.M * 2^48
    const r = 2 ** 48 / top; // in (1, 2]
    // y = r * 2^-exp
    y.setZero();
    const scaled = Math.floor(r * 2 ** 47); // r * 2^47 < 2^49
    y.m[LIMBS - 1] = Math.floor(scaled / 2 ** 33) & 0xffff;
    y.m[LIMBS - 2] = Math.floor(scaled / 2 ** 17) & 0xffff;
    y.m[LIMBS - 3] = Math.floor(scaled / 2) & 0xffff;
    y.m[LIMBS - 4] = (scaled & 1) << 15;
    y.exp = 49 - 47 - b.exp;
    normalize(y);
    const bSign = b.sign;
    for (let n = 0; n < 3; n++) {
      // y = y + y * (1 - |b| y)
      this.mul(e, b, y);
      e.sign = 0;
      this.t2.setInt(1);
      this.add(e, this.t2, e, true);
      this.mul(e, y, e);
      this.add(y, y, e);
    }
    y.sign = bSign;
    this.mul(out, a, y);
  }
}
