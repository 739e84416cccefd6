/** The README's example, kept runnable. */
import { expect, it } from "vitest";
import { Hypercall, SHARED_INFO, readSharedInfo, readTrapTable, writeSharedInfo, writeTrapTable } from "./index";

it("runs the README example", () => {
  const page = new DataView(new ArrayBuffer(4096));
  writeSharedInfo(page, 0, { events: 0x2, events_mask: 0x80000002, system_time: 20_000_000, execution_context: { eip: 0xc0100000 } });
  const shared = readSharedInfo(page);
  expect([shared.events & shared.events_mask, shared.system_time, shared.execution_context.eip.toString(16)]).toEqual([2, 20000000, "c0100000"]);
  expect(SHARED_INFO.size).toBe(596);

  const table = new DataView(new ArrayBuffer(64));
  const bytes = writeTrapTable(table, 0, [
    { vector: 14, flags: 0, cs: 0x0819, address: 0xc0001000 },
    { vector: 0x80, flags: 3, cs: 0x0819, address: 0xc0001100 },
  ]);
  expect([bytes, readTrapTable(table, 0).length, Hypercall.set_trap_table]).toEqual([24, 2, 0]);
});
