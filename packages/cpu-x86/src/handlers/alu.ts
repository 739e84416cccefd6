/**
 * The eight ALU operations plus INC, DEC and NEG. Each returns the result
 * truncated to the operand size and records the operands for lazy flags.
 * `size` is a literal at every call site of the generated interpreter, so the
 * size switches fold away once inlined.
 */
import type { Cpu } from "../cpu";

import { LazyOp, type SizeIndex } from "../lazy-flags";

export function truncate(value: number, size: SizeIndex): number {
  return size === 0 ? value & 0xff : size === 1 ? value & 0xffff : value | 0;
}

export function add(cpu: Cpu, a: number, b: number, size: SizeIndex): number {
  const result = truncate(a + b, size);
  cpu.recordArith(LazyOp.ADD, a, b, result, size);
  return result;
}

export function adc(cpu: Cpu, a: number, b: number, size: SizeIndex): number {
  const carry = cpu.getCF() !== 0 ? 1 : 0;
  const result = truncate(a + b + carry, size);
  cpu.recordArith(carry !== 0 ? LazyOp.ADC1 : LazyOp.ADD, a, b, result, size);
  return result;
}

export function sub(cpu: Cpu, a: number, b: number, size: SizeIndex): number {
  const result = truncate(a - b, size);
  cpu.recordArith(LazyOp.SUB, a, b, result, size);
  return result;
}

export function sbb(cpu: Cpu, a: number, b: number, size: SizeIndex): number {
  const borrow = cpu.getCF() !== 0 ? 1 : 0;
  const result = truncate(a - b - borrow, size);
  cpu.recordArith(borrow !== 0 ? LazyOp.SBB1 : LazyOp.SUB, a, b, result, size);
  return result;
}

export function and(cpu: Cpu, a: number, b: number, size: SizeIndex): number {
  const result = truncate(a & b, size);
  cpu.recordLogic(result, size);
  return result;
}

export function or(cpu: Cpu, a: number, b: number, size: SizeIndex): number {
  const result = truncate(a | b, size);
  cpu.recordLogic(result, size);
  return result;
}

export function xor(cpu: Cpu, a: number, b: number, size: SizeIndex): number {
  const result = truncate(a ^ b, size);
  cpu.recordLogic(result, size);
  return result;
}

export function inc(cpu: Cpu, a: number, size: SizeIndex): number {
  const result = truncate(a + 1, size);
  cpu.recordIncDec(LazyOp.INC, a, result, size);
  return result;
}

export function dec(cpu: Cpu, a: number, size: SizeIndex): number {
  const result = truncate(a - 1, size);
  cpu.recordIncDec(LazyOp.DEC, a, result, size);
  return result;
}

/** NEG is 0 - a: CF is set unless the operand was zero. */
export function neg(cpu: Cpu, a: number, size: SizeIndex): number {
  const result = truncate(-a, size);
  cpu.recordArith(LazyOp.SUB, 0, a, result, size);
  return result;
}


// ---- the values alone, for compiled code whose flags are overwritten before anything reads them ----

export function addValue(a: number, b: number, size: SizeIndex): number {
  return truncate(a + b, size);
}

export function subValue(a: number, b: number, size: SizeIndex): number {
  return truncate(a - b, size);
}

export function andValue(a: number, b: number, size: SizeIndex): number {
  return truncate(a & b, size);
}

export function orValue(a: number, b: number, size: SizeIndex): number {
  return truncate(a | b, size);
}

export function xorValue(a: number, b: number, size: SizeIndex): number {
  return truncate(a ^ b, size);
}

export function incValue(a: number, size: SizeIndex): number {
  return truncate(a + 1, size);
}

export function decValue(a: number, size: SizeIndex): number {
  return truncate(a - 1, size);
}

export function negValue(a: number, size: SizeIndex): number {
  return truncate(-a, size);
}
