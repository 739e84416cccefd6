/** Configuration mechanism #1, the chipset identities, BAR sizing and mapping, and INTx routing. */
import { describe, expect, it } from "vitest";
import type { IrqSink } from "./interfaces";
import { PortBus } from "./io-bus";
import { PciHost } from "./pci";
import { plugChipset } from "./pci-chipset";
import { PciCommand, PciFunction } from "./pci-function";
import { ResetControl } from "./system-control";

class Lines implements IrqSink {
  readonly level = new Map<number, boolean>();
  setIrq(irq: number, level: boolean): void {
    this.level.set(irq, level);
  }
}

function rig() {
  const lines = new Lines();
  const resets: string[] = [];
  const resetControl = new ResetControl({ onReset: (source) => resets.push(source) });
  const host = new PciHost({ irq: lines, resetControl });
  const bus = new PortBus();
  host.attach(bus);
  const chipset = plugChipset(host);
  const address = (dev: number, fn: number, reg: number) => (0x80000000 | (dev << 11) | (fn << 8) | (reg & 0xfc)) >>> 0;
  const read32 = (dev: number, fn: number, reg: number) => {
    bus.out32(0xcf8, address(dev, fn, reg));
    return bus.in32(0xcfc) >>> 0; // shown unsigned
  };
  const read16 = (dev: number, fn: number, reg: number) => {
    bus.out32(0xcf8, address(dev, fn, reg));
    return bus.in16(0xcfc + (reg & 2));
  };
  const read8 = (dev: number, fn: number, reg: number) => {
    bus.out32(0xcf8, address(dev, fn, reg));
    return bus.in8(0xcfc + (reg & 3));
  };
  const write32 = (dev: number, fn: number, reg: number, value: number) => {
    bus.out32(0xcf8, address(dev, fn, reg));
    bus.out32(0xcfc, value);
  };
  const write16 = (dev: number, fn: number, reg: number, value: number) => {
    bus.out32(0xcf8, address(dev, fn, reg));
    bus.out16(0xcfc + (reg & 2), value);
  };
  const write8 = (dev: number, fn: number, reg: number, value: number) => {
    bus.out32(0xcf8, address(dev, fn, reg));
    bus.out8(0xcfc + (reg & 3), value);
  };
  return { lines, resets, resetControl, host, bus, chipset, read32, read16, read8, write32, write16, write8 };
}

/** A NIC-like function: 32 I/O ports, 128 KiB of registers, INTA#. */
function nic() {
  return new PciFunction({
    vendorId: 0x8086,
    deviceId: 0x100e,
    classCode: 0x020000,
    interruptPin: 1,
    bars: [
      { kind: "memory", size: 0x20000 },
      null,
      { kind: "io", size: 0x20 },
    ],
  });
}

