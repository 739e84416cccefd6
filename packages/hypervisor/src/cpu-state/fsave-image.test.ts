/** The FNSAVE image of a full execution context: field places and a round trip. */
import { describe, expect, it } from "vitest";
import type { X87State } from "@xeno86/cpu-x86";
import { decodeFsaveImage, encodeFsaveImage, FSAVE_IMAGE_SIZE } from "./fsave-image";

const STATE: X87State = {
  fcw: 0x037f,
  fsw: 0x3800,
  ftw: 0x0fff,
  st: Array.from({ length: 8 }, (_, r) => Uint8Array.from({ length: 10 }, (_, k) => r * 16 + k)),
  fip: 0xc0001234,
  fcs: 0x0819,
  fdp: 0xc0005678,
  fds: 0x0821,
  fop: 0x5d9,
};

describe("the FNSAVE image", () => {
  it("puts each field where FRSTOR reads it (32-bit protected-mode layout)", () => {
    const view = new DataView(new ArrayBuffer(FSAVE_IMAGE_SIZE + 8));
    encodeFsaveImage(STATE, view, 8);
    expect(view.getUint16(8, true)).toBe(0x037f);
    expect(view.getUint16(8 + 4, true)).toBe(0x3800);
    expect(view.getUint16(8 + 8, true)).toBe(0x0fff);
    expect(view.getUint32(8 + 12, true)).toBe(0xc0001234);
    expect(view.getUint32(8 + 16, true)).toBe((0x5d9 << 16) | 0x0819);
    expect(view.getUint32(8 + 20, true)).toBe(0xc0005678);
    expect(view.getUint16(8 + 24, true)).toBe(0x0821);
    expect(view.getUint8(8 + 28)).toBe(0); // ST(0), byte 0
    expect(view.getUint8(8 + 28 + 7 * 10 + 9)).toBe(7 * 16 + 9); // ST(7), byte 9
  });

  it("decodes what it encodes", () => {
    const view = new DataView(new ArrayBuffer(FSAVE_IMAGE_SIZE));
    encodeFsaveImage(STATE, view, 0);
    expect(decodeFsaveImage(view, 0)).toEqual(STATE);
  });
});
