/** The layouts against the numbers of xen-reference appendix A (compiled from Xen 1.2's headers). */
import { describe, expect, it } from "vitest";
import { field, readStruct, writeStruct } from "./layout";
import { DOM0_OP, DOM0_PAYLOADS, DOM_MEM_OP, EXECUTION_CONTEXT, FULL_EXECUTION_CONTEXT, MMU_UPDATE, MULTICALL_ENTRY, NET_IDX, SHARED_INFO, START_INFO, TRAP_INFO, C_STRUCTS, BLK_REQUEST, NETOP } from "./structs";
import { fieldSize } from "./layout";

describe("struct layouts", () => {
  it.each([
    [SHARED_INFO.name, SHARED_INFO.size, 596],
    [DOM0_OP.name, DOM0_OP.size, 2580],
    [FULL_EXECUTION_CONTEXT.name, FULL_EXECUTION_CONTEXT.size, 2516],
    [MULTICALL_ENTRY.name, MULTICALL_ENTRY.size, 32],
    [TRAP_INFO.name, TRAP_INFO.size, 8],
    [MMU_UPDATE.name, MMU_UPDATE.size, 8],
    [DOM_MEM_OP.name, DOM_MEM_OP.size, 12],
    [EXECUTION_CONTEXT.name, EXECUTION_CONTEXT.size, 68],
    [NET_IDX.name, NET_IDX.size, 24],
    [BLK_REQUEST.name, BLK_REQUEST.size, 60],
    [NETOP.name, NETOP.size, 20],
  ])("%s is %i bytes (appendix: %i)", (_name, size, expected) => {
    expect(size).toBe(expected);
  });

  it.each([
    ["events_mask", 4],
    ["event_channel_pend_sel", 136],
    ["event_channel_disc_sel", 268],
    ["cpu_freq", 276],
    ["time_version1", 284],
    ["time_version2", 288],
    ["tsc_timestamp", 292],
    ["system_time", 296],
    ["wc_sec", 304],
    ["domain_time", 312],
    ["net_idx", 336],
    ["execution_context", 528],
  ])("shared_info.%s is at %i", (name, offset) => {
    expect(field(SHARED_INFO, name).offset).toBe(offset);
  });

  it("full execution context offsets match the appendix", () => {
    const offsets = Object.fromEntries(FULL_EXECUTION_CONTEXT.fields.map((f) => [f.name, f.offset]));
    expect(offsets).toMatchObject({ fpu_ctxt: 72, trap_ctxt: 328, fast_trap_idx: 2376, gdt_frames: 2388, gdt_ents: 2452, pt_base: 2464, debugreg: 2468, event_callback_cs: 2500, failsafe_callback_eip: 2512 });
    expect(DOM0_PAYLOADS.GETDOMAININFO.fields.find((f) => f.name === "ctxt")?.offset).toBe(56);
    expect(DOM0_PAYLOADS.CREATEDOMAIN.fields.find((f) => f.name === "domain")?.offset).toBe(20);
  });

  it("no two fields overlap and every field fits in its struct", () => {
    for (const layout of [...C_STRUCTS, NETOP, BLK_REQUEST]) {
      const sorted = [...layout.fields].sort((a, b) => a.offset - b.offset);
      for (let i = 0; i < sorted.length; i++) {
        const end = sorted[i].offset + fieldSize(sorted[i]);
        expect(end, `${layout.name}.${sorted[i].name}`).toBeLessThanOrEqual(layout.size);
        if (i + 1 < sorted.length) expect(end, `${layout.name}.${sorted[i].name}`).toBeLessThanOrEqual(sorted[i + 1].offset);
      }
    }
  });

  it("encodes and decodes start_info and shared_info", () => {
    const view = new DataView(new ArrayBuffer(4096));
    writeStruct(view, 0, START_INFO, { nr_pages: 256, shared_info: 0x123000, dom_id: 3, flags: 2, pt_base: 0xc00ff000, mod_start: 0, mod_len: 0, cmd_line: "peer=2 forever" });
    expect(readStruct(view, 0, START_INFO)).toEqual({ nr_pages: 256, shared_info: 0x123000, dom_id: 3, flags: 2, pt_base: 0xc00ff000, mod_start: 0, mod_len: 0, cmd_line: "peer=2 forever" });
    writeStruct(view, 1024, SHARED_INFO, { events_mask: 0x80000002, system_time: 2 ** 40 + 5, event_channel_pend: [1, 0, 4] });
    const shared = readStruct(view, 1024, SHARED_INFO);
    expect(shared.events_mask).toBe(0x80000002);
    expect(shared.system_time).toBe(2 ** 40 + 5);
    expect((shared.event_channel_pend as number[]).slice(0, 3)).toEqual([1, 0, 4]);
    expect(view.getUint32(1024 + 296 + 4, true)).toBe(256);
  });

  it("refuses values that do not fit", () => {
    const view = new DataView(new ArrayBuffer(600));
    expect(() => writeStruct(view, 0, START_INFO, { cmd_line: "x".repeat(256) })).toThrow(/at most 255 characters/);
    expect(() => writeStruct(view, 0, SHARED_INFO, { system_time: -1 })).toThrow(/between 0 and 2\^53/);
    expect(() => writeStruct(view, 100, SHARED_INFO, {})).toThrow(/does not fit/);
    expect(() => writeStruct(view, 0, TRAP_INFO, { nonsense: 1 })).toThrow(/has no field nonsense/);
  });
});
