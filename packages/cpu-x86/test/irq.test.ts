/**
 * When a pending external interrupt is taken (test/programs/irq.asm): the
 * interrupt shadows of STI and MOV SS, POPF, interrupts raised by the
 * instruction itself, HLT and waking from it, and NMI blocking until IRET.
 */
import { describe, expect, it } from "vitest";
import { Exit, MODES, runProgram } from "./rig";

const HANDLER = 0x1a0;

/** The values of each scenario, keyed by its number (markers 0x5C0000nn). */
function byScenario(values: number[]): Map<number, number[]> {
  const scenarios = new Map<number, number[]>();
  let current: number[] = [];
  for (const value of values) {
    if ((value & 0xffffff00) === 0x5c000000) {
      current = [];
      scenarios.set(value & 0xff, current);
    } else current.push(value);
  }
  return scenarios;
}

describe.each(MODES)("external interrupts ($name)", (mode) => {
  const run = runProgram("irq", mode);
  const { rig, sym } = run;
  const main = (label: string) => sym(`main.${label}`);
  // HLT with IF set and nothing pending: run() gives up the CPU
  const haltExit = run.exit;
  const haltedAt = rig.cpu.eip;
  const halted = rig.cpu.halted;
  rig.cpu.setInterruptLine(true);
  const wokenExit = rig.run();
  // paused before the NMI scenario: raise an NMI; the handler pauses again: raise another
  const nmiPausedAt = rig.cpu.eip;
  rig.cpu.raiseNmi();
  const inNmiExit = rig.run();
  rig.cpu.raiseNmi();
  const finalExit = rig.run();
  const scenarios = byScenario(rig.values);

  it("HLT with nothing pending returns Exit.Halt after the HLT, and the CPU stays halted", () => {
    expect(haltExit).toBe(Exit.Halt);
    expect(halted).toBe(true);
    expect(haltedAt).toBe(main("after_hlt"));
  });

  it("an interrupt wakes HLT; the frame points after the HLT", () => {
    expect(scenarios.get(6)).toEqual([HANDLER, main("after_hlt")]);
  });

  it("pauses twice for the NMIs, then ends", () => {
    expect([wokenExit, inNmiExit, finalExit]).toEqual([Exit.Stopped, Exit.Stopped, Exit.Stopped]);
    expect(nmiPausedAt).toBe(main("after_nmi_pause"));
    expect(rig.exitStatus).toBe(0);
  });

  it("an NMI is taken with IF clear; a second one waits for the handler's IRET, then is taken at once", () => {
    expect(scenarios.get(9)).toEqual([0x2a0, main("after_nmi_pause"), 0x2a1, 0x2a0, main("after_nmi_pause")]);
    expect(scenarios.get(10)).toEqual([2]);
  });

  it("POPF that sets IF lets a pending interrupt in right after it", () => {
    expect(scenarios.get(1)).toEqual([HANDLER, main("after_popf")]);
  });

  it("an instruction that raises INTR (MOV DS from the trigger page) is followed by the interrupt", () => {
    expect(scenarios.get(3)).toEqual([HANDLER, main("after_mov_ds")]);
  });

  it("`sti; hlt` with an interrupt pending halts first and wakes after the HLT", () => {
    expect(scenarios.get(7)).toEqual([HANDLER, main("after_idle_hlt")]);
    expect(scenarios.get(8)).toEqual([rig.acknowledges]);
  });

  it("STI holds the interrupt off for exactly one instruction", () => {
    expect(scenarios.get(2)).toEqual([HANDLER, main("sti_after_next")]);
  });

  it("MOV SS holds the interrupt off for exactly one instruction", () => {
    expect(scenarios.get(4)).toEqual([HANDLER, main("ss_after_next")]);
  });

  it("an IN that raises INTR is followed by the interrupt", () => {
    expect(scenarios.get(5)).toEqual([HANDLER, main("after_in")]);
  });
});
