/**
 * FADD, FSUB, FMUL, FDIV and FSQRT against an independent oracle: exact
 * rational arithmetic in BigInt (test code only; the FPU itself uses no
 * BigInt), rounded by a separate implementation of the x87 rules: 24/53/64
 * significant bits, four rounding modes, denormal results rounded at the
 * same bit position (extended exponent range), masked overflow to infinity
 * or the largest finite value, underflow flagged when tiny after rounding and
 * inexact, C1 = rounded up. Operands are random normals and denormals over
 * the whole exponent range, weighted toward the edges.
 */
import { describe, expect, it } from "vitest";
import { MemoryHost, parseExtended } from "./memory-host";
import { X87 } from "./x87";

const BIAS = 16383;

interface Value {
  sign: number;
  exp: number; // biased exponent field
  sig: bigint; // 64-bit significand
}

function toHex(v: Value): string {
  return ((v.sign << 15) | v.exp).toString(16).padStart(4, "0") + v.sig.toString(16).padStart(16, "0");
}

/** xorshift32: a deterministic source of test operands. */
class Random {
  constructor(private state: number) {}
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }
  below(n: number): number {
    return this.next() % n;
  }
  significand(): bigint {
    const hi = BigInt(this.next() | 0x80000000) >> 0n;
    const lo = BigInt(this.next());
    // Sometimes few significant bits, to get exact results and ties.
    const v = ((hi & 0xffffffffn) << 32n) | lo;
    const keep = [64, 64, 64, 8, 24, 25, 53, 54][this.below(8)];
    return (v >> BigInt(64 - keep)) << BigInt(64 - keep);
  }
  value(): Value {
    const sign = this.below(2);
    const kind = this.below(10);
    if (kind === 0) {
      // Denormal.
      return { sign, exp: 0, sig: this.significand() >> BigInt(1 + this.below(63)) };
    }
    let exp: number;
    if (kind === 1) exp = 1 + this.below(40); // near the bottom
    else if (kind === 2) exp = 0x7ffe - this.below(40); // near the top
    else if (kind < 6) exp = BIAS - 20 + this.below(40); // moderate
    else exp = 1 + this.below(0x7ffe);
    return { sign, exp, sig: this.significand() };
  }
}

/** An exact value: (-1)^sign * num / den * 2^scale. */
interface Exact {
  sign: number;
  num: bigint;
  den: bigint;
  scale: number;
}

