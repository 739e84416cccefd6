/**
 * Page-sized steps of forward REP MOVS and REP STOS with 32-bit addressing:
 * when the segments need no limit checks and the TLB already says both
 * pages are plain RAM this privilege level may read (and write: dirty,
 * writable, no compiled code on it), the elements up to the nearer page end
 * are one typed-array copy or fill. Everything else (a TLB miss, MMIO, a
 * code page, a page crossing inside an element, an overlap that a
 * forward element-by-element copy would replicate) is left to the element
 * loop, which takes faults exactly.
 */
import type { Cpu } from "../cpu";
import { Seg } from "../registers";

const PAGE = 4096;

/** Whole elements of `size` bytes from `linear` to the end of its page. */
function elementsToPageEnd(linear: number, size: number): number {
  return Math.floor((PAGE - (linear & 0xfff)) / size);
}

/** One step of REP MOVS; returns the elements moved (ESI, EDI, ECX advanced), 0 if the element loop must do the next one. */
export function bulkMovs(cpu: Cpu, sourceSegment: number, size: number, count: number): number {
  if (((cpu.segSlowRead >>> sourceSegment) & 1) !== 0 || (cpu.segSlowWrite & (1 << Seg.ES)) !== 0) return 0;
  const mmu = cpu.mmu;
  const source = (cpu.segBase[sourceSegment] + cpu.r32[6]) | 0;
  const destination = (cpu.segBase[Seg.ES] + cpu.r32[7]) | 0;
  const sourceEntry = mmu.tlb[source >>> 12];
  const destinationEntry = mmu.tlb[destination >>> 12];
  if ((sourceEntry & mmu.fastReadBit) === 0 || (destinationEntry & mmu.fastWriteBit) === 0) return 0;
  const n = Math.min(count, elementsToPageEnd(source, size), elementsToPageEnd(destination, size));
  if (n === 0) return 0;
  const bytes = n * size;
  const from = (sourceEntry & ~0xfff) | (source & 0xfff);
  const to = (destinationEntry & ~0xfff) | (destination & 0xfff);
  if (to > from && to < from + bytes) return 0;
  mmu.ram8.copyWithin(to, from, from + bytes);
  cpu.r32[6] = cpu.r32[6] + bytes;
  cpu.r32[7] = cpu.r32[7] + bytes;
  cpu.r32[1] = cpu.r32[1] - n;
  return n;
}

/** One step of REP STOS with the accumulator `value`; returns the elements stored, 0 if the element loop must do the next one. */
export function bulkStos(cpu: Cpu, size: number, value: number, count: number): number {
  if ((cpu.segSlowWrite & (1 << Seg.ES)) !== 0) return 0;
  const mmu = cpu.mmu;
  const destination = (cpu.segBase[Seg.ES] + cpu.r32[7]) | 0;
  const entry = mmu.tlb[destination >>> 12];
  if ((entry & mmu.fastWriteBit) === 0 || (destination & (size - 1)) !== 0) return 0;
  const n = Math.min(count, elementsToPageEnd(destination, size));
  if (n === 0) return 0;
  const to = (entry & ~0xfff) | (destination & 0xfff);
  if (size === 1) mmu.ram8.fill(value, to, to + n);
  else if (size === 2) mmu.ram16.fill(value, to >>> 1, (to >>> 1) + n);
  else mmu.ram32.fill(value, to >>> 2, (to >>> 2) + n);
  cpu.r32[7] = cpu.r32[7] + n * size;
  cpu.r32[1] = cpu.r32[1] - n;
  return n;
}
