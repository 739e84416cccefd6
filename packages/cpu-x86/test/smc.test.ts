/**
 * Self-modifying code (test/programs/smc.asm): the CPU caches decoded and
 * compiled blocks per physical page and must drop them when the page is
 * written, whoever writes it and through whichever mapping. QEMU gives the
 * same values for this binary.
 */
import { describe, expect, it } from "vitest";
import { Exit, MODES, runProgram } from "./rig";

describe.each(MODES)("self-modifying code ($name)", (mode) => {
  const run = runProgram("smc", mode);
  const { rig, sym } = run;
  const paused = { exit: run.exit, status: run.status, values: run.values };
  // While paused, replace the immediate of `mov eax, imm32` in dma_fn, as a device or the hypervisor would.
  rig.memory.writeBytes(sym("dma_fn") + 1, new Uint8Array([0x02, 0x00, 0x0a, 0x0d]));
  const exit = rig.run();

  it("pauses once, then runs to the end", () => {
    expect(paused.exit).toBe(Exit.Stopped);
    expect(paused.status).toBe(null);
    expect(exit).toBe(Exit.Stopped);
    expect(rig.exitStatus).toBe(0);
  });

  it("runs the patched instruction right after the store, and a few instructions later in the same block", () => {
    expect(paused.values.slice(0, 2)).toEqual([0x42, 0x11223344]);
  });

  it("runs a patched function in another block", () => {
    expect(paused.values.slice(2, 4)).toEqual([1, 2]);
  });

  it("a loop rewriting its own immediate sees every new value", () => {
    expect(paused.values[4]).toBe(5050);
  });

  it("REP MOVSB over the following instructions: the copied code runs", () => {
    expect(paused.values[5]).toBe(0x600d0001);
  });

  it("a write through an alias mapping reaches code run through the other mapping, both ways", () => {
    expect(paused.values.slice(6, 10)).toEqual([0xaaaa0001, 0xaaaa0002, 0xaaaa0002, 0xaaaa0003]);
  });

  it("a write into a code page from outside the CPU (DMA) drops the cached code", () => {
    expect(paused.values.slice(10)).toEqual([0x0d0a0001]);
    expect(rig.values.slice(11)).toEqual([0x0d0a0002]);
  });
});
