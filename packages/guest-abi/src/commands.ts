/** Command and flag values of the hypercalls that take one. */

/** mmu_update: the low 2 bits of `ptr`. */
export const MmuCommand = { NORMAL_PT_UPDATE: 0, UNCHECKED_PT_UPDATE: 1, MACHPHYS_UPDATE: 2, EXTENDED_COMMAND: 3 } as const;

/** Extended commands: `val & 0xff`; the argument is in `val >> MMUEXT_CMD_SHIFT`. */
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
export const MMUEXT_CMD_SHIFT = 8;

/** update_va_mapping flags (EDX), may be ORed. */
export const UpdateVaMappingFlag = { FLUSH_TLB: 1, INVLPG: 2 } as const;

export const SchedOp = { yield: 0, block: 1, exit: 3, stop: 4 } as const;

/** Event bits of shared_info.events / events_mask. */
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
/** events_mask bit 31: the master enable (the guest's EFLAGS.IF). */
export const EVENTS_MASTER_ENABLE_BIT = 31;

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
export const DOM0_INTERFACE_VERSION = 0xaaaa0003;

export const MemoryOp = { RESERVATION_INCREASE: 0, RESERVATION_DECREASE: 1 } as const;

export const StartInfoFlag = { PRIVILEGED: 1, CONSOLE: 2 } as const;

/** trap_info flags: bits 0-1 the DPL `int n` needs; bit 2 mask events on entry (interrupt-gate behaviour). */
export const TrapInfoFlag = { DPL_MASK: 3, MASK_EVENTS: 4 } as const;

export const NetworkOp = { PUSH_BUFFERS: 0, FLUSH_BUFFERS: 1, RESET_RINGS: 2, GET_VIF_INFO: 3 } as const;
export const BlockIoOp = { SIGNAL: 0, RESET: 1, RING_ADDRESS: 2, VBD_CREATE: 3, VBD_GROW: 4, VBD_SHRINK: 5, VBD_SET_EXTENTS: 6, VBD_DELETE: 7, VBD_PROBE: 8, VBD_INFO: 9 } as const;
