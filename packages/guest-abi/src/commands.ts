/**
 * Command and flag values of the hypercalls that take them: mmu_update
 * (A.3), update_va_mapping, set_trap_table and set_fast_trap (A.4, §1.6),
 * sched_op (A.9), dom0_op (A.10), dom_mem_op (A.11).
 */

/** mmu_update: the low 2 bits of `ptr` (masked off before the address is used). */
export const MmuCommand = { NORMAL_PT_UPDATE: 0, UNCHECKED_PT_UPDATE: 1, MACHPHYS_UPDATE: 2, EXTENDED_COMMAND: 3 } as const;
export const MMU_COMMAND_MASK = 3;

/** MMU_EXTENDED_COMMAND sub-commands: `val & 0xff`; the argument is `val >> MMUEXT_CMD_SHIFT`. */
export const MmuExtended = {
  PIN_L1_TABLE: 0,
  PIN_L2_TABLE: 1,
  /** Defined, refused: x86-32 has two levels. */
  PIN_L3_TABLE: 2,
  PIN_L4_TABLE: 3,
  UNPIN_TABLE: 4,
  NEW_BASEPTR: 5,
  TLB_FLUSH: 6,
  INVLPG: 7,
  /** ptr = the LDT's guest virtual address (page aligned), argument = entry count. */
  SET_LDT: 8,
} as const;
export const MMUEXT_CMD_MASK = 0xff;
export const MMUEXT_CMD_SHIFT = 8;

/** update_va_mapping flags (EDX); they may be ORed. */
export const UpdateVaMappingFlag = { FLUSH_TLB: 1, INVLPG: 2 } as const;

/** trap_info_t.flags: bits 0-1 the DPL `int n` needs; bit 2 clears the master event enable on entry (interrupt-gate behaviour). */
export const TrapInfoFlag = { DPL_MASK: 3, MASK_EVENTS: 4 } as const;

/** Vectors set_fast_trap accepts (besides 0, which turns the fast trap off): 0x20-0x2F and 0x80. */
export const FAST_TRAP_VECTORS = { first: 0x20, last: 0x2f, syscall: 0x80 } as const;

/** sched_op commands (EBX). */
export const SchedOp = { yield: 0, block: 1, exit: 3, stop: 4 } as const;

/** dom0_op commands (dom0_op_t.cmd). 0, 1, 3, 4, 5 and above 20 are unused. */
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
export type Dom0OpName = keyof typeof Dom0Op;
/** dom0_op_t.interface_version must be this (else -EACCES). */
export const DOM0_INTERFACE_VERSION = 0xaaaa0003;
/** GETDOMAININFO state. */
export const DomainState = { ACTIVE: 0, STOPPED: 1 } as const;
/** GETPAGEFRAMEINFO type. */
export const PageFrameType = { NONE: 0, L1TAB: 1, L2TAB: 2 } as const;

/** dom_mem_op ops. */
export const MemoryOp = { RESERVATION_INCREASE: 0, RESERVATION_DECREASE: 1 } as const;
