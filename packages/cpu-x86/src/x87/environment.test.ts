/**
 * FNSTENV/FLDENV and FNSAVE/FRSTOR images in the four formats (32/16-bit
 * operand size x protected/real mode), the pointers they carry, and the
 * rule that a faulting image access leaves the FPU unchanged.
 */
import { describe, expect, it } from "vitest";
import { MemoryHost, MemoryHostFault, formatExtended } from "./memory-host";
import { X87 } from "./x87";

const IMAGE = 0x2000;

function words32(host: MemoryHost, at: number, count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const a = at + 4 * i;
    const b = host.bytes;
    out.push((b[a] | (b[a + 1] << 8) | (b[a + 2] << 16) | (b[a + 3] << 24)) >>> 0);
  }
  return out;
}

function words16(host: MemoryHost, at: number, count: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(host.bytes[at + 2 * i] | (host.bytes[at + 2 * i + 1] << 8));
  return out;
}

/**
 * A machine state with known pointers: FLDCW 0x0360 (some exceptions
 * unmasked), FLD m64 (2.5) at CS:EIP = cs:ip1 with the operand at ds:0x0456,
 * then FLD1 at cs:ip2. FIP/FOP then name FLD1 (DD 05 -> D9 E8), FDP the double.
 */
function prepared(protectedMode: boolean, operandSize32: boolean) {
  const host = new MemoryHost();
  const fpu = new X87(host);
  const context = fpu.context;
  context.protectedMode = protectedMode;
  context.operandSize32 = operandSize32;
  context.cs = protectedMode ? 0x001b : 0x1000;
  context.dataSelector = protectedMode ? 0x0023 : 0x2000;
  host.bytes[0x100] = 0x60;
  host.bytes[0x101] = 0x03;
  fpu.execute(0xd9, 0x2d, 0x100); // FLDCW [0x100]
  // 2.5 as a double at 0x108.
  new DataView(host.bytes.buffer).setFloat64(0x108, 2.5, true);
  context.eip = 0x0123;
  context.dataOffset = 0x0456;
  fpu.execute(0xdd, 0x05, 0x108); // FLD m64
  context.eip = 0x0129;
  context.dataOffset = 0x9999; // a register form must not change FDP
  fpu.execute(0xd9, 0xe8, 0); // FLD1
  return { host, fpu };
}

describe("FNSTENV layouts", () => {
  it("32-bit protected mode: 28 bytes, offsets and selectors, reserved halves all ones", () => {
    const { host, fpu } = prepared(true, true);
    fpu.execute(0xd9, 0x35, IMAGE); // FNSTENV
    expect(words32(host, IMAGE, 7)).toEqual([
      0xffff0360, // FCW
      0xffff3000, // FSW: TOP = 6
      0xffff0fff, // FTW: physical 6 and 7 valid, the rest empty
      0x00000123 + 6, // FIP: FLD1
      (0x01e8 << 16) | 0x001b, // FOP (D9 E8 -> 1E8) and FCS
      0x00000456, // FDP: the FLD m64 operand
      0xffff0023, // FDS
    ]);
    expect(host.bytes[IMAGE + 28]).toBe(0);
    expect(fpu.getState().fcw).toBe(0x037f); // all exceptions masked afterwards
  });

  it("32-bit real mode: linear pointers split into 16 + 16 bits", () => {
    const { host, fpu } = prepared(false, true);
    fpu.execute(0xd9, 0x35, IMAGE);
    const ip = 0x10000 + 0x0129;
    const dp = 0x20000 + 0x0456;
    expect(words32(host, IMAGE, 7)).toEqual([
      0xffff0360,
      0xffff3000,
      0xffff0fff,
      (0xffff0000 | (ip & 0xffff)) >>> 0,
      ((ip >>> 16) << 12) | 0x01e8,
      (0xffff0000 | (dp & 0xffff)) >>> 0,
      (dp >>> 16) << 12,
    ]);
  });

  it("16-bit protected mode: 14 bytes", () => {
    const { host, fpu } = prepared(true, false);
    fpu.execute(0xd9, 0x35, IMAGE);
    expect(words16(host, IMAGE, 7)).toEqual([0x0360, 0x3000, 0x0fff, 0x0129, 0x001b, 0x0456, 0x0023]);
    expect(host.bytes[IMAGE + 14]).toBe(0);
  });

  it("16-bit real mode: 20-bit linear pointers, opcode beside FIP bits 19-16", () => {
    const { host, fpu } = prepared(false, false);
    fpu.execute(0xd9, 0x35, IMAGE);
    expect(words16(host, IMAGE, 7)).toEqual([0x0360, 0x3000, 0x0fff, 0x0129, (0x1 << 12) | 0x01e8, 0x0456, 0x2 << 12]);
  });

  it("tags distinguish valid, zero, special and empty", () => {
    const fpu = new X87(new MemoryHost());
    const host = fpu.host as MemoryHost;
    fpu.execute(0xd9, 0xe8, 0); // FLD1: valid
    fpu.execute(0xd9, 0xee, 0); // FLDZ: zero
    fpu.execute(0xd9, 0xee, 0);
    fpu.execute(0xde, 0xf9, 0); // FDIVP: 0/0 -> indefinite: special
    fpu.execute(0xd9, 0x35, IMAGE);
    // ST(0) = physical 6 special (2), physical 7 valid (0), physical 0-5 empty
    expect(words32(host, IMAGE, 3)[2] & 0xffff).toBe(0x2fff);
  });
});

