/** Loaders against hand-built images: layouts the specifications define, and clear errors for malformed files. */
import { describe, expect, it } from "vitest";
import { ImageFormatError, type LoadTarget } from "./boot-entry";
import { loadElf32, parseElf32 } from "./elf";
import { inspectLinuxImage, loadLinux } from "./linux";
import { findMultibootHeader, loadMultiboot } from "./multiboot";

class Ram implements LoadTarget {
  readonly bytes: Uint8Array;
  constructor(readonly ramBytes: number) {
    this.bytes = new Uint8Array(ramBytes);
  }
  writeBytes(address: number, data: Uint8Array): void {
    this.bytes.set(data, address);
  }
  u32(address: number): number {
    return new DataView(this.bytes.buffer).getUint32(address, true);
  }
}

/** A minimal bzImage: 4 setup sectors plus the boot sector, then a protected-mode payload. */
function fakeBzImage(options: { protocol?: number; payload?: number; loadflags?: number } = {}): Uint8Array {
  const setupSectors = 4;
  const payload = options.payload ?? 8192;
  const image = new Uint8Array((setupSectors + 1) * 512 + payload);
  const view = new DataView(image.buffer);
  image[0x1f1] = setupSectors;
  view.setUint16(0x1fe, 0xaa55, true);
  image[0x200] = 0xeb;
  image[0x201] = 0x66; // jump over the header to 0x268
  view.setUint32(0x202, 0x53726448, true);
  view.setUint16(0x206, options.protocol ?? 0x020f, true);
  image[0x211] = options.loadflags ?? 0x01;
  view.setUint32(0x214, 0x100000, true);
  view.setUint32(0x22c, 0x7fffffff, true);
  view.setUint32(0x238, 2047, true);
  view.setUint32(0x260, 0x400000, true);
  image.fill(0x90, (setupSectors + 1) * 512);
  return image;
}

describe("Linux bzImage loader", () => {
  it("builds boot_params with the header, E820 map, command line and initrd, and starts at code32_start", () => {
    const ram = new Ram(64 << 20);
    const initrd = new Uint8Array(10000).fill(7);
    const { entry, initrdAddress } = loadLinux(ram, fakeBzImage(), { commandLine: "console=ttyS0 quiet", initrd });
    expect(entry).toMatchObject({ mode: "protected", eip: 0x100000, codeSelector: 0x10, dataSelector: 0x18 });
    const params = entry.registers.esi!;
    expect(ram.u32(params + 0x202)).toBe(0x53726448);
    expect(ram.bytes[params + 0x210]).toBe(0xff);
    const cmdline = ram.u32(params + 0x228);
    expect(new TextDecoder().decode(ram.bytes.subarray(cmdline, cmdline + 19))).toBe("console=ttyS0 quiet");
    expect(ram.bytes[cmdline + 19]).toBe(0);
    expect(ram.u32(params + 0x218)).toBe(initrdAddress);
    expect(ram.u32(params + 0x21c)).toBe(10000);
    expect(initrdAddress % 4096).toBe(0);
    expect(initrdAddress + 10000).toBeLessThanOrEqual(64 << 20);
    expect(ram.bytes[initrdAddress]).toBe(7);
    expect(ram.bytes[params + 0x1e8]).toBe(4);
    expect(ram.u32(params + 0x2d0 + 3 * 20)).toBe(0x100000);
    expect(ram.u32(params + 0x2d0 + 3 * 20 + 8)).toBe((64 << 20) - 0x100000);
    expect(ram.bytes[0x100000]).toBe(0x90);
    // The GDT has flat code at 0x10 and data at 0x18.
    expect(ram.u32(entry.gdtBase + 0x14)).toBe(0x00cf9a00);
    expect(ram.u32(entry.gdtBase + 0x1c)).toBe(0x00cf9200);
  });

  it("says what is wrong with a bad image", () => {
    expect(() => inspectLinuxImage(new Uint8Array(100))).toThrow(ImageFormatError);
    const noSignature = fakeBzImage();
    noSignature[0x202] = 0;
    expect(() => inspectLinuxImage(noSignature)).toThrow(/HdrS/);
    expect(() => inspectLinuxImage(fakeBzImage({ protocol: 0x0201 }))).toThrow(/too old/);
    expect(() => inspectLinuxImage(fakeBzImage({ loadflags: 0 }))).toThrow(/zImage/);
    expect(() => loadLinux(new Ram(4 << 20), fakeBzImage())).toThrow(/needs \d+ MiB of RAM/);
    expect(() => loadLinux(new Ram(64 << 20), fakeBzImage(), { commandLine: "x".repeat(3000) })).toThrow(/exceeds the kernel's limit/);
    expect(() => loadLinux(new Ram(8 << 20), fakeBzImage(), { initrd: new Uint8Array(6 << 20) })).toThrow(/does not fit/);
  });
});

/** An ELF32 i386 executable with one PT_LOAD segment. */
function fakeElf(paddr: number, code: Uint8Array, memsz = code.length, entry = paddr): Uint8Array {
  const image = new Uint8Array(0x100 + code.length);
  const view = new DataView(image.buffer);
  image.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]);
  view.setUint16(16, 2, true);
  view.setUint16(18, 3, true);
  view.setUint32(24, entry, true);
  view.setUint32(28, 52, true);
  view.setUint16(42, 32, true);
  view.setUint16(44, 1, true);
  view.setUint32(52, 1, true);
  view.setUint32(56, 0x100, true);
  view.setUint32(60, paddr, true);
  view.setUint32(64, paddr, true);
  view.setUint32(68, code.length, true);
  view.setUint32(72, memsz, true);
  image.set(code, 0x100);
  return image;
}

