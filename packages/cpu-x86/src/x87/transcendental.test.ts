/**
 * The transcendental instructions against values derived independently with
 * arbitrary-precision arithmetic (mpmath at 800 bits, rounded to a 64-bit
 * significand): every listed result is the correctly rounded one, and the
 * FPU must reproduce it bit for bit (0.5 ulp; the implementation carries
 * more than 120 guard bits, and in round-to-nearest it returned the
 * correctly rounded value for 16,000 random arguments and 1,836 arguments
 * next to multiples of pi/2).
 */
import { describe, expect, it } from "vitest";
import { MemoryHost, formatExtended, parseExtended } from "./memory-host";
import { X87 } from "./x87";

const MODRM: Record<string, number> = {
  fsin: 0xfe,
  fcos: 0xff,
  fsincos: 0xfb,
  fptan: 0xf2,
  fpatan: 0xf3,
  f2xm1: 0xf0,
  fyl2x: 0xf1,
  fyl2xp1: 0xf9,
};
const ONE = "3fff8000000000000000";
const EMPTY = "00000000000000000000";

/** An FPU with ST(0), ST(1)... loaded (TOP = 0), the rest empty. */
function fpuWith(values: string[], fcw = 0x037f): X87 {
  const fpu = new X87(new MemoryHost());
  let ftw = 0xffff;
  for (let i = 0; i < values.length; i++) ftw &= ~(3 << (2 * i)); // tags are recomputed from contents
  const st = [...values, ...Array(8 - values.length).fill(EMPTY)].map(parseExtended);
  fpu.setState({ fcw, fsw: 0, ftw, st, fip: 0, fcs: 0, fdp: 0, fds: 0, fop: 0 });
  return fpu;
}

function run(op: string, st0: string, st1: string | null, fcw = 0x037f): X87 {
  const fpu = fpuWith(st1 === null ? [st0] : [st0, st1], fcw);
  expect(fpu.execute(0xd9, MODRM[op], 0)).toBe(true);
  return fpu;
}

function st(fpu: X87, i: number): string {
  return formatExtended(fpu.getState().st[i]);
}

