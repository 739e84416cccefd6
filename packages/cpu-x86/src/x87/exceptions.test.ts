/**
 * Unmasked exceptions (which results are stored, ES/B, the wrapped exponent
 * of unmasked overflow/underflow), #MF signalling through pendingException
 * and the no-wait instructions, and #UD for reserved encodings, on the X87
 * alone and inside the CPU.
 */
import { describe, expect, it } from "vitest";
import { ConformanceHarness } from "../conformance/harness";
import type { ConformanceCase } from "../conformance/vector-format";
import { EventKind } from "../interfaces";
import { MemoryHost, formatExtended, parseExtended } from "./memory-host";
import { X87 } from "./x87";

const EMPTY = "00000000000000000000";
const ONE = "3fff8000000000000000";

function fpuWith(values: string[], fcw: number): X87 {
  const fpu = new X87(new MemoryHost());
  let ftw = 0xffff;
  for (let i = 0; i < values.length; i++) ftw &= ~(3 << (2 * i));
  const st = [...values, ...Array(8 - values.length).fill(EMPTY)].map(parseExtended);
  fpu.setState({ fcw, fsw: 0, ftw, st, fip: 0, fcs: 0, fdp: 0, fds: 0, fop: 0 });
  return fpu;
}

const st = (fpu: X87, i: number) => formatExtended(fpu.getState().st[i]);
const fsw = (fpu: X87) => fpu.getState().fsw;

