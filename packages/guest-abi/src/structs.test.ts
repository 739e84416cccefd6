/**
 * The layouts against the numbers of xen-reference appendix A (computed by
 * compiling Xen 1.2's headers for i386), and generic encode/decode round
 * trips of every layout.
 */
import { describe, expect, it } from "vitest";
import { C_STRUCTS } from "./c-header";
import { DOM0_OP, DOM0_OP_HEADER, DOM0_OP_PAYLOAD, DOM0_PAYLOADS } from "./dom0-ops";
import { elementSize, field, fieldSize, readArray, readStruct, writeArray, writeStruct, type FieldLayout, type StructLayout, type StructValue } from "./layout";
import * as rings from "./ring-structs";
import { DOM_MEM_OP, EXECUTION_CONTEXT, FULL_EXECUTION_CONTEXT, MMU_UPDATE, MULTICALL_ENTRY, NET_IDX, SHARED_INFO, START_INFO, TRAP_INFO } from "./structs";

const offsets = (layout: StructLayout) => Object.fromEntries(layout.fields.map((f) => [f.name, f.offset]));

/** Every layout of the package, nested ones included, each once. */
function allLayouts(): StructLayout[] {
  const found = new Map<string, StructLayout>();
  const visit = (layout: StructLayout) => {
    if (found.has(layout.name)) return;
    found.set(layout.name, layout);
    for (const f of layout.fields) if (f.layout !== undefined) visit(f.layout);
  };
  [...C_STRUCTS, DOM0_OP_HEADER, ...Object.values(rings)].forEach((layout) => typeof layout === "object" && visit(layout));
  return [...found.values()];
}

describe("sizes match the appendix", () => {
  it.each([
    [SHARED_INFO, 596],
    [DOM0_OP, 2580],
    [FULL_EXECUTION_CONTEXT, 2516],
    [MULTICALL_ENTRY, 32],
    [TRAP_INFO, 8],
    [MMU_UPDATE, 8],
    [DOM_MEM_OP, 12],
    [EXECUTION_CONTEXT, 68],
    [START_INFO, 28 + 256],
    [NET_IDX, 24],
    [DOM0_OP_PAYLOAD, 2572],
    [DOM0_PAYLOADS.GETDOMAININFO, 2572],
    [DOM0_PAYLOADS.BUILDDOMAIN, 8 + 2516],
    [rings.NETOP, 20],
    [rings.NET_TX_REQUEST, 8],
    [rings.NET_TX_RESPONSE, 4],
    [rings.NET_RX_REQUEST, 8],
    [rings.NET_RX_RESPONSE, 6],
    [rings.NET_RING, 4096],
    [rings.NET_RULE, 40],
    [rings.VIF_GETINFO, 48],
    [rings.NETWORK_OP, 52],
    [rings.BLOCK_IO_OP, 24],
    [rings.BLK_REQUEST, 60],
    [rings.BLK_RESPONSE, 12],
    [rings.BLK_RING, 3848],
    [rings.XEN_EXTENT, 12],
    [rings.XEN_DISK, 12],
  ] as [StructLayout, number][])("$0.name is $1 bytes", (layout, size) => {
    expect(layout.size).toBe(size);
  });
});

