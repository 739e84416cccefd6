/**
 * The full execution context: what GETDOMAININFO reports, and what
 * BUILDDOMAIN refuses before it changes anything. The accepted path is
 * exercised end to end by the dom0 test guest (test/test-guests.test.ts).
 */
import { describe, expect, it } from "vitest";
import { FULL_EXECUTION_CONTEXT, readStruct, writeStruct } from "@xeno86/guest-abi";
import { Errno } from "../abi";
import { DomainControl } from "./domain-control";
import { Hypervisor } from "../hypervisor";
import { reserveDomainMemory } from "../domain/reservation";
import { elf } from "../test-support/minimal-elf";
import { applyFullContext, encodeFullContext, FULL_CONTEXT_SIZE } from "./full-context";

function setup() {
  const hv = new Hypervisor({ memoryMiB: 16 });
  const control = new DomainControl(hv);
  const built = hv.domain(control.create({ name: "built", memoryKiB: 256, kernel: elf(), start: false }).id)!;
  const empty = hv.createDomain({ name: "empty", memoryKiB: 256 });
  reserveDomainMemory(hv, empty);
  return { hv, built, empty };
}

/** A context that would start `frames`' domain with its last page as the directory. */
function contextFor(frames: number[], changes: Record<string, unknown> = {}): DataView {
  const view = new DataView(new ArrayBuffer(FULL_CONTEXT_SIZE));
  writeStruct(view, 0, FULL_EXECUTION_CONTEXT, {
    cpu_ctxt: { eip: 0xc0000000, cs: 0x0819, ds: 0x0821, es: 0x0821, fs: 0x0821, gs: 0x0821, ss: 0x0821, esp: 0xc0001000 },
    pt_base: frames[frames.length - 1] * 4096,
    ...changes,
  });
  return view;
}

describe("the full execution context", () => {
  it("reports a built domain's registers, page directory and FPU state", () => {
    const { hv, built } = setup();
    const view = new DataView(new ArrayBuffer(FULL_CONTEXT_SIZE));
    encodeFullContext(hv, built, view, 0);
    const c = readStruct(view, 0, FULL_EXECUTION_CONTEXT);
    expect(c.cpu_ctxt).toMatchObject({ cs: 0x0819, ss: 0x0821, ds: 0x0821, eip: 0xc0000000 });
    expect(c.cpu_ctxt.esi).toBe(c.cpu_ctxt.esp);
    expect(c.pt_base).toBe(built.pageDirectory);
    expect(c.flags).toBe(0);
    expect(c.trap_ctxt.every((entry) => entry.address === 0)).toBe(true);
  });

  it("refuses an unusable context and leaves the domain unbuilt with no typed frames", () => {
    const { hv, built, empty } = setup();
    const frames = empty.physToMachine;
    const refusals: [string, DataView][] = [
      ["a directory the domain does not own", contextFor(built.physToMachine)],
      ["a directory that is not page-aligned", contextFor(frames, { pt_base: frames[frames.length - 1] * 4096 + 8 })],
      ["the hypervisor's code selector", contextFor(frames, { cpu_ctxt: { cs: 0x0808, ss: 0x0821 } })],
      ["a ring-0 stack segment", contextFor(frames, { cpu_ctxt: { cs: 0x0819, ss: 0x0810 } })],
      ["a trap handler in ring 0", contextFor(frames, { trap_ctxt: [{ vector: 0, cs: 0x0808, address: 0xc0000000 }] })],
      ["an event callback in ring 0", contextFor(frames, { event_callback_cs: 0x0808, event_callback_eip: 0xc0000000 })],
      ["a slow vector as the fast trap", contextFor(frames, { fast_trap_idx: 0x30 })],
      ["a breakpoint in the hypervisor's area", contextFor(frames, { debugreg: [0xfc800000] })],
      ["a GDT that stops inside the reserved entries", contextFor(frames, { gdt_frames: [frames[0]], gdt_ents: 100 })],
    ];
    for (const [what, view] of refusals) {
      const result = applyFullContext(hv, empty, view, 0);
      expect(result, what).toBeLessThan(0);
      expect(empty.state, what).toBe("created");
      expect(frames.every((frame) => hv.frames.typeCount[frame] === 0), what).toBe(true);
    }
    expect(applyFullContext(hv, built, contextFor(built.physToMachine), 0)).toBe(-Errno.EINVAL);
  });

  it("takes CS from the domain's own GDT only when it names a ring-1 code segment", () => {
    const { hv, empty } = setup();
    const frames = empty.physToMachine;
    const gdt = frames[0] * 4096;
    hv.memory.write32(gdt + 300 * 8, 0x0000c3ff); // entry 300: data up to 0xFC3FFFFF, DPL 1
    hv.memory.write32(gdt + 300 * 8 + 4, 0x00cfb200);
    hv.memory.write32(gdt + 301 * 8, 0x0000c3ff); // entry 301: code up to 0xFC3FFFFF, DPL 1
    hv.memory.write32(gdt + 301 * 8 + 4, 0x00cfba00);
    const withCs = (cs: number) => contextFor(frames, { gdt_frames: [frames[0]], gdt_ents: 512, cpu_ctxt: { cs, ss: 0x0821 } });
    expect(applyFullContext(hv, empty, withCs(300 * 8 + 1), 0)).toBe(-Errno.EINVAL);
    expect(empty.state).toBe("created");
    expect(hv.frames.typeCount[frames[0]]).toBe(0);
    expect(applyFullContext(hv, empty, withCs(301 * 8 + 1), 0)).toBe(0);
    expect(empty.context.selector[1]).toBe(301 * 8 + 1);
    expect(empty.gdtEntries).toBe(512);
  });

  it("installs a valid context once", () => {
    const { hv, empty } = setup();
    const frames = empty.physToMachine;
    // A directory with nothing mapped is a valid (if useless) L2.
    const masking = contextFor(frames, {
      trap_ctxt: Array.from({ length: 0x81 }, (_, vector) => (vector === 0x80 ? { vector, flags: 4, cs: 0x0819, address: 0xc0000100 } : {})),
      fast_trap_idx: 0x80,
    });
    expect(applyFullContext(hv, empty, masking, 0)).toBe(-Errno.EINVAL); // a fast trap cannot mask events
    const accepted = contextFor(frames, {
      trap_ctxt: Array.from({ length: 0x81 }, (_, vector) => (vector === 0 || vector === 0x80 ? { vector, cs: 0x0819, address: 0xc0000100 } : {})),
      fast_trap_idx: 0x80,
      ring1_ss: 0x0821,
      ring1_esp: 0xc0002000,
    });
    expect(applyFullContext(hv, empty, accepted, 0)).toBe(0);
    expect(empty.state).toBe("built");
    expect(empty.pageDirectory).toBe(frames[frames.length - 1] * 4096);
    expect(empty.fastTrapVector).toBe(0x80);
    expect(empty.trapAddress[0]).toBe(0xc0000100 | 0);
    expect(empty.ring1Esp).toBe(0xc0002000 | 0);
    expect(applyFullContext(hv, empty, accepted, 0)).toBe(-Errno.EINVAL);
  });
});
