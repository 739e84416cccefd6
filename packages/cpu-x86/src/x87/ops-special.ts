/**
 * FSQRT, FRNDINT, FSCALE, FXTRACT, FPREM and FPREM1.
 */
import { loadMagnitude } from "./convert";
import {
  Cls,
  EXT_BIAS,
  SW_C0,
  SW_C1,
  SW_C2,
  SW_C3,
  SW_DE,
  SW_IE,
  SW_SF,
  SW_ZE,
  classify,
  propagateNaN,
  setIndefinite,
  setInfinity,
  setZero,
} from "./float80";
import { finish } from "./ops-arith";
import type { X87 } from "./x87";

export { f2xm1, fpatan, fptan, fsin, fsincos, fyl2x, fyl2xp1 } from "./ops-transcendental";

export function fsqrt(fpu: X87): void {
  if (fpu.isEmpty(0)) {
    fpu.stackUnderflow(0, 0);
    return;
  }
  const core = fpu.core;
  core.control(fpu.fcw);
  core.usePrecisionControl(fpu.fcw);
  finish(fpu, core.sqrt(fpu.read(0, fpu.a), fpu.r), 0, 0);
}

export function frndint(fpu: X87): void {
  if (fpu.isEmpty(0)) {
    fpu.stackUnderflow(0, 0);
    return;
  }
  const core = fpu.core;
  core.control(fpu.fcw);
  const a = fpu.read(0, fpu.a);
  const r = fpu.r;
  const cls = classify(a);
  let flags = 0;
  switch (cls) {
    case Cls.Unsupported:
      setIndefinite(r);
      flags = SW_IE;
      break;
    case Cls.QNaN:
    case Cls.SNaN:
      r.copy(a);
      r.hi = (r.hi | 0x40000000) >>> 0;
      if (cls === Cls.SNaN) flags = SW_IE;
      break;
    case Cls.Infinity:
    case Cls.Zero:
      r.copy(a);
      break;
    default:
      if (cls === Cls.Denormal) {
        flags = SW_DE;
        if (fpu.unmasked(flags)) break;
      }
      if (a.exp - EXT_BIAS >= 63) {
        r.copy(a);
        break;
      }
      core.intRound(a);
      loadMagnitude(a.sign, core.intHi, core.intLo, r);
      if ((core.intStatus & 1) !== 0) flags |= 0x20; // PE
      if ((core.intStatus & 2) !== 0) flags |= SW_C1;
      break;
  }
  finish(fpu, flags, 0, 0);
}

/** The scale factor trunc(b) of a finite b, clamped to +-2^20 (far beyond any exponent range). */
function scaleFactor(fpu: X87, cls: number): number {
  const b = fpu.b;
  if (cls === Cls.Zero) return 0;
  const e = (b.exp === 0 ? 1 : b.exp) - EXT_BIAS;
  if (e < 0) return 0;
  let n: number;
  if (e >= 20) n = 1 << 20;
  else n = b.hi >>> (31 - e);
  return b.sign !== 0 ? -n : n;
}

export function fscale(fpu: X87): void {
  if (fpu.isEmpty(0) || fpu.isEmpty(1)) {
    fpu.stackUnderflow(0, 0);
    return;
  }
  const core = fpu.core;
  core.control(fpu.fcw);
  const a = fpu.read(0, fpu.a);
  const b = fpu.read(1, fpu.b);
  const r = fpu.r;
  const ca = classify(a);
  const cb = classify(b);
  let flags = 0;
  if (ca === Cls.Unsupported || cb === Cls.Unsupported) {
    setIndefinite(r);
    flags = SW_IE;
  } else if (ca === Cls.QNaN || ca === Cls.SNaN || cb === Cls.QNaN || cb === Cls.SNaN) {
    if (propagateNaN(a, ca, b, cb, r)) flags = SW_IE;
  } else if (cb === Cls.Infinity) {
    if ((b.sign === 0 && ca === Cls.Zero) || (b.sign !== 0 && ca === Cls.Infinity)) {
      setIndefinite(r);
      flags = SW_IE;
    } else {
      if (ca === Cls.Denormal) flags = SW_DE;
      if (b.sign === 0) setInfinity(r, a.sign);
      else setZero(r, a.sign);
    }
  } else {
    if (ca === Cls.Denormal || cb === Cls.Denormal) flags = SW_DE;
    if (!fpu.unmasked(flags)) {
      if (ca === Cls.Infinity || ca === Cls.Zero) {
        r.copy(a);
      } else {
        core.normA(a);
        core.sign = a.sign;
        core.exp = core.aExp + scaleFactor(fpu, cb);
        core.m0 = core.aHi;
        core.m1 = core.aLo;
        core.m2 = 0;
        flags |= core.packExt(r);
      }
    }
  }
  finish(fpu, flags, 0, 0);
}