describe("offsets match the appendix", () => {
  it("shared_info_t (A.6)", () => {
    expect(offsets(SHARED_INFO)).toEqual({
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
      wall_timeout: 320,
      domain_timeout: 328,
      net_idx: 336,
      execution_context: 528,
    });
    expect(fieldSize(field(SHARED_INFO, "net_idx"))).toBe(192);
    expect(fieldSize(field(SHARED_INFO, "execution_context"))).toBe(68);
  });

  it("execution_context_t: 17 words in Xen's order", () => {
    expect(EXECUTION_CONTEXT.fields.map((f) => f.name)).toEqual(["ebx", "ecx", "edx", "esi", "edi", "ebp", "eax", "ds", "es", "fs", "gs", "_unused", "eip", "cs", "eflags", "esp", "ss"]);
    EXECUTION_CONTEXT.fields.forEach((f, i) => expect(f.offset).toBe(i * 4));
  });

  it("start_info_t (A.16)", () => {
    expect(offsets(START_INFO)).toEqual({ nr_pages: 0, shared_info: 4, dom_id: 8, flags: 12, pt_base: 16, mod_start: 20, mod_len: 24, cmd_line: 28 });
    expect(fieldSize(field(START_INFO, "cmd_line"))).toBe(256);
  });

  it("trap_info_t, mmu_update_t, multicall_entry_t, dom_mem_op_t (A.3-A.5, A.11)", () => {
    expect(offsets(TRAP_INFO)).toEqual({ vector: 0, flags: 1, cs: 2, address: 4 });
    expect(offsets(MMU_UPDATE)).toEqual({ ptr: 0, val: 4 });
    expect(offsets(MULTICALL_ENTRY)).toEqual({ op: 0, args: 4 });
    expect(fieldSize(field(MULTICALL_ENTRY, "args"))).toBe(28);
    expect(offsets(DOM_MEM_OP)).toEqual({ op: 0, size: 4, pages: 8 });
  });

  it("full_execution_context_t (A.10)", () => {
    expect(offsets(FULL_EXECUTION_CONTEXT)).toEqual({
      flags: 0,
      cpu_ctxt: 4,
      fpu_ctxt: 72,
      trap_ctxt: 328,
      fast_trap_idx: 2376,
      ldt_base: 2380,
      ldt_ents: 2384,
      gdt_frames: 2388,
      gdt_ents: 2452,
      ring1_ss: 2456,
      ring1_esp: 2460,
      pt_base: 2464,
      debugreg: 2468,
      event_callback_cs: 2500,
      event_callback_eip: 2504,
      failsafe_callback_cs: 2508,
      failsafe_callback_eip: 2512,
    });
    expect(fieldSize(field(FULL_EXECUTION_CONTEXT, "trap_ctxt"))).toBe(256 * 8);
  });

  it("dom0_op_t and its payloads (A.10)", () => {
    expect(offsets(DOM0_OP)).toEqual({ cmd: 0, interface_version: 4, u: 8 });
    expect(offsets(DOM0_PAYLOADS.GETMEMLIST)).toEqual({ domain: 0, max_pfns: 4, buffer: 8, num_pfns: 12 });
    expect(offsets(DOM0_PAYLOADS.ADJUSTDOM)).toEqual({ domain: 0, mcu_adv: 4, warp: 8, warpl: 12, warpu: 16 });
    expect(offsets(DOM0_PAYLOADS.CREATEDOMAIN)).toEqual({ memory_kb: 0, name: 4, domain: 20 });
    expect(offsets(DOM0_PAYLOADS.GETDOMAININFO)).toEqual({
      domain: 0,
      name: 4,
      processor: 20,
      has_cpu: 24,
      state: 28,
      hyp_events: 32,
      mcu_advance: 36,
      tot_pages: 40,
      cpu_time: 44,
      shared_info_frame: 52,
      ctxt: 56,
    });
    expect(offsets(DOM0_PAYLOADS.BUILDDOMAIN)).toEqual({ domain: 0, num_vifs: 4, ctxt: 8 });
    expect(offsets(DOM0_PAYLOADS.MSR)).toEqual({ write: 0, cpu_mask: 4, msr: 8, in1: 12, in2: 16, out1: 20, out2: 24 });
    expect(offsets(DOM0_PAYLOADS.DEBUG)).toEqual({ opcode: 0, domain: 4, in1: 8, in2: 12, status: 16, out1: 20, out2: 24 });
    expect(offsets(DOM0_PAYLOADS.SETTIME)).toEqual({ secs: 0, usecs: 4, system_time: 8 });
    expect(offsets(DOM0_PAYLOADS.GETPAGEFRAMEINFO)).toEqual({ pfn: 0, domain: 4, type: 8 });
    expect(offsets(DOM0_PAYLOADS.READCONSOLE)).toEqual({ str: 0, count: 4, cmd: 8 });
    expect(offsets(DOM0_PAYLOADS.PINCPUDOMAIN)).toEqual({ domain: 0, cpu: 4 });
    for (const payload of Object.values(DOM0_PAYLOADS)) expect(payload.size, payload.name).toBeLessThanOrEqual(2572);
  });

  it("network and block structures (A.12, A.13)", () => {
    expect(offsets(rings.NETOP)).toEqual({ cmd: 0, vif: 4, ring_mfn: 8, vmac: 12 });
    expect(offsets(rings.NET_RX_RESPONSE)).toEqual({ id: 0, size: 2, status: 4, offset: 5 });
    expect(offsets(rings.NET_RING)).toEqual({ tx_ring: 0, rx_ring: 2048 });
    expect(offsets(rings.NET_RULE)).toMatchObject({ src_port: 8, dst_port: 10, src_addr_mask: 12, src_port_mask: 20, proto: 24, src_vif: 28, dst_vif: 32, action: 36 });
    expect(offsets(rings.VIF_GETINFO)).toEqual({
      domain: 0,
      vif: 4,
      total_bytes_sent: 8,
      total_bytes_received: 16,
      total_packets_sent: 24,
      total_packets_received: 32,
      credit_bytes: 40,
      credit_usec: 44,
    });
    expect(offsets(rings.BLK_REQUEST)).toEqual({ id: 0, sector_number: 4, device: 8, operation: 10, nr_segments: 11, buffer_and_sects: 12 });
    expect(offsets(rings.BLK_RESPONSE)).toEqual({ id: 0, operation: 4, status: 8 });
    expect(offsets(rings.BLK_RING)).toEqual({ req_prod: 0, resp_prod: 4, ring: 8 });
  });
});

