/**
 * Protection checks of IRET, RETF, INT n and call gates, LTR/LLDT, LAR/LSL/
 * VERR/VERW, privileged instructions at ring 3 (test/programs/protection.asm). QEMU 7.2 agrees except where it
 * does not check at all (the stack limit of the ring-1 stack) and on the
 * EXT bit, which it never sets.
 */
import { describe, expect, it } from "vitest";
import { Exit, MODES, fault, runProgram, split } from "./rig";

const TS = 10;
const NP = 11;
const SS = 12;
const GP = 13;
const KERNEL_CS = 0x08;
const USER_CS = 0x2b;

describe.each(MODES)("protection ($name)", (mode) => {
  const run = runProgram("protection", mode);
  const { sym } = run;
  const main = (label: string) => sym(`main.${label}`);
  const r3 = (label: string) => sym(`ring3_part.${label}`);
  const [iret, gates, tables, lar, retfInner, privileged, innerStacks, ring1, retfOuter, rest] = split(
    run.values,
    [12, 12, 12, 8, 4, 33, 16, 2, 4],
  );

  it("runs to the end", () => {
    expect(run.exit).toBe(Exit.Stopped);
    expect(run.status).toBe(0);
    expect(rest).toEqual([]);
  });

  it("IRET: SS RPL must equal the new CPL, CS DPL its RPL, CS present", () => {
    expect(iret).toEqual([
      ...fault(GP, 0x30, main("f_iret_ss_rpl"), KERNEL_CS),
      ...fault(GP, 0x08, main("f_iret_cs_dpl"), KERNEL_CS),
      ...fault(NP, 0x70, main("f_iret_cs_absent"), KERNEL_CS),
    ]);
  });

  it("INT n: a gate to less privileged code, to an absent segment, to data", () => {
    expect(gates).toEqual([
      ...fault(GP, 0x40, main("f_int_outer"), KERNEL_CS),
      ...fault(NP, 0x70, main("f_int_absent_code"), KERNEL_CS),
      ...fault(GP, 0x10, main("f_int_data"), KERNEL_CS),
    ]);
  });

  it("LTR of a busy TSS or of an LDT, LLDT of a TSS: #GP(selector)", () => {
    expect(tables).toEqual([
      ...fault(GP, 0x38, main("f_ltr_busy"), KERNEL_CS),
      ...fault(GP, 0x80, main("f_ltr_ldt"), KERNEL_CS),
      ...fault(GP, 0x88, main("f_lldt_tss"), KERNEL_CS),
    ]);
  });

  it("LAR, LSL, VERR, VERW", () => {
    expect(lar).toEqual([0xfa00, 0xabcd, 0x8b00, 0, 0x5555, 0, 0, 1]);
  });

  it("RETF to a more privileged ring is #GP(selector)", () => {
    expect(retfInner).toEqual(fault(GP, 0x08, r3("f_retf_inner"), USER_CS));
  });

  it("HLT, LIDT, MOV from/to CR and DR, INVLPG, CLTS, LMSW at CPL 3 are #GP(0); SMSW is not privileged", () => {
    const labels = ["f_hlt", "f_lidt", "f_mov_from_cr0", "f_mov_to_cr3", "f_invlpg", "f_clts", "f_lmsw", "f_mov_dr7"];
    expect(privileged).toEqual([...labels.flatMap((label) => fault(GP, 0, r3(label), USER_CS)), 0x60000011]);
  });

  it("an invalid inner SS is #TS(SS) (EXT for an exception), one too small for the frame #SS(SS)", () => {
    expect(innerStacks).toEqual([
      ...fault(TS, 0x30, r3("f_call_ts"), USER_CS),
      ...fault(TS, 0x30, r3("f_int_ts"), USER_CS),
      ...fault(TS, 0x31, r3("f_ud_ts"), USER_CS),
      ...fault(SS, 0x68, r3("f_call_ss"), USER_CS),
    ]);
  });

  it("with room for it, the call copies the parameters to the ring-1 stack", () => {
    expect(ring1).toEqual([4, 3]);
  });

  it("RETF to an outer ring whose SS has the wrong RPL is #GP(SS)", () => {
    expect(retfOuter).toEqual(fault(GP, 0x78, sym("ring1_target.f_retf_bad_ss"), 0x41));
  });
});