export function fxtract(fpu: X87): void {
  const overflow = !fpu.isEmpty(7);
  if (overflow || fpu.isEmpty(0)) {
    // Stack fault: masked, both results are the indefinite.
    fpu.raise(SW_IE | SW_SF);
    fpu.setC1(overflow);
    if (fpu.ieMasked) {
      setIndefinite(fpu.r);
      fpu.write(0, fpu.r);
      fpu.push(fpu.r);
    }
    return;
  }
  const core = fpu.core;
  core.control(fpu.fcw);
  const a = fpu.read(0, fpu.a);
  const exponent = fpu.r;
  const significand = fpu.r2;
  const cls = classify(a);
  let flags = 0;
  switch (cls) {
    case Cls.Unsupported:
      setIndefinite(exponent);
      setIndefinite(significand);
      flags = SW_IE;
      break;
    case Cls.QNaN:
    case Cls.SNaN:
      exponent.copy(a);
      exponent.hi = (exponent.hi | 0x40000000) >>> 0;
      significand.copy(exponent);
      if (cls === Cls.SNaN) flags = SW_IE;
      break;
    case Cls.Zero:
      setInfinity(exponent, 1);
      setZero(significand, a.sign);
      flags = SW_ZE;
      break;
    case Cls.Infinity:
      setInfinity(exponent, 0);
      setInfinity(significand, a.sign);
      break;
    default: {
      if (cls === Cls.Denormal) flags = SW_DE;
      core.normA(a);
      const e = core.aExp - EXT_BIAS;
      loadMagnitude(e < 0 ? 1 : 0, 0, Math.abs(e), exponent);
      significand.set(a.sign, EXT_BIAS, core.aHi, core.aLo);
      break;
    }
  }
  if (fpu.unmasked(flags)) {
    fpu.raise(flags);
    fpu.setC1(false);
    return;
  }
  fpu.write(0, exponent);
  fpu.push(significand);
  fpu.raise(flags);
  fpu.setC1(false);
}

/**
 * FPREM (quotient truncated) and FPREM1 (quotient rounded to nearest):
 * ST(0) = ST(0) - ST(1) * q, exactly. When the exponents differ by 64 or
 * more only a partial remainder is computed (C2 = 1): the exponent
 * difference shrinks by 32 to 63 bits per execution.
 */
export function fprem(fpu: X87, ieee: boolean): void {
  if (fpu.isEmpty(0) || fpu.isEmpty(1)) {
    fpu.raise(SW_IE | SW_SF);
    fpu.setC1(false);
    fpu.setConditionCodes(fpu.sw & (SW_C0 | SW_C3));
    if (fpu.ieMasked) fpu.write(0, setIndefinite(fpu.r));
    return;
  }
  const core = fpu.core;
  core.control(fpu.fcw);
  const a = fpu.read(0, fpu.a);
  const b = fpu.read(1, fpu.b);
  const r = fpu.r;
  const ca = classify(a);
  const cb = classify(b);
  let flags = 0;
  let cc = fpu.sw & (SW_C0 | SW_C3);
  if (ca === Cls.Unsupported || cb === Cls.Unsupported) {
    setIndefinite(r);
    flags = SW_IE;
  } else if (ca === Cls.QNaN || ca === Cls.SNaN || cb === Cls.QNaN || cb === Cls.SNaN) {
    if (propagateNaN(a, ca, b, cb, r)) flags = SW_IE;
  } else if (ca === Cls.Infinity || cb === Cls.Zero) {
    setIndefinite(r);
    flags = SW_IE;
  } else {
    if (ca === Cls.Denormal || cb === Cls.Denormal) flags = SW_DE;
    if (fpu.unmasked(flags)) {
      fpu.raise(flags);
      fpu.setConditionCodes(cc);
      return;
    }
    if (cb === Cls.Infinity || ca === Cls.Zero) {
      r.copy(a);
      cc = 0;
    } else {
      core.normA(a);
      core.normB(b);
      cc = remainder(fpu, ieee, a.sign);
      flags |= core.packExt(r) & ~SW_C1;
    }
  }
  if (fpu.unmasked(flags & (SW_IE | SW_DE))) {
    fpu.raise(flags);
    fpu.setConditionCodes(fpu.sw & (SW_C0 | SW_C3));
    return;
  }
  fpu.write(0, r);
  fpu.raise(flags);
  fpu.setConditionCodes(cc);
}

