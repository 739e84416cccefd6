/**
 * The hypercall table (xeno86 follows the 0-21 numbering of the Xen 1.2/1.3
 * development tree; see the README). A guest executes `int 0x82` with the
 * number in EAX and arguments in EBX, ECX, EDX, ESI, EDI; the result comes
 * back in EAX, a negative errno on failure.
 */

export const HYPERCALL_VECTOR = 0x82;
export const HYPERCALL_ARGUMENT_REGISTERS = ["ebx", "ecx", "edx", "esi", "edi"] as const;

export interface HypercallRecord {
  readonly number: number;
  readonly name: string;
  /** C parameter declarations, in register order (EBX first). */
  readonly parameters: readonly string[];
  readonly summary: string;
}

export const HYPERCALLS = [
  { number: 0, name: "set_trap_table", parameters: ["const trap_info_t *table"], summary: "install the virtual IDT (array ends at address 0)" },
  { number: 1, name: "mmu_update", parameters: ["const mmu_update_t *requests", "unsigned int count"], summary: "checked page-table writes, machine-to-physical updates, extended commands" },
  { number: 2, name: "console_write", parameters: ["const char *text", "unsigned int count"], summary: "debug console output (at most 256 bytes, up to a NUL)" },
  { number: 3, name: "set_gdt", parameters: ["const unsigned long *frames", "unsigned int entries"], summary: "install a GDT of 296..8192 entries from machine frames" },
  { number: 4, name: "stack_switch", parameters: ["unsigned long ss", "unsigned long esp"], summary: "the ring-1 stack used when a trap arrives from ring 3" },
  { number: 5, name: "set_callbacks", parameters: ["unsigned long event_cs", "unsigned long event_eip", "unsigned long failsafe_cs", "unsigned long failsafe_eip"], summary: "event upcall and failsafe entry points" },
  { number: 6, name: "net_io_op", parameters: ["void *op"], summary: "virtual network interface operations" },
  { number: 7, name: "fpu_taskswitch", parameters: [], summary: "set CR0.TS (the next FPU instruction traps to the guest)" },
  { number: 8, name: "sched_op", parameters: ["unsigned long command"], summary: "yield, block, exit, stop" },
  { number: 9, name: "set_dom_timer", parameters: ["unsigned long time_high", "unsigned long time_low"], summary: "one-shot EVENT_TIMER at an absolute system time (0 cancels)" },
  { number: 10, name: "dom0_op", parameters: ["dom0_op_t *op"], summary: "control operations (privileged domains)" },
  { number: 11, name: "network_op", parameters: ["void *op"], summary: "virtual firewall-router rules and VIF queries" },
  { number: 12, name: "block_io_op", parameters: ["void *op"], summary: "virtual block device operations" },
  { number: 13, name: "set_debugreg", parameters: ["int reg", "unsigned long value"], summary: "write a debug register (checked)" },
  { number: 14, name: "get_debugreg", parameters: ["int reg"], summary: "read a debug register" },
  { number: 15, name: "update_descriptor", parameters: ["unsigned long machine_address", "unsigned long low", "unsigned long high"], summary: "write one checked GDT/LDT entry" },
  { number: 16, name: "set_fast_trap", parameters: ["int vector"], summary: "let int vector (0x20-0x2f, 0x80) enter ring 1 directly" },
  { number: 17, name: "dom_mem_op", parameters: ["dom_mem_op_t *op"], summary: "balloon: increase or decrease the reservation" },
  { number: 18, name: "multicall", parameters: ["multicall_entry_t *calls", "unsigned int count"], summary: "several hypercalls in one trap" },
  { number: 19, name: "kbd_op", parameters: ["unsigned char op", "unsigned char value"], summary: "keyboard controller pass-through (console domain)" },
  { number: 20, name: "update_va_mapping", parameters: ["unsigned long page_number", "unsigned long pte", "unsigned long flags"], summary: "checked write of the PTE mapping one virtual page" },
  { number: 21, name: "event_channel_op", parameters: ["unsigned long command", "unsigned long id"], summary: "open, close, send, status of event channels" },
] as const satisfies readonly HypercallRecord[];

type HypercallName = (typeof HYPERCALLS)[number]["name"];

/** Hypercall numbers by name. */
export const Hypercall = Object.freeze(Object.fromEntries(HYPERCALLS.map((call) => [call.name, call.number]))) as { readonly [K in HypercallName]: Extract<(typeof HYPERCALLS)[number], { name: K }>["number"] };

/** Errors are negative Linux i386 errno values. */
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