// [instruction, ST(0), ST(1) or null, expected ST(0), ST(1)... after the instruction] // argument
const VECTORS: Array<[string, string, string | null, string[]]> = [
  ["fsin", "3fff8000000000000000", null, ["3ffed76aa47848677021"]], // 1
  ["fcos", "3fff8000000000000000", null, ["3ffe8a51407da8345c92"]], // 1
  ["fsin", "3ffe8000000000000000", null, ["3ffdf57743a2582f7f44"]], // 0.5
  ["fcos", "3ffe8000000000000000", null, ["3ffee0a94032dbea7cee"]], // 0.5
  ["fsin", "4000c90fdaa22168c235", null, ["bfbeece675d1fc8f8cbb"]], // pi (nearest 64-bit value)
  ["fcos", "4000c90fdaa22168c235", null, ["bfff8000000000000000"]], // pi
  ["fsin", "3fffc90fdaa22168c235", null, ["3fff8000000000000000"]], // pi/2
  ["fcos", "3fffc90fdaa22168c235", null, ["bfbdece675d1fc8f8cbb"]], // pi/2
  ["fsin", "c001e800000000000000", null, ["bffed2b56db1513dc48e"]], // -7.25
  ["fcos", "c001e800000000000000", null, ["3ffe91637a86e1fdf307"]], // -7.25
  ["fsin", "4005c800000000000000", null, ["bffe81a12dbc626dc038"]], // 100
  ["fcos", "4005c800000000000000", null, ["3ffedcc0edfb32fefb20"]], // 100
  ["fsin", "403ade0b6b3a76400000", null, ["bffefe333cc682e96d39"]], // 1e18
  ["fcos", "403ade0b6b3a76400000", null, ["3ffbf26d039603acd38c"]], // 1e18
  ["fsin", "403dc000000000000000", null, ["bffdc81cd3206a9f7666"]], // 1.5 * 2^62
  ["fcos", "403dc000000000000000", null, ["3ffeeba30a48ba4ac4fa"]], // 1.5 * 2^62
  ["fsin", "3feea7c5ac471b478423", null, ["3feea7c5ac470f450f0e"]], // 1e-5
  ["fcos", "3feea7c5ac471b478423", null, ["3ffeffffffffc906404c"]], // 1e-5
  ["fsin", "017f8000000000000000", null, ["017f8000000000000000"]], // 2^-16000
  ["fcos", "017f8000000000000000", null, ["3fff8000000000000000"]], // 2^-16000
  ["fsin", "4001a058cd89e25ceedd", null, ["bffef4aeda4994b221f1"]], // 5.0108...
  ["fcos", "4001a058cd89e25ceedd", null, ["3ffd968c7152bc847f16"]], // 5.0108...
  ["fsin", "401e9de9e64dd7f1a0ab", null, ["3fff8000000000000000"]], // next to 1686629713 * pi/2
  ["fcos", "401e9de9e64dd7f1a0ab", null, ["3fdca50c7fd30f3a1e24"]], // next to 1686629713 * pi/2
  ["fptan", "3ffe8000000000000000", null, [ONE, "3ffe8bda7adf9a3a5219"]], // 0.5
  ["fptan", "3fff8000000000000000", null, [ONE, "3fffc75922e5f71d2dc5"]], // 1
  ["fptan", "3ffec90fdaa22168c235", null, [ONE, "3fff8000000000000000"]], // pi/4
  ["fptan", "40209502f90000000000", null, [ONE, "bffe8ef0007a21fa82f2"]], // 1e10
  ["fptan", "c000c000000000000000", null, [ONE, "3ffc91f7b892a5c37866"]], // -3
  ["fptan", "3fb98000000000000000", null, [ONE, "3fb98000000000000000"]], // 2^-70
  ["fsincos", "40008000000000000000", null, ["bffdd51132ba9b902522", "3ffee8c7b7568da22efd"]], // 2: cos, sin
  ["fsincos", "bff583126e978d4fe000", null, ["3ffefffff79c843b5f70", "bff583126d290c531036"]], // -0.001
  ["fpatan", "3fff8000000000000000", "3fff8000000000000000", ["3ffec90fdaa22168c235"]], // atan2(1, 1)
  ["fpatan", "bfff8000000000000000", "3fff8000000000000000", ["400096cbe3f9990e91a8"]], // atan2(1, -1)
  ["fpatan", "4000c000000000000000", "c0008000000000000000", ["bffe968756b0331cab69"]], // atan2(-2, 3)
  ["fpatan", "3fff8000000000000000", "3f9ba2425ff75e14fc32", ["3f9ba2425ff75e14fc32"]], // atan2(1e-30, 1)
  ["fpatan", "3f9ba2425ff75e14fc32", "3fff8000000000000000", ["3fffc90fdaa22168c235"]], // atan2(1, 1e-30)
  ["fpatan", "bffbccccccccccccd000", "c001a000000000000000", ["bfffcb9f206dd768a30e"]], // atan2(-5, -0.1)
  ["fpatan", "4001e000000000000000", "4000c000000000000000", ["3ffdcf4df9e906e386a9"]], // atan2(3, 7)
  ["f2xm1", "3ffe8000000000000000", null, ["3ffdd413cccfe7799211"]], // 0.5
  ["f2xm1", "bffe8000000000000000", null, ["bffd95f619980c4336f7"]], // -0.5
  ["f2xm1", "3fff8000000000000000", null, ["3fff8000000000000000"]], // 1
  ["f2xm1", "bfff8000000000000000", null, ["bffe8000000000000000"]], // -1
  ["f2xm1", "3fdddbe6fecebdedd5bf", null, ["3fdd986cb7a12110919d"]], // 1e-10
  ["f2xm1", "3ffd999999999999999a", null, ["3ffcecb11effe0ca3870"]], // 0.3
  ["fyl2x", "4002a000000000000000", "3fff8000000000000000", ["4000d49a784bcd1b8afe"]], // log2(10)
  ["fyl2x", "3ffbcccccccccccccccd", "c000c000000000000000", ["40029f73da38d9d4a83f"]], // -3 log2(0.1)
  ["fyl2x", "3fff8000000000000008", "3fff8000000000000000", ["3fc3b8aa3b295c17f0b6"]], // log2(1 + 2^-60)
  ["fyl2x", "0180c000000000000000", "3fff8000000000000000", ["c00cf9f9a8ff971810a6"]], // log2(3 * 2^-16000)
  ["fyl2x", "43e3bf21e44003ace000", "3ffe8000000000000000", ["4007f92504f8d45c46e3"]], // 0.5 log2(1e300)
  ["fyl2xp1", "3fd78000000000000000", "3fff8000000000000000", ["3fd7b8aa3b295bbb9b9e"]], // log2(1 + 2^-40)
  ["fyl2xp1", "bffd8000000000000000", "40008000000000000000", ["bffed47fcb8c0852f0c1"]], // 2 log2(0.75)
  ["fyl2xp1", "3ffd947ae147ae147ae1", "3fff8000000000000000", ["3ffdbc180f70ea09647b"]], // log2(1.29)
  ["fyl2xp1", "0c179c3d73864f3805c0", "c001e000000000000000", ["8c1ac53b1be8a5a6ca9c"]], // -7 log2(1 + 1e-4000)
];

