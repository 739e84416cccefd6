/**
 * CR0, CR3, CR4: the bits this P6 implements, the #GP rules for bad values,
 * and what each write does to the MMU (paging mode, TLB flushes).
 */
import type { Cpu } from "./cpu";

export const Cr0 = {
  PE: 1 << 0,
  MP: 1 << 1,
  EM: 1 << 2,
  TS: 1 << 3,
  ET: 1 << 4,
  NE: 1 << 5,
  WP: 1 << 16,
  AM: 1 << 18,
  NW: 1 << 29,
  CD: 1 << 30,
  PG: 1 << 31,
} as const;

export const Cr4 = {
  VME: 1 << 0,
  PVI: 1 << 1,
  TSD: 1 << 2,
  DE: 1 << 3,
  PSE: 1 << 4,
  PAE: 1 << 5,
  MCE: 1 << 6,
  PGE: 1 << 7,
  PCE: 1 << 8,
} as const;

const CR0_IMPLEMENTED = Cr0.PE | Cr0.MP | Cr0.EM | Cr0.TS | Cr0.NE | Cr0.WP | Cr0.AM | Cr0.NW | Cr0.CD | Cr0.PG;
/** CR4 bits this CPU supports (CPUID advertises DE, PSE, MCE? no: TSD, DE, PSE, PGE, PCE). */
const CR4_IMPLEMENTED = Cr4.TSD | Cr4.DE | Cr4.PSE | Cr4.PGE | Cr4.PCE;

export function writeCr0(cpu: Cpu, value: number): void {
  value |= Cr0.ET; // ET is hardwired to 1 on a P6
  if ((value & ~CR0_IMPLEMENTED & ~Cr0.ET) !== 0) {
    value &= CR0_IMPLEMENTED | Cr0.ET; // reserved bits are ignored on 32-bit processors
  }
  if ((value & Cr0.PG) !== 0 && (value & Cr0.PE) === 0) cpu.raiseGP(0);
  if ((value & Cr0.NW) !== 0 && (value & Cr0.CD) === 0) cpu.raiseGP(0);
  const changed = cpu.cr0 ^ value;
  cpu.cr0 = value | 0;
  if ((changed & Cr0.PE) !== 0) cpu.updateAllSegmentChecks();
  applyPagingMode(cpu);
}

export function writeCr3(cpu: Cpu, value: number): void {
  cpu.cr3 = value & 0xfffff018;
  cpu.mmu.setCr3(cpu.cr3);
}

export function writeCr4(cpu: Cpu, value: number): void {
  if ((value & ~CR4_IMPLEMENTED) !== 0) cpu.raiseGP(0);
  cpu.cr4 = value | 0;
  applyPagingMode(cpu);
}

export function applyPagingMode(cpu: Cpu): void {
  cpu.mmu.setPagingMode(
    (cpu.cr0 & Cr0.PG) !== 0,
    (cpu.cr0 & Cr0.WP) !== 0,
    (cpu.cr4 & Cr4.PSE) !== 0,
    (cpu.cr4 & Cr4.PGE) !== 0,
  );
}
