/**
 * Numerical kernels of the transcendental instructions, in 160-bit Wide
 * arithmetic, for finite nonzero operands (the instruction layer handles
 * zeros, infinities, NaNs and exceptions):
 *
 *   sin/cos/tan  Payne-Hanek reduction by pi/2 with a 320-bit 2/pi (exact
 *                for every |x| < 2^63), then Taylor series on |r| <= pi/4
 *   2^x - 1      expm1(x ln 2) by its Taylor series (range-reduced by an
 *                integer power of two outside [-1, 1])
 *   log2         x = m 2^e with m in [sqrt(1/2), sqrt(2)), ln m = 2 atanh((m-1)/(m+1))
 *   log2(1+x)    2 atanh(x/(2+x)) for small x, else log2 of 1+x
 *   atan2        reduction to [0, 1], then atan(c) + atan((t-c)/(1+tc)) with c = k/8
 *
 * Series stop when a term falls 152 bits below the sum, so a result carries
 * more than 80 bits beyond the 64 the final rounding keeps; the packed
 * result is the correctly rounded value except when the exact value lies
 * within about 2^-80 ulp of a rounding boundary.
 */
import type { FloatCore } from "./core";
import { EXT_BIAS, type Ext } from "./float80";
import { LIMBS, Wide, WideMath, normalize } from "./wide";

/** floor(2/pi * 2^320). */
const TWO_OVER_PI =
  "a2f9836e4e441529fc2757d1f534ddc0db6295993c439041fe5163abdebbc561b7246e3a424dd2e0";
const HALF_PI = "c90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74";
const LN2 = "b17217f7d1cf79abc9e3b39803f2f6af40f343267298b62d";
const LOG2_E = "b8aa3b295c17f0bbbe87fed0691d3e88eb577aa8dd695a58";
/** atan(k/8) for k = 1..8: exponent and significand. */
const ATAN_TABLE: ReadonlyArray<readonly [number, string]> = [
  [-3, "feadd4d5617b6e32c897989f3e888ef78b3957d95d9ad922"],
  [-2, "fadbafc96406eb156dc79ef5f7a217e5aa7fa90388b3836b"],
  [-1, "b7b0ca0f26f784738aa32122dcfe44833d843977ae5455cc"],
  [-1, "ed63382b0dda7b456fe445ecbc3a8d036e141587261cdf00"],
  [0, "8f005d5ef7f59f9b5c835e1665c43747918a67e0652b375c"],
  [0, "a4bc7d1934f7092419a87f2a457dac9ee3f08689eeb2b9e7"],
  [0, "b8053e2bc2319e73cb2da55210a4443d3d7aecc114c79a80"],
  [0, "c90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74"],
];

/**
 * A series ends with the first term that lies this far below the sum: that
 * term is still added (its bits below the precision are jammed, so the sum
 * records the direction of the tail), and stopping right there keeps a
 * following term of the other sign from cancelling that record.
 */
const SERIES_BITS = LIMBS * 16 - 8;
const MAX_TERMS = 400;

export class Transcendental {
  readonly math = new WideMath();

  // Constants.
  private readonly twoOverPi = new Int32Array(20);
  private readonly halfPi = new Wide();
  private readonly pi = new Wide();
  private readonly ln2 = new Wide();
  private readonly log2e = new Wide();
  private readonly one = new Wide();
  private readonly two = new Wide();
  private readonly atanTable: Wide[] = [];

  // Reduction scratch: 64-bit x (4 limbs) times 320-bit 2/pi.
  private readonly product = new Float64Array(24);
  private readonly bits = new Int32Array(24);

  // Working registers.
  readonly x = new Wide();
  readonly y = new Wide();
  readonly result = new Wide();
  readonly result2 = new Wide();
  private readonly r = new Wide();
  private readonly r2 = new Wide();
  private readonly term = new Wide();
  private readonly sum = new Wide();
  private readonly u = new Wide();
  private readonly v = new Wide();
  private readonly w = new Wide();

  constructor(readonly core: FloatCore) {
    for (let i = 0; i < 20; i++) this.twoOverPi[19 - i] = Number.parseInt(TWO_OVER_PI.substr(4 * i, 4), 16);
    this.halfPi.setHex(0, 1, HALF_PI);
    this.pi.setHex(0, 2, HALF_PI);
    this.ln2.setHex(0, 0, LN2);
    this.log2e.setHex(0, 1, LOG2_E);
    this.one.setInt(1);
    this.two.setInt(2);
    for (const [exp, hex] of ATAN_TABLE) this.atanTable.push(new Wide().setHex(0, exp, hex));
  }

  // ----------------------------------------------------------------------
  // Conversions
  // ----------------------------------------------------------------------