/**
 * The remainder of the normalized core operands into the core's result in
 * flight (sign, exp, m0:m1:m2 = 0); returns the condition codes.
 */
function remainder(fpu: X87, ieee: boolean, sign: number): number {
  const core = fpu.core;
  const d = core.aExp - core.bExp;
  const bh = core.bHi;
  const bl = core.bLo;
  let rh = core.aHi;
  let rl = core.aLo;
  let rt = 0;
  let q = 0;
  let resultExp = core.bExp;
  let partial = false;
  let steps: number;
  if (d < 0) {
    steps = -1;
    resultExp = core.aExp;
  } else if (d < 64) {
    steps = d;
  } else {
    partial = true;
    steps = 32 + (d & 31);
    resultExp = core.aExp - steps;
  }
  for (let k = 0; k <= steps; k++) {
    let bit = 0;
    if (rt !== 0 || rh > bh || (rh === bh && rl >= bl)) {
      let l = rl - bl;
      let h = rh - bh;
      if (l < 0) {
        l += 0x100000000;
        h -= 1;
      }
      rl = l;
      rh = h >>> 0;
      rt = 0;
      bit = 1;
    }
    q = ((q << 1) | bit) & 7;
    if (k < steps) {
      rt = rh >>> 31;
      rh = ((rh << 1) | (rl >>> 31)) >>> 0;
      rl = (rl << 1) >>> 0;
    }
  }
  let resultSign = sign;
  if (ieee && !partial && d >= -1) {
    // Round the quotient to nearest: compare 2r with b (r is scaled like b, or a with d = -1).
    let th: number;
    let tl: number;
    let tt: number;
    if (d === -1) {
      // r = a (exponent one lower than b): compare r with b directly.
      tt = 0;
      th = rh;
      tl = rl;
    } else {
      tt = rh >>> 31;
      th = ((rh << 1) | (rl >>> 31)) >>> 0;
      tl = (rl << 1) >>> 0;
    }
    const cmp = tt !== 0 ? 1 : th !== bh ? (th > bh ? 1 : -1) : tl !== bl ? (tl > bl ? 1 : -1) : 0;
    if (cmp > 0 || (cmp === 0 && (q & 1) !== 0)) {
      q = (q + 1) & 7;
      resultSign ^= 1;
      if (d === -1) {
        // |b| - |a| where a has half the scale: compute in b's scale with one extra bit.
        // b*2 - a (in a's units), exponent aExp.
        let l = ((bl << 1) >>> 0) - rl;
        let h = (((bh << 1) | (bl >>> 31)) >>> 0) - rh;
        if (l < 0) {
          l += 0x100000000;
          h -= 1;
        }
        rl = l;
        rh = h >>> 0; // b*2 - a < 2^64 since a >= b/2... (a > b/2 here)
        resultExp = core.aExp;
      } else {
        let l = bl - rl;
        let h = bh - rh;
        if (l < 0) {
          l += 0x100000000;
          h -= 1;
        }
        rl = l;
        rh = h >>> 0;
      }
    }
  }
  core.sign = resultSign;
  core.exp = resultExp;
  core.m0 = rh;
  core.m1 = rl;
  core.m2 = 0;
  if ((rh | rl) === 0) core.sign = sign;
  let cc = 0;
  if (partial) {
    cc = SW_C2;
  } else {
    if ((q & 4) !== 0) cc |= SW_C0;
    if ((q & 2) !== 0) cc |= SW_C3;
    if ((q & 1) !== 0) cc |= SW_C1;
  }
  return cc;
}
