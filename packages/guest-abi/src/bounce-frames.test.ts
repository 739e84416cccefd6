import { describe, expect, it } from "vitest";
import { BOUNCE_FRAMES, bounceFrameWords, FRAME_LAYOUTS, VECTORS_WITH_ERROR_CODE } from "./bounce-frames";

describe("bounce frames", () => {
  it("a page fault from ring 3: CR2, error code, then the interrupt-gate frame", () => {
    expect(bounceFrameWords("trap", { vector: 14, fromRing3: true })).toEqual(["cr2", "error_code", "eip", "cs", "eflags", "esp", "ss"]);
    expect(bounceFrameWords("pageFault", { fromRing3: false })).toEqual(["cr2", "error_code", "eip", "cs", "eflags"]);
  });

  it("error codes only for 8, 10-14 and 17; int n has none", () => {
    expect(VECTORS_WITH_ERROR_CODE).toEqual([8, 10, 11, 12, 13, 14, 17]);
    expect(bounceFrameWords("trap", { vector: 13, fromRing3: false })).toEqual(["error_code", "eip", "cs", "eflags"]);
    expect(bounceFrameWords("trap", { vector: 0x80, fromRing3: true })).toEqual(["eip", "cs", "eflags", "esp", "ss"]);
    expect(bounceFrameWords("trap", { vector: 9, fromRing3: false })).toEqual(["eip", "cs", "eflags"]);
  });

  it("events, the failsafe callback and fast traps", () => {
    expect(bounceFrameWords("event", { fromRing3: false })).toEqual(["eip", "cs", "eflags"]);
    expect(bounceFrameWords("failsafe", { fromRing3: true })).toEqual(["ds", "es", "fs", "gs", "eip", "cs", "eflags", "esp", "ss"]);
    expect(bounceFrameWords("fastTrap", { fromRing3: true })).toEqual(["eip", "cs", "eflags", "esp", "ss"]);
    expect(BOUNCE_FRAMES.event.events).toMatch(/bit 31/);
  });

  it("the C frame structs are the full-size frames", () => {
    const byName = Object.fromEntries(FRAME_LAYOUTS.map((layout) => [layout.name, layout.fields.map((f) => f.name)]));
    expect(byName.xen_page_fault_frame).toEqual(bounceFrameWords("trap", { vector: 14, fromRing3: true }));
    expect(byName.xen_trap_frame_error).toEqual(bounceFrameWords("trap", { vector: 13, fromRing3: true }));
    expect(byName.xen_trap_frame).toEqual(bounceFrameWords("fastTrap", { fromRing3: true }));
    expect(byName.xen_event_frame).toEqual(bounceFrameWords("event", { fromRing3: true }));
    expect(byName.xen_failsafe_frame).toEqual(bounceFrameWords("failsafe", { fromRing3: true }));
    for (const layout of FRAME_LAYOUTS) expect(layout.size).toBe(layout.fields.length * 4);
  });
});
