/** The numbers of the interface, against the brief and xen-reference (A.0-A.16). */
import { describe, expect, it } from "vitest";
import * as abi from "./index";

describe("hypercall table (0-21 numbering)", () => {
  it("numbers the calls 0-21 in order, once each", () => {
    expect(abi.HYPERCALLS.map((call) => call.number)).toEqual(Array.from({ length: 22 }, (_, i) => i));
    expect(abi.HYPERCALLS.map((call) => call.name)).toEqual([
      "set_trap_table",
      "mmu_update",
      "console_write",
      "set_gdt",
      "stack_switch",
      "set_callbacks",
      "net_io_op",
      "fpu_taskswitch",
      "sched_op",
      "set_dom_timer",
      "dom0_op",
      "network_op",
      "block_io_op",
      "set_debugreg",
      "get_debugreg",
      "update_descriptor",
      "set_fast_trap",
      "dom_mem_op",
      "multicall",
      "kbd_op",
      "update_va_mapping",
      "event_channel_op",
    ]);
    expect(abi.Hypercall).toMatchObject({ set_dom_timer: 9, dom0_op: 10, network_op: 11, block_io_op: 12, set_debugreg: 13, get_debugreg: 14 });
    expect(abi.Hypercall).toMatchObject({ update_descriptor: 15, set_fast_trap: 16, dom_mem_op: 17, multicall: 18, kbd_op: 19, update_va_mapping: 20, event_channel_op: 21 });
  });

  it("passes arguments in EBX, ECX, EDX, ESI, EDI order, with names, types and descriptions", () => {
    for (const call of abi.HYPERCALLS as readonly abi.HypercallRecord[]) {
      expect(call.arguments.map((argument) => argument.register), call.name).toEqual(abi.HYPERCALL_ARGUMENT_REGISTERS.slice(0, call.arguments.length));
      for (const argument of call.arguments) expect(argument.name && argument.cType && argument.description, `${call.name}.${argument.name}`).toBeTruthy();
      expect(call.summary && call.returns, call.name).toBeTruthy();
    }
    expect(abi.HYPERCALL_VECTOR).toBe(0x82);
  });

  it("errno values are Linux i386's (A.1)", () => {
    expect(abi.Errno).toEqual({ EPERM: 1, ENOENT: 2, ESRCH: 3, EAGAIN: 11, ENOMEM: 12, EACCES: 13, EFAULT: 14, EBUSY: 16, EEXIST: 17, EINVAL: 22, ENOSPC: 28, ENOSYS: 38 });
  });
});

describe("commands", () => {
  it("mmu_update (A.3)", () => {
    expect(abi.MmuCommand).toEqual({ NORMAL_PT_UPDATE: 0, UNCHECKED_PT_UPDATE: 1, MACHPHYS_UPDATE: 2, EXTENDED_COMMAND: 3 });
    expect(Object.values(abi.MmuExtended)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(abi.MmuExtended.SET_LDT).toBe(8);
    expect(abi.MMUEXT_CMD_SHIFT).toBe(8);
    expect(abi.UpdateVaMappingFlag).toEqual({ FLUSH_TLB: 1, INVLPG: 2 });
  });

  it("sched_op, events, event channels (A.7-A.9)", () => {
    expect(abi.SchedOp).toEqual({ yield: 0, block: 1, exit: 3, stop: 4 });
    expect(Object.values(abi.Event)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(abi.EventMask.TIMER).toBe(2);
    expect(abi.EventMask.VBD_UPD).toBe(0x100);
    expect(abi.EVENTS_MASTER_ENABLE_MASK).toBe(2 ** abi.EVENTS_MASTER_ENABLE_BIT);
    expect(abi.EVENTS_MASTER_ENABLE_MASK).toBe(0x80000000);
    expect(abi.EventChannelOp).toEqual({ open: 0, close: 1, send: 2, status: 3 });
    expect(abi.EventChannelStatus).toEqual({ closed: 0, disconnected: 1, connected: 2 });
    expect(abi.TIMER_PERIOD_NS).toBe(10_000_000);
  });

  it("dom0_op and dom_mem_op (A.10, A.11)", () => {
    expect(abi.DOM0_INTERFACE_VERSION).toBe(0xaaaa0003);
    expect(Object.values(abi.Dom0Op)).toEqual([2, ...Array.from({ length: 15 }, (_, i) => i + 6)]);
    expect(Object.keys(abi.DOM0_PAYLOADS)).toEqual(Object.keys(abi.Dom0Op));
    expect(abi.MemoryOp).toEqual({ RESERVATION_INCREASE: 0, RESERVATION_DECREASE: 1 });
  });
});

describe("address space and start of day (A.14, A.16)", () => {
  it("selectors, the reserved GDT range and the hole", () => {
    expect([abi.FLAT_RING1_CS, abi.FLAT_RING1_DS, abi.FLAT_RING3_CS, abi.FLAT_RING3_DS]).toEqual([0x0819, 0x0821, 0x082b, 0x0833]);
    expect([abi.FLAT_RING1_CS, abi.FLAT_RING1_DS, abi.FLAT_RING3_CS, abi.FLAT_RING3_DS].map((s) => s >> 3)).toEqual([259, 260, 261, 262]);
    expect([abi.FLAT_RING1_CS & 3, abi.FLAT_RING3_CS & 3]).toEqual([1, 3]);
    expect([abi.FIRST_RESERVED_GDT_ENTRY, abi.LAST_RESERVED_GDT_ENTRY]).toEqual([256, 295]);
    expect(abi.HYPERVISOR_VIRT_START).toBe(0xfc000000);
    expect(abi.GUEST_SEGMENT_END).toBe(0xfc400000);
    expect(abi.UPDATE_VA_MAPPING_PAGE_LIMIT).toBe(abi.HYPERVISOR_VIRT_START / abi.PAGE_SIZE);
  });

  it("start-of-day values", () => {
    expect(abi.DEFAULT_LOAD_BASE).toBe(0xc0000000);
    expect(abi.START_EFLAGS).toBe(0x204);
    expect(abi.START_EFLAGS_READ).toBe(abi.START_EFLAGS | 2);
    expect([abi.START_PTE_PAGE_TABLE, abi.START_PTE_ORDINARY, abi.START_PDE]).toEqual([0x021, 0x023, 0x067]);
    expect(abi.MAX_CMD_LEN).toBe(256);
    expect(abi.StartInfoFlag).toEqual({ PRIVILEGED: 1, CONSOLE: 2 });
    expect(abi.START_REGISTERS).toMatchObject({ cs: 0x0819, ds: 0x0821, ss: 0x0821, gs: 0x0821, eflags: 0x204 });
  });
});
