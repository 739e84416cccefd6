/**
 * Interrupt and trap gates, IRET, and virtual-8086 mode
 * (test/programs/interrupts.asm). QEMU 7.2 gives the same values for this
 * program (see programs/run-in-qemu.sh; assembled with -DQEMU it leaves out
 * the gate whose offset lies beyond its segment's limit, which QEMU does not
 * check and crashes on).
 */
import { describe, expect, it } from "vitest";
import { Exit, MODES, fault, runProgram, split } from "./rig";

const BP = 3;
const GP = 13;
const NP = 11;
const KERNEL_CS = 0x08;
const USER_CS = 0x2b;
const USER_SS = 0x33;
const R3_STACK = 0x70000;
const R0_STACK = 0x80000;
const TEST_FLAGS = 0x0ad7;
const IF = 0x200;
const VM = 0x20000;
const V86_CS = 0x0700;
const V86_BASE = V86_CS * 16;

describe.each(MODES)("interrupts ($name)", (mode) => {
  const run = runProgram("interrupts", mode);
  const { sym } = run;
  const main = (label: string) => sym(`main.${label}`);
  const v86 = (label: string) => sym(label) - V86_BASE;
  const [gate32, trap, gate16, beyondIdt, beyondLimit, ring3Frame, ring3After, ring3Gates, iopl0, v86Entry, v86Frame, v86After, v86Iopl0, v86Leave, rest] =
    split(run.values, [6, 5, 6, 4, 9, 8, 6, 8, 9, 4, 14, 3, 36, 4]);

  it("runs to the end", () => {
    expect(run.exit).toBe(Exit.Stopped);
    expect(run.status).toBe(0);
  });

  it("32-bit interrupt gate, same privilege: 12 bytes EIP/CS/EFLAGS, IF cleared inside, IRET restores it", () => {
    expect(gate32).toEqual([12, main("after40"), KERNEL_CS, TEST_FLAGS, TEST_FLAGS & ~IF, TEST_FLAGS]);
  });

  it("trap gate: the same frame, IF left set", () => {
    expect(trap).toEqual([12, main("after41"), KERNEL_CS, TEST_FLAGS, TEST_FLAGS]);
  });

  it("16-bit interrupt gate: 6 bytes IP/CS/FLAGS, popped by a 16-bit IRET", () => {
    expect(gate16).toEqual([6, main("after42"), KERNEL_CS, TEST_FLAGS, TEST_FLAGS & ~IF, 0]);
  });

  it("INT n past the IDT limit is #GP(vector*8+2)", () => {
    expect(beyondIdt).toEqual(fault(GP, 0x80 * 8 + 2, main("f_beyond_idt"), KERNEL_CS));
  });

  it("a gate offset beyond the target's limit is #GP(EXT) before anything is pushed", () => {
    expect(beyondLimit).toEqual([
      ...fault(GP, 0, main("f_gate_beyond_limit"), KERNEL_CS),
      ...fault(GP, 1, main("f_ud_beyond_limit"), KERNEL_CS),
      0, // ESP as before
    ]);
  });

  it("ring 3 -> ring 0: SS0:ESP0 from the TSS, SS:ESP of ring 3 on the frame; IRET nulls DPL-0 data segments", () => {
    expect(ring3Frame).toEqual([
      R3_STACK,
      R0_STACK - 20,
      0x10,
      sym("ring3_iopl3.after43"),
      USER_CS,
      0x3202,
      R3_STACK,
      USER_SS,
    ]);
    // DS and FS (DPL 0) nulled, ES (DPL 3) kept, GS null; ESP back; CLI at IOPL 3 cleared IF
    expect(ring3After).toEqual([0, USER_SS, 0, 0, R3_STACK, 0x3002]);
  });

  it("INT n at ring 3: a DPL-0 gate is #GP(n*8+2), an absent gate #NP(n*8+2)", () => {
    expect(ring3Gates).toEqual([
      ...fault(GP, 0x40 * 8 + 2, sym("ring3_iopl3.f_int_dpl0"), USER_CS),
      ...fault(NP, 0x44 * 8 + 2, sym("ring3_iopl3.f_int_absent"), USER_CS),
    ]);
  });

  it("ring 3 with IOPL 0: CLI and STI are #GP(0); POPF leaves IF and IOPL alone", () => {
    expect(iopl0).toEqual([
      ...fault(GP, 0, sym("ring3_iopl0.f_cli"), USER_CS),
      ...fault(GP, 0, sym("ring3_iopl0.f_sti"), USER_CS),
      0x0203,
    ]);
  });

  it("IRET into V86 mode loads real-mode style segments from the frame", () => {
    expect(v86Entry).toEqual([V86_CS, 0x11111111, 0x21212121, 0xfff0]);
  });

  it("INT n from V86 mode: ring-0 frame with GS/FS/DS/ES, data segments null inside, IRET back to V86", () => {
    expect(v86Frame).toEqual([
      R0_STACK - 36,
      0,
      0,
      0,
      0,
      v86("v86_iopl3.after45"),
      V86_CS,
      VM | 0x3002,
      0xfff0,
      0x6000,
      0x2100,
      0x2000,
      0x2200,
      0x2300,
    ]);
    // back in V86: DS and SP restored; PUSHFD in V86 never shows VM
    expect(v86After).toEqual([0x2000, 0xfff0, 0x3002]);
  });

  it("V86 with IOPL 0: CLI, STI, PUSHF, POPF, INT n and IRET are #GP(0)", () => {
    const labels = ["f_cli", "f_sti", "f_pushf", "f_popf", "f_int", "f_iret"];
    expect(v86Iopl0.slice(0, 24)).toEqual(labels.flatMap((label) => fault(GP, 0, v86(`v86_iopl0.${label}`), V86_CS)));
  });

  it("V86 with IOPL 0: INT3 and INTO are not IOPL-sensitive; the gate's DPL decides", () => {
    expect(v86Iopl0.slice(24)).toEqual([
      ...fault(GP, 3 * 8 + 2, v86("v86_iopl0.f_int3_dpl0"), V86_CS),
      ...fault(BP, null, v86("v86_iopl0.d8"), V86_CS), // a DPL-3 gate: #BP in ring 0, a trap
      ...fault(GP, 4 * 8 + 2, v86("v86_iopl0.f_into_dpl0"), V86_CS),
    ]);
    // still in V86; UD2 leaves through a ring-0 interrupt gate (OF, SF, AF from the ADD)
    expect(v86Leave).toEqual([V86_CS, v86("v86_iopl0.leave"), V86_CS, VM | 0x0892]);
    expect(rest).toEqual([]);
  });
});
