/**
 * The intercept bitmap (test/programs/intercept.asm): intercepted vectors
 * leave run() with Exit.Intercept and the event in `exitInfo`; the test
 * plays the hypervisor and resumes. Vectors not in the bitmap go through the
 * guest's IDT as usual.
 */
import { describe, expect, it } from "vitest";
import { EventKind } from "../src/index";
import { Exit, MODES, fault, runProgram } from "./rig";

const PT2_BASE = 0x102000;

describe.each(MODES)("intercepts ($name)", (mode) => {
  const run = runProgram("intercept", {
    ...mode,
    prepare: (rig) => {
      rig.cpu.setIntercept(13, true);
      rig.cpu.setIntercept(14, true);
      rig.cpu.setIntercept(0x82, true);
      rig.cpu.interceptExternal = true;
    },
  });
  const { rig, sym } = run;
  const cpu = rig.cpu;
  const exits: Array<{ exit: number; info: object; eip: number }> = [];
  const record = (exit: number) => exits.push({ exit, info: { ...cpu.exitInfo }, eip: cpu.eip });

  // 1: the page fault; map the page and retry
  record(run.exit);
  rig.memory.write32(PT2_BASE + 4, 0x300000 | 7);
  rig.memory.write32(0x300000, 0xfeedface);
  // 2: the hypercall; answer in EAX
  record(rig.run());
  cpu.r32[0] = 0x600d;
  // 3: INT 0x80 through a DPL-0 gate: skip it, answer in EAX
  record(rig.run());
  cpu.eip = sym("ring3_part.after_int80");
  cpu.r32[0] = 0x80;
  // 4: the external interrupt; lower the line
  record(rig.run());
  const acknowledgesAtExit = rig.acknowledges;
  cpu.setInterruptLine(false);
  // 5: to the end
  record(rig.run());

  it("an intercepted #PF exits at the faulting instruction with its error code and CR2", () => {
    expect(exits[0]).toEqual({
      exit: Exit.Intercept,
      info: {
        reason: Exit.Intercept,
        vector: 14,
        kind: EventKind.Exception,
        hasErrorCode: true,
        errorCode: 0,
        cr2: 0x801000,
        cs: 0x08,
        eip: sym("main.f_pf"),
      },
      eip: sym("main.f_pf"),
    });
    expect(cpu.cr2).toBe(0x801000);
  });

  it("an intercepted software interrupt exits after the INT, without an error code", () => {
    expect(exits[1].exit).toBe(Exit.Intercept);
    expect(exits[1].info).toMatchObject({
      vector: 0x82,
      kind: EventKind.Software,
      hasErrorCode: false,
      cs: 0x2b,
      eip: sym("ring3_part.after_hypercall"),
    });
  });

  it("INT n through a DPL-0 gate from ring 3 is an intercepted #GP(n*8+2) at the INT", () => {
    expect(exits[2].exit).toBe(Exit.Intercept);
    expect(exits[2].info).toMatchObject({
      vector: 13,
      kind: EventKind.Exception,
      hasErrorCode: true,
      errorCode: 0x80 * 8 + 2,
      cs: 0x2b,
      eip: sym("ring3_part.f_int80"),
    });
  });

  it("an intercepted external interrupt exits before the acknowledge cycle", () => {
    expect(exits[3].exit).toBe(Exit.Intercept);
    expect(exits[3].info).toMatchObject({ kind: EventKind.External, cs: 0x08, eip: sym("main.after_irq") });
    expect(acknowledgesAtExit).toBe(0);
  });

  it("the guest saw the test's answers; #UD, not intercepted, went through the IDT", () => {
    expect(exits[4].exit).toBe(Exit.Stopped);
    expect(rig.exitStatus).toBe(0);
    expect(rig.values).toEqual([0xfeedface, 0x600d, 0x80, ...fault(6, null, sym("main.f_ud"), 0x08)]);
  });
});
