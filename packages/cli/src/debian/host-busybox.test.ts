import { describe, expect, it } from "vitest";
import { appletNamesFromBinary, i386NativeSupport, tinyI386Executable } from "./host-busybox";
import { makeFakeBusybox } from "./test-fixtures";

describe("native i386 support", () => {
  it("builds a well-formed exit(42) ELF32 executable for the probe", () => {
    const elf = tinyI386Executable();
    expect(elf.subarray(0, 4).toString("latin1")).toBe("\x7fELF");
    expect(elf[4]).toBe(1); // 32-bit
    expect(elf.readUInt16LE(18)).toBe(3); // EM_386
    expect(elf.readUInt32LE(24)).toBe(0x08048000 + 84); // entry at the code
    expect(elf.subarray(84).toString("hex")).toBe("b801000000bb2a000000cd80");
  });

  it("answers with a reason when it cannot run i386 programs", () => {
    const support = i386NativeSupport();
    if (support.ok) expect(support.reason).toBeUndefined();
    else expect(support.reason).toMatch(/\w/);
  });
});

describe("appletNamesFromBinary", () => {
  it("reads busybox's applet name table", () => {
    expect(appletNamesFromBinary(makeFakeBusybox(["acpid", "ash", "cat", "cttyhack", "md5sum", "mount", "setsid", "sh", "sleep", "zcat"]))).toEqual([
      "[",
      "[[",
      "acpid",
      "ash",
      "cat",
      "cttyhack",
      "md5sum",
      "mount",
      "setsid",
      "sh",
      "sleep",
      "zcat",
    ]);
  });

  it("refuses a binary without one", () => {
    expect(() => appletNamesFromBinary(Buffer.from("\x7fELF nothing here"))).toThrow(/applet table/);
  });
});
