/**
 * Conversions between the memory formats (single, double, extended, 16/32/64-bit
 * integers, 18-digit packed BCD) and unpacked extended values. Loads are
 * exact; stores round with the core and report the exceptions the store
 * raises. Results of stores are left in `Packed`'s words.
 */
import type { FloatCore } from "./core";
import {
  Cls,
  DOUBLE_BIAS,
  EXT_BIAS,
  type Ext,
  SINGLE_BIAS,
  SW_C1,
  SW_IE,
  SW_PE,
  classify,
  setZero,
} from "./float80";

/** The encoded result of a store: up to 80 bits, w0 least significant. */
export class Packed {
  w0 = 0;
  w1 = 0;
  w2 = 0;
}

// ---- loads ----

/** Single-precision bits to an extended value; returns the source class (Denormal/SNaN tell DE/IE). */
export function loadSingle(bits: number, e: Ext): number {
  const sign = bits >>> 31;
  const exp = (bits >>> 23) & 0xff;
  const frac = bits & 0x7fffff;
  if (exp === 0) {
    if (frac === 0) {
      setZero(e, sign);
      return Cls.Zero;
    }
    const hi = frac << 8;
    const s = Math.clz32(hi);
    e.set(sign, 1 - SINGLE_BIAS + EXT_BIAS - s, hi << s, 0);
    return Cls.Denormal;
  }
  if (exp === 0xff) {
    e.set(sign, 0x7fff, 0x80000000 | (frac << 8), 0);
    if (frac === 0) return Cls.Infinity;
    return (frac & 0x400000) !== 0 ? Cls.QNaN : Cls.SNaN;
  }
  e.set(sign, exp - SINGLE_BIAS + EXT_BIAS, 0x80000000 | (frac << 8), 0);
  return Cls.Normal;
}

/** Double-precision bits (high and low words) to an extended value; returns the source class. */
export function loadDouble(high: number, low: number, e: Ext): number {
  const sign = high >>> 31;
  const exp = (high >>> 20) & 0x7ff;
  let hi = (((high & 0xfffff) << 11) | (low >>> 21)) >>> 0;
  let lo = (low << 11) >>> 0;
  if (exp === 0) {
    if ((hi | lo) === 0) {
      setZero(e, sign);
      return Cls.Zero;
    }
    let x = 1 - DOUBLE_BIAS + EXT_BIAS;
    if (hi === 0) {
      hi = lo;
      lo = 0;
      x -= 32;
    }
    const s = Math.clz32(hi);
    if (s !== 0) {
      hi = ((hi << s) | (lo >>> (32 - s))) >>> 0;
      lo = (lo << s) >>> 0;
      x -= s;
    }
    e.set(sign, x, hi, lo);
    return Cls.Denormal;
  }
  if (exp === 0x7ff) {
    e.set(sign, 0x7fff, 0x80000000 | hi, lo);
    if ((hi | lo) === 0) return Cls.Infinity;
    return (hi & 0x40000000) !== 0 ? Cls.QNaN : Cls.SNaN;
  }
  e.set(sign, exp - DOUBLE_BIAS + EXT_BIAS, 0x80000000 | hi, lo);
  return Cls.Normal;
}

/** A signed integer given as a magnitude hi:lo and a sign, exactly. */
export function loadMagnitude(sign: number, hi: number, lo: number, e: Ext): void {
  if ((hi | lo) === 0) {
    setZero(e, sign);
    return;
  }
  let exp = EXT_BIAS + 63;
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
  e.set(sign, exp, hi, lo);
}

export function loadInt32(value: number, e: Ext): void {
  const v = value | 0;
  loadMagnitude(v < 0 ? 1 : 0, 0, v < 0 ? -v >>> 0 : v, e);
}

export function loadInt64(high: number, low: number, e: Ext): void {
  if ((high | 0) < 0) {
    // Two's complement negate.
    let lo = (~low >>> 0) + 1;
    let hi = ~high >>> 0;
    if (lo >= 0x100000000) {
      lo = 0;
      hi = (hi + 1) >>> 0;
    }
    loadMagnitude(1, hi, lo >>> 0, e);
  } else {
    loadMagnitude(0, high >>> 0, low >>> 0, e);
  }
}