  /** A finite nonzero extended value as a Wide. */
  load(out: Wide, e: Ext): Wide {
    const exp = e.exp === 0 ? 1 : e.exp;
    return out.setSignificand(e.sign, exp - EXT_BIAS, e.hi, e.lo);
  }

  /** Puts a nonzero Wide into the core's result in flight (for packing). */
  toCore(v: Wide): void {
    const core = this.core;
    const m = v.m;
    core.sign = v.sign;
    core.exp = v.exp - 1 + EXT_BIAS;
    core.m0 = ((m[LIMBS - 1] << 16) | m[LIMBS - 2]) >>> 0;
    core.m1 = ((m[LIMBS - 3] << 16) | m[LIMBS - 4]) >>> 0;
    let sticky = 0;
    for (let i = 0; i < LIMBS - 6; i++) sticky |= m[i];
    core.m2 = ((m[LIMBS - 5] << 16) | m[LIMBS - 6] | (sticky !== 0 ? 1 : 0)) >>> 0;
  }

  // ----------------------------------------------------------------------
  // Trigonometric functions
  // ----------------------------------------------------------------------

  /**
   * Reduces x (finite, nonzero, |x| < 2^63) to r = x - k pi/2 with |r| <= pi/4;
   * r is left in this.r, and the quadrant k mod 4 is returned.
   */
  private reduce(e: Ext): number {
    const exp = e.exp === 0 ? 1 : e.exp;
    const unbiased = exp - EXT_BIAS;
    if (unbiased < -1) {
      this.load(this.r, e);
      return 0;
    }
    // P = X * C with X the 64-bit significand, C = floor(2/pi * 2^320).
    const p = this.product;
    p.fill(0);
    const xl0 = e.lo & 0xffff;
    const xl1 = e.lo >>> 16;
    const xl2 = e.hi & 0xffff;
    const xl3 = e.hi >>> 16;
    const c = this.twoOverPi;
    for (let j = 0; j < 20; j++) {
      const cj = c[j];
      p[j] += xl0 * cj;
      p[j + 1] += xl1 * cj;
      p[j + 2] += xl2 * cj;
      p[j + 3] += xl3 * cj;
    }
    const bits = this.bits;
    let carry = 0;
    for (let k = 0; k < 24; k++) {
      const v = p[k] + carry;
      const low = v % 65536;
      bits[k] = low;
      carry = (v - low) / 65536;
    }
    // x * 2/pi = P * 2^(s - 320), s = unbiased - 63: the binary point is after bit q.
    const q = 320 - (unbiased - 63);
    let k = this.bitAt(q) | (this.bitAt(q + 1) << 1);
    let negative = false;
    if (this.bitAt(q - 1) !== 0) {
      // Round to the nearest k: the fraction becomes frac - 1 (negative).
      k = (k + 1) & 3;
      negative = true;
      this.negateBelow(q);
    }
    this.fractionToWide(this.r, q);
    this.math.mul(this.r, this.r, this.halfPi);
    let sign = negative ? 1 : 0;
    if (e.sign !== 0) {
      sign ^= 1;
      k = (4 - k) & 3;
    }
    this.r.sign = sign;
    return k;
  }

  private bitAt(i: number): number {
    if (i < 0 || i >= 24 * 16) return 0;
    return (this.bits[i >>> 4] >>> (i & 15)) & 1;
  }

  /** bits[0..q) = 2^q - bits[0..q) (two's complement of the fraction). */
  private negateBelow(q: number): void {
    const bits = this.bits;
    let carry = 1;
    const full = q >>> 4;
    for (let i = 0; i < full; i++) {
      const v = (~bits[i] & 0xffff) + carry;
      bits[i] = v & 0xffff;
      carry = v >>> 16;
    }
    const rest = q & 15;
    if (rest !== 0) {
      const mask = (1 << rest) - 1;
      const v = ((~bits[full] & mask) + carry) & mask;
      bits[full] = (bits[full] & ~mask) | v;
    }
  }

  /** The fraction bits[0..q) / 2^q as a Wide (nonnegative). */
  private fractionToWide(out: Wide, q: number): void {
    let top = q - 1;
    while (top >= 0 && this.bitAt(top) === 0) top--;
    out.setZero();
    if (top < 0) return;
    const m = out.m;
    for (let i = 0; i < LIMBS * 16; i++) {
      const b = this.bitAt(top - i);
      if (b !== 0) {
        const pos = LIMBS * 16 - 1 - i;
        m[pos >>> 4] |= 1 << (pos & 15);
      }
    }
    out.exp = top + 1 - q;
  }

