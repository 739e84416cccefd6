/**
 * IN/OUT and the protection that guards them: in protected mode with
 * CPL > IOPL (and always in V86 mode) each port byte must be allowed by the
 * I/O permission bitmap of a 32-bit TSS; otherwise #GP(0).
 */
import type { Cpu } from "../cpu";
import type { Instr } from "../instruction";

export function checkIoPermission(cpu: Cpu, port: number, size: number): void {
  if ((cpu.cr0 & 1) === 0) return;
  if (!cpu.v86Mode && cpu.cpl <= cpu.iopl) return;
  // Only a 32-bit TSS has a bitmap; its offset is the word at 0x66.
  if ((cpu.trType & 8) === 0 || (cpu.trLimit >>> 0) < 0x67) cpu.raiseGP(0);
  const mapBase = cpu.mmu.readSupervisor16((cpu.trBase + 0x66) | 0);
  const byteOffset = mapBase + (port >>> 3);
  // The bitmap bits for the access may span two bytes; both must lie within the TSS limit.
  if (byteOffset + 1 > cpu.trLimit >>> 0) cpu.raiseGP(0);
  const bits = cpu.mmu.readSupervisor16((cpu.trBase + byteOffset) | 0);
  const mask = ((1 << size) - 1) << (port & 7);
  if ((bits & mask) !== 0) cpu.raiseGP(0);
}

function input(cpu: Cpu, port: number, size: 1 | 2 | 4): void {
  checkIoPermission(cpu, port, size);
  if (size === 1) cpu.r8[0] = cpu.io.in8(port);
  else if (size === 2) cpu.r16[0] = cpu.io.in16(port);
  else cpu.r32[0] = cpu.io.in32(port);
}

function output(cpu: Cpu, port: number, size: 1 | 2 | 4): void {
  checkIoPermission(cpu, port, size);
  if (size === 1) cpu.io.out8(port, cpu.r8[0]);
  else if (size === 2) cpu.io.out16(port, cpu.r16[0]);
  else cpu.io.out32(port, cpu.r32[0]);
}

export function inImmediate8(cpu: Cpu, i: Instr): void {
  input(cpu, i.immediate & 0xff, 1);
}

export function inImmediate(cpu: Cpu, i: Instr): void {
  input(cpu, i.immediate & 0xff, i.operand16 ? 2 : 4);
}

export function outImmediate8(cpu: Cpu, i: Instr): void {
  output(cpu, i.immediate & 0xff, 1);
}

export function outImmediate(cpu: Cpu, i: Instr): void {
  output(cpu, i.immediate & 0xff, i.operand16 ? 2 : 4);
}

export function inDx8(cpu: Cpu): void {
  input(cpu, cpu.r16[4], 1);
}

export function inDx(cpu: Cpu, i: Instr): void {
  input(cpu, cpu.r16[4], i.operand16 ? 2 : 4);
}

export function outDx8(cpu: Cpu): void {
  output(cpu, cpu.r16[4], 1);
}

export function outDx(cpu: Cpu, i: Instr): void {
  output(cpu, cpu.r16[4], i.operand16 ? 2 : 4);
}
