/**
 * Shifts and rotates (SDM vol. 2: SAL/SAR/SHL/SHR, RCL/RCR/ROL/ROR, SHLD,
 * SHRD). The count is masked to 5 bits; a masked count of 0 changes nothing,
 * not even flags. Rotates touch only CF and OF. OF is defined for a count of
 * 1 only; this computes the usual formula for every count.
 */
import type { Cpu } from "../cpu";
import { Flag } from "../eflags";
import { SIZE_BITS, SIZE_MASK, type SizeIndex } from "../lazy-flags";
import { truncate } from "./alu";

function bitsOf(size: SizeIndex): number {
  return SIZE_BITS[size];
}

/** Sets CF and OF only (rotates). */
function setCarryOverflow(cpu: Cpu, cf: number, of: number): void {
  cpu.setArithFlags((cf !== 0 ? Flag.CF : 0) | (of !== 0 ? Flag.OF : 0), Flag.CF | Flag.OF);
}

export function rol(cpu: Cpu, value: number, count: number, size: SizeIndex): number {
  count &= 0x1f;
  if (count === 0) return value;
  const bits = bitsOf(size);
  const v = value & SIZE_MASK[size];
  const r = count % bits;
  const result = r === 0 ? v : truncate((v << r) | (v >>> (bits - r)), size);
  const cf = result & 1;
  const of = ((result >>> (bits - 1)) & 1) ^ cf;
  setCarryOverflow(cpu, cf, of);
  return result;
}

export function ror(cpu: Cpu, value: number, count: number, size: SizeIndex): number {
  count &= 0x1f;
  if (count === 0) return value;
  const bits = bitsOf(size);
  const v = (value & SIZE_MASK[size]) >>> 0;
  const r = count % bits;
  const result = r === 0 ? truncate(v, size) : truncate((v >>> r) | (v << (bits - r)), size);
  const msb = (result >>> (bits - 1)) & 1;
  const next = (result >>> (bits - 2)) & 1;
  setCarryOverflow(cpu, msb, msb ^ next);
  return result;
}

export function rcl(cpu: Cpu, value: number, count: number, size: SizeIndex): number {
  count &= 0x1f;
  if (count === 0) return value;
  const bits = bitsOf(size);
  const r = size === 2 ? count : count % (bits + 1);
  let v = (value & SIZE_MASK[size]) >>> 0;
  let cf = cpu.getCF() !== 0 ? 1 : 0;
  for (let n = 0; n < r; n++) {
    const out = (v >>> (bits - 1)) & 1;
    v = truncate((v << 1) | cf, size) >>> 0;
    cf = out;
  }
  const result = truncate(v, size);
  setCarryOverflow(cpu, cf, ((result >>> (bits - 1)) & 1) ^ cf);
  return result;
}

export function rcr(cpu: Cpu, value: number, count: number, size: SizeIndex): number {
  count &= 0x1f;
  if (count === 0) return value;
  const bits = bitsOf(size);
  const r = size === 2 ? count : count % (bits + 1);
  let v = (value & SIZE_MASK[size]) >>> 0;
  let cf = cpu.getCF() !== 0 ? 1 : 0;
  for (let n = 0; n < r; n++) {
    const out = v & 1;
    v = ((v >>> 1) | (cf << (bits - 1))) >>> 0;
    cf = out;
  }
  const result = truncate(v, size);
  const msb = (result >>> (bits - 1)) & 1;
  const next = (result >>> (bits - 2)) & 1;
  setCarryOverflow(cpu, cf, msb ^ next);
  return result;
}

export function shl(cpu: Cpu, value: number, count: number, size: SizeIndex): number {
  count &= 0x1f;
  if (count === 0) return value;
  const bits = bitsOf(size);
  const v = value & SIZE_MASK[size];
  const result = truncate(v << count, size);
  const cf = count <= bits ? ((v << (count - 1)) >>> (bits - 1)) & 1 : 0;
  const of = ((result >>> (bits - 1)) & 1) ^ cf;
  cpu.recordResult(result, size, cf !== 0 ? Flag.CF : 0, 0, of !== 0 ? Flag.OF : 0);
  return result;
}

export function shr(cpu: Cpu, value: number, count: number, size: SizeIndex): number {
  count &= 0x1f;
  if (count === 0) return value;
  const bits = bitsOf(size);
  const v = (value & SIZE_MASK[size]) >>> 0;
  const result = truncate(v >>> count, size);
  const cf = (v >>> (count - 1)) & 1;
  const of = (v >>> (bits - 1)) & 1;
  cpu.recordResult(result, size, cf !== 0 ? Flag.CF : 0, 0, of !== 0 ? Flag.OF : 0);
  return result;
}

