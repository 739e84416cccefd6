/**
 * Exceptions (test/programs/exceptions.asm): restart points of faults and
 * traps, single-step, restarting after a handler fixed the fault (also in
 * the middle of REP MOVSD), the EXT bit, the double-fault rules and a triple
 * fault. QEMU gives the same values, except the EXT bit (QEMU never sets it)
 * and the single-step after MOV SS (QEMU, like the SDM, delays the trap).
 */
import { describe, expect, it } from "vitest";
import { Exit, MODES, fault, pageFault, runProgram, split } from "./rig";

const DE = 0;
const BP = 3;
const OF = 4;
const BR = 5;
const UD = 6;
const DF = 8;
const NP = 11;
const KERNEL_CS = 0x08;
const USER_CS = 0x2b;
const EXT = 1;
const BAD_ESP = 0x60000;

describe.each(MODES)("exceptions ($name)", (mode) => {
  const run = runProgram("exceptions", mode);
  const { sym } = run;
  const main = (label: string) => sym(`main.${label}`);
  const [restartPoints, stepAfterPopf, stepAfterMovSs, serial, doubleFaults, fixAndRestart, repRestart, gpThenPf, pfThenPf, idtPf, rest] =
    split(run.values, [20, 3, 3, 8, 8, 7, 15, 5, 5, 5]);

  it("ends in a triple fault at the instruction that caused it", () => {
    expect(run.exit).toBe(Exit.TripleFault);
    expect(run.rig.cpu.exitInfo.reason).toBe(Exit.TripleFault);
    expect(run.rig.cpu.exitInfo.cs).toBe(KERNEL_CS);
    expect(run.rig.cpu.exitInfo.eip).toBe(main("f_triple"));
    expect(rest).toEqual([]);
  });

  it("faults report the faulting instruction, traps the next one", () => {
    expect(restartPoints).toEqual([
      ...fault(DE, null, main("f_div"), KERNEL_CS),
      ...fault(UD, null, main("f_ud2"), KERNEL_CS),
      ...fault(BR, null, main("f_bound"), KERNEL_CS),
      ...fault(BP, null, main("a4"), KERNEL_CS),
      ...fault(OF, null, main("a5"), KERNEL_CS),
    ]);
  });

  it("POPF that sets TF: the next instruction completes, then #DB with DR6.BS", () => {
    expect(stepAfterPopf).toEqual([0xdb, main("s2"), 0x4000]);
  });

  it("MOV SS delays the single-step trap past the next instruction", () => {
    expect(stepAfterMovSs).toEqual([0xdb, main("s5"), 0x4000]);
  });

  it("a fault while delivering a benign exception is delivered on its own, with EXT set; software INT has no EXT", () => {
    expect(serial).toEqual([
      ...fault(NP, (UD * 8 + 2) | EXT, main("f_ud_absent"), KERNEL_CS),
      ...fault(NP, BP * 8 + 2, main("f_int3_absent"), KERNEL_CS),
    ]);
  });

  it("contributory while delivering contributory is #DF(0) (#DE then #NP, #GP then #NP)", () => {
    expect(doubleFaults).toEqual([
      ...fault(DF, 0, main("f_div_df"), KERNEL_CS),
      ...fault(DF, 0, main("f_gp_df"), KERNEL_CS),
    ]);
  });

  it("a page-fault handler maps the page and the instruction runs again", () => {
    expect(fixAndRestart).toEqual([0xec00000e, 2, main("r1"), 0x400010, 0, 0x600d600d, 1]);
  });

  it("REP MOVSD restarts at the faulting element with ECX, ESI, EDI as they were", () => {
    expect(repRestart).toEqual([
      0xec00000e, 2, main("r2"), 0x401ff8, 4, // the first element
      0xec00000e, 2, main("r2"), 0x402000, 2, // the third, on the next page
      0, 0x402008, 0x11111111, 0x44444444, 3,
    ]);
  });

  it("a page fault while delivering #GP (ring-1 stack missing) is delivered instead, no #DF", () => {
    expect(gpThenPf).toEqual(pageFault(2, sym("ring3_gp_then_pf.f_gp"), USER_CS, BAD_ESP - 4));
  });

  it("a page fault while delivering a page fault is #DF(0); CR2 holds the second address", () => {
    expect(pfThenPf).toEqual([...fault(DF, 0, sym("ring3_pf_then_pf.f_pf"), USER_CS), BAD_ESP - 4]);
  });

  it("a page fault reading the #PF gate itself is #DF", () => {
    expect(idtPf).toEqual([...fault(DF, 0, main("f_pf_idt"), KERNEL_CS), 0x2f000]);
  });
});
