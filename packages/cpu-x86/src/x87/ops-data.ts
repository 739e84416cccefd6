/**
 * Data movement: loads (FLD, FILD, FBLD, the constants), stores (FST,
 * FIST, FBSTP in every memory format), and the register operations FXCH,
 * FCMOVcc, FCHS, FABS, FTST, FXAM and FCOMI/FUCOMI(P).
 */
import {
  loadBcd,
  loadDouble,
  loadInt32,
  loadInt64,
  loadSingle,
  storeBcd,
  storeDouble,
  storeInteger,
  storeSingle,
} from "./convert";
import { Rel } from "./core";
import {
  Cls,
  EXT_MAX_EXP,
  RC_NEAREST,
  RC_UP,
  SW_C0,
  SW_C1,
  SW_C2,
  SW_C3,
  SW_DE,
  SW_IE,
  SW_OE,
  SW_PE,
  SW_SF,
  SW_UE,
  classify,
  setZero,
} from "./float80";
import { compareInto } from "./ops-arith";
import type { X87 } from "./x87";

const INDEFINITE_LOW = 0;

// ----------------------------------------------------------------------
// Loads
// ----------------------------------------------------------------------

/**
 * Pushes fpu.b (a converted single/double of class `cls`): an SNaN gives IE
 * (unmasked: nothing is loaded); a denormal gives DE and is loaded even
 * when DE is unmasked.
 */
function pushConverted(fpu: X87, cls: number): void {
  if (!fpu.isEmpty(7)) {
    fpu.stackOverflow();
    return;
  }
  let flags = 0;
  if (cls === Cls.SNaN) {
    flags = SW_IE;
    fpu.b.hi = (fpu.b.hi | 0x40000000) >>> 0;
  } else if (cls === Cls.Denormal) {
    flags = SW_DE;
  }
  if (fpu.unmasked(flags & SW_IE)) {
    fpu.raise(flags);
    fpu.setC1(false);
    return;
  }
  fpu.push(fpu.b);
  fpu.raise(flags);
  fpu.setC1(false);
}

/** Pushes fpu.b exactly (integers, BCD, extended). */
function pushExact(fpu: X87): void {
  if (!fpu.isEmpty(7)) {
    fpu.stackOverflow();
    return;
  }
  fpu.push(fpu.b);
  fpu.setC1(false);
}

export function fldSingle(fpu: X87, opcode: number, modrm: number, address: number): void {
  const bits = fpu.host.memory.read32(address) >>> 0;
  fpu.noteInstruction(opcode, modrm);
  pushConverted(fpu, loadSingle(bits, fpu.b));
}

export function fldDouble(fpu: X87, opcode: number, modrm: number, address: number): void {
  const memory = fpu.host.memory;
  const low = memory.read32(address) >>> 0;
  const high = memory.read32((address + 4) | 0) >>> 0;
  fpu.noteInstruction(opcode, modrm);
  pushConverted(fpu, loadDouble(high, low, fpu.b));
}

export function fldExtended(fpu: X87, opcode: number, modrm: number, address: number): void {
  const memory = fpu.host.memory;
  const lo = memory.read32(address) >>> 0;
  const hi = memory.read32((address + 4) | 0) >>> 0;
  const se = memory.read16((address + 8) | 0) & 0xffff;
  fpu.noteInstruction(opcode, modrm);
  fpu.b.set(se >>> 15, se & 0x7fff, hi, lo);
  pushExact(fpu);
}

export function fildInteger(fpu: X87, opcode: number, modrm: number, address: number, bits: number): void {
  const memory = fpu.host.memory;
  if (bits === 16) {
    loadInt32((memory.read16(address) << 16) >> 16, fpu.b);
  } else if (bits === 32) {
    loadInt32(memory.read32(address), fpu.b);
  } else {
    const low = memory.read32(address) >>> 0;
    const high = memory.read32((address + 4) | 0) >>> 0;
    loadInt64(high, low, fpu.b);
  }
  fpu.noteInstruction(opcode, modrm);
  pushExact(fpu);
}

export function fbld(fpu: X87, opcode: number, modrm: number, address: number): void {
  const memory = fpu.host.memory;
  const w0 = memory.read32(address) >>> 0;
  const w1 = memory.read32((address + 4) | 0) >>> 0;
  const w2 = memory.read16((address + 8) | 0) & 0xffff;
  fpu.noteInstruction(opcode, modrm);
  loadBcd(w0, w1, w2, fpu.b);
  pushExact(fpu);
}

