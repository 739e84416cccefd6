import { describe, expect, it, vi } from "vitest";
import { type MmioDevice, PhysicalMemory } from "./physical-memory";

function recordingDevice() {
  const log: string[] = [];
  const device: MmioDevice = {
    read: (offset, size) => {
      log.push(`r${size}@${offset.toString(16)}`);
      return 0x11223344 & (size === 4 ? -1 : (1 << (size * 8)) - 1);
    },
    write: (offset, size, value) => {
      log.push(`w${size}@${offset.toString(16)}=${value.toString(16)}`);
    },
  };
  return { device, log };
}

describe("PhysicalMemory", () => {
  it("reads and writes RAM little-endian at any alignment", () => {
    const m = new PhysicalMemory(1 << 20);
    m.write32(0x1001, 0x11223344);
    expect(m.read8(0x1001)).toBe(0x44);
    expect(m.read16(0x1003)).toBe(0x1122);
    expect(m.read32(0x1001)).toBe(0x11223344);
    m.write16(0x1fff, 0xbeef); // across a page
    expect(m.read16(0x1fff)).toBe(0xbeef);
  });

  it("rejects bad sizes and overlapping ranges with clear errors", () => {
    expect(() => new PhysicalMemory(1000)).toThrow(/multiple of 4096/);
    const m = new PhysicalMemory(1 << 20);
    m.addMmio(0xfec00000, 0x1000, recordingDevice().device);
    expect(() => m.addMmio(0xfec00000, 0x2000, recordingDevice().device)).toThrow(/overlaps/);
    expect(() => m.addRom(0xfec00000, new Uint8Array(16))).toThrow(/overlaps/);
    expect(() => m.addMmio(0x1234, 0x1000, recordingDevice().device)).toThrow(/page aligned/);
  });

  it("sends MMIO accesses to the device with range-relative offsets and sizes", () => {
    const m = new PhysicalMemory(1 << 20);
    const { device, log } = recordingDevice();
    m.addMmio(0xfebf0000, 0x2000, device);
    expect(m.read32(0xfebf0010)).toBe(0x11223344);
    m.write16(0xfebf1002, 0xabcd);
    m.write8(0xfebf0003, 0x7f);
    expect(log).toEqual(["r4@10", "w2@1002=abcd", "w1@3=7f"]);
  });

  it("keeps ROM read-only and reads unmapped space as all ones", () => {
    const m = new PhysicalMemory(1 << 20);
    m.addRom(0xf0000, new Uint8Array([1, 2, 3, 4]));
    m.write8(0xf0000, 99);
    expect(m.read32(0xf0000)).toBe(0x04030201);
    expect(m.read32(0x40000000) >>> 0).toBe(0xffffffff);
    m.write32(0x40000000, 5); // dropped, no error
    expect(m.read8(0x40000000)).toBe(0xff);
  });

  it("tells the code listener when a code page is written, by CPU or DMA", () => {
    const m = new PhysicalMemory(1 << 20);
    const listener = vi.fn();
    m.setCodeWriteListener(listener);
    m.markCodePage(5);
    m.write8(0x5123, 1);
    m.writeBytes(0x4ff0, new Uint8Array(32));
    expect(listener.mock.calls.map((c) => c[0])).toEqual([5, 5]);
    m.write8(0x6000, 1);
    expect(listener).toHaveBeenCalledTimes(2);
  });

  it("logs dirty pages and starts a new round on collection", () => {
    const m = new PhysicalMemory(1 << 20);
    m.startDirtyLog();
    m.write32(0x3000, 1);
    m.writeBytes(0x7ffe, new Uint8Array(4));
    expect(Array.from(m.collectDirtyPages())).toEqual([3, 7, 8]);
    expect(Array.from(m.collectDirtyPages())).toEqual([]);
    m.write8(0x9000, 1);
    expect(Array.from(m.collectDirtyPages())).toEqual([9]);
  });

  it("copies DMA buffers in and out across page boundaries", () => {
    const m = new PhysicalMemory(1 << 20);
    const data = new Uint8Array(5000).map((_, n) => n & 0xff);
    m.writeBytes(0x10ff0, data);
    expect(m.readBytes(0x10ff0, 5000)).toEqual(data);
  });
});
