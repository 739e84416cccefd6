/**
 * The structures of the guest interface (Xen 1.2 layouts, xen-reference
 * appendix A), as data for `layout.ts` and the C header generator.
 */
import type { FieldLayout, StructLayout } from "./layout";

const u32 = (name: string, offset: number): FieldLayout => ({ name, offset, kind: "u32" });
const u16 = (name: string, offset: number): FieldLayout => ({ name, offset, kind: "u16" });
const u8 = (name: string, offset: number): FieldLayout => ({ name, offset, kind: "u8" });
const u64 = (name: string, offset: number): FieldLayout => ({ name, offset, kind: "u64" });
const words = (name: string, offset: number, length: number): FieldLayout => ({ name, offset, kind: "u32-array", length });
const bytes = (name: string, offset: number, length: number, cType?: string): FieldLayout => ({ name, offset, kind: "bytes", length, cType });
const text = (name: string, offset: number, length: number): FieldLayout => ({ name, offset, kind: "string", length });

const REGISTER_NAMES = ["ebx", "ecx", "edx", "esi", "edi", "ebp", "eax", "ds", "es", "fs", "gs", "_unused", "eip", "cs", "eflags", "esp", "ss"];

/** The 17-word register set saved in shared_info and in full contexts. */
export const EXECUTION_CONTEXT: StructLayout = {
  name: "execution_context_t",
  size: 68,
  fields: REGISTER_NAMES.map((name, i) => u32(name, i * 4)),
};

export const TRAP_INFO: StructLayout = {
  name: "trap_info_t",
  size: 8,
  fields: [u8("vector", 0), u8("flags", 1), u16("cs", 2), u32("address", 4)],
};

export const MMU_UPDATE: StructLayout = { name: "mmu_update_t", size: 8, fields: [u32("ptr", 0), u32("val", 4)] };

export const MULTICALL_ENTRY: StructLayout = { name: "multicall_entry_t", size: 32, fields: [u32("op", 0), words("args", 4, 7)] };

export const DOM_MEM_OP: StructLayout = { name: "dom_mem_op_t", size: 12, fields: [u32("op", 0), u32("size", 4), u32("pages", 8)] };

export const NET_IDX: StructLayout = {
  name: "net_idx_t",
  size: 24,
  fields: ["tx_req_prod", "tx_resp_prod", "tx_event", "rx_req_prod", "rx_resp_prod", "rx_event"].map((name, i) => u32(name, i * 4)),
};

export const START_INFO: StructLayout = {
  name: "start_info_t",
  size: 284,
  fields: [u32("nr_pages", 0), u32("shared_info", 4), u32("dom_id", 8), u32("flags", 12), u32("pt_base", 16), u32("mod_start", 20), u32("mod_len", 24), text("cmd_line", 28, 256)],
};

export const SHARED_INFO: StructLayout = {
  name: "shared_info_t",
  size: 596,
  fields: [
    u32("events", 0),
    u32("events_mask", 4),
    words("event_channel_pend", 8, 32),
    u32("event_channel_pend_sel", 136),
    words("event_channel_disc", 140, 32),
    u32("event_channel_disc_sel", 268),
    u32("rdtsc_bitshift", 272),
    u64("cpu_freq", 276),
    u32("time_version1", 284),
    u32("time_version2", 288),
    u32("tsc_timestamp", 292),
    u64("system_time", 296),
    u32("wc_sec", 304),
    u32("wc_usec", 308),
    u64("domain_time", 312),
    u64("wall_timeout", 320),
    u64("domain_timeout", 328),
    bytes("net_idx", 336, 192, "net_idx_t net_idx[8]"),
    bytes("execution_context", 528, 68, "execution_context_t execution_context"),
  ],
};

/** The whole saved state of a domain (GETDOMAININFO, BUILDDOMAIN). */
export const FULL_EXECUTION_CONTEXT: StructLayout = {
  name: "full_execution_context_t",
  size: 2516,
  fields: [
    u32("flags", 0),
    bytes("cpu_ctxt", 4, 68, "execution_context_t cpu_ctxt"),
    bytes("fpu_ctxt", 72, 256),
    bytes("trap_ctxt", 328, 2048, "trap_info_t trap_ctxt[256]"),
    u32("fast_trap_idx", 2376),
    u32("ldt_base", 2380),
    u32("ldt_ents", 2384),
    words("gdt_frames", 2388, 16),
    u32("gdt_ents", 2452),
    u32("ring1_ss", 2456),
    u32("ring1_esp", 2460),
    u32("pt_base", 2464),
    words("debugreg", 2468, 8),
    u32("event_callback_cs", 2500),
    u32("event_callback_eip", 2504),
    u32("failsafe_callback_cs", 2508),
    u32("failsafe_callback_eip", 2512),
  ],
};

/** dom0_op_t: a command, the interface version, and a payload union at offset 8. */
export const DOM0_OP: StructLayout = { name: "dom0_op_t", size: 2580, fields: [u32("cmd", 0), u32("interface_version", 4), bytes("u", 8, 2572)] };
export const DOM0_OP_PAYLOAD_OFFSET = 8;