describe("unmasked exceptions on the X87", () => {
  it("zero divide: ZE, ES and B; the destination is not written", () => {
    const fpu = fpuWith([EMPTY, ONE], 0x037b); // ST(0) = +0, ST(1) = 1; ZE unmasked
    fpu.execute(0xdc, 0xf9, 0); // DC F8+i = FDIV ST(i), ST(0): ST(1) = 1 / 0
    expect(fsw(fpu) & 0x80bf).toBe(0x8084);
    expect(fpu.pendingException).toBe(true);
    expect(st(fpu, 1)).toBe(ONE);
  });

  it("masked zero divide delivers infinity without ES", () => {
    const fpu = fpuWith([EMPTY, ONE], 0x037f);
    fpu.execute(0xdc, 0xf9, 0);
    expect(st(fpu, 1)).toBe("7fff8000000000000000");
    expect(fsw(fpu) & 0x80bf).toBe(0x0004);
    expect(fpu.pendingException).toBe(false);
  });

  it("invalid operation: no result and no pop", () => {
    const fpu = fpuWith(["7fff8000000000000000", "ffff8000000000000000"], 0x037e); // +inf, -inf; IE unmasked
    fpu.execute(0xde, 0xc1, 0); // FADDP ST(1), ST(0)
    expect(fsw(fpu) & 0xb8ff).toBe(0x8081); // TOP still 0, IE, ES, B
    expect(st(fpu, 1)).toBe("ffff8000000000000000");
  });

  it("stack overflow unmasked: nothing pushed, C1 = 1", () => {
    const fpu = fpuWith(Array(8).fill(ONE), 0x037e);
    fpu.execute(0xd9, 0xe8, 0); // FLD1
    expect(fsw(fpu)).toBe(0x82c1); // B, ES, SF, IE, C1; TOP 0
  });

  it("stack underflow masked: the indefinite, C1 = 0", () => {
    const fpu = fpuWith([], 0x037f);
    fpu.execute(0xd9, 0xe0, 0); // FCHS on an empty ST(0)
    expect(st(fpu, 0)).toBe("ffffc000000000000000");
    expect(fsw(fpu) & 0x02ff).toBe(0x0041);
  });

  it("overflow unmasked: the result is stored with its exponent reduced by 0x6000", () => {
    const big = "7ffe8000000000000000"; // 2^16383
    const fpu = fpuWith([big, big], 0x0377); // OE unmasked
    fpu.execute(0xd8, 0xc9, 0); // FMUL ST(0), ST(1): 2^32766
    // 2^32766: biased exponent 0xbffd, stored as 0xbffd - 0x6000
    expect(st(fpu, 0)).toBe("5ffd8000000000000000");
    expect(fsw(fpu) & 0x80bf).toBe(0x8088);
  });

  it("overflow masked: infinity, OE PE and C1 (rounded up)", () => {
    const big = "7ffe8000000000000000";
    const fpu = fpuWith([big, big], 0x037f);
    fpu.execute(0xd8, 0xc9, 0);
    expect(st(fpu, 0)).toBe("7fff8000000000000000");
    expect(fsw(fpu) & 0x02bf).toBe(0x0228);
  });

  it("overflow masked toward zero: the largest finite value", () => {
    const big = "7ffe8000000000000000";
    const fpu = fpuWith([big, big], 0x0f7f);
    fpu.execute(0xd8, 0xc9, 0);
    expect(st(fpu, 0)).toBe("7ffeffffffffffffffff");
    expect(fsw(fpu) & 0x02bf).toBe(0x0028);
  });

  it("underflow unmasked: the exponent increased by 0x6000, UE even when exact", () => {
    const tiny = "00018000000000000000"; // 2^-16382
    const half = "3ffe8000000000000000";
    const fpu = fpuWith([tiny, half], 0x036f); // UE unmasked
    fpu.execute(0xd8, 0xc9, 0); // 2^-16383: exact but tiny
    expect(st(fpu, 0)).toBe((0x6000).toString(16) + "8000000000000000");
    expect(fsw(fpu) & 0x80bf).toBe(0x8090);
  });

  it("underflow masked: a denormal, UE only when inexact", () => {
    const tiny = "00018000000000000000";
    const half = "3ffe8000000000000000";
    const exact = fpuWith([tiny, half], 0x037f);
    exact.execute(0xd8, 0xc9, 0);
    expect(st(exact, 0)).toBe("00004000000000000000");
    expect(fsw(exact) & 0x3f).toBe(0);
    const third = "3ffdaaaaaaaaaaaaaaab";
    const inexact = fpuWith([tiny, third], 0x037f);
    inexact.execute(0xd8, 0xc9, 0);
    expect(fsw(inexact) & 0x3f).toBe(0x30);
  });

  it("precision unmasked: the rounded result is stored and ES set", () => {
    const fpu = fpuWith(["4000c000000000000000", ONE], 0x035f); // 3, 1; PE unmasked
    fpu.execute(0xdc, 0xf9, 0); // ST(1) = 1 / 3
    expect(st(fpu, 1)).toBe("3ffdaaaaaaaaaaaaaaab");
    expect(fsw(fpu) & 0x82bf).toBe(0x82a0); // B, C1 (rounded up), ES, PE
  });

  it("denormal operand unmasked: arithmetic stops, FLD m32 still loads", () => {
    const host = new MemoryHost();
    const fpu = new X87(host);
    fpu.execute(0xd9, 0xe8, 0); // FLD1
    host.bytes[0x10] = 1; // the smallest single denormal
    const state = fpu.getState();
    fpu.setState({ ...state, fcw: 0x037d });
    fpu.execute(0xd8, 0x05, 0x10); // FADD m32: DE unmasked
    expect(st(fpu, 0)).toBe(ONE);
    expect(fsw(fpu) & 0xbf).toBe(0x82);
    fpu.execute(0xd9, 0x05, 0x10); // FLD m32
    expect(st(fpu, 0)).toBe("3f6a8000000000000000");
  });

  it("an unmasked overflow on FST m32 stores nothing and reports no PE", () => {
    const fpu = fpuWith(["7ffe8000000000000000"], 0x0377);
    const memory = (fpu.host as MemoryHost).bytes;
    memory.fill(0x55, 0x40, 0x48);
    fpu.execute(0xd9, 0x1d, 0x40); // FSTP m32
    expect(memory.subarray(0x40, 0x44).every((b) => b === 0x55)).toBe(true);
    expect(fsw(fpu) & 0xb8bf).toBe(0x8088); // no pop, OE only
  });

  it("FLDCW that unmasks a pending flag sets ES; masking it again clears ES", () => {
    const fpu = fpuWith([EMPTY, ONE], 0x037f);
    fpu.execute(0xdc, 0xf9, 0); // masked ZE
    const host = fpu.host as MemoryHost;
    host.bytes[0] = 0x7b;
    host.bytes[1] = 0x03;
    fpu.execute(0xd9, 0x2d, 0); // FLDCW 0x037B
    expect(fpu.pendingException).toBe(true);
    expect(fsw(fpu) & 0x8080).toBe(0x8080);
    host.bytes[0] = 0x7f;
    fpu.execute(0xd9, 0x2d, 0); // FLDCW 0x037F
    expect(fpu.pendingException).toBe(false);
  });

  it("FNCLEX clears the flags, ES and B", () => {
    const fpu = fpuWith([EMPTY, ONE], 0x037b);
    fpu.execute(0xdc, 0xf9, 0);
    expect(fpu.pendingException).toBe(true);
    fpu.execute(0xdb, 0xe2, 0);
    expect(fpu.pendingException).toBe(false);
    expect(fsw(fpu) & 0x80ff).toBe(0);
  });

  it("FLDCW keeps bit 6 set and bits 7 and 13-15 clear", () => {
    const fpu = new X87(new MemoryHost());
    const host = fpu.host as MemoryHost;
    host.bytes[0] = 0x80;
    host.bytes[1] = 0xff;
    fpu.execute(0xd9, 0x2d, 0);
    expect(fpu.getState().fcw).toBe(0x1f40);
    fpu.execute(0xd9, 0x3d, 2); // FNSTCW
    expect(host.bytes[2] | (host.bytes[3] << 8)).toBe(0x1f40);
  });
});

