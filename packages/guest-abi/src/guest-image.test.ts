import { describe, expect, it } from "vitest";
import { formatGuestDeclarations, GUEST_ABI_VERSION, GUEST_IMAGE_SECTION, parseGuestDeclarations, readGuestDeclarations } from "./guest-image";

describe("__xen_guest declarations", () => {
  it("name the section and the version", () => {
    expect(GUEST_IMAGE_SECTION).toBe("__xen_guest");
    expect(GUEST_ABI_VERSION).toBe("xeno86-1.2");
  });

  it("round-trip", () => {
    const text = "GUEST_OS=demo,XEN_VER=xeno86-1.2,VIRT_BASE=0xC0000000,LOADER=generic";
    expect(parseGuestDeclarations(text)).toEqual({ GUEST_OS: "demo", XEN_VER: "xeno86-1.2", VIRT_BASE: "0xC0000000", LOADER: "generic" });
    expect(formatGuestDeclarations(parseGuestDeclarations(text))).toBe(text);
    expect(parseGuestDeclarations(`${text}\0junk after the NUL`)).toEqual(parseGuestDeclarations(text));
  });

  it("are checked", () => {
    expect(readGuestDeclarations("GUEST_OS=demo,XEN_VER=xeno86-1.2,VIRT_BASE=0xC0000000")).toMatchObject({ guestOs: "demo", xenVersion: "xeno86-1.2", virtBase: 0xc0000000 });
    expect(readGuestDeclarations("LOADER=generic,XEN_VER=xeno86-1.2")).toMatchObject({ loader: "generic", virtBase: undefined });
    expect(() => readGuestDeclarations("GUEST_OS=linux,XEN_VER=xen-3.0")).toThrow(/XEN_VER is "xen-3.0", a xeno86 kernel declares XEN_VER=xeno86-1.2/);
    expect(() => readGuestDeclarations("XEN_VER=xeno86-1.2")).toThrow(/neither GUEST_OS nor LOADER/);
    expect(() => readGuestDeclarations("LOADER=generic,XEN_VER=xeno86-1.2,VIRT_BASE=3221225472")).toThrow(/not a hexadecimal address/);
    expect(() => readGuestDeclarations("LOADER=generic,XEN_VER=xeno86-1.2,VIRT_BASE=0xC0000800")).toThrow(/page-aligned and below 0xFC000000/);
    expect(() => readGuestDeclarations("LOADER=generic,XEN_VER=xeno86-1.2,VIRT_BASE=0xFC000000")).toThrow(/page-aligned/);
  });

  it("refuse what is not KEY=VALUE", () => {
    expect(() => parseGuestDeclarations("GUEST_OS=x,junk")).toThrow(/"junk" is not KEY=VALUE/);
    expect(() => parseGuestDeclarations("=x")).toThrow(/not KEY=VALUE/);
    expect(() => parseGuestDeclarations("A=1,A=2")).toThrow(/A is declared twice/);
    expect(() => formatGuestDeclarations({ A: "b,c" })).toThrow(/cannot be written/);
  });
});
