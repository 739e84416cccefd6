/**
 * FSIN, FCOS, FSINCOS, FPTAN, FPATAN, F2XM1, FYL2X, FYL2XP1: operand
 * screening, special values and exceptions per the SDM's tables; the
 * numerical work is in transcendental.ts. Results are rounded to 64 bits
 * with the rounding control (precision control does not apply).
 *
 * FSIN, FCOS, FSINCOS and FPTAN leave an operand with |x| >= 2^63 in place
 * and set C2 ("reduction incomplete"); otherwise they clear C2.
 */
import {
  Cls,
  EXT_BIAS,
  type Ext,
  SW_C1,
  SW_C2,
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
import type { Wide } from "./wide";
import type { X87 } from "./x87";

function setOne(e: Ext, sign: number): Ext {
  return e.set(sign, EXT_BIAS, 0x80000000, 0);
}

/** Packs a Wide result into `into`; returns the flags (PE, UE, OE, C1). */
function packWide(fpu: X87, value: Wide, into: Ext): number {
  if (value.isZero()) {
    setZero(into, value.sign);
    return 0;
  }
  fpu.trans.toCore(value);
  return fpu.core.packExt(into);
}

function setC2(fpu: X87, on: boolean): void {
  fpu.sw = on ? fpu.sw | SW_C2 : fpu.sw & ~SW_C2;
}

/** |x| >= 2^63: the operand is out of range for the trigonometric instructions. */
function outOfRange(e: Ext): boolean {
  return e.exp - EXT_BIAS >= 63;
}

/**
 * The stack fault of the instructions that replace ST(0) and push a second
 * result (FSINCOS, FPTAN): masked, both results are the indefinite.
 */
function pushingStackFault(fpu: X87): boolean {
  const overflow = !fpu.isEmpty(7);
  if (!overflow && !fpu.isEmpty(0)) return false;
  fpu.raise(SW_IE | SW_SF);
  fpu.setC1(overflow);
  setC2(fpu, false);
  if (fpu.ieMasked) {
    setIndefinite(fpu.r);
    fpu.write(0, fpu.r);
    fpu.push(fpu.r);
  }
  return true;
}

/** Screens a one-operand trigonometric argument; returns -1 to proceed, else flags with fpu.r set. */
function screenTrig(fpu: X87, a: Ext, cls: number): number {
  switch (cls) {
    case Cls.Unsupported:
    case Cls.Infinity:
      setIndefinite(fpu.r);
      return SW_IE;
    case Cls.QNaN:
    case Cls.SNaN:
      fpu.r.copy(a);
      fpu.r.hi = (fpu.r.hi | 0x40000000) >>> 0;
      return cls === Cls.SNaN ? SW_IE : 0;
  }
  return -1;
}

/** FSIN (cos = false) and FCOS. */
export function fsin(fpu: X87, cos: boolean): void {
  if (fpu.isEmpty(0)) {
    fpu.stackUnderflow(0, 0);
    setC2(fpu, false);
    return;
  }
  const core = fpu.core;
  core.control(fpu.fcw);
  const a = fpu.read(0, fpu.a);
  const cls = classify(a);
  let flags = screenTrig(fpu, a, cls);
  if (flags < 0) {
    if (cls === Cls.Zero) {
      if (cos) setOne(fpu.r, 0);
      else fpu.r.copy(a);
      flags = 0;
    } else if (outOfRange(a)) {
      setC2(fpu, true);
      return;
    } else {
      flags = cls === Cls.Denormal ? SW_DE : 0;
      if (!fpu.unmasked(flags)) {
        fpu.trans.sinCos(a, cos ? 2 : 1);
        flags |= packWide(fpu, cos ? fpu.trans.result2 : fpu.trans.result, fpu.r);
      }
    }
  }
  finish(fpu, flags, 0, 0);
  setC2(fpu, false);
}

/** Stores ST(0) = first and pushes second, unless an unmasked IE/DE stops it. */
function finishPair(fpu: X87, flags: number): void {
  setC2(fpu, false);
  if (fpu.unmasked(flags & (SW_IE | SW_DE | SW_ZE))) {
    fpu.raise(flags);
    fpu.setC1(false);
    return;
  }
  fpu.write(0, fpu.r);
  fpu.push(fpu.r2);
  fpu.raise(flags);
  fpu.setC1((flags & SW_C1) !== 0);
}

export function fsincos(fpu: X87): void {
  if (pushingStackFault(fpu)) return;
  const core = fpu.core;
  core.control(fpu.fcw);
  const a = fpu.read(0, fpu.a);
  const cls = classify(a);
  let flags = screenTrig(fpu, a, cls);
  if (flags >= 0) {
    fpu.r2.copy(fpu.r);
  } else if (cls === Cls.Zero) {
    fpu.r.copy(a);
    setOne(fpu.r2, 0);
    flags = 0;
  } else if (outOfRange(a)) {
    setC2(fpu, true);
    return;
  } else {
    flags = cls === Cls.Denormal ? SW_DE : 0;
    if (!fpu.unmasked(flags)) {
      fpu.trans.sinCos(a, 3);
      const sinFlags = packWide(fpu, fpu.trans.result, fpu.r);
      const cosFlags = packWide(fpu, fpu.trans.result2, fpu.r2);
      flags |= (sinFlags | cosFlags) & ~SW_C1;
      flags |= cosFlags & SW_C1;
    }
  }
  finishPair(fpu, flags);
}

export function fptan(fpu: X87): void {
  if (pushingStackFault(fpu)) return;
  const core = fpu.core;
  core.control(fpu.fcw);
  const a = fpu.read(0, fpu.a);
  const cls = classify(a);
  let flags = screenTrig(fpu, a, cls);
  if (flags >= 0) {
    fpu.r2.copy(fpu.r);
  } else if (cls === Cls.Zero) {
    fpu.r.copy(a);
    setOne(fpu.r2, 0);
    flags = 0;
  } else if (outOfRange(a)) {
    setC2(fpu, true);
    return;
  } else {
    flags = cls === Cls.Denormal ? SW_DE : 0;
    if (!fpu.unmasked(flags)) {
      fpu.trans.tan(a);
      flags |= packWide(fpu, fpu.trans.result, fpu.r);
      setOne(fpu.r2, 0);
    }
  }
  finishPair(fpu, flags);
}

/** FPATAN: ST(1) = atan2(ST(1), ST(0)), then pop. */
export function fpatan(fpu: X87): void {
  if (fpu.isEmpty(0) || fpu.isEmpty(1)) {
    fpu.stackUnderflow(1, 1);
    return;
  }
  const core = fpu.core;
  core.control(fpu.fcw);
  const x = fpu.read(0, fpu.a);
  const y = fpu.read(1, fpu.b);
  const cx = classify(x);
  const cy = classify(y);
  const trans = fpu.trans;
  let flags = 0;
  if (cx === Cls.Unsupported || cy === Cls.Unsupported) {
    setIndefinite(fpu.r);
    flags = SW_IE;
  } else if (cx === Cls.QNaN || cx === Cls.SNaN || cy === Cls.QNaN || cy === Cls.SNaN) {
    if (propagateNaN(y, cy, x, cx, fpu.r)) flags = SW_IE;
  } else {
    if (cx === Cls.Denormal || cy === Cls.Denormal) flags = SW_DE;
    if (!fpu.unmasked(flags)) {
      if (cy === Cls.Zero) {
        // atan2(+-0, x): +-0 for x > 0 or +0, +-pi for x < 0 or -0.
        if (x.sign === 0) setZero(fpu.r, y.sign);
        else {
          trans.piMultiple(y.sign, 1, 1);
          flags |= packWide(fpu, trans.result, fpu.r);
        }
      } else if (cy === Cls.Infinity) {
        if (cx === Cls.Infinity) trans.piMultiple(y.sign, x.sign === 0 ? 1 : 3, 4);
        else trans.piMultiple(y.sign, 1, 2);
        flags |= packWide(fpu, trans.result, fpu.r);
      } else if (cx === Cls.Zero) {
        trans.piMultiple(y.sign, 1, 2);
        flags |= packWide(fpu, trans.result, fpu.r);
      } else if (cx === Cls.Infinity) {
        if (x.sign === 0) setZero(fpu.r, y.sign);
        else {
          trans.piMultiple(y.sign, 1, 1);
          flags |= packWide(fpu, trans.result, fpu.r);
        }
      } else {
        trans.atan2(y, x);
        flags |= packWide(fpu, trans.result, fpu.r);
      }
    }
  }
  finish(fpu, flags, 1, 1);
}

/** F2XM1: ST(0) = 2^ST(0) - 1. */
export function f2xm1(fpu: X87): void {
  if (fpu.isEmpty(0)) {
    fpu.stackUnderflow(0, 0);
    return;
  }
  const core = fpu.core;
  core.control(fpu.fcw);
  const a = fpu.read(0, fpu.a);
  const cls = classify(a);
  let flags = 0;
  switch (cls) {
    case Cls.Unsupported:
      setIndefinite(fpu.r);
      flags = SW_IE;
      break;
    case Cls.QNaN:
    case Cls.SNaN:
      fpu.r.copy(a);
      fpu.r.hi = (fpu.r.hi | 0x40000000) >>> 0;
      if (cls === Cls.SNaN) flags = SW_IE;
      break;
    case Cls.Zero:
      fpu.r.copy(a);
      break;
    case Cls.Infinity:
      if (a.sign === 0) fpu.r.copy(a);
      else setOne(fpu.r, 1);
      break;
    default:
      if (cls === Cls.Denormal) flags = SW_DE;
      if (!fpu.unmasked(flags)) {
        fpu.trans.exp2m1(a);
        flags |= packWide(fpu, fpu.trans.result, fpu.r);
      }
      break;
  }
  finish(fpu, flags, 0, 0);
}

/**
 * FYL2X (plusOne = false): ST(1) = ST(1) * log2(ST(0)); FYL2XP1: ST(1) =
 * ST(1) * log2(ST(0) + 1). Then pop.
 */
function logarithm(fpu: X87, plusOne: boolean): void {
  if (fpu.isEmpty(0) || fpu.isEmpty(1)) {
    fpu.stackUnderflow(1, 1);
    return;
  }
  const core = fpu.core;
  core.control(fpu.fcw);
  const x = fpu.read(0, fpu.a);
  const y = fpu.read(1, fpu.b);
  const cx = classify(x);
  const cy = classify(y);
  const r = fpu.r;
  const trans = fpu.trans;
  let flags = 0;
  if (cx === Cls.Unsupported || cy === Cls.Unsupported) {
    setIndefinite(r);
    flags = SW_IE;
  } else if (cx === Cls.QNaN || cx === Cls.SNaN || cy === Cls.QNaN || cy === Cls.SNaN) {
    if (propagateNaN(y, cy, x, cx, r)) flags = SW_IE;
  } else {
    flags = logSpecial(fpu, x, cx, y, cy, plusOne);
    if (flags < 0) {
      flags = cx === Cls.Denormal || cy === Cls.Denormal ? SW_DE : 0;
      if (!fpu.unmasked(flags)) {
        if (plusOne) trans.log2p1(x);
        else trans.log2(x);
        if (cy === Cls.Infinity) {
          // +-inf times a finite nonzero logarithm.
          if (trans.result.isZero()) {
            setIndefinite(r);
            flags = SW_IE;
          } else setInfinity(r, y.sign ^ trans.result.sign);
        } else if (cy === Cls.Zero) {
          setZero(r, y.sign ^ trans.result.sign);
        } else {
          trans.scaleBy(y);
          flags |= packWide(fpu, trans.result, r);
        }
      }
    }
  }
  finish(fpu, flags, 1, 1);
}

/**
 * Special operands of the logarithms (x not NaN/unsupported): returns -1
 * when the general path applies (x, the log argument, finite and in range),
 * else the flags with fpu.r set.
 */
function logSpecial(fpu: X87, x: Ext, cx: number, y: Ext, cy: number, plusOne: boolean): number {
  const r = fpu.r;
  // The argument of log2 is x (FYL2X) or 1 + x (FYL2XP1).
  if (plusOne) {
    if (cx === Cls.Zero) {
      // log2(1 + +-0) = +-0.
      if (cy === Cls.Infinity) {
        setIndefinite(r);
        return SW_IE;
      }
      setZero(r, x.sign ^ y.sign);
      return cy === Cls.Denormal ? SW_DE : 0;
    }
    if (cx === Cls.Infinity) {
      if (x.sign !== 0 || cy === Cls.Zero) {
        setIndefinite(r);
        return SW_IE;
      }
      setInfinity(r, y.sign);
      return cy === Cls.Denormal ? SW_DE : 0;
    }
    // x < -1: invalid; x = -1: log of zero.
    if (x.sign !== 0 && x.exp >= EXT_BIAS) {
      const minusOne = x.exp === EXT_BIAS && x.hi === 0x80000000 && x.lo === 0;
      if (!minusOne) {
        setIndefinite(r);
        return SW_IE;
      }
      return logOfZero(fpu, y, cy);
    }
    return -1;
  }
  if (x.sign !== 0 && cx !== Cls.Zero) {
    setIndefinite(r);
    return SW_IE;
  }
  if (cx === Cls.Zero) return logOfZero(fpu, y, cy);
  if (cx === Cls.Infinity) {
    if (cy === Cls.Zero) {
      setIndefinite(r);
      return SW_IE;
    }
    setInfinity(r, y.sign);
    return cy === Cls.Denormal ? SW_DE : 0;
  }
  // log2(1) = +0: y = +-inf is invalid, else a signed zero.
  if (x.exp === EXT_BIAS && x.hi === 0x80000000 && x.lo === 0) {
    if (cy === Cls.Infinity) {
      setIndefinite(r);
      return SW_IE;
    }
    setZero(r, y.sign);
    return cy === Cls.Denormal ? SW_DE : 0;
  }
  return -1;
}

/** y * log2(0) = y * -inf: ZE for finite nonzero y, invalid for zero y. */
function logOfZero(fpu: X87, y: Ext, cy: number): number {
  const r = fpu.r;
  if (cy === Cls.Zero) {
    setIndefinite(r);
    return SW_IE;
  }
  setInfinity(r, y.sign ^ 1);
  if (cy === Cls.Infinity) return 0;
  return SW_ZE | (cy === Cls.Denormal ? SW_DE : 0);
}

export function fyl2x(fpu: X87): void {
  logarithm(fpu, false);
}

export function fyl2xp1(fpu: X87): void {
  logarithm(fpu, true);
}
