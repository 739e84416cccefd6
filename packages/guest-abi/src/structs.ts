/**
 * The core structures of the guest interface (xen-reference appendix A:
 * A.3 mmu_update_t, A.4 trap_info_t, A.5 multicall_entry_t, A.6
 * shared_info_t, A.10 the execution contexts, A.11 dom_mem_op_t, A.12
 * net_idx_t, A.16 start_info_t), as data for `layout.ts` and the C header.
 */
import { MAX_CMD_LEN } from "./start-of-day";
import { byteArray, cString, nested, nestedArray, u16, u32, u32Array, u64, u8, type StructLayout } from "./layout";

/** The 17-word register set saved in shared_info and in full contexts. */
export const EXECUTION_CONTEXT = {
  name: "execution_context_t",
  size: 68,
  doc: "the 17-word register set (shared_info, full contexts)",
  fields: [
    u32("ebx", 0),
    u32("ecx", 4),
    u32("edx", 8),
    u32("esi", 12),
    u32("edi", 16),
    u32("ebp", 20),
    u32("eax", 24),
    u32("ds", 28),
    u32("es", 32),
    u32("fs", 36),
    u32("gs", 40),
    u32("_unused", 44),
    u32("eip", 48),
    u32("cs", 52),
    u32("eflags", 56),
    u32("esp", 60),
    u32("ss", 64),
  ],
} as const satisfies StructLayout;

/** One entry of the virtual IDT given to set_trap_table; an entry with address 0 ends the array. */
export const TRAP_INFO = {
  name: "trap_info_t",
  size: 8,
  doc: "set_trap_table entry; the array ends at the first entry whose address is 0",
  fields: [
    u8("vector", 0),
    u8("flags", 1, "bits 0-1: DPL that int n needs; bit 2 (TI_MASK_EVENTS): clear the master enable on entry"),
    u16("cs", 2, "0x0819, or RPL 1 outside the reserved GDT entries 256-295"),
    u32("address", 4),
  ],
} as const satisfies StructLayout;

export const MMU_UPDATE = {
  name: "mmu_update_t",
  size: 8,
  doc: "mmu_update request: the low 2 bits of ptr are the command (MMU_*)",
  fields: [u32("ptr", 0, "machine address | command"), u32("val", 4, "new entry, M2P value, or MMUEXT_* | argument << MMUEXT_CMD_SHIFT")],
} as const satisfies StructLayout;

export const MULTICALL_ENTRY = {
  name: "multicall_entry_t",
  size: 32,
  doc: "multicall entry: op and five arguments are read; args[5..6] are ignored and no result is written back",
  fields: [u32("op", 0), u32Array("args", 4, 7)],
} as const satisfies StructLayout;

export const DOM_MEM_OP = {
  name: "dom_mem_op_t",
  size: 12,
  doc: "dom_mem_op: MEMOP_RESERVATION_INCREASE/DECREASE",
  fields: [u32("op", 0), u32("size", 4, "number of frames"), u32("pages", 8, "pointer to an array of u32 machine frame numbers")],
} as const satisfies StructLayout;

/** The ring indexes of one virtual network interface, in shared_info (free-running counters). */
export const NET_IDX = {
  name: "net_idx_t",
  size: 24,
  doc: "ring indexes of one VIF (free-running; mask with the ring size)",
  fields: [u32("tx_req_prod", 0), u32("tx_resp_prod", 4), u32("tx_event", 8), u32("rx_req_prod", 12), u32("rx_resp_prod", 16), u32("rx_event", 20)],
} as const satisfies StructLayout;
export const MAX_DOMAIN_VIFS = 8;

export const START_INFO = {
  name: "start_info_t",
  size: 28 + MAX_CMD_LEN,
  doc: "what ESI points at when the kernel starts",
  fields: [
    u32("nr_pages", 0),
    u32("shared_info", 4, "machine address of the shared_info frame (not mapped)"),
    u32("dom_id", 8),
    u32("flags", 12, "SIF_PRIVILEGED, SIF_CONSOLE"),
    u32("pt_base", 16, "virtual address of the page directory"),
    u32("mod_start", 20, "virtual address of the module (initrd), 0 if none"),
    u32("mod_len", 24),
    cString("cmd_line", 28, MAX_CMD_LEN),
  ],
} as const satisfies StructLayout;

export const SHARED_INFO = {
  name: "shared_info_t",
  size: 596,
  doc: "the shared_info frame (the guest maps it itself)",
  fields: [
    u32("events", 0, "pending event bits (EVENT_*)"),
    u32("events_mask", 4, "bit n enables event n; bit 31 is the master enable"),
    u32Array("event_channel_pend", 8, 32, "pending bit per port"),
    u32("event_channel_pend_sel", 136),
    u32Array("event_channel_disc", 140, 32, "remote-end-closed bit per port"),
    u32("event_channel_disc_sel", 268),
    u32("rdtsc_bitshift", 272),
    u64("cpu_freq", 276, "Hz"),
    u32("time_version1", 284, "incremented before an update"),
    u32("time_version2", 288, "incremented after an update"),
    u32("tsc_timestamp", 292),
    u64("system_time", 296, "ns since boot"),
    u32("wc_sec", 304),
    u32("wc_usec", 308),
    u64("domain_time", 312, "ns this domain has run"),
    u64("wall_timeout", 320, "present, not read"),
    u64("domain_timeout", 328, "present, not read"),
    nestedArray("net_idx", 336, NET_IDX, MAX_DOMAIN_VIFS),
    nested("execution_context", 528, EXECUTION_CONTEXT),
  ],
} as const satisfies StructLayout;

/** The whole saved state of a domain (dom0_op GETDOMAININFO and BUILDDOMAIN). */
export const FULL_EXECUTION_CONTEXT = {
  name: "full_execution_context_t",
  size: 2516,
  doc: "the whole saved state of a domain (GETDOMAININFO, BUILDDOMAIN)",
  fields: [
    u32("flags", 0, "bit 0: the FPU state is valid"),
    nested("cpu_ctxt", 4, EXECUTION_CONTEXT),
    byteArray("fpu_ctxt", 72, 256, "FSAVE image"),
    nestedArray("trap_ctxt", 328, TRAP_INFO, 256),
    u32("fast_trap_idx", 2376),
    u32("ldt_base", 2380),
    u32("ldt_ents", 2384),
    u32Array("gdt_frames", 2388, 16),
    u32("gdt_ents", 2452),
    u32("ring1_ss", 2456),
    u32("ring1_esp", 2460),
    u32("pt_base", 2464, "machine address of the page directory"),
    u32Array("debugreg", 2468, 8),
    u32("event_callback_cs", 2500),
    u32("event_callback_eip", 2504),
    u32("failsafe_callback_cs", 2508),
    u32("failsafe_callback_eip", 2512),
  ],
} as const satisfies StructLayout;
/** full_execution_context_t.flags bit 0: fpu_ctxt holds valid state. */
export const ECF_I387_VALID = 1;
