/**
 * Checks a whole page of descriptors (a GDT frame given to set_gdt, an LDT
 * page) with the guest descriptor rules of `descriptors.ts`.
 */
import type { PhysicalMemory } from "@xeno86/mmu";
import { FIRST_RESERVED_GDT_ENTRY, LAST_RESERVED_GDT_ENTRY, checkGuestDescriptor } from "./descriptors";

/**
 * Returns why the frame is unfit, or null. `firstGdtEntry` is the GDT index
 * of the frame's first descriptor (its reserved entries are the
 * hypervisor's and not checked), or -1 for an LDT page.
 */
export function checkDescriptorFrame(memory: PhysicalMemory, frame: number, firstGdtEntry: number): string | null {
  const base = frame * 4096;
  for (let slot = 0; slot < 512; slot++) {
    const index = firstGdtEntry + slot;
    if (firstGdtEntry >= 0 && index >= FIRST_RESERVED_GDT_ENTRY && index <= LAST_RESERVED_GDT_ENTRY) continue;
    const problem = checkGuestDescriptor(memory.read32(base + slot * 8), memory.read32(base + slot * 8 + 4));
    if (problem !== null) return `${firstGdtEntry >= 0 ? "GDT" : "LDT"} entry ${firstGdtEntry >= 0 ? index : slot}: ${problem}`;
  }
  return null;
}
