/** Selectors, the hypervisor hole and the start-of-day constants. */

export const HYPERVISOR_VIRT_START = 0xfc000000;
/** Guest segments end at or below this (the machine-to-physical table below it is readable). */
export const GUEST_SEGMENT_END = 0xfc400000;
export const MACHINE_TO_PHYS_VIRT = 0xfc000000;

export const FIRST_RESERVED_GDT_ENTRY = 256;
export const LAST_RESERVED_GDT_ENTRY = 295;
export const FLAT_RING1_CS = 0x0819;
export const FLAT_RING1_DS = 0x0821;
export const FLAT_RING3_CS = 0x082b;
export const FLAT_RING3_DS = 0x0833;

/** Where the builder maps a kernel that does not say otherwise. */
export const DEFAULT_LOAD_BASE = 0xc0000000;
/** EFLAGS at entry: IF (guests always run with it set) and PF as 1.2 wrote it (bit 1 reads as 1). */
export const START_EFLAGS = 0x204;
/** PTE flags the builder uses: page tables read-only, other pages writable; directory entries. */
export const START_PTE_PAGE_TABLE = 0x021;
export const START_PTE_ORDINARY = 0x023;
export const START_PDE = 0x067;
export const MAX_CMD_LEN = 256;
export const PAGE_SIZE = 4096;