describe("FNSAVE / FRSTOR", () => {
  for (const protectedMode of [true, false]) {
    for (const operandSize32 of [true, false]) {
      const size = operandSize32 ? 108 : 94;
      const name = `${operandSize32 ? 32 : 16}-bit ${protectedMode ? "protected" : "real"} mode`;
      it(`${name}: ${size}-byte image, FNINIT afterwards, FRSTOR restores it`, () => {
        const { host, fpu } = prepared(protectedMode, operandSize32);
        const before = fpu.getState();
        host.bytes.fill(0xaa, IMAGE, IMAGE + 200);
        fpu.execute(0xdd, 0x35, IMAGE); // FNSAVE
        expect(host.bytes[IMAGE + size - 1]).not.toBe(0xaa);
        expect(host.bytes[IMAGE + size]).toBe(0xaa);
        // The registers follow the environment in stack order.
        const envSize = operandSize32 ? 28 : 14;
        expect(formatExtended(host.bytes.subarray(IMAGE + envSize, IMAGE + envSize + 10))).toBe("3fff8000000000000000");
        expect(formatExtended(host.bytes.subarray(IMAGE + envSize + 10, IMAGE + envSize + 20))).toBe("4000a000000000000000");
        // FNINIT state, register contents kept.
        const after = fpu.getState();
        expect([after.fcw, after.fsw, after.ftw, after.fip, after.fdp, after.fop]).toEqual([0x037f, 0, 0xffff, 0, 0, 0]);
        expect(formatExtended(after.st[6])).toBe("3fff8000000000000000");
        // FRSTOR and a second FNSAVE give the same bytes.
        const first = host.bytes.slice(IMAGE, IMAGE + size);
        fpu.execute(0xdd, 0x25, IMAGE); // FRSTOR
        const restored = fpu.getState();
        expect([restored.fcw, restored.fsw, restored.ftw]).toEqual([before.fcw, before.fsw, before.ftw]);
        // The 16-bit protected-mode image has no opcode field.
        expect(restored.fop).toBe(protectedMode && !operandSize32 ? 0 : before.fop);
        expect(restored.st.map(formatExtended)).toEqual(before.st.map(formatExtended));
        if (protectedMode) {
          expect([restored.fip, restored.fcs, restored.fdp, restored.fds]).toEqual([before.fip, before.fcs, before.fdp, before.fds]);
        }
        fpu.execute(0xdd, 0x35, IMAGE + 0x200);
        expect(host.bytes.slice(IMAGE + 0x200, IMAGE + 0x200 + size)).toEqual(first);
      });
    }
  }

  it("FLDENV keeps only 'empty' from the tag word and recomputes ES from the flags and masks", () => {
    const fpu = new X87(new MemoryHost());
    const host = fpu.host as MemoryHost;
    fpu.execute(0xd9, 0xe8, 0); // FLD1 in physical 7
    fpu.execute(0xd9, 0x35, IMAGE);
    const view = new DataView(host.bytes.buffer);
    view.setUint16(IMAGE, 0x037b, true); // ZE unmasked
    view.setUint16(IMAGE + 4, 0x3804, true); // TOP = 7, ZE pending, ES clear in the image
    view.setUint16(IMAGE + 8, 0x3fff, true); // claims physical 7 is valid (00), 6 is "zero" (01)... only empty counts
    fpu.execute(0xd9, 0x25, IMAGE); // FLDENV
    const state = fpu.getState();
    expect(state.fsw).toBe(0xb884); // ES and B set: the pending ZE is unmasked
    expect(fpu.pendingException).toBe(true);
    expect(state.ftw).toBe(0x3fff); // physical 7 non-empty and valid (1.0); physical 6 empty was 11 -> stays
  });
});