describe("every layout is well formed", () => {
  it.each(allLayouts().map((layout) => [layout.name, layout] as const))("%s", (_name, layout) => {
    const sorted = [...layout.fields].sort((a, b) => a.offset - b.offset);
    expect(new Set(layout.fields.map((f) => f.name)).size, "field names are unique").toBe(layout.fields.length);
    for (let i = 0; i < sorted.length; i++) {
      const f = sorted[i];
      const end = f.offset + fieldSize(f);
      expect(end, `${f.name} fits`).toBeLessThanOrEqual(layout.size);
      if (f.kind !== "bytes" && f.kind !== "string") expect(f.offset % Math.min(4, f.kind === "struct" ? 4 : elementSize(f)), `${f.name} is aligned`).toBe(0);
      if (layout.union === true) expect(f.offset, `${f.name} starts the union`).toBe(0);
      else if (i + 1 < sorted.length) expect(end, `${f.name} does not overlap ${sorted[i + 1].name}`).toBeLessThanOrEqual(sorted[i + 1].offset);
    }
    if (layout.union === true) expect(Math.max(...layout.fields.map(fieldSize))).toBe(layout.size);
  });
});

/** A deterministic value for every field of a layout (unions: their first member only). */
function sample(layout: StructLayout, seed: { n: number }): StructValue {
  const next = () => (seed.n = (Math.imul(seed.n, 1103515245) + 12345) >>> 0);
  const scalar = (f: FieldLayout): number => {
    switch (f.kind) {
      case "u8":
        return next() & 0xff;
      case "u16":
        return next() & 0xffff;
      case "u64":
        return next() * 0x200000 + (next() & 0x1fffff);
      default:
        return next();
    }
  };
  const value: StructValue = {};
  for (const f of layout.union === true ? layout.fields.slice(0, 1) : layout.fields) {
    if (f.kind === "string") value[f.name] = `s${next().toString(36)}`.slice(0, (f.length ?? 1) - 1);
    else if (f.kind === "bytes") value[f.name] = Uint8Array.from({ length: f.length ?? 0 }, () => next() & 0xff);
    else if (f.kind === "struct") {
      const inner = f.layout as StructLayout;
      value[f.name] = f.length === undefined ? sample(inner, seed) : Array.from({ length: f.length }, () => sample(inner, seed));
    } else value[f.name] = f.length === undefined ? scalar(f) : Array.from({ length: f.length }, () => scalar(f));
  }
  return value;
}

/** Drops the union members that were not written (they are other readings of the same bytes). */
function firstMembers(layout: StructLayout, value: StructValue): StructValue {
  const result: StructValue = {};
  for (const f of layout.union === true ? layout.fields.slice(0, 1) : layout.fields) {
    const v = value[f.name];
    if (f.kind === "struct") {
      const inner = f.layout as StructLayout;
      result[f.name] = Array.isArray(v) ? (v as StructValue[]).map((e) => firstMembers(inner, e)) : firstMembers(inner, v as StructValue);
    } else result[f.name] = v;
  }
  return result;
}

