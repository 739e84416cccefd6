/**
 * The start of day (xen-reference "Start of day", Xen 1.2): where the
 * builder puts a kernel and what the registers hold when it starts.
 */
import { FLAT_RING1_CS, FLAT_RING1_DS } from "./address-space";

/** Where the builder maps the domain's pages unless the image says VIRT_BASE. */
export const DEFAULT_LOAD_BASE = 0xc0000000;
/** EFLAGS as the 1.2 builder writes it: IF (bit 9) and PF (bit 2). */
export const START_EFLAGS = 0x204;
/** What the guest reads back (bit 1 always reads as 1). */
export const START_EFLAGS_READ = 0x206;
/** PTE flags of the initial mappings: page-table pages read-only (present, accessed). */
export const START_PTE_PAGE_TABLE = 0x021;
/** ... every other page writable. */
export const START_PTE_ORDINARY = 0x023;
/** ... and the page-directory entries (present, writable, user, accessed, dirty). */
export const START_PDE = 0x067;
/** start_info.cmd_line holds at most MAX_CMD_LEN bytes with its NUL. */
export const MAX_CMD_LEN = 256;

/** start_info.flags. */
export const StartInfoFlag = { PRIVILEGED: 1, CONSOLE: 2 } as const;

/**
 * Registers at the kernel's entry point (ring 1). ESI holds the virtual
 * address of start_info and ESP the same value; the other general
 * registers are 0; the trap table is empty, there is no LDT, the GDT is
 * the hypervisor's default and event delivery is masked.
 */
export const START_REGISTERS = {
  cs: FLAT_RING1_CS,
  ds: FLAT_RING1_DS,
  es: FLAT_RING1_DS,
  fs: FLAT_RING1_DS,
  gs: FLAT_RING1_DS,
  ss: FLAT_RING1_DS,
  eflags: START_EFLAGS,
  eax: 0,
  ebx: 0,
  ecx: 0,
  edx: 0,
  edi: 0,
  ebp: 0,
} as const;
