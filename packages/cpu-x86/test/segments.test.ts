/**
 * Segment loads and segment checks in protected mode
 * (test/programs/segments.asm): exact vectors and error codes for null,
 * out-of-table, wrong-type, wrong-privilege and absent selectors; limits of
 * expand-up and expand-down segments; read-only, execute-only and conforming
 * code; the stack limit; the CS limit for instruction fetch; the accessed
 * bit; an LDT. QEMU 7.2 agrees wherever it checks at all: it checks no
 * segment limits, no null data segments and no fetch limit.
 */
import { describe, expect, it } from "vitest";
import { Exit, MODES, fault, loadProgram, runProgram } from "./rig";

const GP = 13;
const NP = 11;
const SS = 12;
const KERNEL_CS = 0x08;
const USER_CS = 0x2b;
const CONFORMING_CS_RPL3 = 0x8b;

describe.each(MODES)("segments ($name)", (mode) => {
  const run = runProgram("segments", mode);
  const { sym } = run;
  const image = loadProgram("segments").image;
  const firstDword = (image[0] | (image[1] << 8) | (image[2] << 16) | (image[3] << 24)) >>> 0;
  const at = (label: string) => sym(`main.${label}`);
  const r3 = (label: string) => sym(`ring3_part.${label}`);

  it("runs to the end", () => {
    expect(run.exit).toBe(Exit.Stopped);
    expect(run.status).toBe(0);
  });

  it("reports every check with its exact vector and error code", () => {
    expect(run.values).toEqual([
      // a null DS loads, using it is #GP(0) (the ES access before it is fine)
      ...fault(GP, 0, at("f_null_ds_use") + 6, KERNEL_CS),
      // a null SS does not load
      ...fault(GP, 0, at("f_null_ss"), KERNEL_CS),
      // beyond the GDT limit; TI=1 without an LDT: the selector is the error code
      ...fault(GP, 0x1000, at("f_beyond_gdt"), KERNEL_CS),
      ...fault(GP, 0x0c, at("f_ldt_without_ldtr"), KERNEL_CS),
      // a TSS and execute-only code into ES, read-only data into SS
      ...fault(GP, 0x38, at("f_system_into_ds"), KERNEL_CS),
      ...fault(GP, 0x80, at("f_exec_only_into_ds"), KERNEL_CS),
      ...fault(GP, 0x68, at("f_readonly_into_ss"), KERNEL_CS),
      // SS with RPL 3 at CPL 0; ES with RPL 3 above DPL 0 (the error code drops the RPL)
      ...fault(GP, 0x30, at("f_ss_rpl"), KERNEL_CS),
      ...fault(GP, 0xa0, at("f_rpl_above_dpl"), KERNEL_CS),
      // not present: #NP for ES, #SS for SS
      ...fault(NP, 0x90, at("f_absent_ds"), KERNEL_CS),
      ...fault(SS, 0x90, at("f_absent_ss"), KERNEL_CS),
      // POP ES of a TSS selector: #GP(0x38), ESP not moved, ES kept
      ...fault(GP, 0x38, at("f_pop_es"), KERNEL_CS),
      0xfffffffc,
      0x10,
      // the accessed bit is set by the load
      0x92,
      0x93,
      // expand-up, limit 0xFFF: the last dword reads; one byte further is #GP(0)
      0x22222222,
      ...fault(GP, 0, at("f_small_dword"), KERNEL_CS),
      0x22,
      ...fault(GP, 0, at("f_small_byte"), KERNEL_CS),
      // read-only data: reads, no writes
      0x11111111,
      ...fault(GP, 0, at("f_readonly_write"), KERNEL_CS),
      // expand-down with B=0: offsets 0x1000..0xFFFF
      ...fault(GP, 0, at("f_down16_at_limit"), KERNEL_CS),
      0x33333333,
      ...fault(GP, 0, at("f_down16_past_top"), KERNEL_CS),
      ...fault(GP, 0, at("f_down16_beyond_64k"), KERNEL_CS),
      // expand-down with B=1: offsets 0x1000..0xFFFFFFFF
      ...fault(GP, 0, at("f_down32_below"), KERNEL_CS),
      0x44444444,
      ...fault(GP, 0, at("f_down32_past_top"), KERNEL_CS),
      // readable conforming code in ES: read yes, write no; CS is never writable
      firstDword,
      ...fault(GP, 0, at("f_write_code"), KERNEL_CS),
      ...fault(GP, 0, at("f_write_cs"), KERNEL_CS),
      // execute-only code: runs, but CS-relative reads are #GP(0)
      0x80,
      ...fault(GP, 0, at("f_read_exec_only"), 0x80),
      // a far jump to a data segment
      ...fault(GP, 0x10, at("f_jump_to_data"), KERNEL_CS),
      // fetching past the CS limit: the first instruction beyond it, and one that straddles it
      ...fault(GP, 0, sym("limited_code.f_past_limit"), 0xc8),
      ...fault(GP, 0, sym("limited_code.f_straddle"), 0xd0),
      // the LDT
      0x11111111,
      0x0c,
      ...fault(GP, 0x14, at("f_beyond_ldt"), KERNEL_CS),
      // ring 3: DS was nulled by the IRET; DPL-0 data is refused, conforming code is readable
      0,
      ...fault(GP, 0x10, r3("f_r3_dpl0_data"), USER_CS),
      firstDword,
      // the stack limit: #SS(0), ESP unchanged
      ...fault(SS, 0, r3("f_r3_stack_limit"), USER_CS),
      0x1002,
      // in conforming DPL-0 code CPL stays 3; non-conforming DPL-0 code is refused
      ...fault(GP, 0x08, r3("f_r3_call_ring0"), CONFORMING_CS_RPL3),
      ...fault(GP, 0x08, r3("f_r3_jump_ring0"), CONFORMING_CS_RPL3),
      CONFORMING_CS_RPL3,
    ]);
  });
});
