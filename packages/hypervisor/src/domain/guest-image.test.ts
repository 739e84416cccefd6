/**
 * Kernel images a user might hand the builder, good and bad: each bad one
 * is refused with a message saying what is wrong.
 */
import { describe, expect, it } from "vitest";
import { parseGuestImage } from "./guest-image";
import { elf } from "../test-support/minimal-elf";

describe("guest images", () => {
  it("accepts an ELF32 kernel with a __xen_guest section", () => {
    const image = parseGuestImage(elf());
    expect(image.virtualBase).toBe(0xc0000000);
    expect(image.entry).toBe(0xc0000000);
    expect(image.declarations.GUEST_OS).toBe("test");
  });

  it.each([
    ["no __xen_guest section", elf({ guestSection: null }), /no __xen_guest section/],
    ["another ABI version", elf({ guestSection: "GUEST_OS=x,XEN_VER=xen-3.0" }), /XEN_VER is "xen-3.0"/],
    ["no GUEST_OS or LOADER", elf({ guestSection: "XEN_VER=xeno86-1.2" }), /neither GUEST_OS nor LOADER/],
    ["a pair without =", elf({ guestSection: "GUEST_OS=x,XEN_VER=xeno86-1.2,junk" }), /"junk" is not KEY=VALUE/],
    ["an unaligned VIRT_BASE", elf({ guestSection: "GUEST_OS=x,XEN_VER=xeno86-1.2,VIRT_BASE=0xC0000010" }), /not a page-aligned address/],
    ["a segment in the hypervisor hole", elf({ vaddr: 0xfbfff000, memsz: 0x2000, guestSection: "GUEST_OS=x,XEN_VER=xeno86-1.2" }), /hypervisor's area/],
    ["an entry outside the kernel", elf({ entry: 0xc0100000 }), /entry point 0xc0100000 is outside the kernel/],
    ["a truncated file", elf().subarray(0, 40), /not an ELF file|ELF/],
    ["not an ELF file at all", Uint8Array.from("XenoGues and some text", (c) => c.charCodeAt(0)), /not an ELF file/],
  ])("refuses %s", (_name, bytes, message) => {
    expect(() => parseGuestImage(bytes)).toThrow(message);
  });

  it("refuses section headers that point outside the file", () => {
    const bytes = elf();
    new DataView(bytes.buffer).setUint32(32, 0x7fffff00, true);
    expect(() => parseGuestImage(bytes)).toThrow(/section headers lie outside the file/);
  });
});