/** FLD ST(i): overflow is checked first, then the source. */
export function fldRegister(fpu: X87, i: number): void {
  if (!fpu.isEmpty(7)) {
    fpu.stackOverflow();
    return;
  }
  if (fpu.isEmpty(i)) {
    fpu.raise(SW_IE | SW_SF);
    fpu.setC1(false);
    if (fpu.ieMasked) {
      fpu.b.set(1, EXT_MAX_EXP, 0xc0000000, INDEFINITE_LOW);
      fpu.push(fpu.b);
    }
    return;
  }
  fpu.read(i, fpu.b);
  fpu.push(fpu.b);
  fpu.setC1(false);
}

/**
 * The load-constant instructions: the constant's significand rounded from
 * more than 64 bits with the rounding control (FLD1 and FLDZ are exact).
 * `above` says the discarded bits exceed one half of the last place.
 */
export function fldConstant(fpu: X87, exp: number, hi: number, lo: number, above: boolean, exact = false): void {
  if (!fpu.isEmpty(7)) {
    fpu.stackOverflow();
    return;
  }
  const rc = (fpu.fcw >>> 10) & 3;
  let value = lo;
  if (!exact) {
    // All constants are positive and never exactly halfway.
    if (above ? rc === RC_NEAREST || rc === RC_UP : rc === RC_UP) value = lo + 1;
  }
  fpu.b.set(0, exp, hi, value);
  fpu.push(fpu.b);
  fpu.setC1(false);
}

// ----------------------------------------------------------------------
// Stores
// ----------------------------------------------------------------------

export const STORE_SINGLE = 0;
export const STORE_DOUBLE = 1;
export const STORE_EXTENDED = 2;
export const STORE_INT16 = 3;
export const STORE_INT32 = 4;
export const STORE_INT64 = 5;
export const STORE_BCD = 6;

export function storeMemory(fpu: X87, opcode: number, modrm: number, address: number, format: number, pop: boolean): void {
  const memory = fpu.host.memory;
  const out = fpu.packed;
  const core = fpu.core;
  core.control(fpu.fcw);
  let flags: number;
  if (fpu.isEmpty(0)) {
    flags = SW_IE | SW_SF;
    // Indefinites of each format.
    switch (format) {
      case STORE_SINGLE:
        out.w0 = 0xffc00000;
        break;
      case STORE_DOUBLE:
        out.w0 = 0;
        out.w1 = 0xfff80000;
        break;
      case STORE_EXTENDED:
        out.w0 = 0;
        out.w1 = 0xc0000000;
        out.w2 = 0xffff;
        break;
      case STORE_INT16:
        out.w0 = 0x8000;
        break;
      case STORE_INT32:
        out.w0 = 0x80000000;
        break;
      case STORE_INT64:
        out.w0 = 0;
        out.w1 = 0x80000000;
        break;
      default:
        out.w0 = 0;
        out.w1 = 0xc0000000;
        out.w2 = 0xffff;
        break;
    }
  } else {
    const e = fpu.read(0, fpu.a);
    switch (format) {
      case STORE_SINGLE:
        flags = storeSingle(core, e, out, fpu.r);
        break;
      case STORE_DOUBLE:
        flags = storeDouble(core, e, out, fpu.r);
        break;
      case STORE_EXTENDED:
        out.w0 = e.lo;
        out.w1 = e.hi;
        out.w2 = (e.sign << 15) | e.exp;
        flags = 0;
        break;
      case STORE_INT16:
        flags = storeInteger(core, e, 16, out);
        break;
      case STORE_INT32:
        flags = storeInteger(core, e, 32, out);
        break;
      case STORE_INT64:
        flags = storeInteger(core, e, 64, out);
        break;
      default:
        flags = storeBcd(core, e, out);
        break;
    }
  }
  if (fpu.unmasked(flags & (SW_IE | SW_OE | SW_UE | SW_DE))) {
    // Nothing is stored; an unmasked overflow or underflow reports no precision exception.
    fpu.noteInstruction(opcode, modrm);
    fpu.raise(flags & ~SW_PE);
    fpu.setC1(false);
    return;
  }
  switch (format) {
    case STORE_SINGLE:
    case STORE_INT32:
      memory.write32(address, out.w0 | 0);
      break;
    case STORE_INT16:
      memory.write16(address, out.w0 & 0xffff);
      break;
    case STORE_DOUBLE:
    case STORE_INT64:
      memory.probeWrite(address, 8);
      memory.write32(address, out.w0 | 0);
      memory.write32((address + 4) | 0, out.w1 | 0);
      break;
    default:
      memory.probeWrite(address, 10);
      memory.write32(address, out.w0 | 0);
      memory.write32((address + 4) | 0, out.w1 | 0);
      memory.write16((address + 8) | 0, out.w2 & 0xffff);
      break;
  }
  // Only now, with the store done, does FPU state change.
  fpu.noteInstruction(opcode, modrm);
  fpu.raise(flags);
  fpu.setC1((flags & SW_C1) !== 0);
  if (pop) fpu.pop();
}

