/**
 * The hypercall table. xeno86 follows the 0-21 numbering of Xen's 1.3
 * development tree of late January 2004 (xen-reference §1.2 and the
 * "1.3-devel" column of A.0/A.2). A guest executes `int $0x82` with the
 * number in EAX (only the low 8 bits count) and the arguments in EBX, ECX,
 * EDX, ESI, EDI; the result comes back in EAX, the negative of an `Errno`
 * value on failure. EBX-EDI may come back changed.
 */

export const HYPERCALL_VECTOR = 0x82;
/** The hypercall number is EAX & HYPERCALL_NUMBER_MASK. */
export const HYPERCALL_NUMBER_MASK = 0xff;
export const HYPERCALL_ARGUMENT_REGISTERS = ["ebx", "ecx", "edx", "esi", "edi"] as const;
export type HypercallRegister = (typeof HYPERCALL_ARGUMENT_REGISTERS)[number];

export interface HypercallArgument {
  /** The register that carries it (arguments take EBX, ECX, EDX, ESI, EDI in order). */
  readonly register: HypercallRegister;
  readonly name: string;
  /** Its type in the C wrapper (`const trap_info_t *`). */
  readonly cType: string;
  readonly description: string;
}

export interface HypercallRecord {
  readonly number: number;
  readonly name: string;
  /** One line: what the call does. */
  readonly summary: string;
  readonly arguments: readonly HypercallArgument[];
  /** What EAX holds afterwards. */
  readonly returns: string;
}