export function sar(cpu: Cpu, value: number, count: number, size: SizeIndex): number {
  count &= 0x1f;
  if (count === 0) return value;
  const bits = bitsOf(size);
  const v = (value << (32 - bits)) >> (32 - bits);
  const result = truncate(v >> count, size);
  const cf = (v >> (count - 1)) & 1;
  cpu.recordResult(result, size, cf !== 0 ? Flag.CF : 0, 0, 0);
  return result;
}

/** SHLD: shift `dest` left, filling from the top of `source`. */
export function shld(cpu: Cpu, dest: number, source: number, count: number, size: SizeIndex): number {
  count &= 0x1f;
  if (count === 0) return dest;
  const bits = bitsOf(size);
  let result: number;
  let cf: number;
  const d = (dest & SIZE_MASK[size]) >>> 0;
  const s = (source & SIZE_MASK[size]) >>> 0;
  if (size === 2) {
    result = ((d << count) | (s >>> (32 - count))) | 0;
    cf = (d >>> (32 - count)) & 1;
  } else {
    // 16-bit: the 32-bit value dest:source shifted (counts above 16 give the hardware's undefined-but-real pattern).
    const combined = ((d << 16) | s) >>> 0;
    const wide = count <= 16 ? ((combined << count) | (d >>> (16 - count))) >>> 0 : ((combined << count) | (s << (count - 16))) >>> 0;
    result = (wide >>> 16) & 0xffff;
    cf = count <= 16 ? (d >>> (16 - count)) & 1 : (s >>> (32 - count)) & 1;
  }
  const of = ((result >>> (bits - 1)) & 1) ^ ((d >>> (bits - 1)) & 1);
  cpu.recordResult(result, size, cf !== 0 ? Flag.CF : 0, 0, of !== 0 ? Flag.OF : 0);
  return result;
}

/** SHRD: shift `dest` right, filling from the bottom of `source`. */
export function shrd(cpu: Cpu, dest: number, source: number, count: number, size: SizeIndex): number {
  count &= 0x1f;
  if (count === 0) return dest;
  const bits = bitsOf(size);
  let result: number;
  let cf: number;
  const d = (dest & SIZE_MASK[size]) >>> 0;
  const s = (source & SIZE_MASK[size]) >>> 0;
  if (size === 2) {
    result = ((d >>> count) | (s << (32 - count))) | 0;
    cf = (d >>> (count - 1)) & 1;
  } else {
    const combined = ((s << 16) | d) >>> 0;
    const wide = count <= 16 ? combined >>> count : ((combined >>> count) | (d << (32 - count))) >>> 0;
    result = wide & 0xffff;
    cf = count <= 16 ? (combined >>> (count - 1)) & 1 : (s >>> (count - 17)) & 1;
  }
  const of = ((result >>> (bits - 1)) & 1) ^ ((d >>> (bits - 1)) & 1);
  cpu.recordResult(result, size, cf !== 0 ? Flag.CF : 0, 0, of !== 0 ? Flag.OF : 0);
  return result;
}

// ---- the values alone (flags dead in compiled code) ----

export function shlValue(value: number, count: number, size: SizeIndex): number {
  count &= 0x1f;
  return count === 0 ? value : truncate((value & SIZE_MASK[size]) << count, size);
}

export function shrValue(value: number, count: number, size: SizeIndex): number {
  count &= 0x1f;
  return count === 0 ? value : truncate(((value & SIZE_MASK[size]) >>> 0) >>> count, size);
}

export function sarValue(value: number, count: number, size: SizeIndex): number {
  count &= 0x1f;
  const bits = bitsOf(size);
  return count === 0 ? value : truncate(((value << (32 - bits)) >> (32 - bits)) >> count, size);
}

export function rolValue(value: number, count: number, size: SizeIndex): number {
  const bits = bitsOf(size);
  const r = (count & 0x1f) % bits;
  const v = value & SIZE_MASK[size];
  return r === 0 ? value : truncate((v << r) | (v >>> (bits - r)), size);
}

export function rorValue(value: number, count: number, size: SizeIndex): number {
  const bits = bitsOf(size);
  const r = (count & 0x1f) % bits;
  const v = (value & SIZE_MASK[size]) >>> 0;
  return r === 0 ? value : truncate((v >>> r) | (v << (bits - r)), size);
}
