/**
 * Precision control (FCW.PC: 24, 53 or 64 significant bits) and rounding
 * control. PC applies to FADD/FSUB/FMUL/FDIV (all forms, including the
 * integer ones) and FSQRT only; the exponent range stays extended. Memory
 * stores round to their own format with RC whatever PC says. Expected
 * values were computed independently (mpmath), then rounded by hand to the
 * given number of bits.
 */
import { describe, expect, it } from "vitest";
import { MemoryHost, formatExtended, parseExtended } from "./memory-host";
import { X87 } from "./x87";

const EMPTY = "00000000000000000000";
const ONE = "3fff8000000000000000";
const THREE = "4000c000000000000000";
const TWO = "40008000000000000000";

const PC24 = 0x0000;
const PC53 = 0x0200;
const PC64 = 0x0300;
const RESERVED_PC = 0x0100;
const RC_DOWN = 0x0400;
const RC_UP = 0x0800;
const RC_CHOP = 0x0c00;

function fpuWith(values: string[], fcw: number): X87 {
  const fpu = new X87(new MemoryHost());
  let ftw = 0xffff;
  for (let i = 0; i < values.length; i++) ftw &= ~(3 << (2 * i));
  const st = [...values, ...Array(8 - values.length).fill(EMPTY)].map(parseExtended);
  fpu.setState({ fcw, fsw: 0, ftw, st, fip: 0, fcs: 0, fdp: 0, fds: 0, fop: 0 });
  return fpu;
}

const st = (fpu: X87, i: number) => formatExtended(fpu.getState().st[i]);

/** 1/3 by FDIV ST(1), ST(0) with ST(0) = 3, ST(1) = 1 under the given control word. */
function third(fcw: number): string {
  const fpu = fpuWith([THREE, ONE], 0x007f | fcw);
  fpu.execute(0xdc, 0xf9, 0);
  return st(fpu, 1);
}

