/**
 * The guest interface numbers, as the monitor's handlers use them. They are
 * defined once, in `@xeno86/guest-abi`; this module only derives the forms
 * the hot paths want (struct offsets as plain numbers, signed constants).
 */
import * as abi from "@xeno86/guest-abi";

export {
  Errno,
  Hypercall,
  HYPERCALL_VECTOR,
  MmuCommand,
  MmuExtended,
  SchedOp,
  Event,
  EventChannelOp,
  EventChannelStatus,
  MAX_EVENT_CHANNELS,
  Dom0Op,
  MemoryOp,
  StartInfoFlag,
  MAX_CMD_LEN,
  GUEST_IMAGE_SECTION,
  GUEST_ABI_VERSION,
} from "@xeno86/guest-abi";

export const UVMF_FLUSH_TLB = abi.UpdateVaMappingFlag.FLUSH_TLB;
export const UVMF_INVLPG = abi.UpdateVaMappingFlag.INVLPG;
export const EVENTS_MASTER_ENABLE = (1 << abi.EVENTS_MASTER_ENABLE_BIT) | 0;
/** Signed, as it is compared with a word read through `| 0`. */
export const DOM0_INTERFACE_VERSION = abi.DOM0_INTERFACE_VERSION | 0;
export const DOM0_OP_SIZE = abi.DOM0_OP.size;
export const TRAP_INFO_SIZE = abi.TRAP_INFO.size;
export const MULTICALL_ENTRY_SIZE = abi.MULTICALL_ENTRY.size;
export const TRAP_FLAG_MASK_EVENTS = abi.TrapInfoFlag.MASK_EVENTS;
export const DEFAULT_VIRT_BASE = abi.DEFAULT_LOAD_BASE;

function offsets<T extends string>(layout: abi.StructLayout, names: readonly T[]): Record<T, number> {
  const result = {} as Record<T, number>;
  for (const name of names) result[name] = abi.field(layout, name).offset;
  return result;
}

export const StartInfo = offsets(abi.START_INFO, ["nr_pages", "shared_info", "dom_id", "flags", "pt_base", "mod_start", "mod_len", "cmd_line"] as const);
export const SharedInfo = offsets(abi.SHARED_INFO, [
  "events",
  "events_mask",
  "event_channel_pend",
  "event_channel_pend_sel",
  "event_channel_disc",
  "event_channel_disc_sel",
  "rdtsc_bitshift",
  "cpu_freq",
  "time_version1",
  "time_version2",
  "tsc_timestamp",
  "system_time",
  "wc_sec",
  "wc_usec",
  "domain_time",
] as const);