describe("encode and decode", () => {
  it.each(allLayouts().map((layout) => [layout.name, layout] as const))("%s round-trips", (_name, layout) => {
    const value = sample(layout, { n: layout.size });
    const view = new DataView(new ArrayBuffer(layout.size + 16));
    writeStruct(view, 16, layout, value);
    const decoded = readStruct(view, 16, layout);
    expect(firstMembers(layout, decoded)).toEqual(value);
    const again = new DataView(new ArrayBuffer(layout.size + 16));
    writeStruct(again, 16, layout, firstMembers(layout, decoded));
    expect(new Uint8Array(again.buffer)).toEqual(new Uint8Array(view.buffer));
  });

  it("lays the bytes out little-endian, 64-bit fields as low word then high word", () => {
    const view = new DataView(new ArrayBuffer(SHARED_INFO.size));
    writeStruct(view, 0, TRAP_INFO, { vector: 0x0e, flags: 0x04, cs: 0x0819, address: 0xc0101234 });
    expect([...new Uint8Array(view.buffer, 0, 8)]).toEqual([0x0e, 0x04, 0x19, 0x08, 0x34, 0x12, 0x10, 0xc0]);
    writeStruct(view, 0, SHARED_INFO, { system_time: 2 ** 40 + 5, cpu_freq: 2_400_000_000 });
    expect(view.getUint32(296, true)).toBe(5);
    expect(view.getUint32(300, true)).toBe(256);
    expect(view.getUint32(276, true)).toBe(2_400_000_000);
    expect(view.getUint32(280, true)).toBe(0);
    expect(readStruct(view, 0, SHARED_INFO).system_time).toBe(2 ** 40 + 5);
  });

  it("decodes nested structures as records and arrays of records", () => {
    const view = new DataView(new ArrayBuffer(SHARED_INFO.size));
    view.setUint32(336 + 24 * 3 + 12, 77, true); // net_idx[3].rx_req_prod
    view.setUint32(528 + 48, 0xc0001000, true); // execution_context.eip
    const shared = readStruct(view, 0, SHARED_INFO);
    expect(shared.net_idx[3].rx_req_prod).toBe(77);
    expect(shared.execution_context.eip).toBe(0xc0001000);
    expect(shared.event_channel_pend).toHaveLength(32);
  });

  it("writes only the fields given; a given field is written whole", () => {
    const view = new DataView(new ArrayBuffer(SHARED_INFO.size));
    new Uint8Array(view.buffer).fill(0xff);
    writeStruct(view, 0, SHARED_INFO, { events: 2, event_channel_pend: [1], execution_context: { eip: 5 } });
    const shared = readStruct(view, 0, SHARED_INFO);
    expect(shared.events).toBe(2);
    expect(shared.events_mask).toBe(0xffffffff);
    expect(shared.event_channel_pend.slice(0, 3)).toEqual([1, 0, 0]);
    expect(shared.execution_context.eip).toBe(5);
    expect(shared.execution_context.eax).toBe(0);
    expect(shared.event_channel_pend_sel).toBe(0xffffffff);
  });

  it("stores negative values in two's complement", () => {
    const view = new DataView(new ArrayBuffer(8));
    writeStruct(view, 0, DOM0_PAYLOADS.PINCPUDOMAIN, { domain: 3, cpu: -1 });
    expect(readStruct(view, 0, DOM0_PAYLOADS.PINCPUDOMAIN).cpu).toBe(0xffffffff);
  });

  it("reads and writes arrays of structs", () => {
    const view = new DataView(new ArrayBuffer(64));
    expect(writeArray(view, 8, MMU_UPDATE, [{ ptr: 0x1000, val: 1 }, { ptr: 0x2003, val: 0x105 }])).toBe(16);
    expect(readArray(view, 8, MMU_UPDATE, 2)).toEqual([
      { ptr: 0x1000, val: 1 },
      { ptr: 0x2003, val: 0x105 },
    ]);
  });

  it("refuses what does not fit", () => {
    const view = new DataView(new ArrayBuffer(600));
    expect(() => writeStruct(view, 0, START_INFO, { cmd_line: "x".repeat(256) })).toThrow(/at most 255 characters/);
    expect(() => writeStruct(view, 0, START_INFO, { cmd_line: "\u0100" })).toThrow(/cannot be stored/);
    expect(() => writeStruct(view, 0, SHARED_INFO, { system_time: -1 })).toThrow(/between 0 and 2\^53/);
    expect(() => writeStruct(view, 0, SHARED_INFO, { system_time: 2 ** 53 + 2 })).toThrow(/between 0 and 2\^53/);
    expect(() => writeStruct(view, 0, TRAP_INFO, { vector: 256 })).toThrow(/trap_info_t.vector does not fit in 8 bits/);
    expect(() => writeStruct(view, 0, TRAP_INFO, { address: 1.5 })).toThrow(/takes an integer/);
    expect(() => writeStruct(view, 0, SHARED_INFO, { event_channel_pend: new Array(33).fill(0) })).toThrow(/at most 32 values/);
    expect(() => writeStruct(view, 100, SHARED_INFO, {})).toThrow(/does not fit at offset 100/);
    expect(() => readStruct(view, -1, TRAP_INFO)).toThrow(/does not fit/);
    // @ts-expect-error: not a field of trap_info_t
    expect(() => writeStruct(view, 0, TRAP_INFO, { nonsense: 1 })).toThrow(/trap_info_t has no field nonsense/);
  });

  it("types the decoded records per layout", () => {
    const view = new DataView(new ArrayBuffer(START_INFO.size));
    const info = readStruct(view, 0, START_INFO);
    const pages: number = info.nr_pages;
    const line: string = info.cmd_line;
    expect([pages, line]).toEqual([0, ""]);
  });
});