describe("precision control", () => {
  it("FDIV rounds to 24, 53 or 64 bits", () => {
    expect(third(PC24)).toBe("3ffdaaaaab0000000000");
    expect(third(PC53)).toBe("3ffdaaaaaaaaaaaaa800");
    expect(third(PC64)).toBe("3ffdaaaaaaaaaaaaaaab");
  });

  it("the reserved setting (PC = 01) behaves as 64 bits", () => {
    expect(third(RESERVED_PC)).toBe("3ffdaaaaaaaaaaaaaaab");
  });

  it("rounding control at each precision", () => {
    expect(third(PC64 | RC_CHOP)).toBe("3ffdaaaaaaaaaaaaaaaa");
    expect(third(PC64 | RC_DOWN)).toBe("3ffdaaaaaaaaaaaaaaaa");
    expect(third(PC64 | RC_UP)).toBe("3ffdaaaaaaaaaaaaaaab");
    expect(third(PC24 | RC_CHOP)).toBe("3ffdaaaaaa0000000000");
    expect(third(PC53 | RC_UP)).toBe("3ffdaaaaaaaaaaaab000");
    // -1/3 rounded down (toward -infinity) grows in magnitude.
    const fpu = fpuWith([THREE, "bfff8000000000000000"], 0x007f | PC64 | RC_DOWN);
    fpu.execute(0xdc, 0xf9, 0);
    expect(st(fpu, 1)).toBe("bffdaaaaaaaaaaaaaaab");
    expect(fpu.getState().fsw & 0x0200).toBe(0x0200); // C1: rounded up in magnitude
  });

  it("FSQRT at 53 bits matches the double result", () => {
    const fpu = fpuWith([TWO], 0x007f | PC53);
    fpu.execute(0xd9, 0xfa, 0);
    expect(st(fpu, 0)).toBe("3fffb504f333f9de6800"); // 0x3FF6A09E667F3BCD as an extended real
    const full = fpuWith([TWO], 0x007f | PC64);
    full.execute(0xd9, 0xfa, 0);
    expect(st(full, 0)).toBe("3fffb504f333f9de6484");
  });

  it("FADD at 24 bits: 1 + 2^-30 is 1, or the next single up with RC = up", () => {
    const tiny = "3fe18000000000000000"; // 2^-30
    const nearest = fpuWith([tiny, ONE], 0x007f | PC24);
    nearest.execute(0xd8, 0xc1, 0);
    expect(st(nearest, 0)).toBe(ONE);
    expect(nearest.getState().fsw & 0x0220).toBe(0x0020);
    const up = fpuWith([tiny, ONE], 0x007f | PC24 | RC_UP);
    up.execute(0xd8, 0xc1, 0);
    expect(st(up, 0)).toBe("3fff8000010000000000");
    expect(up.getState().fsw & 0x0220).toBe(0x0220);
  });

  it("the integer forms are rounded too (FIMUL m16 at 24 bits)", () => {
    const host = new MemoryHost();
    const fpu = new X87(host);
    fpu.setState({ ...fpuWith(["3fffaaaaaaaaaaaaaaab"], 0).getState(), fcw: 0x007f | PC24 });
    host.bytes[0] = 3; // m16 = 3
    fpu.execute(0xde, 0x0d, 0); // FIMUL m16
    expect(st(fpu, 0)).toBe("40018000000000000000"); // 4.0000000000000000001 rounds to 4 at 24 bits
  });

  it("does not apply to loads, FSCALE, FRNDINT or register moves", () => {
    const host = new MemoryHost();
    const fpu = new X87(host);
    const state = fpu.getState();
    fpu.setState({ ...state, fcw: 0x007f | PC24 });
    // FILD m64 of 2^63 - 1: exact.
    host.bytes.fill(0xff, 0, 8);
    host.bytes[7] = 0x7f;
    fpu.execute(0xdf, 0x2d, 0);
    expect(st(fpu, 0)).toBe("403dfffffffffffffffe");
    // FLD1, FSCALE: ST(0) = (2^63 - 1) * 2^1, all 64 bits kept.
    fpu.execute(0xd9, 0xe8, 0);
    fpu.execute(0xd9, 0xc9, 0); // FXCH
    fpu.execute(0xd9, 0xfd, 0);
    expect(st(fpu, 0)).toBe("403efffffffffffffffe");
  });

  it("FST m32 and m64 round to their formats with RC, whatever PC says", () => {
    const host = new MemoryHost();
    const fpu = new X87(host);
    const thirdValue = "3ffdaaaaaaaaaaaaaaab";
    fpu.setState({ ...fpuWith([thirdValue], 0).getState(), fcw: 0x007f | PC64 });
    fpu.execute(0xd9, 0x15, 0x10); // FST m32
    fpu.execute(0xdd, 0x15, 0x20); // FST m64
    const view = new DataView(host.bytes.buffer);
    expect(view.getUint32(0x10, true)).toBe(0x3eaaaaab);
    expect(view.getUint32(0x24, true)).toBe(0x3fd55555);
    expect(view.getUint32(0x20, true)).toBe(0x55555555);
    fpu.setState({ ...fpu.getState(), fcw: 0x007f | PC24 | RC_CHOP });
    fpu.execute(0xd9, 0x15, 0x30);
    expect(view.getUint32(0x30, true)).toBe(0x3eaaaaaa);
  });

  it("tiny results under PC = 24 round at the same bit position as normal ones", () => {
    // 2^-16382 * (1 + 2^-30) * 0.5 = 2^-16383 (1 + 2^-30): denormal, and 24-bit rounding drops the 2^-30 part.
    const fpu = fpuWith(["00018000000400000000", "3ffe8000000000000000"], 0x007f | PC24);
    fpu.execute(0xd8, 0xc9, 0);
    expect(st(fpu, 0)).toBe("00004000000000000000");
    expect(fpu.getState().fsw & 0x30).toBe(0x30); // UE and PE
  });
});

describe("load-constant instructions round with RC", () => {
  const constants: Array<[number, string, string, string]> = [
    // [modrm, nearest, down/chop, up]
    [0xeb, "4000c90fdaa22168c235", "4000c90fdaa22168c234", "4000c90fdaa22168c235"], // FLDPI
    [0xe9, "4000d49a784bcd1b8afe", "4000d49a784bcd1b8afe", "4000d49a784bcd1b8aff"], // FLDL2T
    [0xea, "3fffb8aa3b295c17f0bc", "3fffb8aa3b295c17f0bb", "3fffb8aa3b295c17f0bc"], // FLDL2E
    [0xec, "3ffd9a209a84fbcff799", "3ffd9a209a84fbcff798", "3ffd9a209a84fbcff799"], // FLDLG2
    [0xed, "3ffeb17217f7d1cf79ac", "3ffeb17217f7d1cf79ab", "3ffeb17217f7d1cf79ac"], // FLDLN2
  ];
  it.each(constants)("D9 %i", (modrm, nearest, down, up) => {
    const load = (rc: number) => {
      const fpu = fpuWith([], 0x037f | rc);
      fpu.execute(0xd9, modrm, 0);
      expect(fpu.getState().fsw & 0x3f).toBe(0);
      return st(fpu, 0);
    };
    expect(load(0)).toBe(nearest);
    expect(load(RC_DOWN)).toBe(down);
    expect(load(RC_CHOP)).toBe(down);
    expect(load(RC_UP)).toBe(up);
  });
});
