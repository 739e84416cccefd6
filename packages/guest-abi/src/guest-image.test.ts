import { describe, expect, it } from "vitest";
import { formatGuestDeclarations, parseGuestDeclarations } from "./guest-image";

describe("__xen_guest declarations", () => {
  it("round-trip", () => {
    const text = "GUEST_OS=demo,XEN_VER=xeno86-1.2,VIRT_BASE=0xC0000000,LOADER=generic";
    expect(parseGuestDeclarations(text)).toEqual({ GUEST_OS: "demo", XEN_VER: "xeno86-1.2", VIRT_BASE: "0xC0000000", LOADER: "generic" });
    expect(formatGuestDeclarations(parseGuestDeclarations(text))).toBe(text);
  });

  it("refuse what is not KEY=VALUE", () => {
    expect(() => parseGuestDeclarations("GUEST_OS=x,junk")).toThrow(/"junk" is not KEY=VALUE/);
    expect(() => parseGuestDeclarations("=x")).toThrow(/not KEY=VALUE/);
    expect(() => formatGuestDeclarations({ A: "b,c" })).toThrow(/cannot be written/);
  });
});
