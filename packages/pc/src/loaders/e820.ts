/** The PC memory map the loaders report (BIOS E820 types). */

export const E820Type = { Usable: 1, Reserved: 2 } as const;

export interface MemoryRegion {
  readonly base: number;
  readonly length: number;
  readonly type: number;
}

/** Conventional memory up to the EBDA, the BIOS area reserved, everything from 1 MiB usable. */
export function pcMemoryMap(ramBytes: number): MemoryRegion[] {
  return [
    { base: 0, length: 0x9fc00, type: E820Type.Usable },
    { base: 0x9fc00, length: 0x400, type: E820Type.Reserved },
    { base: 0xf0000, length: 0x10000, type: E820Type.Reserved },
    { base: 0x100000, length: ramBytes - 0x100000, type: E820Type.Usable },
  ];
}