function exactOf(v: Value): Exact {
  return { sign: v.sign, num: v.sig, den: 1n, scale: Math.max(v.exp, 1) - BIAS - 63 };
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** floor(log2(num/den)) for positive num, den. */
function floorLog2(num: bigint, den: bigint): number {
  let e = bitLength(num) - bitLength(den);
  // Adjust so that 2^e <= num/den < 2^(e+1).
  const ge = (k: number) => (k >= 0 ? num >= den << BigInt(k) : num << BigInt(-k) >= den);
  while (!ge(e)) e--;
  while (ge(e + 1)) e++;
  return e;
}

interface Rounded {
  value: Value;
  pe: boolean;
  ue: boolean;
  oe: boolean;
  c1: boolean;
}

/** Rounds an exact nonzero value to p bits with rounding control rc (masked exceptions). */
function round(x: Exact, p: number, rc: number): Rounded {
  const e = floorLog2(x.num, x.den) + x.scale;
  const quantumExp = (ex: number) => Math.max(ex, 1 - BIAS) - (p - 1);
  // M = round(x / 2^q) in the mode; returns [M, inexact, roundedUp].
  const roundAt = (q: number): [bigint, boolean, boolean] => {
    const shift = x.scale - q;
    let num = x.num;
    let den = x.den;
    if (shift >= 0) num <<= BigInt(shift);
    else den <<= BigInt(-shift);
    const floor = num / den;
    const rem = num - floor * den;
    if (rem === 0n) return [floor, false, false];
    let up: boolean;
    if (rc === 0) {
      const twice = rem * 2n;
      up = twice > den || (twice === den && (floor & 1n) === 1n);
    } else if (rc === 1) up = x.sign === 1;
    else if (rc === 2) up = x.sign === 0;
    else up = false;
    return [up ? floor + 1n : floor, true, up];
  };
  const q = quantumExp(e);
  const [m, inexact, up] = roundAt(q);
  // Tininess after rounding: round with an unbounded exponent range.
  const qUnbounded = e - (p - 1);
  const [mu] = roundAt(qUnbounded);
  const tiny = bitLength(mu) - 1 + qUnbounded < 1 - BIAS;
  const resultExp = bitLength(m) - 1 + q; // exponent of the leading bit
  if (m !== 0n && resultExp > BIAS) {
    const toInfinity = rc === 0 || (rc === 2 && x.sign === 0) || (rc === 1 && x.sign === 1);
    if (toInfinity) return { value: { sign: x.sign, exp: 0x7fff, sig: 1n << 63n }, pe: true, ue: false, oe: true, c1: true };
    const max = ((1n << BigInt(p)) - 1n) << BigInt(64 - p);
    return { value: { sign: x.sign, exp: 0x7ffe, sig: max }, pe: true, ue: false, oe: true, c1: false };
  }
  // Encode m * 2^q.
  let value: Value;
  if (m === 0n) value = { sign: x.sign, exp: 0, sig: 0n };
  else if (resultExp < 1 - BIAS) {
    // Denormal: significand = m * 2^(q - (1 - BIAS - 63)).
    value = { sign: x.sign, exp: 0, sig: m << BigInt(q - (1 - BIAS - 63)) };
  } else {
    const bits = bitLength(m);
    value = { sign: x.sign, exp: resultExp + BIAS, sig: m << BigInt(64 - bits) };
  }
  return { value, pe: inexact, ue: inexact && tiny, oe: false, c1: up };
}

function add(a: Exact, b: Exact, negateB: boolean): Exact | null {
  const bs = b.sign ^ (negateB ? 1 : 0);
  const s = Math.min(a.scale, b.scale);
  const an = a.num << BigInt(a.scale - s);
  const bn = b.num << BigInt(b.scale - s);
  const sum = (a.sign ? -an : an) + (bs ? -bn : bn);
  if (sum === 0n) return null;
  return { sign: sum < 0n ? 1 : 0, num: sum < 0n ? -sum : sum, den: 1n, scale: s };
}

function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = 1n << BigInt(Math.ceil(bitLength(n) / 2));
  for (;;) {
    const y = (x + n / x) >> 1n;
    if (y >= x) return x;
    x = y;
  }
}

/** sqrt(a) as a rational with enough bits that rounding is decided: floor(sqrt) plus a sticky half-unit. */
function sqrtExact(a: Exact): Exact {
  // a = num * 2^scale (den = 1). Make scale even and num large.
  let num = a.num;
  let scale = a.scale;
  const extra = 200;
  num <<= BigInt(extra);
  scale -= extra;
  if ((scale & 1) !== 0) {
    num <<= 1n;
    scale -= 1;
  }
  const r = isqrt(num);
  // r <= sqrt(num) < r + 1: represent as r + 1/2 when inexact (a sticky bit far below the rounding point).
  if (r * r === num) return { sign: 0, num: r, den: 1n, scale: scale / 2 };
  return { sign: 0, num: 2n * r + 1n, den: 2n, scale: scale / 2 };
}

function fpuWith(st0: Value, st1: Value, fcw: number): X87 {
  const fpu = new X87(new MemoryHost());
  const st = [toHex(st0), toHex(st1), ...Array(6).fill("00000000000000000000")].map(parseExtended);
  fpu.setState({ fcw, fsw: 0, ftw: 0xfff0, st, fip: 0, fcs: 0, fdp: 0, fds: 0, fop: 0 });
  return fpu;
}

