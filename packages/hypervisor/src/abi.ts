/**
 * The guest interface numbers this package dispatches on. They are defined
 * once, in `@xeno86/guest-abi`; this module names the subset the monitor
 * uses so the handlers read naturally.
 */
export const Errno = {
  EPERM: 1,
  ENOENT: 2,
  ESRCH: 3,
  EAGAIN: 11,
  ENOMEM: 12,
  EACCES: 13,
  EFAULT: 14,
  EBUSY: 16,
  EEXIST: 17,
  EINVAL: 22,
  ENOSPC: 28,
  ENOSYS: 38,
} as const;

export const Hypercall = {
  set_trap_table: 0,
  mmu_update: 1,
  console_write: 2,
  set_gdt: 3,
  stack_switch: 4,
  set_callbacks: 5,
  net_io_op: 6,
  fpu_taskswitch: 7,
  sched_op: 8,
  set_dom_timer: 9,
  dom0_op: 10,
  network_op: 11,
  block_io_op: 12,
  set_debugreg: 13,
  get_debugreg: 14,
  update_descriptor: 15,
  set_fast_trap: 16,
  dom_mem_op: 17,
  multicall: 18,
  kbd_op: 19,
  update_va_mapping: 20,
  event_channel_op: 21,
} as const;

export const HYPERCALL_VECTOR = 0x82;

export const MmuCommand = { NORMAL_PT_UPDATE: 0, UNCHECKED_PT_UPDATE: 1, MACHPHYS_UPDATE: 2, EXTENDED_COMMAND: 3 } as const;
export const MmuExtended = {
  PIN_L1_TABLE: 0,
  PIN_L2_TABLE: 1,
  PIN_L3_TABLE: 2,
  PIN_L4_TABLE: 3,
  UNPIN_TABLE: 4,
  NEW_BASEPTR: 5,
  TLB_FLUSH: 6,
  INVLPG: 7,
  SET_LDT: 8,
} as const;
export const UVMF_FLUSH_TLB = 1;
export const UVMF_INVLPG = 2;

export const SchedOp = { yield: 0, block: 1, exit: 3, stop: 4 } as const;

export const Event = {
  BLKDEV: 0,
  TIMER: 1,
  DIE: 2,
  DEBUG: 3,
  NET: 4,
  PS2: 5,
  STOP: 6,
  EVTCHN: 7,
  VBD_UPD: 8,
} as const;
export const EVENTS_MASTER_ENABLE = 0x80000000 | 0;

export const EventChannelOp = { open: 0, close: 1, send: 2, status: 3 } as const;
export const EventChannelStatus = { closed: 0, disconnected: 1, connected: 2 } as const;
export const MAX_EVENT_CHANNELS = 1024;

export const Dom0Op = {
  GETMEMLIST: 2,
  BVTCTL: 6,
  ADJUSTDOM: 7,
  CREATEDOMAIN: 8,
  DESTROYDOMAIN: 9,
  STARTDOMAIN: 10,
  STOPDOMAIN: 11,
  GETDOMAININFO: 12,
  BUILDDOMAIN: 13,
  IOPL: 14,
  MSR: 15,
  DEBUG: 16,
  SETTIME: 17,
  GETPAGEFRAMEINFO: 18,
  READCONSOLE: 19,
  PINCPUDOMAIN: 20,
} as const;
export const DOM0_INTERFACE_VERSION = 0xaaaa0003 | 0;
export const DOM0_OP_SIZE = 2580;

export const MemoryOp = { RESERVATION_INCREASE: 0, RESERVATION_DECREASE: 1 } as const;

export const StartInfoFlag = { PRIVILEGED: 1, CONSOLE: 2 } as const;

/** start_info_t offsets. */
export const StartInfo = { nr_pages: 0, shared_info: 4, dom_id: 8, flags: 12, pt_base: 16, mod_start: 20, mod_len: 24, cmd_line: 28 } as const;
export const MAX_CMD_LEN = 256;

/** shared_info_t offsets. */
export const SharedInfo = {
  events: 0,
  events_mask: 4,
  event_channel_pend: 8,
  event_channel_pend_sel: 136,
  event_channel_disc: 140,
  event_channel_disc_sel: 268,
  rdtsc_bitshift: 272,
  cpu_freq: 276,
  time_version1: 284,
  time_version2: 288,
  tsc_timestamp: 292,
  system_time: 296,
  wc_sec: 304,
  wc_usec: 308,
  domain_time: 312,
} as const;

export const TRAP_INFO_SIZE = 8;
export const MULTICALL_ENTRY_SIZE = 32;
/** trap_info flags bit 2: deliver like an interrupt gate (clear the master event enable). */
export const TRAP_FLAG_MASK_EVENTS = 4;

export const GUEST_IMAGE_SECTION = "__xen_guest";
export const GUEST_ABI_VERSION = "xeno86-1.2";
export const DEFAULT_VIRT_BASE = 0xc0000000;