// [instruction, rounding control, ST(0), expected ST(0)]: RC 1 down, 2 up, 3 toward zero.
const DIRECTED: Array<[string, number, string, string]> = [
  ["fsin", 1, "3fff8000000000000000", "3ffed76aa47848677020"],
  ["fsin", 2, "3fff8000000000000000", "3ffed76aa47848677021"],
  ["fsin", 3, "3fff8000000000000000", "3ffed76aa47848677020"],
  ["f2xm1", 1, "3ffd999999999999999a", "3ffcecb11effe0ca386f"],
  ["f2xm1", 2, "3ffd999999999999999a", "3ffcecb11effe0ca3870"],
  ["f2xm1", 3, "3ffd999999999999999a", "3ffcecb11effe0ca386f"],
];

describe("x87 transcendentals: correctly rounded against independent references", () => {
  it.each(VECTORS)("%s(%s, %s)", (op, st0, st1, expected) => {
    const fpu = run(op, st0, st1);
    expected.forEach((value, i) => expect(st(fpu, i), `ST(${i})`).toBe(value));
    const fsw = fpu.getState().fsw;
    expect(fsw & 0x0400, "C2").toBe(0);
    expect(fsw & 0x1f, "no exception but PE").toBe(0);
  });

  it.each(DIRECTED)("%s with RC=%d", (op, rc, st0, expected) => {
    const fpu = run(op, st0, null, 0x037f | (rc << 10));
    expect(st(fpu, 0)).toBe(expected);
  });

  it("FYL2X in the directed modes", () => {
    // -5 * log2(0.2)
    const cases: Array<[number, string]> = [
      [1, "4002b9c1165ec0626dbd"],
      [2, "4002b9c1165ec0626dbe"],
      [3, "4002b9c1165ec0626dbd"],
    ];
    for (const [rc, expected] of cases) {
      const fpu = run("fyl2x", "3ffccccccccccccccccd", "c001a000000000000000", 0x037f | (rc << 10));
      expect(st(fpu, 0)).toBe(expected);
    }
  });

  it("sets C1 when the result was rounded up and PE when inexact", () => {
    const up = run("fsin", ONE, null, 0x037f | (2 << 10));
    expect(up.getState().fsw & 0x0220).toBe(0x0220);
    const down = run("fsin", ONE, null, 0x037f | (1 << 10));
    expect(down.getState().fsw & 0x0220).toBe(0x0020);
  });
});

