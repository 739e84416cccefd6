/**
 * Hardware task switches (test/programs/tasks.asm): JMP and CALL to a TSS,
 * a task gate in the GDT and in the IDT, IRET with NT, busy bits and back
 * links, 16-bit TSSs, LDTs loaded from the TSS, #TS, and #DF through a task
 * gate after a kernel stack overflow. QEMU 7.2 reports the same values for
 * this binary except two: on the second entry into task B (through the task
 * gate) it shows the caller's arithmetic flags in B's EFLAGS (its lazy flags
 * leak across the switch; B's own saved flags are 0x0002), and it does not
 * set the accessed bit of descriptors loaded by a task switch.
 */
import { describe, expect, it } from "vitest";
import { Exit, MODES, fault, runProgram, split } from "./rig";

const TS = 10;
const GP = 13;
const MAIN_TSS = 0x38;
const AVAILABLE = 0x89;
const BUSY = 0x8b;
const NT = 0x4000;

describe.each(MODES)("task switches ($name)", (mode) => {
  const run = runProgram("tasks", mode);
  const { sym } = run;
  const [inA, backFromA, inB, backFromB, throughGate, busy, shortTss, intBusy, iretNotBusy, in16, after16, throughIdt, doubleFault, rest] =
    split(run.values, [8, 5, 6, 5, 4, 4, 4, 4, 4, 5, 4, 9, 10]);

  it("ends in the double-fault task", () => {
    expect(run.exit).toBe(Exit.Stopped);
    expect(run.status).toBe(0);
    expect(rest).toEqual([]);
    expect(run.rig.cpu.trSelector).toBe(0x80);
  });

  it("JMP to a TSS: the new task's registers, no NT, no back link; the old task released and saved", () => {
    expect(inA).toEqual([
      0xaaaa0001,
      0x60,
      0x2,
      AVAILABLE,
      BUSY,
      0,
      sym("main.after_jmp_a"),
      0x12345678,
    ]);
  });

  it("JMP back resumes the main task where it left, with its registers; A released", () => {
    expect(backFromA).toEqual([0x12345678, MAIN_TSS, AVAILABLE, BUSY, sym("task_a.after_jmp_back")]);
  });

  it("CALL to a TSS: NT set, back link to the caller, caller still busy", () => {
    expect(inB).toEqual([0xbbbb0001, 0x68, NT | 2, MAIN_TSS, BUSY, BUSY]);
  });

  it("IRET with NT returns to the caller, releases the callee and clears NT in its saved EFLAGS", () => {
    expect(backFromB).toEqual([0, AVAILABLE, BUSY, sym("task_b.second"), 2]);
  });

  it("CALL through a task gate enters the task where it last stopped", () => {
    expect(throughGate).toEqual([0x68, MAIN_TSS, NT | 2, 0x600d0001]);
  });

  it("CALL to a busy TSS is #GP(selector)", () => {
    expect(busy).toEqual(fault(GP, MAIN_TSS, sym("main.f_call_busy"), 0x08));
  });

  it("JMP to a TSS whose limit is below 0x67 is #TS(selector), reported at the JMP", () => {
    expect(shortTss).toEqual(fault(TS, 0x88, sym("main.f_jmp_short_tss"), 0x08));
  });

  it("INT n through a task gate to a busy TSS is #GP(selector), reported at the INT", () => {
    expect(intBusy).toEqual(fault(GP, MAIN_TSS, sym("main.f_int_busy"), 0x08));
  });

  it("IRET with NT to a back link that is not busy is #TS(back link), reported at the IRET", () => {
    expect(iretNotBusy).toEqual(fault(TS, 0x60, sym("main.f_iret_not_busy"), 0x08));
  });

  it("a 16-bit TSS: registers, back link, NT and busy bit; a 16-bit IRET returns", () => {
    expect(in16).toEqual([0x1616, 0x90, MAIN_TSS, NT | 2, 0x83]);
    // its saved IP, its descriptor available again, our saved EIP, CR0.TS set by the switches
    expect(after16).toEqual([sym("task_16.after_iret"), 0x81, sym("main.after_call16"), 8]);
  });

  it("INT n through an IDT task gate: a nested task with the LDT and DS of its TSS, no error code pushed", () => {
    // (the LDT descriptor's accessed bit is set by the load; QEMU 7.2 leaves it clear)
    expect(throughIdt).toEqual([0x78, MAIN_TSS, 0x98, 0x0c, 0x1d71d700, 0x93, NT | 2, 0x5c000, 0x600d0002]);
  });

  it("#DF from a page fault on the stack goes through the task gate to a clean stack", () => {
    expect(doubleFault).toEqual([
      0x5d000 - 4, // the error code is pushed on the new task's stack...
      0, // ...and is 0
      0x80,
      0x5fffc, // CR2: the push that overflowed
      MAIN_TSS,
      sym("main.f_overflow"), // the faulting instruction, saved in the old TSS
      0x60000,
      NT | 2,
      BUSY, // the interrupted task stays busy
      BUSY,
    ]);
  });
});