describe("which instructions wait", () => {
  const fpu = new X87(new MemoryHost());
  it.each([
    [0xdb, 0xe3, true, "FNINIT"],
    [0xdb, 0xe2, true, "FNCLEX"],
    [0xdf, 0xe0, true, "FNSTSW AX"],
    [0xdd, 0x38, true, "FNSTSW m16"],
    [0xd9, 0x38, true, "FNSTCW"],
    [0xd9, 0x30, true, "FNSTENV"],
    [0xdd, 0x30, true, "FNSAVE"],
    [0xd9, 0xd0, false, "FNOP"],
    [0xd9, 0x28, false, "FLDCW"],
    [0xd9, 0x20, false, "FLDENV"],
    [0xdd, 0x20, false, "FRSTOR"],
    [0xd8, 0xc1, false, "FADD"],
    [0xd9, 0xf8, false, "FPREM"],
  ])("%i %i no-wait = %s (%s)", (opcode, modrm, noWait) => {
    expect(fpu.isNoWait(opcode, modrm)).toBe(noWait);
  });

  it.each([
    [0xd9, 0xd1],
    [0xd9, 0xe2],
    [0xd9, 0xe7],
    [0xd9, 0xef],
    [0xd9, 0x08],
    [0xda, 0xe8],
    [0xda, 0xf0],
    [0xdb, 0xe5],
    [0xdb, 0xf8],
    [0xdb, 0x08],
    [0xdb, 0x20],
    [0xdd, 0xf0],
    [0xdd, 0x28],
    [0xde, 0xd8],
    [0xdf, 0xe1],
    [0xdf, 0xf8],
    [0xdf, 0x08],
  ])("reserved encoding %i %i is refused and changes nothing", (opcode, modrm) => {
    const x87 = fpuWith([ONE], 0x037f);
    const before = x87.getState();
    expect(x87.execute(opcode, modrm, 0)).toBe(false);
    expect(x87.getState()).toEqual(before);
  });
});

/** A corpus-style case: code at 0x10000, FPU loaded as by FRSTOR. */
function cpuCase(code: string, fpu: { fcw: number; fsw: number; ftw: number; st: string[] }): ConformanceCase {
  const toLe = (hex: string) => formatLittleEndian(parseExtended(hex));
  return {
    name: "x87 unit",
    code,
    init: {
      regs: { eax: 0, ecx: 0, edx: 0, ebx: 0, esp: 0x28800, ebp: 0, esi: 0, edi: 0 },
      eflags: 0x202,
      mem: [],
      fpu: { ...fpu, st: fpu.st.map(toLe) },
    },
    final: { regs: { eax: 0, ecx: 0, edx: 0, ebx: 0, esp: 0x28800, ebp: 0, esi: 0, edi: 0 }, eip: 0, eflags: 0, flagsMask: 0, memChanged: [] },
  };
}

function formatLittleEndian(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

describe("#MF and #UD inside the CPU", () => {
  for (const jit of [false, true]) {
    const harness = new ConformanceHarness(jit ? { jit: true, jitThreshold: 1 } : { jit: false });
    const mode = jit ? "compiled" : "interpreted";
    const loaded = { fcw: 0x037b, fsw: 0x3000, ftw: 0x0fff, st: [EMPTY, ONE, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY, EMPTY] };

    it(`${mode}: the next waiting FPU instruction raises #MF (CR0.NE = 1)`, () => {
      // FDIV ST(1), ST(0) (1/0, ZE unmasked); FLD1 -> #MF at the FLD1
      harness.run(cpuCase("dcf9d9e8", loaded));
      const info = harness.cpu.exitInfo;
      expect(info.vector).toBe(16);
      expect(info.eip >>> 0).toBe(0x10002);
      expect(harness.cpu.fpu.pendingException).toBe(true);
    });

    it(`${mode}: FWAIT raises #MF too`, () => {
      harness.run(cpuCase("dcf99b", loaded));
      expect(harness.cpu.exitInfo.vector).toBe(16);
      expect(harness.cpu.exitInfo.eip >>> 0).toBe(0x10002);
    });

    it(`${mode}: no-wait instructions proceed: FNSTSW AX, FNCLEX, then waiting ones run`, () => {
      harness.run(cpuCase("dcf9dfe0dbe2d9e8", loaded));
      const info = harness.cpu.exitInfo;
      expect(info.vector).toBe(3);
      expect(info.kind).toBe(EventKind.Software);
      expect(harness.cpu.r32[0] & 0xffff).toBe(0xb084); // AX = FSW with ES, B, ZE
      expect(harness.cpu.fpu.pendingException).toBe(false);
    });

    it(`${mode}: a reserved encoding raises #UD`, () => {
      harness.run(cpuCase("d9d1", loaded));
      expect(harness.cpu.exitInfo.vector).toBe(6);
      expect(harness.cpu.exitInfo.eip >>> 0).toBe(0x10000);
    });
  }
});