  /** sin(r) into out for |r| <= pi/4 (r nonzero). */
  private sinSeries(out: Wide, r: Wide): void {
    const math = this.math;
    const r2 = this.r2;
    const term = this.term;
    const sum = this.sum;
    math.mul(r2, r, r);
    term.copy(r);
    sum.copy(r);
    for (let n = 1; n < MAX_TERMS; n++) {
      math.mul(term, term, r2);
      math.divSmall(term, term, 2 * n * (2 * n + 1));
      term.sign ^= 1;
      math.add(sum, sum, term);
      if (term.isZero() || term.exp < sum.exp - SERIES_BITS) break;
    }
    out.copy(sum);
  }

  /** cos(r) into out for |r| <= pi/4. */
  private cosSeries(out: Wide, r: Wide): void {
    const math = this.math;
    const r2 = this.r2;
    const term = this.term;
    const sum = this.sum;
    math.mul(r2, r, r);
    term.copy(this.one);
    sum.copy(this.one);
    for (let n = 1; n < MAX_TERMS; n++) {
      math.mul(term, term, r2);
      math.divSmall(term, term, (2 * n - 1) * (2 * n));
      term.sign ^= 1;
      math.add(sum, sum, term);
      if (term.isZero() || term.exp < sum.exp - SERIES_BITS) break;
    }
    out.copy(sum);
  }

  /**
   * sin(x) into `result` and/or cos(x) into `result2` (`which`: 1 sine,
   * 2 cosine, 3 both), for finite nonzero |x| < 2^63. Only the series the
   * quadrant needs are summed.
   */
  sinCos(e: Ext, which: number): void {
    const k = this.reduce(e);
    const odd = (k & 1) !== 0;
    const s = this.u;
    const c = this.v;
    const wantSin = (which & 1) !== 0;
    const wantCos = (which & 2) !== 0;
    if ((wantSin && !odd) || (wantCos && odd)) this.sinSeries(s, this.r);
    if ((wantSin && odd) || (wantCos && !odd)) this.cosSeries(c, this.r);
    // sin(x) = [sin r, cos r, -sin r, -cos r][k]; cos(x) = [cos r, -sin r, -cos r, sin r][k]
    if (wantSin) {
      this.result.copy(odd ? c : s);
      if (k >= 2) this.result.sign ^= 1;
    }
    if (wantCos) {
      this.result2.copy(odd ? s : c);
      if (k === 1 || k === 2) this.result2.sign ^= 1;
    }
  }

  /** tan(x) into `result`, for finite nonzero |x| < 2^63. */
  tan(e: Ext): void {
    const k = this.reduce(e);
    const s = this.u;
    const c = this.v;
    this.sinSeries(s, this.r);
    this.cosSeries(c, this.r);
    if ((k & 1) === 0) {
      this.math.div(this.result, s, c);
    } else {
      this.math.div(this.result, c, s);
      this.result.sign ^= 1;
    }
  }

  // ----------------------------------------------------------------------
  // Arctangent
  // ----------------------------------------------------------------------

  /** atan(t) into out for 0 <= t <= 1 (t nonzero). */
  private atanUnit(out: Wide, t: Wide): void {
    const math = this.math;
    const k = Math.round(t.toNumber() * 8);
    const u = this.u;
    if (k === 0) {
      u.copy(t);
    } else {
      // u = (t - c) / (1 + t c), c = k/8
      const c = this.w.setInt(k);
      c.exp -= 3;
      math.mul(this.v, t, c);
      math.add(this.v, this.one, this.v);
      math.add(u, t, c, true);
      math.div(u, u, this.v);
    }
    // Series u - u^3/3 + u^5/5 - ...
    const sum = this.sum;
    const pow = this.term;
    const u2 = this.r2;
    sum.copy(u);
    if (!u.isZero()) {
      pow.copy(u);
      math.mul(u2, u, u);
      for (let n = 1; n < MAX_TERMS; n++) {
        math.mul(pow, pow, u2);
        pow.sign ^= 1;
        math.divSmall(this.v, pow, 2 * n + 1);
        math.add(sum, sum, this.v);
        if (this.v.isZero() || this.v.exp < sum.exp - SERIES_BITS) break;
      }
    }
    if (k !== 0) math.add(out, sum, this.atanTable[k - 1]);
    else out.copy(sum);
  }

  /** atan2(y, x) into `result` for finite nonzero x and y. */
  atan2(ey: Ext, ex: Ext): void {
    const math = this.math;
    const a = this.load(this.x, ey);
    const b = this.load(this.y, ex);
    a.sign = 0;
    b.sign = 0;
    const t = this.result2;
    const swapped = math.compareMagnitude(a, b) > 0;
    if (swapped) math.div(t, b, a);
    else math.div(t, a, b);
    this.atanUnit(this.result, t);
    if (swapped) math.add(this.result, this.halfPi, this.result, true);
    if (ex.sign !== 0) math.add(this.result, this.pi, this.result, true);
    this.result.sign = ey.sign;
  }