/** The dom0_op payloads; offsets are from the start of the payload. */
export const DOM0_PAYLOADS: Record<string, StructLayout> = {
  GETMEMLIST: { name: "dom0_getmemlist_t", size: 16, fields: [u32("domain", 0), u32("max_pfns", 4), u32("buffer", 8), u32("num_pfns", 12)] },
  BVTCTL: { name: "dom0_bvtctl_t", size: 4, fields: [u32("ctx_allow", 0)] },
  ADJUSTDOM: { name: "dom0_adjustdom_t", size: 20, fields: [u32("domain", 0), u32("mcu_adv", 4), u32("warp", 8), u32("warpl", 12), u32("warpu", 16)] },
  CREATEDOMAIN: { name: "dom0_createdomain_t", size: 24, fields: [u32("memory_kb", 0), text("name", 4, 16), u32("domain", 20)] },
  DESTROYDOMAIN: { name: "dom0_destroydomain_t", size: 8, fields: [u32("domain", 0), u32("force", 4)] },
  STARTDOMAIN: { name: "dom0_startdomain_t", size: 4, fields: [u32("domain", 0)] },
  STOPDOMAIN: { name: "dom0_stopdomain_t", size: 4, fields: [u32("domain", 0)] },
  GETDOMAININFO: {
    name: "dom0_getdomaininfo_t",
    size: 2572,
    fields: [
      u32("domain", 0),
      text("name", 4, 16),
      u32("processor", 20),
      u32("has_cpu", 24),
      u32("state", 28),
      u32("hyp_events", 32),
      u32("mcu_advance", 36),
      u32("tot_pages", 40),
      u64("cpu_time", 44),
      u32("shared_info_frame", 52),
      bytes("ctxt", 56, 2516, "full_execution_context_t ctxt"),
    ],
  },
  BUILDDOMAIN: { name: "dom0_builddomain_t", size: 2524, fields: [u32("domain", 0), u32("num_vifs", 4), bytes("ctxt", 8, 2516, "full_execution_context_t ctxt")] },
  IOPL: { name: "dom0_iopl_t", size: 8, fields: [u32("domain", 0), u32("iopl", 4)] },
  MSR: { name: "dom0_msr_t", size: 28, fields: [u32("write", 0), u32("cpu_mask", 4), u32("msr", 8), u32("in1", 12), u32("in2", 16), u32("out1", 20), u32("out2", 24)] },
  DEBUG: { name: "dom0_debug_t", size: 28, fields: [u8("opcode", 0), u32("domain", 4), u32("in1", 8), u32("in2", 12), u32("status", 16), u32("out1", 20), u32("out2", 24)] },
  SETTIME: { name: "dom0_settime_t", size: 16, fields: [u32("secs", 0), u32("usecs", 4), u64("system_time", 8)] },
  GETPAGEFRAMEINFO: { name: "dom0_getpageframeinfo_t", size: 12, fields: [u32("pfn", 0), u32("domain", 4), u32("type", 8)] },
  READCONSOLE: { name: "dom0_readconsole_t", size: 12, fields: [u32("str", 0), u32("count", 4), u32("cmd", 8)] },
  PINCPUDOMAIN: { name: "dom0_pincpudomain_t", size: 8, fields: [u32("domain", 0), u32("cpu", 4)] },
};

export const NETOP: StructLayout = { name: "netop_t", size: 20, fields: [u32("cmd", 0), u32("vif", 4), u32("ring_mfn", 8), bytes("vmac", 12, 6)] };
export const NET_TX_REQUEST: StructLayout = { name: "tx_req_entry_t", size: 8, fields: [u16("id", 0), u16("size", 2), u32("addr", 4)] };
export const NET_TX_RESPONSE: StructLayout = { name: "tx_resp_entry_t", size: 4, fields: [u16("id", 0), u8("status", 2)] };
export const NET_RX_REQUEST: StructLayout = { name: "rx_req_entry_t", size: 8, fields: [u16("id", 0), u32("addr", 4)] };
export const NET_RX_RESPONSE: StructLayout = { name: "rx_resp_entry_t", size: 6, fields: [u16("id", 0), u16("size", 2), u8("status", 4), u8("offset", 5)] };
export const BLK_REQUEST: StructLayout = {
  name: "blk_ring_req_entry_t",
  size: 60,
  fields: [u32("id", 0), u32("sector_number", 4), u16("device", 8), u8("operation", 10), u8("nr_segments", 11), words("buffer_and_sects", 12, 12)],
};
export const BLK_RESPONSE: StructLayout = { name: "blk_ring_resp_entry_t", size: 12, fields: [u32("id", 0), u16("operation", 4), u32("status", 8)] };

/** Every structure the C header declares, in dependency order. */
export const C_STRUCTS: readonly StructLayout[] = [
  EXECUTION_CONTEXT,
  TRAP_INFO,
  MMU_UPDATE,
  MULTICALL_ENTRY,
  DOM_MEM_OP,
  NET_IDX,
  START_INFO,
  SHARED_INFO,
  FULL_EXECUTION_CONTEXT,
  DOM0_OP,
  ...Object.values(DOM0_PAYLOADS),
];