/** 18 packed BCD digits in bytes 0-8 (w0, w1, low byte of w2) and the sign in bit 15 of w2. */
export function loadBcd(w0: number, w1: number, w2: number, e: Ext): void {
  // Two halves of nine digits each, then high * 10^9 + low in 64-bit arithmetic.
  let high = 0;
  let low = 0;
  for (let d = 17; d >= 0; d--) {
    const byteIndex = d >>> 1;
    const word = byteIndex < 4 ? w0 : byteIndex < 8 ? w1 : w2;
    const byte = (word >>> (8 * (byteIndex & 3))) & 0xff;
    const digit = (d & 1) !== 0 ? byte >>> 4 : byte & 0xf;
    if (d >= 9) high = high * 10 + digit;
    else low = low * 10 + digit;
  }
  // high < 1.6e10 at most with invalid digits; keep it exact via 16-bit pieces.
  const hHi = Math.floor(high / 65536);
  const hLo = high - hHi * 65536;
  // high * 1e9 = hHi * 1e9 * 65536 + hLo * 1e9
  const part1 = hLo * 1e9 + low; // < 2^47
  const part2 = hHi * 1e9; // < 2^48, to be shifted by 16
  // value = part2 * 65536 + part1
  const p2lo = part2 % 65536;
  const p2hi = (part2 - p2lo) / 65536;
  let lowWord = p2lo * 65536 + (part1 % 0x100000000);
  let highWord = p2hi + Math.floor(part1 / 0x100000000);
  if (lowWord >= 0x100000000) {
    lowWord -= 0x100000000;
    highWord += 1;
  }
  loadMagnitude((w2 >>> 15) & 1, highWord >>> 0, lowWord >>> 0, e);
}

// ---- stores ----

/** The single-precision indefinite (the masked response of an invalid store). */
const INDEFINITE_SINGLE = 0xffc00000;

/** Rounds e to single precision into out.w0; returns the exception flags (plus SW_C1). */
export function storeSingle(core: FloatCore, e: Ext, out: Packed, result: Ext): number {
  const cls = classify(e);
  const sign = e.sign;
  switch (cls) {
    case Cls.Unsupported:
      out.w0 = INDEFINITE_SINGLE;
      return SW_IE;
    case Cls.QNaN:
    case Cls.SNaN:
      out.w0 = ((sign << 31) | 0x7fc00000 | ((e.hi >>> 8) & 0x3fffff)) >>> 0;
      return cls === Cls.SNaN ? SW_IE : 0;
    case Cls.Infinity:
      out.w0 = ((sign << 31) | 0x7f800000) >>> 0;
      return 0;
    case Cls.Zero:
      out.w0 = (sign << 31) >>> 0;
      return 0;
  }
  core.normA(e);
  core.sign = sign;
  core.exp = core.aExp - EXT_BIAS + SINGLE_BIAS;
  core.m0 = core.aHi;
  core.m1 = core.aLo;
  core.m2 = 0;
  const flags = core.pack(result, 24, 0xff, false);
  out.w0 = ((sign << 31) | ((result.exp & 0xff) << 23) | ((result.hi >>> 8) & 0x7fffff)) >>> 0;
  return flags;
}

/** Rounds e to double precision into out.w1:w0; returns the exception flags (plus SW_C1). */
export function storeDouble(core: FloatCore, e: Ext, out: Packed, result: Ext): number {
  const cls = classify(e);
  const sign = e.sign;
  switch (cls) {
    case Cls.Unsupported:
      out.w1 = 0xfff80000;
      out.w0 = 0;
      return SW_IE;
    case Cls.QNaN:
    case Cls.SNaN:
      out.w1 = ((sign << 31) | 0x7ff80000 | ((e.hi >>> 11) & 0x7ffff)) >>> 0;
      out.w0 = ((e.hi << 21) | (e.lo >>> 11)) >>> 0;
      return cls === Cls.SNaN ? SW_IE : 0;
    case Cls.Infinity:
      out.w1 = ((sign << 31) | 0x7ff00000) >>> 0;
      out.w0 = 0;
      return 0;
    case Cls.Zero:
      out.w1 = (sign << 31) >>> 0;
      out.w0 = 0;
      return 0;
  }
  core.normA(e);
  core.sign = sign;
  core.exp = core.aExp - EXT_BIAS + DOUBLE_BIAS;
  core.m0 = core.aHi;
  core.m1 = core.aLo;
  core.m2 = 0;
  const flags = core.pack(result, 53, 0x7ff, false);
  out.w1 = ((sign << 31) | ((result.exp & 0x7ff) << 20) | ((result.hi >>> 11) & 0xfffff)) >>> 0;
  out.w0 = ((result.hi << 21) | (result.lo >>> 11)) >>> 0;
  return flags;
}

/**
 * Rounds e to a signed integer of `bits` (16, 32, 64) bits into out.w1:w0
 * (two's complement). Out of range, NaN, infinity or unsupported: IE with
 * the integer indefinite (the most negative value).
 */