describe("x87 transcendentals: special operands", () => {
  it("leaves |x| >= 2^63 in place with C2 set (FSIN, FCOS, FSINCOS, FPTAN)", () => {
    const big = "403e8000000000000000"; // 2^63
    for (const op of ["fsin", "fcos", "fsincos", "fptan"]) {
      const fpu = run(op, big, null);
      const state = fpu.getState();
      expect(formatExtended(state.st[0]), op).toBe(big);
      expect(state.fsw & 0x0400, op).toBe(0x0400);
      expect(state.fsw & 0x3800, `${op} pushed nothing`).toBe(0);
      expect(state.fsw & 0x3f, op).toBe(0);
    }
  });

  it("clears C2 for arguments in range", () => {
    const fpu = fpuWith(["403e8000000000000000"]);
    fpu.execute(0xd9, 0xfe, 0);
    expect(fpu.getState().fsw & 0x0400).toBe(0x0400);
    fpu.execute(0xd9, 0xe8, 0); // FLD1
    fpu.execute(0xd9, 0xfe, 0);
    expect(fpu.getState().fsw & 0x0400).toBe(0);
  });

  it("signed zeros are exact", () => {
    const sin = run("fsin", "80000000000000000000", null);
    expect(st(sin, 0)).toBe("80000000000000000000");
    expect(sin.getState().fsw & 0x3f).toBe(0);
    const cos = run("fcos", "80000000000000000000", null);
    expect(st(cos, 0)).toBe(ONE);
    expect(cos.getState().fsw & 0x3f).toBe(0);
    const tan = run("fptan", "00000000000000000000", null);
    expect([st(tan, 0), st(tan, 1)]).toEqual([ONE, "00000000000000000000"]);
  });

  it("infinity is an invalid operand for the trigonometric functions", () => {
    const fpu = run("fsin", "7fff8000000000000000", null);
    expect(st(fpu, 0)).toBe("ffffc000000000000000");
    expect(fpu.getState().fsw & 0x3f).toBe(0x01);
    const masked = run("fsincos", "ffff8000000000000000", null);
    expect([st(masked, 0), st(masked, 1)]).toEqual(["ffffc000000000000000", "ffffc000000000000000"]);
  });

  it("FSINCOS and FPTAN need an empty ST(7): stack overflow pushes the indefinite", () => {
    const values = Array(8).fill(ONE);
    const fpu = fpuWith(values);
    fpu.execute(0xd9, 0xfb, 0);
    const state = fpu.getState();
    expect(state.fsw & 0x0241).toBe(0x0241); // C1 = 1 (overflow), SF, IE
    expect(formatExtended(state.st[0])).toBe("ffffc000000000000000");
    expect(formatExtended(state.st[1])).toBe("ffffc000000000000000");
  });

  it("FPATAN follows the SDM's table for zeros and infinities", () => {
    const pi = "4000c90fdaa22168c235";
    const cases: Array<[string, string, string]> = [
      // [ST(0) = x, ST(1) = y, atan2(y, x)]
      ["80000000000000000000", "00000000000000000000", pi], // atan2(+0, -0) = +pi
      ["00000000000000000000", "80000000000000000000", "80000000000000000000"], // atan2(-0, +0) = -0
      ["7fff8000000000000000", "ffff8000000000000000", "bffec90fdaa22168c235"], // atan2(-inf, +inf) = -pi/4
      ["ffff8000000000000000", "7fff8000000000000000", "400096cbe3f9990e91a8"], // atan2(+inf, -inf) = 3pi/4
      ["00000000000000000000", "c000c000000000000000", "bfffc90fdaa22168c235"], // atan2(-3, +0) = -pi/2
      ["ffff8000000000000000", "3fff8000000000000000", pi], // atan2(1, -inf) = pi
    ];
    for (const [x, y, expected] of cases) expect(st(run("fpatan", x, y), 0), `atan2(${y}, ${x})`).toBe(expected);
  });

  it("FYL2X: log of zero divides by zero, log of a negative is invalid", () => {
    const zero = run("fyl2x", "00000000000000000000", "40008000000000000000");
    expect(st(zero, 0)).toBe("ffff8000000000000000");
    expect(zero.getState().fsw & 0x3f).toBe(0x04);
    const negative = run("fyl2x", "bfff8000000000000000", "3fff8000000000000000");
    expect(st(negative, 0)).toBe("ffffc000000000000000");
    expect(negative.getState().fsw & 0x3f).toBe(0x01);
    const oneTimesInfinity = run("fyl2x", ONE, "7fff8000000000000000");
    expect(oneTimesInfinity.getState().fsw & 0x3f).toBe(0x01);
  });

  it("F2XM1 of -inf is -1, of +inf is +inf", () => {
    expect(st(run("f2xm1", "ffff8000000000000000", null), 0)).toBe("bfff8000000000000000");
    expect(st(run("f2xm1", "7fff8000000000000000", null), 0)).toBe("7fff8000000000000000");
  });

  it("reports DE for a denormal operand and still computes when DE is masked", () => {
    const fpu = run("fsin", "00000000000000000001", null);
    expect(st(fpu, 0)).toBe("00000000000000000001");
    expect(fpu.getState().fsw & 0x3f).toBe(0x32); // DE, UE, PE
    const unmasked = run("fsin", "00000000000000000001", null, 0x037d);
    expect(unmasked.getState().fsw & 0x80).toBe(0x80);
    expect(st(unmasked, 0)).toBe("00000000000000000001");
  });
});