export const HYPERCALLS = [
  {
    number: 0,
    name: "set_trap_table",
    summary: "install entries of the virtual IDT (the array ends at an entry whose address is 0)",
    arguments: [{ register: "ebx", name: "table", cType: "const trap_info_t *", description: "trap_info_t array" }],
    returns: "0; -EFAULT; -EPERM for a bad CS (entries before it stay installed)",
  },
  {
    number: 1,
    name: "mmu_update",
    summary: "checked page-table writes, machine-to-physical updates and extended commands, in a batch",
    arguments: [
      { register: "ebx", name: "requests", cType: "const mmu_update_t *", description: "mmu_update_t array (ptr is a machine address | MMU_* command)" },
      { register: "ecx", name: "count", cType: "unsigned int", description: "number of requests" },
    ],
    returns: "0 when all are done; -EINVAL at the first bad request (earlier ones stay applied); -EFAULT",
  },
  {
    number: 2,
    name: "console_write",
    summary: "debug console output (at most 256 bytes, up to a NUL; each line prefixed with DOM<id>: )",
    arguments: [
      { register: "ebx", name: "text", cType: "const char *", description: "the bytes" },
      { register: "ecx", name: "count", cType: "unsigned int", description: "byte count" },
    ],
    returns: "0; -EFAULT",
  },
  {
    number: 3,
    name: "set_gdt",
    summary: "install a GDT of 296..8192 entries held in up to 16 of the caller's frames",
    arguments: [
      { register: "ebx", name: "frames", cType: "const unsigned long *", description: "list of machine frame numbers" },
      { register: "ecx", name: "entries", cType: "unsigned int", description: "number of descriptors" },
    ],
    returns: "0; -EINVAL; -EFAULT",
  },
  {
    number: 4,
    name: "stack_switch",
    summary: "the ring-1 stack that traps and events from ring 3 are bounced onto",
    arguments: [
      { register: "ebx", name: "ss", cType: "unsigned long", description: "ring-1 stack segment" },
      { register: "ecx", name: "esp", cType: "unsigned long", description: "ring-1 stack pointer" },
    ],
    returns: "0; -EPERM if SS has RPL 0",
  },
  {
    number: 5,
    name: "set_callbacks",
    summary: "the event upcall and failsafe entry points",
    arguments: [
      { register: "ebx", name: "event_cs", cType: "unsigned long", description: "event callback code selector" },
      { register: "ecx", name: "event_eip", cType: "unsigned long", description: "event callback address" },
      { register: "edx", name: "failsafe_cs", cType: "unsigned long", description: "failsafe callback code selector" },
      { register: "esi", name: "failsafe_eip", cType: "unsigned long", description: "failsafe callback address" },
    ],
    returns: "0; -EPERM if a CS is not a valid guest code selector",
  },
  {
    number: 6,
    name: "net_io_op",
    summary: "virtual network interface operations (netop_t)",
    arguments: [{ register: "ebx", name: "op", cType: "void *", description: "netop_t" }],
    returns: "0; -EINVAL; xeno86 answers -ENOSYS until virtual network interfaces exist",
  },
  {
    number: 7,
    name: "fpu_taskswitch",
    summary: "set CR0.TS: the next FPU instruction raises #NM in the guest",
    arguments: [],
    returns: "0",
  },
  {
    number: 8,
    name: "sched_op",
    summary: "yield, block until an event, exit (destroy this domain) or stop (pause it)",
    arguments: [{ register: "ebx", name: "command", cType: "unsigned long", description: "SCHEDOP_*" }],
    returns: "0 (exit does not return); -ENOSYS for other commands",
  },
  {
    number: 9,
    name: "set_dom_timer",
    summary: "one-shot EVENT_TIMER when system time reaches an absolute value in ns (0 cancels)",
    arguments: [
      { register: "ebx", name: "time_high", cType: "unsigned long", description: "bits 63-32 of the deadline" },
      { register: "ecx", name: "time_low", cType: "unsigned long", description: "bits 31-0 of the deadline" },
    ],
    returns: "0",
  },
  {
    number: 10,
    name: "dom0_op",
    summary: "control operations (privileged domains only)",
    arguments: [{ register: "ebx", name: "op", cType: "dom0_op_t *", description: "dom0_op_t (copied in whole, results copied out)" }],
    returns: "0 or a result; -EPERM unprivileged; -EFAULT; -EACCES wrong interface_version; -ENOSYS unknown command",
  },
  {
    number: 11,
    name: "network_op",
    summary: "virtual firewall-router rules and VIF queries",
    arguments: [{ register: "ebx", name: "op", cType: "void *", description: "network_op_t" }],
    returns: "xeno86 answers -ENOSYS until virtual network interfaces exist",
  },
  {
    number: 12,
    name: "block_io_op",
    summary: "virtual block device operations",
    arguments: [{ register: "ebx", name: "op", cType: "void *", description: "block_io_op_t" }],
    returns: "xeno86 answers -ENOSYS until virtual block devices exist",
  },
  {
    number: 13,
    name: "set_debugreg",
    summary: "write a debug register (checked)",
    arguments: [
      { register: "ebx", name: "reg", cType: "int", description: "0-3, 6 or 7" },
      { register: "ecx", name: "value", cType: "unsigned long", description: "new value" },
    ],
    returns: "0; -EPERM (DR0-3 above 0xFC3FFFFC, DR7 with GD, R/W or LEN 10b); -EINVAL other registers",
  },
  {
    number: 14,
    name: "get_debugreg",
    summary: "read a debug register",
    arguments: [{ register: "ebx", name: "reg", cType: "int", description: "register number" }],
    returns: "the value",
  },
  {
    number: 15,
    name: "update_descriptor",
    summary: "write one checked GDT or LDT entry",
    arguments: [
      { register: "ebx", name: "machine_address", cType: "unsigned long", description: "machine address of the 8-byte entry (8-aligned)" },
      { register: "ecx", name: "low", cType: "unsigned long", description: "low word" },
      { register: "edx", name: "high", cType: "unsigned long", description: "high word" },
    ],
    returns: "0; -EINVAL",
  },
  {
    number: 16,
    name: "set_fast_trap",
    summary: "let int <vector> (0x20-0x2F or 0x80) enter the guest's ring-1 handler directly through a trap gate",
    arguments: [{ register: "ebx", name: "vector", cType: "int", description: "vector, 0 = off" }],
    returns: "0; -1 for another vector or one whose trap-table entry has TI_MASK_EVENTS",
  },
  {
    number: 17,
    name: "dom_mem_op",
    summary: "balloon: increase or decrease the domain's reservation",
    arguments: [{ register: "ebx", name: "op", cType: "dom_mem_op_t *", description: "dom_mem_op_t" }],
    returns: "frames done (increase may do fewer than asked, even 0); -EINVAL at the first bad frame of a decrease; -ENOSYS",
  },
  {
    number: 18,
    name: "multicall",
    summary: "several hypercalls in one trap (op and the first five arguments of each entry)",
    arguments: [
      { register: "ebx", name: "calls", cType: "multicall_entry_t *", description: "multicall_entry_t array" },
      { register: "ecx", name: "count", cType: "unsigned int", description: "number of entries" },
    ],
    returns: "0 after the last entry whatever they returned; -EFAULT if reading an entry faults",
  },
  {
    number: 19,
    name: "kbd_op",
    summary: "PS/2 keyboard controller pass-through for the console domain",
    arguments: [
      { register: "ebx", name: "op", cType: "unsigned char", description: "0 write output, 1 write command, 2 read" },
      { register: "ecx", name: "value", cType: "unsigned char", description: "byte to write" },
    ],
    returns: "-EPERM unless the domain owns the console",
  },
  {
    number: 20,
    name: "update_va_mapping",
    summary: "checked write of the PTE that maps one virtual page",
    arguments: [
      { register: "ebx", name: "page_number", cType: "unsigned long", description: "virtual address >> 12 (below 0xFC000)" },
      { register: "ecx", name: "pte", cType: "unsigned long", description: "new PTE" },
      { register: "edx", name: "flags", cType: "unsigned long", description: "UVMF_FLUSH_TLB | UVMF_INVLPG" },
    ],
    returns: "0; -EINVAL (page in the hole, or the PTE refused); -EFAULT if the page directory entry is absent",
  },
  {
    number: 21,
    name: "event_channel_op",
    summary: "open, close, send on and query event channels",
    arguments: [
      { register: "ebx", name: "command", cType: "unsigned long", description: "EVTCHNOP_*" },
      { register: "ecx", name: "id", cType: "unsigned long", description: "target domain (open) or local port (16 bits)" },
    ],
    returns: "0 or an EVTCHNSTAT_* value; -EINVAL; -EEXIST; -ENOSPC; -ENOSYS",
  },
] as const satisfies readonly HypercallRecord[];

export type HypercallName = (typeof HYPERCALLS)[number]["name"];

/** Hypercall numbers by name (`Hypercall.mmu_update === 1`). */
export const Hypercall = Object.freeze(Object.fromEntries(HYPERCALLS.map((call) => [call.name, call.number]))) as {
  readonly [K in HypercallName]: Extract<(typeof HYPERCALLS)[number], { name: K }>["number"];
};
