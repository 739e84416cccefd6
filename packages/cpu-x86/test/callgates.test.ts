/**
 * Call gates (test/programs/callgates.asm): stack switches with parameter
 * copies for 32- and 16-bit gates, ring 3 -> ring 1, a gate to conforming
 * code, JMP through a gate, the gate checks, and RETF to an outer ring.
 */
import { describe, expect, it } from "vitest";
import { Exit, MODES, fault, runProgram, split } from "./rig";

const GP = 13;
const NP = 11;
const USER_CS = 0x2b;
const USER_SS = 0x33;
const R3_STACK = 0x70000;
const R1_STACK = 0x78000;
const R0_STACK = 0x80000;

describe.each(MODES)("call gates ($name)", (mode) => {
  const run = runProgram("callgates", mode);
  const { sym } = run;
  const r3 = (label: string) => sym(`ring3_calls.${label}`);
  const [jump, rpl, gate32, after32, gate16, after16, ring1, conforming, checks, rest] = split(
    run.values,
    [1, 4, 9, 5, 8, 1, 5, 2, 12],
  );

  it("runs to the end", () => {
    expect(run.exit).toBe(Exit.Stopped);
    expect(run.status).toBe(0);
    expect(rest).toEqual([]);
  });

  it("JMP through a call gate at the same privilege lands in the target segment", () => {
    expect(jump).toEqual([0x08]);
  });

  it("a gate selector with RPL above the gate's DPL is #GP(gate)", () => {
    expect(rpl).toEqual(fault(GP, 0x70, sym("main.f_rpl"), 0x08));
  });

  it("32-bit gate from ring 3: SS0:ESP0, then EIP, CS, the parameters as pushed, ESP, SS", () => {
    expect(gate32).toEqual([
      R0_STACK - 24,
      0x10,
      0x08,
      r3("after32"),
      USER_CS,
      0x22222222,
      0x11111111,
      R3_STACK - 8,
      USER_SS,
    ]);
  });

  it("RETF 8 to ring 3 releases the parameters and nulls DPL-0 data segments, keeping conforming code", () => {
    expect(after32).toEqual([R3_STACK, 0, USER_SS, 0, 0x88]);
  });

  it("16-bit gate: 16-bit frame IP, CS, three words, SP, SS; RETF 6 back", () => {
    expect(gate16).toEqual([R0_STACK - 14, r3("after16"), USER_CS, 0xa3, 0xa2, 0xa1, 0xfff0 - 6, USER_SS]);
    expect(after16).toEqual([0xfff0]);
  });

  it("ring 3 -> ring 1 takes SS1:ESP1 from the TSS", () => {
    expect(ring1).toEqual([R1_STACK - 20, 0x49, 0x41, 0x33333333, R3_STACK]);
  });

  it("a gate to conforming code keeps CPL 3 (CS.RPL = 3) and the ring-3 stack", () => {
    // (QEMU 7.2 reports CS 0x88 here: it sets CPL to the conforming segment's DPL.)
    expect(conforming).toEqual([R3_STACK - 8, 0x8b]);
  });

  it("gate checks: DPL below CPL #GP(gate), absent #NP(gate), JMP to an inner ring #GP(target)", () => {
    expect(checks).toEqual([
      ...fault(GP, 0x70, r3("f_gate_dpl"), USER_CS),
      ...fault(NP, 0x98, r3("f_gate_absent"), USER_CS),
      ...fault(GP, 0x08, r3("f_jmp_inner"), USER_CS),
    ]);
  });
});
