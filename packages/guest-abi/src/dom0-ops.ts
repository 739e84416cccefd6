/**
 * dom0_op_t (A.10): a header (command, interface version) and one payload
 * per command in a union at offset 8. Offsets in the payloads are from the
 * start of the payload. Domain ids are 32-bit here.
 */
import type { Dom0OpName } from "./commands";
import { FULL_EXECUTION_CONTEXT } from "./structs";
import { byteArray, cString, nested, u32, u64, u8, type StructLayout } from "./layout";

/** The payload of each dom0_op command. */
export const DOM0_PAYLOADS = {
  GETMEMLIST: {
    name: "dom0_getmemlist_t",
    size: 16,
    fields: [u32("domain", 0), u32("max_pfns", 4), u32("buffer", 8, "pointer to an array of u32 machine frame numbers"), u32("num_pfns", 12, "out")],
  },
  BVTCTL: { name: "dom0_bvtctl_t", size: 4, fields: [u32("ctx_allow", 0, "context-switch allowance")] },
  ADJUSTDOM: { name: "dom0_adjustdom_t", size: 20, fields: [u32("domain", 0), u32("mcu_adv", 4), u32("warp", 8), u32("warpl", 12), u32("warpu", 16)] },
  CREATEDOMAIN: { name: "dom0_createdomain_t", size: 24, fields: [u32("memory_kb", 0), cString("name", 4, 16), u32("domain", 20, "out")] },
  DESTROYDOMAIN: { name: "dom0_destroydomain_t", size: 8, fields: [u32("domain", 0), u32("force", 4)] },
  STARTDOMAIN: { name: "dom0_startdomain_t", size: 4, fields: [u32("domain", 0)] },
  STOPDOMAIN: { name: "dom0_stopdomain_t", size: 4, fields: [u32("domain", 0)] },
  GETDOMAININFO: {
    name: "dom0_getdomaininfo_t",
    size: 2572,
    fields: [
      u32("domain", 0),
      cString("name", 4, 16, "out, and every field below"),
      u32("processor", 20),
      u32("has_cpu", 24),
      u32("state", 28, "0 active, 1 stopped"),
      u32("hyp_events", 32),
      u32("mcu_advance", 36),
      u32("tot_pages", 40),
      u64("cpu_time", 44, "ns"),
      u32("shared_info_frame", 52),
      nested("ctxt", 56, FULL_EXECUTION_CONTEXT),
    ],
  },
  BUILDDOMAIN: { name: "dom0_builddomain_t", size: 2524, fields: [u32("domain", 0), u32("num_vifs", 4), nested("ctxt", 8, FULL_EXECUTION_CONTEXT)] },
  IOPL: { name: "dom0_iopl_t", size: 8, fields: [u32("domain", 0), u32("iopl", 4)] },
  MSR: {
    name: "dom0_msr_t",
    size: 28,
    fields: [u32("write", 0), u32("cpu_mask", 4), u32("msr", 8), u32("in1", 12), u32("in2", 16), u32("out1", 20, "out"), u32("out2", 24, "out")],
  },
  DEBUG: {
    name: "dom0_debug_t",
    size: 28,
    fields: [u8("opcode", 0), u32("domain", 4), u32("in1", 8), u32("in2", 12), u32("status", 16, "out"), u32("out1", 20, "out"), u32("out2", 24, "out")],
  },
  SETTIME: { name: "dom0_settime_t", size: 16, fields: [u32("secs", 0), u32("usecs", 4), u64("system_time", 8)] },
  GETPAGEFRAMEINFO: { name: "dom0_getpageframeinfo_t", size: 12, fields: [u32("pfn", 0, "machine frame"), u32("domain", 4), u32("type", 8, "out: 0 none, 1 L1, 2 L2")] },
  READCONSOLE: { name: "dom0_readconsole_t", size: 12, fields: [u32("str", 0, "buffer pointer"), u32("count", 4), u32("cmd", 8)] },
  PINCPUDOMAIN: { name: "dom0_pincpudomain_t", size: 8, fields: [u32("domain", 0), u32("cpu", 4, "-1 unpins")] },
} as const satisfies Record<Dom0OpName, StructLayout>;

export const DOM0_OP_PAYLOAD_OFFSET = 8;
export const DOM0_OP_PAYLOAD_SIZE = 2572;

/** The payload union: one member per command (named as the command in lower case), padded to 2572 bytes. */
export const DOM0_OP_PAYLOAD = {
  name: "dom0_op_payload_t",
  size: DOM0_OP_PAYLOAD_SIZE,
  union: true,
  fields: [
    nested("getmemlist", 0, DOM0_PAYLOADS.GETMEMLIST),
    nested("bvtctl", 0, DOM0_PAYLOADS.BVTCTL),
    nested("adjustdom", 0, DOM0_PAYLOADS.ADJUSTDOM),
    nested("createdomain", 0, DOM0_PAYLOADS.CREATEDOMAIN),
    nested("destroydomain", 0, DOM0_PAYLOADS.DESTROYDOMAIN),
    nested("startdomain", 0, DOM0_PAYLOADS.STARTDOMAIN),
    nested("stopdomain", 0, DOM0_PAYLOADS.STOPDOMAIN),
    nested("getdomaininfo", 0, DOM0_PAYLOADS.GETDOMAININFO),
    nested("builddomain", 0, DOM0_PAYLOADS.BUILDDOMAIN),
    nested("iopl", 0, DOM0_PAYLOADS.IOPL),
    nested("msr", 0, DOM0_PAYLOADS.MSR),
    nested("debug", 0, DOM0_PAYLOADS.DEBUG),
    nested("settime", 0, DOM0_PAYLOADS.SETTIME),
    nested("getpageframeinfo", 0, DOM0_PAYLOADS.GETPAGEFRAMEINFO),
    nested("readconsole", 0, DOM0_PAYLOADS.READCONSOLE),
    nested("pincpudomain", 0, DOM0_PAYLOADS.PINCPUDOMAIN),
    byteArray("bytes", 0, DOM0_OP_PAYLOAD_SIZE),
  ],
} as const satisfies StructLayout;

/** The header alone (what readDom0Op decodes before it looks at the command). */
export const DOM0_OP_HEADER = {
  name: "dom0_op_header_t",
  size: DOM0_OP_PAYLOAD_OFFSET,
  fields: [u32("cmd", 0, "DOM0_*"), u32("interface_version", 4, "DOM0_INTERFACE_VERSION")],
} as const satisfies StructLayout;

/** dom0_op_t, 2580 bytes; the hypervisor copies all of it in. */
export const DOM0_OP = {
  name: "dom0_op_t",
  size: DOM0_OP_PAYLOAD_OFFSET + DOM0_OP_PAYLOAD_SIZE,
  doc: "dom0_op argument, copied in whole (2580 bytes)",
  fields: [...DOM0_OP_HEADER.fields, nested("u", DOM0_OP_PAYLOAD_OFFSET, DOM0_OP_PAYLOAD)],
} as const satisfies StructLayout;
