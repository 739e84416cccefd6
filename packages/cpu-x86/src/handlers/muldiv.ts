/**
 * MUL, IMUL and DIV, IDIV. 64-bit products and dividends are handled as
 * 32-bit halves with exact double arithmetic on 16-bit pieces (no BigInt).
 * DIV/IDIV raise #DE for a zero divisor or a quotient that does not fit.
 */
import type { Cpu } from "../cpu";
import { Flag } from "../eflags";
import { Vector } from "../exceptions";

/** Scratch for 64-bit results: [low, high]. Written and read within one call. */
function mulUnsigned32(a: number, b: number, out: Int32Array): void {
  a >>>= 0;
  b >>>= 0;
  const al = a & 0xffff;
  const ah = a >>> 16;
  const bl = b & 0xffff;
  const bh = b >>> 16;
  const t = al * bl;
  const m1 = ah * bl + Math.floor(t / 65536);
  const m2 = al * bh + (m1 % 65536);
  out[0] = Math.imul(a, b);
  out[1] = (ah * bh + Math.floor(m1 / 65536) + Math.floor(m2 / 65536)) | 0;
}

/** Signed 32x32 -> 64: the unsigned product corrected in the high half. */
function mulSigned32(a: number, b: number, out: Int32Array): void {
  mulUnsigned32(a, b, out);
  let high = out[1];
  if (a < 0) high = (high - b) | 0;
  if (b < 0) high = (high - a) | 0;
  out[1] = high;
}

function setMulFlags(cpu: Cpu, overflow: boolean, result: number, size: 0 | 1 | 2): void {
  const bit = overflow ? Flag.CF : 0;
  cpu.recordResult(result, size, bit, 0, overflow ? Flag.OF : 0);
}

export function mul8(cpu: Cpu, source: number): void {
  const result = cpu.r8[0] * (source & 0xff);
  cpu.r16[0] = result;
  setMulFlags(cpu, result > 0xff, result, 0);
}

export function mul16(cpu: Cpu, source: number): void {
  const result = cpu.r16[0] * (source & 0xffff);
  cpu.r16[0] = result;
  cpu.r16[4] = result >>> 16;
  setMulFlags(cpu, result > 0xffff, result & 0xffff, 1);
}

export function mul32(cpu: Cpu, source: number): void {
  const out = cpu.wide;
  mulUnsigned32(cpu.r32[0], source, out);
  cpu.r32[0] = out[0];
  cpu.r32[2] = out[1];
  setMulFlags(cpu, out[1] !== 0, out[0], 2);
}

export function imul8(cpu: Cpu, source: number): void {
  const result = ((cpu.r8[0] << 24) >> 24) * ((source << 24) >> 24);
  cpu.r16[0] = result;
  setMulFlags(cpu, result !== (result << 24) >> 24, result & 0xff, 0);
}

export function imul16(cpu: Cpu, source: number): void {
  const result = ((cpu.r16[0] << 16) >> 16) * ((source << 16) >> 16);
  cpu.r16[0] = result;
  cpu.r16[4] = result >> 16;
  setMulFlags(cpu, result !== (result << 16) >> 16, result & 0xffff, 1);
}

export function imul32(cpu: Cpu, source: number): void {
  const out = cpu.wide;
  mulSigned32(cpu.r32[0], source | 0, out);
  cpu.r32[0] = out[0];
  cpu.r32[2] = out[1];
  setMulFlags(cpu, out[1] !== out[0] >> 31, out[0], 2);
}

/** Two- and three-operand IMUL: the truncated product; CF/OF when it did not fit. */
export function imul3(cpu: Cpu, a: number, b: number, size: 0 | 1 | 2): number {
  if (size === 1) {
    const result = ((a << 16) >> 16) * ((b << 16) >> 16);
    const truncated = result & 0xffff;
    setMulFlags(cpu, result !== (result << 16) >> 16, truncated, 1);
    return truncated;
  }
  // The double product is exact whenever the result fits in 32 bits, and cannot
  // round into range when it does not, so comparing it with the low half detects overflow.
  const low = Math.imul(a, b);
  setMulFlags(cpu, (a | 0) * (b | 0) !== low, low, 2);
  return low;
}