describe("PCI configuration mechanism #1", () => {
  it("passes Linux's pci_check_type1 and sanity check", () => {
    const { bus, read16 } = rig();
    bus.out8(0xcfb, 0x01);
    const tmp = bus.in32(0xcf8);
    bus.out32(0xcf8, 0x80000000);
    expect(bus.in32(0xcf8) >>> 0).toBe(0x80000000);
    bus.out32(0xcf8, tmp);
    expect(read16(0, 0, 0x0a)).toBe(0x0600); // PCI_CLASS_BRIDGE_HOST
  });

  it("keeps CONFIG_ADDRESS bits 1-0 and 30-24 at zero", () => {
    const { bus } = rig();
    bus.out32(0xcf8, 0xffffffff);
    expect(bus.in32(0xcf8) >>> 0).toBe(0x80fffffc);
  });

  it("shows a 440FX host bridge at 00:00.0 and a PIIX3 ISA bridge at 00:01.0", () => {
    const { read32, read16, read8 } = rig();
    expect(read32(0, 0, 0)).toBe(0x12378086);
    expect(read32(0, 0, 8) >>> 8).toBe(0x060000);
    expect(read32(1, 0, 0)).toBe(0x70008086);
    expect(read16(1, 0, 0x0a)).toBe(0x0601);
    expect(read8(1, 0, 0x0e)).toBe(0x80); // multifunction
    expect(read32(1, 0, 0x60)).toBe(0x09050b0a); // PIRQRC A-D: IRQ 10, 11, 5, 9
  });

  it("reads all ones for absent functions, other buses and a disabled address", () => {
    const { read32, bus } = rig();
    expect(read32(2, 0, 0)).toBe(0xffffffff);
    expect(read32(1, 1, 0)).toBe(0xffffffff);
    bus.out32(0xcf8, 0x80010000); // bus 1
    expect(bus.in32(0xcfc)).toBe(-1);
    bus.out32(0xcf8, 0x00000000); // enable bit clear
    expect(bus.in32(0xcfc)).toBe(-1);
  });

  it("reaches bytes and words at every data-port offset", () => {
    const { read8, read16, bus } = rig();
    expect([0, 1, 2, 3].map((i) => read8(0, 0, i))).toEqual([0x86, 0x80, 0x37, 0x12]);
    expect(read16(0, 0, 2)).toBe(0x1237);
    bus.out32(0xcf8, 0x80000000);
    expect(bus.in16(0xcfd)).toBe(0x3780); // word at byte 1 of the dword
  });

  it("keeps read-only fields and clears status bits by writing ones", () => {
    const { host, read32, write32, write16, read16 } = rig();
    const f = nic();
    host.plug(f, 3);
    write32(3, 0, 0, 0xffffffff);
    expect(read32(3, 0, 0)).toBe(0x100e8086);
    f.config[7] |= 0x20; // received master abort (bit 13)
    write16(3, 0, 6, 0x2000);
    expect(read16(3, 0, 6) & 0x2000).toBe(0);
    write16(3, 0, 4, 0xffff);
    expect(read16(3, 0, 4)).toBe(0x0547);
  });
});

describe("BARs", () => {
  it("answers the sizing probe: write all ones, read back the size mask and flags", () => {
    const { host, read32, write32 } = rig();
    host.plug(nic(), 3);
    write32(3, 0, 0x10, 0xffffffff);
    expect(read32(3, 0, 0x10)).toBe(0xfffe0000); // 128 KiB, 32-bit, not prefetchable
    write32(3, 0, 0x14, 0xffffffff);
    expect(read32(3, 0, 0x14)).toBe(0); // unimplemented
    write32(3, 0, 0x18, 0xffffffff);
    expect(read32(3, 0, 0x18)).toBe(0xffffffe1); // 32 ports, I/O
    write32(3, 0, 0x30, 0xffffffff);
    expect(read32(3, 0, 0x30)).toBe(0); // no expansion ROM
    const prefetch = new PciFunction({ vendorId: 1, deviceId: 2, classCode: 0x030000, bars: [{ kind: "memory", size: 0x1000000, prefetchable: true }] });
    host.plug(prefetch, 4);
    write32(4, 0, 0x10, 0xffffffff);
    expect(read32(4, 0, 0x10)).toBe(0xff000008);
  });

  it("reports mappings as the command register and the bases change", () => {
    const { host, write32, write16 } = rig();
    const f = nic();
    const events: string[] = [];
    f.onBarMapped = (i, kind, base, size) => events.push(`map ${i} ${kind} ${base.toString(16)} ${size.toString(16)}`);
    f.onBarUnmapped = (i, kind, base) => events.push(`unmap ${i} ${kind} ${base.toString(16)}`);
    host.plug(f, 3);
    write32(3, 0, 0x10, 0xfebc0000);
    write32(3, 0, 0x18, 0xc001);
    expect(events).toEqual([]); // decoding still off
    write16(3, 0, 4, PciCommand.Io | PciCommand.Memory | PciCommand.BusMaster);
    expect(events).toEqual(["map 0 memory febc0000 20000", "map 2 io c000 20"]);
    expect(f.barBase(2)).toBe(0xc000);
    expect(f.busMaster).toBe(true);
    events.length = 0;
    write32(3, 0, 0x18, 0xd000);
    expect(events).toEqual(["unmap 2 io c000", "map 2 io d000 20"]);
    events.length = 0;
    write16(3, 0, 4, PciCommand.Io);
    expect(events).toEqual(["unmap 0 memory febc0000"]);
    expect(f.barBase(0)).toBe(-1);
  });

  it("lets a machine move claimed ports with the callbacks", () => {
    const { host, bus, write32, write16 } = rig();
    const f = nic();
    let claim: ReturnType<PortBus["claim"]> | null = null;
    f.onBarMapped = (_i, kind, base, size) => {
      if (kind === "io") claim = bus.claim("nic-io", base, size, { read8: () => 0x42 });
    };
    f.onBarUnmapped = (_i, kind) => {
      if (kind === "io" && claim !== null) bus.release(claim);
    };
    host.plug(f, 5);
    write32(5, 0, 0x18, 0xe000);
    write16(5, 0, 4, PciCommand.Io);
    expect(bus.in8(0xe010)).toBe(0x42);
    write32(5, 0, 0x18, 0xe100);
    expect(bus.in8(0xe010)).toBe(0xff);
    expect(bus.in8(0xe110)).toBe(0x42);
  });
});