/** FST/FSTP ST(i). */
export function fstRegister(fpu: X87, i: number, pop: boolean): void {
  if (fpu.isEmpty(0)) {
    fpu.stackUnderflow(i, pop ? 1 : 0);
    return;
  }
  fpu.read(0, fpu.a);
  fpu.write(i, fpu.a);
  fpu.setC1(false);
  if (pop) fpu.pop();
}

// ----------------------------------------------------------------------
// Register operations
// ----------------------------------------------------------------------

export function fxch(fpu: X87, i: number): void {
  const a = fpu.read(0, fpu.a);
  const b = fpu.read(i, fpu.b);
  const empty0 = fpu.isEmpty(0);
  const emptyI = fpu.isEmpty(i);
  fpu.setC1(false);
  if (empty0 || emptyI) {
    fpu.raise(SW_IE | SW_SF);
    if (!fpu.ieMasked) return;
    if (empty0) a.set(1, EXT_MAX_EXP, 0xc0000000, 0);
    if (emptyI) b.set(1, EXT_MAX_EXP, 0xc0000000, 0);
  }
  fpu.write(0, b);
  fpu.write(i, a);
}

/** FCMOVcc: op 0..3 = B, E, BE, U; `negate` for the NB/NE/NBE/NU forms. */
export function fcmov(fpu: X87, op: number, negate: boolean, i: number): void {
  if (fpu.isEmpty(0) || fpu.isEmpty(i)) {
    fpu.stackUnderflow(0, 0);
    return;
  }
  const eflags = fpu.host.readEflags();
  let condition: boolean;
  switch (op) {
    case 0:
      condition = (eflags & 0x01) !== 0; // CF
      break;
    case 1:
      condition = (eflags & 0x40) !== 0; // ZF
      break;
    case 2:
      condition = (eflags & 0x41) !== 0; // CF or ZF
      break;
    default:
      condition = (eflags & 0x04) !== 0; // PF
      break;
  }
  if (negate) condition = !condition;
  if (condition) fpu.write(0, fpu.read(i, fpu.a));
}

export function fchsFabs(fpu: X87, abs: boolean): void {
  if (fpu.isEmpty(0)) {
    fpu.stackUnderflow(0, 0);
    return;
  }
  const a = fpu.read(0, fpu.a);
  a.sign = abs ? 0 : a.sign ^ 1;
  fpu.write(0, a);
  fpu.setC1(false);
}

export function ftst(fpu: X87): void {
  if (fpu.isEmpty(0)) {
    fpu.raise(SW_IE | SW_SF);
    fpu.setConditionCodes(SW_C3 | SW_C2 | SW_C0);
    return;
  }
  setZero(fpu.b, 0);
  compareInto(fpu, fpu.read(0, fpu.a), fpu.b, false, false, 0);
}

export function fxam(fpu: X87): void {
  const a = fpu.read(0, fpu.a);
  let cc = a.sign !== 0 ? SW_C1 : 0;
  if (fpu.isEmpty(0)) {
    cc |= SW_C3 | SW_C0;
  } else {
    switch (classify(a)) {
      case Cls.Unsupported:
        break;
      case Cls.QNaN:
      case Cls.SNaN:
        cc |= SW_C0;
        break;
      case Cls.Normal:
        cc |= SW_C2;
        break;
      case Cls.Infinity:
        cc |= SW_C2 | SW_C0;
        break;
      case Cls.Zero:
        cc |= SW_C3;
        break;
      default:
        cc |= SW_C3 | SW_C2;
        break;
    }
  }
  fpu.setConditionCodes(cc);
}

/**
 * FUCOMI/FCOMI(P): compares ST(0) with ST(i) into ZF, PF, CF (all set when
 * unordered, also for an unmasked invalid operand). C1 changes only on a
 * stack underflow; the pop is skipped when an exception is unmasked.
 */
export function compareToEflags(fpu: X87, i: number, unordered: boolean, pop: boolean): void {
  if (fpu.isEmpty(0) || fpu.isEmpty(i)) {
    fpu.raise(SW_IE | SW_SF);
    fpu.setC1(false);
    fpu.host.setComparisonFlags(true, true, true);
    if (pop && fpu.ieMasked) fpu.pop();
    return;
  }
  const core = fpu.core;
  core.control(fpu.fcw);
  const flags = core.compare(fpu.read(0, fpu.a), fpu.read(i, fpu.b), unordered);
  fpu.raise(flags);
  const rel = core.relation;
  fpu.host.setComparisonFlags(rel === Rel.Equal || rel === Rel.Unordered, rel === Rel.Unordered, rel === Rel.Less || rel === Rel.Unordered);
  if (pop && !fpu.unmasked(flags)) fpu.pop();
}
