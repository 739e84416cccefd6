import { describe, expect, it } from "vitest";
import { checkGuestDescriptor, isGuestCodeSelector } from "./descriptors";

/** Builds a code/data descriptor's two words. */
function segment(base: number, limit: number, access: number, flags: number): [number, number] {
  const low = ((base & 0xffff) << 16) | (limit & 0xffff);
  const high = ((base >>> 16) & 0xff) | (access << 8) | (limit & 0xf0000) | (flags << 20) | (base & 0xff000000);
  return [low | 0, high | 0];
}

describe("guest descriptors", () => {
  it("accepts the flat ring-1 and ring-3 segments, which end just below 0xFC400000", () => {
    expect(checkGuestDescriptor(...segment(0, 0xfc3ff, 0xba, 0xc))).toBeNull();
    expect(checkGuestDescriptor(...segment(0, 0xfc3ff, 0xf2, 0xc))).toBeNull();
  });

  it("refuses ring 0, system descriptors, and segments reaching the hypervisor", () => {
    expect(checkGuestDescriptor(...segment(0, 0xfffff, 0x9a, 0xc))).toMatch(/DPL-0/);
    expect(checkGuestDescriptor(...segment(0, 0xfc400, 0xba, 0xc))).toMatch(/hypervisor/);
    expect(checkGuestDescriptor(...segment(0xfc000000, 0x0, 0xb2, 0x0))).toBeNull(); // one byte at 0xFC000000: the readable M2P table
    expect(checkGuestDescriptor(...segment(0xfc400000, 0x0, 0xb2, 0x0))).toMatch(/hypervisor/);
    expect(checkGuestDescriptor(...segment(0xff000000, 0xfffff, 0xb2, 0xc))).toMatch(/wraps/);
    expect(checkGuestDescriptor(...segment(0x1000, 0x67, 0xa9, 0))).toMatch(/type 9/); // TSS
    expect(checkGuestDescriptor(...segment(0x1000, 0x67, 0xae, 0))).toMatch(/type 14/); // interrupt gate
    expect(checkGuestDescriptor(...segment(0x1000, 0xffff, 0xb6, 0x4))).toMatch(/wraps/); // expand-down up to 4 GiB
    expect(checkGuestDescriptor(...segment(0, 0xffff, 0xb6, 0x4))).toMatch(/hypervisor/);
  });

  it("accepts not-present entries whatever they hold", () => {
    expect(checkGuestDescriptor(-1, 0xffff7fff | 0)).toBeNull();
  });

  it("checks call gates' targets", () => {
    const gate = (selector: number, dpl = 3) => [((selector << 16) | 0x1000) | 0, (0x8c00 | (dpl << 13)) | 0] as [number, number];
    expect(checkGuestDescriptor(...gate(0x0819))).toBeNull();
    expect(checkGuestDescriptor(...gate(0x0808))).toMatch(/not a guest code selector/);
    expect(checkGuestDescriptor(...gate(0x0811))).toMatch(/not a guest code selector/); // reserved range, RPL 1
    expect(checkGuestDescriptor(...gate(0x0011))).toBeNull();
  });

  it("knows guest code selectors", () => {
    expect(isGuestCodeSelector(0x0819)).toBe(true);
    expect(isGuestCodeSelector(0x0821 + 8)).toBe(false);
    expect(isGuestCodeSelector(0x0011)).toBe(true);
    expect(isGuestCodeSelector(0x0010)).toBe(false);
    expect(isGuestCodeSelector(0x000d)).toBe(true); // LDT, RPL 1
  });
});
