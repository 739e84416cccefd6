/**
 * SYSENTER/SYSEXIT, RDTSC and RDMSR/WRMSR (test/programs/msr.asm). QEMU
 * gives the same values for everything but the clock (its TSC is real time).
 */
import { describe, expect, it } from "vitest";
import { Exit, LOAD_ADDRESS, MODES, Rig, fault, loadProgram, runProgram, split } from "./rig";

const GP = 13;
const SE_CODE = 0x60;
const SE_DATA = 0x68;
const SX_CODE = 0x73;
const SX_DATA = 0x7b;

describe.each(MODES)("SYSENTER, TSC and MSRs ($name)", (mode) => {
  const run = runProgram("msr", mode);
  const { sym } = run;
  const [clock, msrs, sysenter, sysexit, ring3Faults, noSysenter, tsd, rest] = split(run.values, [5, 14, 5, 4, 8, 4, 4]);

  it("runs to the end", () => {
    expect(run.exit).toBe(Exit.Stopped);
    expect(run.status).toBe(0);
    expect(rest).toEqual([]);
  });

  it("RDTSC at the start of a block reads the number of instructions retired before it", () => {
    // Stop at the RDTSC with a breakpoint to count the instructions before it.
    const rig = new Rig(mode);
    rig.load(loadProgram("msr").image, LOAD_ADDRESS);
    rig.startReal(0, LOAD_ADDRESS);
    rig.cpu.addBreakpoint(sym("main.clock"));
    expect(rig.run()).toBe(Exit.Breakpoint);
    expect(clock[0]).toBe(rig.cpu.instructionCount);
  });

  // Both the interpreter and compiled blocks bring the count up to date before hand-written handlers.
  it("RDTSC/RDMSR/WRMSR see every retired instruction", () => {
    expect(clock.slice(1)).toEqual([5, 8, 0x12, 0x34560001]);
  });

  it("RDMSR/WRMSR: SYSENTER MSRs read back; unknown and read-only MSRs are #GP(0)", () => {
    expect(msrs).toEqual([
      sym("sysenter_entry"),
      0,
      ...fault(GP, 0, sym("main.f_rdmsr_unknown"), 0x08),
      ...fault(GP, 0, sym("main.f_wrmsr_unknown"), 0x08),
      ...fault(GP, 0, sym("main.f_wrmsr_readonly"), 0x08),
    ]);
  });

  it("SYSENTER: CS and SS from SYSENTER_CS, ESP and EIP from the MSRs, IF cleared, CPL 0", () => {
    expect(sysenter).toEqual([0x5e000, SE_CODE, SE_DATA, 0x3002, 1]);
  });

  it("SYSEXIT: CS = SYSENTER_CS+16, SS = +24 (RPL 3), ESP = ECX, EIP = EDX", () => {
    expect(sysexit).toEqual([SX_CODE, SX_DATA, 0x70000, 0]);
  });

  it("#GP(0): SYSEXIT and RDMSR at ring 3, SYSENTER with SYSENTER_CS = 0, RDTSC at ring 3 with CR4.TSD", () => {
    expect(ring3Faults).toEqual([
      ...fault(GP, 0, sym("ring3_part.f_sysexit_r3"), SX_CODE),
      ...fault(GP, 0, sym("ring3_part.f_rdmsr_r3"), SX_CODE),
    ]);
    expect(noSysenter).toEqual(fault(GP, 0, sym("ring3_no_sysenter.f_sysenter_cs0"), 0x2b));
    expect(tsd).toEqual(fault(GP, 0, sym("ring3_tsd.f_rdtsc_tsd"), 0x2b));
  });
});

it("interpreter and compiled code read the same TSC", () => {
  const [a, b] = MODES.map((mode) => runProgram("msr", mode).values.slice(0, 5));
  expect(a).toEqual(b);
});

it.each(MODES)("the clock is deterministic: two runs ($name) read the same TSC", (mode) => {
  const [a, b] = [0, 1].map(() => runProgram("msr", mode).values.slice(0, 5));
  expect(a).toEqual(b);
});