describe("ELF loader", () => {
  it("copies PT_LOAD segments and zero-fills the rest of p_memsz", () => {
    const ram = new Ram(4 << 20);
    ram.bytes.fill(0xee, 0x200000, 0x200010);
    const elf = loadElf32(ram, fakeElf(0x200000, new Uint8Array([1, 2, 3]), 16, 0x200001));
    expect(elf.entry).toBe(0x200001);
    expect(Array.from(ram.bytes.subarray(0x200000, 0x200005))).toEqual([1, 2, 3, 0, 0]);
  });

  it("refuses files that are not 32-bit i386 ELF, with the reason", () => {
    expect(() => parseElf32(new Uint8Array(64))).toThrow(/not an ELF/);
    const wrongMachine = fakeElf(0x1000, new Uint8Array(4));
    wrongMachine[18] = 62;
    expect(() => parseElf32(wrongMachine)).toThrow(/not i386/);
    const truncated = fakeElf(0x1000, new Uint8Array(4)).subarray(0, 0x102);
    expect(() => parseElf32(truncated)).toThrow(/past the end/);
    expect(() => loadElf32(new Ram(1 << 20), fakeElf(0x200000, new Uint8Array(4)))).toThrow(/beyond the machine's/);
  });
});

describe("Multiboot loader", () => {
  function multibootImage(): Uint8Array {
    // Header with the address fields (flag 16): load at 1 MiB, entry at +0x20.
    const image = new Uint8Array(0x200);
    const view = new DataView(image.buffer);
    const flags = 0x00010003;
    view.setUint32(0x40, 0x1badb002, true);
    view.setUint32(0x44, flags, true);
    view.setUint32(0x48, (-(0x1badb002 + flags)) >>> 0, true);
    view.setUint32(0x4c, 0x100040, true); // header_addr
    view.setUint32(0x50, 0x100000, true); // load_addr
    view.setUint32(0x54, 0, true); // load_end: whole file
    view.setUint32(0x58, 0x101000, true); // bss_end
    view.setUint32(0x5c, 0x100020, true); // entry
    image[0x20] = 0xf4;
    return image;
  }

  it("finds the header, loads the image and modules, and fills the information structure", () => {
    const image = multibootImage();
    expect(findMultibootHeader(image)?.offset).toBe(0x40);
    const ram = new Ram(16 << 20);
    const entry = loadMultiboot(ram, image, { commandLine: "demo", modules: [{ bytes: new Uint8Array([9, 9]), commandLine: "mod" }] });
    expect(entry.eip).toBe(0x100020);
    expect(entry.registers.eax).toBe(0x2badb002);
    expect(ram.bytes[0x100020]).toBe(0xf4);
    const info = entry.registers.ebx!;
    expect(ram.u32(info) & 0x4d).toBe(0x4d);
    expect(ram.u32(info + 8)).toBe(((16 << 20) - 0x100000) / 1024);
    expect(ram.u32(info + 20)).toBe(1);
    const module = ram.u32(info + 24);
    const moduleStart = ram.u32(module);
    expect(moduleStart).toBe(0x101000);
    expect(ram.u32(module + 4) - moduleStart).toBe(2);
    const cmdline = ram.u32(info + 16);
    expect(new TextDecoder().decode(ram.bytes.subarray(cmdline, cmdline + 4))).toBe("demo");
  });

  it("refuses an image without a valid header", () => {
    const image = multibootImage();
    image[0x48] ^= 1;
    expect(() => loadMultiboot(new Ram(16 << 20), image)).toThrow(/no valid header/);
  });
});
