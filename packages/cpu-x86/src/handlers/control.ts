/** LOOPcc/JeCXZ, far transfers, software interrupts, IRET, BOUND. */
import type { Cpu } from "../cpu";
import type { Instr } from "../instruction";
import { Vector } from "../exceptions";
import { callFar, interruptReturn, jumpFar, returnFar as farReturn } from "../far-transfer";
import { softwareInterrupt } from "../interrupts";

/** Decrements CX or ECX (by address size) and returns the new value. */
function decrementCount(cpu: Cpu, i: Instr): number {
  if (i.address16) return (cpu.r16[2] = cpu.r16[2] - 1);
  return (cpu.r32[1] = cpu.r32[1] - 1);
}

function branch(cpu: Cpu, i: Instr): void {
  cpu.nextEip = i.operand16 ? (cpu.nextEip + i.immediate) & 0xffff : (cpu.nextEip + i.immediate) | 0;
}

export function loop(cpu: Cpu, i: Instr): void {
  if (decrementCount(cpu, i) !== 0) branch(cpu, i);
}

export function loope(cpu: Cpu, i: Instr): void {
  if (decrementCount(cpu, i) !== 0 && cpu.getZF() !== 0) branch(cpu, i);
}

export function loopne(cpu: Cpu, i: Instr): void {
  if (decrementCount(cpu, i) !== 0 && cpu.getZF() === 0) branch(cpu, i);
}

export function jecxz(cpu: Cpu, i: Instr): void {
  const count = i.address16 ? cpu.r16[2] : cpu.r32[1];
  if (count === 0) branch(cpu, i);
}

export function jumpFarImmediate(cpu: Cpu, i: Instr): void {
  jumpFar(cpu, i.immediate2, i.immediate, i.operand16);
}

export function callFarImmediate(cpu: Cpu, i: Instr): void {
  callFar(cpu, i.immediate2, i.immediate, i.operand16);
}

function readFarPointer(cpu: Cpu, i: Instr, into: Int32Array): void {
  const address = cpu.ea(i);
  into[0] = i.operand16 ? cpu.read16(i.segment, address) : cpu.read32(i.segment, address);
  const selectorAddress = i.address16 ? (address + (i.operand16 ? 2 : 4)) & 0xffff : (address + (i.operand16 ? 2 : 4)) | 0;
  into[1] = cpu.read16(i.segment, selectorAddress);
}

export function jumpFarIndirect(cpu: Cpu, i: Instr): void {
  readFarPointer(cpu, i, cpu.wide);
  jumpFar(cpu, cpu.wide[1], cpu.wide[0], i.operand16);
}

export function callFarIndirect(cpu: Cpu, i: Instr): void {
  readFarPointer(cpu, i, cpu.wide);
  callFar(cpu, cpu.wide[1], cpu.wide[0], i.operand16);
}

export function returnFar(cpu: Cpu, i: Instr): void {
  farReturn(cpu, i.operand16, i.opcode === 0xca ? i.immediate & 0xffff : 0);
}

export function iret(cpu: Cpu, i: Instr): void {
  interruptReturn(cpu, i.operand16);
}

export function int3(cpu: Cpu): void {
  softwareInterrupt(cpu, Vector.BP, true);
}

/** INT n (CD ib). In V86 mode with IOPL < 3 it is #GP(0); INT3 (CC) and INTO are not IOPL-sensitive. */
export function intImmediate(cpu: Cpu, i: Instr): void {
  if (cpu.v86Mode && cpu.iopl < 3) cpu.raiseGP(0);
  softwareInterrupt(cpu, i.immediate & 0xff, true);
}

export function into(cpu: Cpu): void {
  if (cpu.getOF() !== 0) softwareInterrupt(cpu, Vector.OF, true);
}

/** ICEBP (F1): a #DB trap that ignores the gate's DPL. */
export function int1(cpu: Cpu): void {
  softwareInterrupt(cpu, Vector.DB, false);
}

export function bound(cpu: Cpu, i: Instr): void {
  const address = cpu.ea(i);
  const next = i.address16 ? (address + (i.operand16 ? 2 : 4)) & 0xffff : (address + (i.operand16 ? 2 : 4)) | 0;
  let index: number;
  let lower: number;
  let upper: number;
  if (i.operand16) {
    index = (cpu.r16[i.reg] << 16) >> 16;
    lower = (cpu.read16(i.segment, address) << 16) >> 16;
    upper = (cpu.read16(i.segment, next) << 16) >> 16;
  } else {
    index = cpu.r32[i.reg];
    lower = cpu.read32(i.segment, address);
    upper = cpu.read32(i.segment, next);
  }
  if (index < lower || index > upper) cpu.raise(Vector.BR);
}