describe("INTx routing", () => {
  it("routes pins through the PIRQ swizzle and reports the IRQ in the interrupt-line register", () => {
    const { host, read8 } = rig();
    const a = nic();
    const b = nic();
    const slotA = host.plug(a, 3); // INTA of device 3 → PIRQD → IRQ 9
    const slotB = host.plug(b, 4); // → PIRQA → IRQ 10
    expect(slotA.irq).toBe(9);
    expect(slotB.irq).toBe(10);
    expect(read8(3, 0, 0x3c)).toBe(9);
    expect(read8(3, 0, 0x3d)).toBe(1);
    expect(read8(4, 0, 0x3c)).toBe(10);
    expect(host.elcrMask).toBe((1 << 10) | (1 << 11) | (1 << 5) | (1 << 9));
  });

  it("drives the routed IRQ as a wired OR, honours the interrupt-disable bit and shows status bit 3", () => {
    const { host, lines, read16, write16 } = rig();
    const a = nic();
    const b = nic();
    host.plug(a, 3); // IRQ 9
    host.plug(b, 7); // INTA of device 7 → PIRQD → IRQ 9 as well
    a.setIntx(true);
    expect(lines.level.get(9)).toBe(true);
    expect(read16(3, 0, 6) & 0x08).toBe(0x08);
    b.setIntx(true);
    a.setIntx(false);
    expect(lines.level.get(9)).toBe(true); // b still asserts
    b.setIntx(false);
    expect(lines.level.get(9)).toBe(false);
    a.setIntx(true);
    write16(3, 0, 4, PciCommand.InterruptDisable);
    expect(lines.level.get(9)).toBe(false);
    expect(read16(3, 0, 6) & 0x08).toBe(0x08);
    write16(3, 0, 4, 0);
    expect(lines.level.get(9)).toBe(true);
  });

  it("refuses a second function at the same address", () => {
    const { host } = rig();
    expect(() => host.plug(nic(), 1)).toThrow(/00:01.0 is taken/);
  });
});

describe("reset control at 0xCF9 behind the host bridge", () => {
  it("resets on RCPU with SRST, as Linux's reboot=pci writes it", () => {
    const { bus, resets, resetControl } = rig();
    bus.out8(0xcf9, 0x02);
    expect(resets).toEqual([]);
    expect(bus.in8(0xcf9)).toBe(0x02);
    bus.out8(0xcf9, 0x06);
    expect(resets).toEqual(["reset-control"]);
    expect(resetControl.lastResetHard).toBe(true);
    // A dword at 0xCF8 is still the address register.
    bus.out32(0xcf8, 0x80000800);
    expect(bus.in32(0xcf8) >>> 0).toBe(0x80000800);
  });
});

describe("PciFunction save/restore", () => {
  it("restores configuration space and reports the mappings again", () => {
    const { host, write32, write16 } = rig();
    const f = nic();
    host.plug(f, 3);
    write32(3, 0, 0x18, 0xc001);
    write16(3, 0, 4, PciCommand.Io);
    const state = JSON.parse(JSON.stringify(f.save()));
    const g = nic();
    const mapped: number[] = [];
    g.onBarMapped = (_i, _k, base) => mapped.push(base);
    g.restore(state);
    expect(mapped).toEqual([0xc000]);
    expect(g.readConfig(4, 2)).toBe(PciCommand.Io);
    expect(() => g.restore({ version: 2 })).toThrow(/PCI function: unsupported state version 2/);
  });
});
