/**
 * The hypervisor's hole, the reserved GDT entries and their flat selectors,
 * and the limits on descriptor tables (xen-reference §1.3, A.14).
 */

/** Start of the hypervisor's 64 MiB hole at the top of every address space. */
export const HYPERVISOR_VIRT_START = 0xfc000000;
/** The read-only machine-to-physical table (one u32 per machine frame, 4 MiB), readable by guests. */
export const MACHINE_TO_PHYS_VIRT = 0xfc000000;
/** Guest segments and LDTs end at or below this (Xen's PAGE_OFFSET); they cover the M2P table. */
export const GUEST_SEGMENT_END = 0xfc400000;
/** update_va_mapping refuses page numbers from this one up (HYPERVISOR_VIRT_START >> 12). */
export const UPDATE_VA_MAPPING_PAGE_LIMIT = 0xfc000;
export const PAGE_SIZE = 4096;
export const PAGE_SHIFT = 12;

/** GDT entries 256-295 (both inclusive) belong to the hypervisor. */
export const FIRST_RESERVED_GDT_ENTRY = 256;
export const LAST_RESERVED_GDT_ENTRY = 295;
/** The hypervisor's own ring-0 flat segments (entries 257, 258): a guest may not use them. */
export const HYPERVISOR_CS = 0x0808;
export const HYPERVISOR_DS = 0x0810;
/** Flat guest segments (entries 259-262), base 0, reaching 0xFC3FFFFF. */
export const FLAT_RING1_CS = 0x0819;
export const FLAT_RING1_DS = 0x0821;
export const FLAT_RING3_CS = 0x082b;
export const FLAT_RING3_DS = 0x0833;

/** set_gdt: at most 16 frames, and more entries than LAST_RESERVED_GDT_ENTRY (296..8192). */
export const MAX_GDT_FRAMES = 16;
export const MAX_GDT_ENTRIES = 8192;
/** MMUEXT_SET_LDT: at most 8192 entries. */
export const MAX_LDT_ENTRIES = 8192;