export function storeInteger(core: FloatCore, e: Ext, bits: number, out: Packed): number {
  const cls = classify(e);
  let invalid = cls === Cls.Unsupported || cls === Cls.QNaN || cls === Cls.SNaN || cls === Cls.Infinity;
  let flags = 0;
  if (!invalid) {
    core.intRound(e);
    const hi = core.intHi;
    const lo = core.intLo;
    if ((core.intStatus & 4) !== 0) invalid = true;
    else if (bits === 64) {
      invalid = hi > 0x7fffffff && !(e.sign !== 0 && hi === 0x80000000 && lo === 0);
    } else {
      const limit = bits === 32 ? 0x80000000 : 0x8000;
      invalid = hi !== 0 || lo > limit || (lo === limit && e.sign === 0);
    }
    if (!invalid) {
      if ((core.intStatus & 1) !== 0) flags |= SW_PE;
      if ((core.intStatus & 2) !== 0) flags |= SW_C1;
      if (e.sign !== 0 && (hi | lo) !== 0) {
        let nlo = (~lo >>> 0) + 1;
        let nhi = ~hi >>> 0;
        if (nlo >= 0x100000000) {
          nlo = 0;
          nhi = (nhi + 1) >>> 0;
        }
        out.w0 = nlo >>> 0;
        out.w1 = nhi;
      } else {
        out.w0 = lo;
        out.w1 = hi;
      }
      return flags;
    }
  }
  out.w0 = bits === 64 ? 0 : bits === 32 ? 0x80000000 : 0x8000;
  out.w1 = bits === 64 ? 0x80000000 : 0;
  return SW_IE;
}

/**
 * Rounds e to an integer and encodes it as 18 packed BCD digits (out.w0,
 * out.w1, low byte of out.w2) with the sign in bit 15 of out.w2. Beyond 18
 * digits, NaN, infinity or unsupported: IE with the BCD indefinite.
 */
export function storeBcd(core: FloatCore, e: Ext, out: Packed): number {
  const cls = classify(e);
  if (cls !== Cls.Unsupported && cls !== Cls.QNaN && cls !== Cls.SNaN && cls !== Cls.Infinity) {
    core.intRound(e);
    const hi = core.intHi;
    const lo = core.intLo;
    // 10^18 = 0x0DE0B6B3_A7640000
    const tooBig = (core.intStatus & 4) !== 0 || hi > 0x0de0b6b3 || (hi === 0x0de0b6b3 && lo >= 0xa7640000);
    if (!tooBig) {
      let flags = 0;
      if ((core.intStatus & 1) !== 0) flags |= SW_PE;
      if ((core.intStatus & 2) !== 0) flags |= SW_C1;
      // Split into two nine-digit halves: value = upper * 10^9 + lower, via 16-bit long division.
      let rem = 0;
      let q3 = 0;
      let q2 = 0;
      let q1 = 0;
      let q0 = 0;
      let t = rem * 65536 + (hi >>> 16);
      q3 = Math.floor(t / 1e9);
      rem = t - q3 * 1e9;
      t = rem * 65536 + (hi & 0xffff);
      q2 = Math.floor(t / 1e9);
      rem = t - q2 * 1e9;
      t = rem * 65536 + (lo >>> 16);
      q1 = Math.floor(t / 1e9);
      rem = t - q1 * 1e9;
      t = rem * 65536 + (lo & 0xffff);
      q0 = Math.floor(t / 1e9);
      rem = t - q0 * 1e9;
      let upper = ((q3 * 65536 + q2) * 65536 + q1) * 65536 + q0; // < 10^9, exact
      let lower = rem;
      let w0 = 0;
      let w1 = 0;
      let w2 = 0;
      for (let d = 0; d < 18; d++) {
        let digit: number;
        if (d < 9) {
          digit = lower % 10;
          lower = (lower - digit) / 10;
        } else {
          digit = upper % 10;
          upper = (upper - digit) / 10;
        }
        const shift = 4 * (d & 7);
        if (d < 8) w0 |= digit << shift;
        else if (d < 16) w1 |= digit << shift;
        else w2 |= digit << (4 * (d - 16));
      }
      out.w0 = w0 >>> 0;
      out.w1 = w1 >>> 0;
      out.w2 = (w2 | (e.sign << 15)) >>> 0;
      return flags;
    }
  }
  out.w0 = 0;
  out.w1 = 0xc0000000;
  out.w2 = 0xffff;
  return SW_IE;
}
