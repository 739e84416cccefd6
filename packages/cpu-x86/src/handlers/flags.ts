/** CLC/STC/CMC, CLD/STD, CLI/STI (with IOPL checks and the STI interrupt shadow). */
import type { Cpu } from "../cpu";
import { Flag } from "../eflags";

export function clc(cpu: Cpu): void {
  cpu.setCF(false);
}

export function stc(cpu: Cpu): void {
  cpu.setCF(true);
}

export function cmc(cpu: Cpu): void {
  cpu.setCF(cpu.getCF() === 0);
}

export function cld(cpu: Cpu): void {
  cpu.storedFlags &= ~Flag.DF;
}

export function std(cpu: Cpu): void {
  cpu.storedFlags |= Flag.DF;
}

/** In protected mode CLI/STI need CPL <= IOPL (V86: IOPL 3); no VME/PVI on this CPU. */
function checkIopl(cpu: Cpu): void {
  if ((cpu.cr0 & 1) !== 0 && (cpu.v86Mode ? cpu.iopl < 3 : cpu.cpl > cpu.iopl)) cpu.raiseGP(0);
}

export function cli(cpu: Cpu): void {
  checkIopl(cpu);
  cpu.storedFlags &= ~Flag.IF;
}

export function sti(cpu: Cpu): void {
  checkIopl(cpu);
  if ((cpu.storedFlags & Flag.IF) === 0) cpu.interruptShadow = true;
  cpu.storedFlags |= Flag.IF;
}
