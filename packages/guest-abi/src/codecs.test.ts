import { describe, expect, it } from "vitest";
import {
  readDom0Op,
  readMmuUpdates,
  readMulticallEntries,
  readSharedInfo,
  readStartInfo,
  readTrapTable,
  writeDom0Op,
  writeMmuUpdates,
  writeMulticallEntries,
  writeSharedInfo,
  writeStartInfo,
  writeTrapTable,
} from "./codecs";
import { DOM0_INTERFACE_VERSION, Dom0Op, MmuCommand, MmuExtended, MMUEXT_CMD_SHIFT } from "./commands";
import { DOM0_OP } from "./dom0-ops";
import { Hypercall } from "./hypercalls";

describe("typed codecs", () => {
  it("start_info round-trips", () => {
    const view = new DataView(new ArrayBuffer(4096));
    const info = { nr_pages: 256, shared_info: 0x123000, dom_id: 3, flags: 2, pt_base: 0xc00ff000, mod_start: 0, mod_len: 0, cmd_line: "peer=2 forever" };
    writeStartInfo(view, 0, info);
    expect(readStartInfo(view)).toEqual(info);
  });

  it("shared_info decodes events, time and the saved registers", () => {
    const view = new DataView(new ArrayBuffer(4096));
    writeSharedInfo(view, 0, { events: 0x82, events_mask: 0x80000002, time_version1: 7, time_version2: 7, system_time: 123_456_789_000, execution_context: { eip: 0xc0100000, cs: 0x0819 } });
    const shared = readSharedInfo(view);
    expect(shared.events & shared.events_mask).toBe(2);
    expect(shared.system_time).toBe(123_456_789_000);
    expect(shared.execution_context).toMatchObject({ eip: 0xc0100000, cs: 0x0819, eax: 0 });
  });

  it("a trap table ends with an entry whose address is 0", () => {
    const view = new DataView(new ArrayBuffer(64));
    new Uint8Array(view.buffer).fill(0xaa);
    const entries = [
      { vector: 14, flags: 0, cs: 0x0819, address: 0xc0001000 },
      { vector: 0x80, flags: 3, cs: 0x0819, address: 0xc0001100 },
    ];
    expect(writeTrapTable(view, 0, entries)).toBe(24);
    expect(view.getUint32(20, true)).toBe(0);
    expect(view.getUint32(24, true)).toBe(0xaaaaaaaa);
    expect(readTrapTable(view, 0)).toEqual(entries);
    expect(readTrapTable(view, 0, 1)).toEqual(entries.slice(0, 1));
  });

  it("mmu_update batches and multicall lists", () => {
    const view = new DataView(new ArrayBuffer(256));
    const requests = [
      { ptr: 0x00345000 | 0x10 | MmuCommand.NORMAL_PT_UPDATE, val: 0x00678063 },
      { ptr: 0x00200000 | MmuCommand.EXTENDED_COMMAND, val: MmuExtended.PIN_L2_TABLE },
      { ptr: 0xc0200000 | MmuCommand.EXTENDED_COMMAND, val: MmuExtended.SET_LDT | (512 << MMUEXT_CMD_SHIFT) },
    ];
    expect(writeMmuUpdates(view, 0, requests)).toBe(24);
    expect(readMmuUpdates(view, 0, 3)).toEqual(requests.map((r) => ({ ptr: r.ptr >>> 0, val: r.val >>> 0 })));
    expect(writeMulticallEntries(view, 32, [{ op: Hypercall.update_va_mapping, args: [0xc0100, 0x1063, 2] }, { op: Hypercall.fpu_taskswitch }])).toBe(64);
    const calls = readMulticallEntries(view, 32, 2);
    expect(calls[0]).toEqual({ op: 20, args: [0xc0100, 0x1063, 2, 0, 0, 0, 0] });
    expect(calls[1].op).toBe(7);
  });

  it("dom0_op: header, then the command's payload", () => {
    const view = new DataView(new ArrayBuffer(DOM0_OP.size));
    writeDom0Op(view, 0, "CREATEDOMAIN", { memory_kb: 16384, name: "guest-1" });
    expect(view.getUint32(0, true)).toBe(Dom0Op.CREATEDOMAIN);
    expect(view.getUint32(4, true)).toBe(DOM0_INTERFACE_VERSION);
    const op = readDom0Op(view);
    expect(op.command).toBe("CREATEDOMAIN");
    if (op.command !== "CREATEDOMAIN") throw new Error("unreachable");
    expect(op.payload).toEqual({ memory_kb: 16384, name: "guest-1", domain: 0 });
    view.setUint32(0, 99, true);
    expect(readDom0Op(view)).toMatchObject({ cmd: 99, command: undefined, payload: undefined });
  });

  it("GETDOMAININFO carries a whole execution context", () => {
    const view = new DataView(new ArrayBuffer(DOM0_OP.size));
    writeDom0Op(view, 0, "GETDOMAININFO", { domain: 2, cpu_time: 5_000_000_000, ctxt: { pt_base: 0x1ff000, trap_ctxt: [{ vector: 14, cs: 0x0819, address: 0xc0000100 }] } });
    const op = readDom0Op(view);
    if (op.command !== "GETDOMAININFO") throw new Error("wrong command");
    expect(op.payload.cpu_time).toBe(5_000_000_000);
    expect(op.payload.ctxt.pt_base).toBe(0x1ff000);
    expect(op.payload.ctxt.trap_ctxt[0]).toEqual({ vector: 14, flags: 0, cs: 0x0819, address: 0xc0000100 });
    expect(view.getUint32(8 + 56 + 2464, true)).toBe(0x1ff000);
  });
});
