import { describe, expect, it } from "vitest";
import { PortBus } from "./io-bus";

describe("PortBus", () => {
  it("reads all ones from unclaimed ports at every width and ignores writes", () => {
    const bus = new PortBus();
    expect(bus.in8(0x1234)).toBe(0xff);
    expect(bus.in16(0x1234)).toBe(0xffff);
    expect(bus.in32(0x1234)).toBe(-1); // dwords are signed 32-bit integers
    bus.out32(0x1234, 0);
    expect(bus.in8(0x1234)).toBe(0xff);
  });

  it("reports the first access to each unknown port once", () => {
    const seen: [number, boolean, number][] = [];
    const bus = new PortBus({ onUnknownPort: (port, write, value) => seen.push([port, write, value]) });
    bus.in8(0x300);
    bus.in8(0x300);
    bus.out8(0x301, 0x5a);
    bus.out8(0x301, 0x5b);
    bus.in16(0x310);
    expect(seen).toEqual([
      [0x300, false, -1],
      [0x301, true, 0x5a],
      [0x310, false, -1],
      [0x311, false, -1],
    ]);
  });

  it("splits wide accesses to a byte-only device little-endian", () => {
    const bus = new PortBus();
    const regs = new Uint8Array(4);
    const writes: [number, number][] = [];
    bus.claim("regs", 0x100, 4, {
      read8: (port) => regs[port - 0x100]!,
      write8: (port, value) => {
        writes.push([port, value]);
        regs[port - 0x100] = value;
      },
    });
    bus.out32(0x100, 0x11223344);
    expect(writes).toEqual([
      [0x100, 0x44],
      [0x101, 0x33],
      [0x102, 0x22],
      [0x103, 0x11],
    ]);
    expect(bus.in16(0x101)).toBe(0x2233);
    expect(bus.in32(0x100)).toBe(0x11223344);
    // A dword at 0x102 reaches past the device: the unclaimed bytes read 0xFF.
    expect(bus.in32(0x102) >>> 0).toBe(0xffff1122);
    regs[3] = 0x80;
    expect(bus.in32(0x100)).toBe(0x80223344 | 0); // signed
  });

  it("keeps a device's 16-bit handler when a 32-bit access is split", () => {
    const bus = new PortBus();
    const calls: string[] = [];
    bus.claim("wide", 0x200, 4, {
      read8: () => 0,
      read16: (port) => {
        calls.push(`r16 ${port.toString(16)}`);
        return port === 0x200 ? 0xbeef : 0xdead;
      },
      write16: (port, value) => calls.push(`w16 ${port.toString(16)}=${value.toString(16)}`),
    });
    expect(bus.in32(0x200) >>> 0).toBe(0xdeadbeef);
    bus.out32(0x200, 0x12345678);
    expect(calls).toEqual(["r16 200", "r16 202", "w16 200=5678", "w16 202=1234"]);
  });

  it("uses a device's own 32-bit handlers without splitting", () => {
    const bus = new PortBus();
    let last = 0;
    bus.claim("dword", 0xcfc, 4, {
      read32: () => 0xcafef00d | 0,
      write32: (_port, value) => {
        last = value;
      },
    });
    expect(bus.in32(0xcfc) >>> 0).toBe(0xcafef00d);
    bus.out32(0xcfc, 0xffffffff);
    expect(last).toBe(-1);
  });

  it("refuses overlapping claims with a message naming both devices", () => {
    const bus = new PortBus();
    bus.claim("uart", 0x3f8, 8, { read8: () => 0 });
    expect(() => bus.claim("other", 0x3fc, 2, { read8: () => 0 })).toThrow(
      'cannot claim ports 0x03fc-0x03fd for "other": port 0x03fc belongs to "uart" (0x03f8-0x03ff)',
    );
    expect(() => bus.claim("bad", 0xfffe, 4, {})).toThrow(/outside/);
    expect(bus.ownerOf(0x3fa)).toBe("uart");
  });

  it("releases a claim so the ports can move", () => {
    const bus = new PortBus();
    const claim = bus.claim("bar", 0xc000, 0x20, { read8: () => 0x12 });
    expect(bus.in8(0xc010)).toBe(0x12);
    bus.release(claim);
    expect(bus.in8(0xc010)).toBe(0xff);
    expect(bus.ownerOf(0xc010)).toBeNull();
    bus.claim("bar", 0xc000, 0x20, { read8: () => 0x34 });
    expect(bus.in8(0xc000)).toBe(0x34);
    expect(() => bus.release(claim)).toThrow(/not claimed/);
    expect(bus.claims().map((c) => c.name)).toEqual(["bar"]);
  });
});
