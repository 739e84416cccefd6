/**
 * Encoding of the x86 descriptors the hypervisor writes itself: flat code
 * and data segments, the TSS and LDT descriptors, and IDT gates. Each
 * returns the two little-endian words [low, high].
 */

/** A code or data segment; `limit` is in pages when `pageGranular`. */
export function segmentDescriptor(base: number, limit: number, type: number, dpl: number, pageGranular: boolean): [number, number] {
  const low = ((base & 0xffff) << 16) | (limit & 0xffff);
  const high =
    ((base >>> 24) << 24) |
    (pageGranular ? 0x800000 : 0) |
    0x400000 | // 32-bit
    (limit & 0xf0000) |
    0x8000 | // present
    (dpl << 13) |
    0x1000 | // code or data
    (type << 8) |
    ((base >>> 16) & 0xff);
  return [low | 0, high | 0];
}

/** A system descriptor (TSS, LDT): byte-granular. */
export function systemDescriptor(base: number, limit: number, type: number): [number, number] {
  const low = ((base & 0xffff) << 16) | (limit & 0xffff);
  const high = ((base >>> 24) << 24) | (limit & 0xf0000) | 0x8000 | (type << 8) | ((base >>> 16) & 0xff);
  return [low | 0, high | 0];
}

export const GateType = { INTERRUPT: 0xe, TRAP: 0xf } as const;

export function gateDescriptor(selector: number, offset: number, type: number, dpl: number): [number, number] {
  const low = ((selector & 0xffff) << 16) | (offset & 0xffff);
  const high = (offset & 0xffff0000) | 0x8000 | (dpl << 13) | (type << 8);
  return [low | 0, high | 0];
}

/** Segment type nibbles. */
export const SegmentType = { CODE_READ: 0xa, DATA_WRITE: 0x2, DATA_WRITE_ACCESSED: 0x3, CODE_READ_ACCESSED: 0xb } as const;
export const SystemDescriptorType = { LDT: 0x2, TSS32_BUSY: 0xb } as const;