const PRECISION: Record<number, number> = { 0: 24, 2: 53, 3: 64 };
const OPS = ["fadd", "fsub", "fmul", "fdiv", "fsqrt"] as const;
const MODRM = { fadd: 0xc1, fsub: 0xe1, fmul: 0xc9, fdiv: 0xf1, fsqrt: 0xfa } as const;

describe("basic arithmetic against an exact oracle", () => {
  for (const op of OPS) {
    it(`${op}: 3,000 random operand pairs, every PC and RC`, () => {
      const random = new Random(0x9e3779b9 ^ op.length ^ (op.charCodeAt(1) << 8));
      const failures: string[] = [];
      for (let n = 0; n < 3000 && failures.length < 5; n++) {
        const a = random.value();
        const b = random.value();
        if (op === "fsqrt") a.sign = 0;
        if (op === "fdiv" && b.sig === 0n) continue; // division by zero: tested elsewhere
        const pcField = [0, 2, 3][random.below(3)];
        const rc = random.below(4);
        const fcw = 0x007f | (pcField << 8) | (rc << 10);
        const fpu = fpuWith(a, b, fcw);
        fpu.execute(op === "fsqrt" ? 0xd9 : 0xd8, MODRM[op], 0);
        const state = fpu.getState();
        const result = state.st[0];
        let exact: Exact | null;
        const ea = exactOf(a);
        const eb = exactOf(b);
        switch (op) {
          case "fadd":
            exact = a.sig === 0n && b.sig === 0n ? null : add(ea, eb, false);
            break;
          case "fsub":
            exact = a.sig === 0n && b.sig === 0n ? null : add(ea, eb, true);
            break;
          case "fmul":
            exact = { sign: a.sign ^ b.sign, num: ea.num * eb.num, den: 1n, scale: ea.scale + eb.scale };
            break;
          case "fdiv":
            exact = { sign: a.sign ^ b.sign, num: ea.num, den: eb.num, scale: ea.scale - eb.scale };
            break;
          default:
            exact = a.sig === 0n ? null : sqrtExact(ea);
            break;
        }
        let expected: string;
        let flags = 0;
        if (exact === null || exact.num === 0n) {
          let sign: number;
          if (op === "fmul" || op === "fdiv") sign = a.sign ^ b.sign;
          else if (op === "fsqrt") sign = 0;
          else {
            // Zero sums: equal signs keep theirs, otherwise +0 (-0 when rounding down).
            const bSign = op === "fsub" ? b.sign ^ 1 : b.sign;
            const bothZero = a.sig === 0n && b.sig === 0n;
            sign = bothZero && a.sign === bSign ? a.sign : rc === 1 ? 1 : 0;
          }
          expected = sign ? "80000000000000000000" : "00000000000000000000";
        } else {
          const rounded = round(exact, PRECISION[pcField], rc);
          expected = toHex(rounded.value);
          flags = (rounded.pe ? 0x20 : 0) | (rounded.ue ? 0x10 : 0) | (rounded.oe ? 0x08 : 0) | (rounded.c1 ? 0x200 : 0);
        }
        const denormalOperand = a.exp === 0 && a.sig !== 0n ? 2 : op !== "fsqrt" && b.exp === 0 && b.sig !== 0n ? 2 : 0;
        flags |= denormalOperand;
        const actual = ((result[9] << 8) | result[8]).toString(16).padStart(4, "0") + [...result.subarray(0, 8)].reverse().map((x) => x.toString(16).padStart(2, "0")).join("");
        const actualFlags = state.fsw & 0x23f;
        if (actual !== expected || actualFlags !== flags) {
          failures.push(`${toHex(a)} ${op} ${toHex(b)} fcw=${fcw.toString(16)}: got ${actual} flags ${actualFlags.toString(16)}, expected ${expected} flags ${flags.toString(16)}`);
        }
      }
      expect(failures).toEqual([]);
    });
  }
});
