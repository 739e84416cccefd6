/**
 * Where the hypervisor keeps its own structures: the top 64 MiB of every
 * address space (0xFC000000 and up), which guest segments never reach and
 * guest page tables can never map (the validator writes these directory
 * slots itself).
 *
 *   0xFC000000  slot 1008  machine-to-physical table, read-only (guests read it)
 *   0xFC400000  slot 1009  per-domain area: the domain's GDT (64 KiB), IDT, LDT shadow
 *   0xFC800000  slot 1010  hypervisor globals: the TSS
 *
 * The per-domain slot points at a different L1 table in each domain's
 * directories, so the GDTR and IDTR bases are the same for every domain and
 * a context switch only reloads CR3 and the limits.
 */
export const HYPERVISOR_VIRT_START = 0xfc000000;
export const M2P_VIRT = 0xfc000000;
export const PER_DOMAIN_VIRT = 0xfc400000;
export const GDT_VIRT = PER_DOMAIN_VIRT;
/** Room for 8192 descriptors. */
export const GDT_PAGES = 16;
export const IDT_VIRT = PER_DOMAIN_VIRT + GDT_PAGES * 4096;
/** The shadow of the guest's LDT (8192 descriptors at most). */
export const LDT_VIRT = IDT_VIRT + 4096;
export const LDT_PAGES = 16;
export const GLOBAL_VIRT = 0xfc800000;
export const TSS_VIRT = GLOBAL_VIRT;

export const M2P_SLOT = M2P_VIRT >>> 22;
export const PER_DOMAIN_SLOT = PER_DOMAIN_VIRT >>> 22;
export const GLOBAL_SLOT = GLOBAL_VIRT >>> 22;

/** Hypervisor-private GDT entries (inside the reserved range 256-295). */
export const GDT_ENTRY_RING0_CS = 257;
export const GDT_ENTRY_RING0_DS = 258;
export const GDT_ENTRY_RING1_CS = 259;
export const GDT_ENTRY_RING1_DS = 260;
export const GDT_ENTRY_RING3_CS = 261;
export const GDT_ENTRY_RING3_DS = 262;
export const GDT_ENTRY_TSS = 263;
export const GDT_ENTRY_LDT = 264;
export const RING0_CS = GDT_ENTRY_RING0_CS << 3;
export const TSS_SELECTOR = GDT_ENTRY_TSS << 3;
export const LDT_SELECTOR = GDT_ENTRY_LDT << 3;
/** Entries the default GDT needs (0-295, plus the TSS and LDT slots inside that range). */
export const DEFAULT_GDT_ENTRIES = 296;

/** Page-table entry bits. */
export const PTE_PRESENT = 0x001;
export const PTE_WRITABLE = 0x002;
export const PTE_USER = 0x004;
export const PTE_ACCESSED = 0x020;
export const PTE_DIRTY = 0x040;
/** Hypervisor mappings: supervisor only. */
export const HYPERVISOR_PTE_RO = PTE_PRESENT | PTE_ACCESSED;
export const HYPERVISOR_PTE_RW = PTE_PRESENT | PTE_WRITABLE | PTE_ACCESSED | PTE_DIRTY;
export const HYPERVISOR_PDE = PTE_PRESENT | PTE_WRITABLE | PTE_ACCESSED;