export function div8(cpu: Cpu, source: number): void {
  const divisor = source & 0xff;
  if (divisor === 0) cpu.raise(Vector.DE);
  const dividend = cpu.r16[0];
  const quotient = Math.floor(dividend / divisor);
  if (quotient > 0xff) cpu.raise(Vector.DE);
  cpu.r8[0] = quotient;
  cpu.r8[1] = dividend % divisor;
}

export function div16(cpu: Cpu, source: number): void {
  const divisor = source & 0xffff;
  if (divisor === 0) cpu.raise(Vector.DE);
  const dividend = ((cpu.r16[4] << 16) | cpu.r16[0]) >>> 0;
  const quotient = Math.floor(dividend / divisor);
  if (quotient > 0xffff) cpu.raise(Vector.DE);
  cpu.r16[0] = quotient;
  cpu.r16[4] = dividend % divisor;
}

/**
 * Unsigned (high:low) / divisor with high < divisor, by 16-bit digits; the
 * quotient goes to out[0] and the remainder to out[1].
 */
function divide64by32(high: number, low: number, divisor: number, out: Int32Array): void {
  let remainder = high;
  let quotient = 0;
  for (let shift = 16; shift >= 0; shift -= 16) {
    const numerator = remainder * 65536 + ((low >>> shift) & 0xffff);
    let digit = Math.floor(numerator / divisor);
    let rest = numerator - digit * divisor;
    if (rest < 0) {
      digit--;
      rest += divisor;
    } else if (rest >= divisor) {
      digit++;
      rest -= divisor;
    }
    quotient = quotient * 65536 + digit;
    remainder = rest;
  }
  out[0] = quotient | 0;
  out[1] = remainder | 0;
}

export function div32(cpu: Cpu, source: number): void {
  const divisor = source >>> 0;
  if (divisor === 0) cpu.raise(Vector.DE);
  const high = cpu.r32[2] >>> 0;
  if (high >= divisor) cpu.raise(Vector.DE);
  const out = cpu.wide;
  divide64by32(high, cpu.r32[0] >>> 0, divisor, out);
  cpu.r32[0] = out[0];
  cpu.r32[2] = out[1];
}

export function idiv8(cpu: Cpu, source: number): void {
  const divisor = (source << 24) >> 24;
  if (divisor === 0) cpu.raise(Vector.DE);
  const dividend = (cpu.r16[0] << 16) >> 16;
  const quotient = Math.trunc(dividend / divisor);
  if (quotient > 127 || quotient < -128) cpu.raise(Vector.DE);
  cpu.r8[0] = quotient;
  cpu.r8[1] = dividend - quotient * divisor;
}

export function idiv16(cpu: Cpu, source: number): void {
  const divisor = (source << 16) >> 16;
  if (divisor === 0) cpu.raise(Vector.DE);
  const dividend = (cpu.r16[4] << 16) | cpu.r16[0];
  const quotient = Math.trunc(dividend / divisor);
  if (quotient > 32767 || quotient < -32768) cpu.raise(Vector.DE);
  cpu.r16[0] = quotient;
  cpu.r16[4] = dividend - quotient * divisor;
}

export function idiv32(cpu: Cpu, source: number): void {
  const divisor = source | 0;
  if (divisor === 0) cpu.raise(Vector.DE);
  let high = cpu.r32[2];
  let low = cpu.r32[0];
  const negativeDividend = high < 0;
  if (negativeDividend) {
    // Two's-complement negation of the 64-bit dividend.
    low = (~low + 1) | 0;
    high = (~high + (low === 0 ? 1 : 0)) | 0;
  }
  const absDivisor = Math.abs(divisor);
  if (high >>> 0 >= absDivisor) cpu.raise(Vector.DE);
  const out = cpu.wide;
  divide64by32(high >>> 0, low >>> 0, absDivisor, out);
  const magnitude = out[0] >>> 0;
  const negativeQuotient = negativeDividend !== divisor < 0;
  if (negativeQuotient ? magnitude > 0x80000000 : magnitude > 0x7fffffff) cpu.raise(Vector.DE);
  cpu.r32[0] = negativeQuotient ? -magnitude | 0 : magnitude | 0;
  cpu.r32[2] = negativeDividend ? -(out[1] >>> 0) | 0 : out[1];
}

/** The truncated product alone (flags dead in compiled code). */
export function imul3Value(a: number, b: number, size: 0 | 1 | 2): number {
  return size === 1 ? Math.imul(a, b) & 0xffff : Math.imul(a, b);
}