  /** Sets `result` to the multiple pi * num / den (den a power of two), with a sign. */
  piMultiple(sign: number, num: number, den: number): void {
    this.math.mulSmall(this.result, this.pi, num);
    this.result.exp -= Math.log2(den);
    this.result.sign = sign;
  }

  // ----------------------------------------------------------------------
  // Exponential
  // ----------------------------------------------------------------------

  /** expm1(y) into out for |y| <= 1 (y nonzero). */
  private expm1Series(out: Wide, y: Wide): void {
    const math = this.math;
    const term = this.term;
    const sum = this.sum;
    term.copy(y);
    sum.copy(y);
    for (let n = 2; n < MAX_TERMS; n++) {
      math.mul(term, term, y);
      math.divSmall(term, term, n);
      math.add(sum, sum, term);
      if (term.isZero() || term.exp < sum.exp - SERIES_BITS) break;
    }
    out.copy(sum);
  }

  /** 2^x - 1 into `result` for finite nonzero x. */
  exp2m1(e: Ext): void {
    const math = this.math;
    const x = this.load(this.x, e);
    const approx = x.toNumber();
    if (Math.abs(approx) < 1) {
      math.mul(this.y, x, this.ln2);
      this.expm1Series(this.result, this.y);
      return;
    }
    // |x| >= 1 (beyond +-1 undefined on hardware): 2^n * 2^f - 1 with n = round(x), exact for integers.
    const n = Math.max(-20000, Math.min(20000, Math.round(approx)));
    this.w.setInt(n);
    math.add(this.y, x, this.w, true); // f, exact
    math.mul(this.y, this.y, this.ln2);
    this.expm1Series(this.result, this.y);
    math.add(this.result, this.result, this.one);
    this.result.exp += n;
    math.add(this.result, this.result, this.one, true);
  }

  // ----------------------------------------------------------------------
  // Logarithms
  // ----------------------------------------------------------------------

  /** 2 atanh(s) = ln((1+s)/(1-s)) into out (s small, nonzero). */
  private atanh2(out: Wide, s: Wide): void {
    const math = this.math;
    const s2 = this.r2;
    const pow = this.term;
    const sum = this.sum;
    math.mul(s2, s, s);
    pow.copy(s);
    sum.copy(s);
    for (let n = 1; n < MAX_TERMS; n++) {
      math.mul(pow, pow, s2);
      math.divSmall(this.v, pow, 2 * n + 1);
      math.add(sum, sum, this.v);
      if (this.v.isZero() || this.v.exp < sum.exp - SERIES_BITS) break;
    }
    out.copy(sum);
    out.exp += 1;
  }

  /** log2(v) into out for a positive Wide v. */
  private log2Wide(out: Wide, v: Wide): void {
    const math = this.math;
    // v = 0.M * 2^exp; m = 2 * 0.M in [1, 2), e = exp - 1.
    const m = this.w.copy(v);
    let e = m.exp - 1;
    m.exp = 1;
    // Keep m in [sqrt(1/2), sqrt(2)): 0.M >= 0.7071 means m >= 1.4142.
    if (m.m[LIMBS - 1] >= 0xb505) {
      m.exp = 0;
      e += 1;
    }
    const s = this.u;
    math.add(this.v, m, this.one, true);
    if (this.v.isZero()) {
      out.setInt(e);
      return;
    }
    math.add(s, m, this.one);
    math.div(s, this.v, s);
    this.atanh2(this.result2, s);
    math.mul(out, this.result2, this.log2e);
    if (e !== 0) {
      this.w.setInt(e);
      math.add(out, out, this.w);
    }
  }

  /** log2(x) into `result` for positive finite nonzero x. */
  log2(e: Ext): void {
    this.load(this.x, e);
    this.log2Wide(this.result, this.x);
  }

  /** log2(1 + x) into `result` for finite nonzero x > -1. */
  log2p1(e: Ext): void {
    const math = this.math;
    const x = this.load(this.x, e);
    if (Math.abs(x.toNumber()) < 0.25) {
      // s = x / (2 + x); ln(1+x) = 2 atanh(s)
      math.add(this.y, this.two, x);
      math.div(this.y, x, this.y);
      this.atanh2(this.result2, this.y);
      math.mul(this.result, this.result2, this.log2e);
      return;
    }
    math.add(this.y, x, this.one);
    normalize(this.y);
    this.log2Wide(this.result, this.y);
  }

  /** result = result * factor (the y operand of FYL2X/FYL2XP1). */
  scaleBy(e: Ext): void {
    this.load(this.y, e);
    this.math.mul(this.result, this.result, this.y);
  }
}
