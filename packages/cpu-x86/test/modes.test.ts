/**
 * Real mode → protected mode → paging → real mode → unreal mode
 * (test/programs/modes.asm). QEMU 7.2 gives the same values except for the
 * two real-mode #GPs: QEMU does not check real-mode segment limits.
 */
import { describe, expect, it } from "vitest";
import { Seg } from "../src/index";
import { Exit, MODES, fault, runProgram } from "./rig";

describe.each(MODES)("modes ($name)", (mode) => {
  const run = runProgram("modes", mode);
  const { sym } = run;

  it("ends through port 0xF4 from real mode", () => {
    expect(run.exit).toBe(Exit.Stopped);
    expect(run.status).toBe(0);
    expect(run.rig.cpu.cr0 & 0x80000001).toBe(0);
  });

  it("reports each mode's state in order", () => {
    expect(run.values).toEqual([
      // real mode: CR0 at reset values, and a word read at DS:FFFF is #GP through IVT vector 13
      0x60000010,
      ...fault(13, null, sym("real_main.f_gp"), 0),
      // INT 0x60 through the IVT: 6 bytes (IP, CS, FLAGS), IF cleared inside, IRET restores FLAGS
      6,
      sym("real_main.after_int60"),
      0,
      0x0ad7,
      0x08d7,
      0x0ad7,
      // protected mode after `mov cr0` and the far jump: PE, CS = 0x08, SS = 0x10
      0x60000011,
      0x08,
      0x10,
      // paging: PG|PE, CR3, the alias reads physical 0x20000, PDE and PTE with A (and D for the PTE) set
      0xe0000011,
      0x100000,
      0x12345678,
      0x102000 | 0x23,
      0x20000 | 0x63,
      // real mode again: CR0, CS = 0
      0x60000010,
      0,
      // unreal mode: FS kept its 4 GiB limit, even across a real-mode reload of FS
      0xcafef00d,
      0xcafef00d,
      // DS has the 64 KiB limit: #GP
      ...fault(13, null, sym("main.ds_read"), 0),
    ]);
  });

  it("leaves FS with its cached 4 GiB limit and DS with 64 KiB in real mode", () => {
    const cpu = run.rig.cpu;
    expect(cpu.segSelector[Seg.FS]).toBe(0);
    expect(cpu.segBase[Seg.FS]).toBe(0);
    expect(cpu.segLimit[Seg.FS] >>> 0).toBe(0xffffffff);
    expect(cpu.segLimit[Seg.DS]).toBe(0xffff);
  });
});
