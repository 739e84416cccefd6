/**
 * The TSS I/O permission bitmap (test/programs/iobitmap.asm). Refused
 * accesses are #GP(0) at the I/O instruction; allowed ones reach the bus,
 * which the rig logs. QEMU reports the same faults for this binary.
 */
import { describe, expect, it } from "vitest";
import { Exit, MODES, fault, runProgram } from "./rig";

const GP = 13;
const USER_CS = 0x2b;

describe.each(MODES)("I/O permission bitmap ($name)", (mode) => {
  const run = runProgram("iobitmap", mode);
  const { sym } = run;
  const r3 = (label: string) => sym(`ring3_iopl0.${label}`);

  it("runs to the end", () => {
    expect(run.exit).toBe(Exit.Stopped);
    expect(run.status).toBe(0);
  });

  it("refuses exactly the accesses that touch a set bit or a bitmap byte past the TSS limit", () => {
    expect(run.values).toEqual([
      // CPL 3, IOPL 0
      ...fault(GP, 0, r3("f_out80"), USER_CS), // port 0x80's bit is set
      ...fault(GP, 0, r3("f_out_word_3f8"), USER_CS), // word at 0x3F8 includes 0x3F9
      ...fault(GP, 0, r3("f_in_3f9"), USER_CS),
      ...fault(GP, 0, r3("f_in_dword_3fd"), USER_CS), // 0x3FD..0x400 spans two bitmap bytes
      ...fault(GP, 0, r3("f_in_word_3ff"), USER_CS), // 0x3FF..0x400 likewise
      // TSS limit at bitmap byte 0x7F
      ...fault(GP, 0, sym("ring3_short.f_last_byte"), USER_CS),
      ...fault(GP, 0, sym("ring3_short.f_beyond_limit"), USER_CS),
      // V86 with IOPL 3 still checks the bitmap
      ...fault(GP, 0, sym("v86_part.f_out80"), 0),
    ]);
  });

  it("lets the allowed accesses through, in order", () => {
    expect(run.rig.otherPorts).toEqual([
      ["out", 0x80, 1, 0x11], // CPL 0 <= IOPL
      ["out", 0x3f8, 1, 0x22],
      ["in", 0x3fc, 4, 0],
      ["in", 0x3fe, 2, 0],
      ["in", 0x3ff, 1, 0],
      ["out", 0x3f8, 1, 0x33], // OUTSB
      ["out", 0x80, 1, 0x44], // CPL 3 with IOPL 3: no bitmap
      ["out", 0x3f0, 1, 0x55], // short TSS: byte 0x7E and 0x7F both inside the limit
      ["out", 0x3f0, 1, 0x66], // V86
    ]);
  });
});