describe("faults leave the FPU unchanged", () => {
  it("FNSAVE into a faulting range writes nothing and does not reinitialize", () => {
    const { host, fpu } = prepared(true, true);
    host.faultAbove = IMAGE + 100; // the 108-byte image does not fit
    const before = fpu.getState();
    expect(() => fpu.execute(0xdd, 0x35, IMAGE)).toThrow(MemoryHostFault);
    expect(fpu.getState()).toEqual(before);
    expect(host.bytes.subarray(IMAGE, IMAGE + 100).every((b) => b === 0)).toBe(true);
  });

  it("FNSTENV into a faulting range writes nothing and keeps the masks", () => {
    const { host, fpu } = prepared(true, true);
    host.faultAbove = IMAGE + 27;
    expect(() => fpu.execute(0xd9, 0x35, IMAGE)).toThrow(MemoryHostFault);
    expect(fpu.getState().fcw).toBe(0x0360);
  });

  it("FRSTOR from a faulting range changes nothing", () => {
    const { host, fpu } = prepared(true, true);
    fpu.execute(0xdd, 0x35, IMAGE); // FNSAVE (now FNINIT state)
    const before = fpu.getState();
    host.faultAbove = IMAGE + 100;
    expect(() => fpu.execute(0xdd, 0x25, IMAGE)).toThrow(MemoryHostFault);
    expect(fpu.getState()).toEqual(before);
  });

  it("FSTP m64 and FSTP m80 across the fault boundary neither store nor pop", () => {
    const { host, fpu } = prepared(true, true);
    const before = fpu.getState();
    host.faultAbove = IMAGE + 6;
    expect(() => fpu.execute(0xdd, 0x1d, IMAGE)).toThrow(MemoryHostFault); // FSTP m64
    expect(() => fpu.execute(0xdb, 0x3d, IMAGE)).toThrow(MemoryHostFault); // FSTP m80
    expect(fpu.getState()).toEqual(before);
    expect(host.bytes.subarray(IMAGE, IMAGE + 6).every((b) => b === 0)).toBe(true);
  });

  it("a faulting load changes nothing", () => {
    const { host, fpu } = prepared(true, true);
    const before = fpu.getState();
    host.faultAbove = IMAGE + 8;
    expect(() => fpu.execute(0xdb, 0x2d, IMAGE)).toThrow(MemoryHostFault); // FLD m80
    expect(() => fpu.execute(0xdc, 0x05, IMAGE + 4)).toThrow(MemoryHostFault); // FADD m64
    expect(fpu.getState()).toEqual(before);
  });
});
