/**
 * The PCI host bridge's configuration mechanism #1 (PCI Local Bus
 * Specification 3.0, 3.2.2.3.2) and the routing of INTx pins to PIC IRQs.
 *
 * 0xCF8 (32-bit accesses only) is CONFIG_ADDRESS: bit 31 enable, bits 23-16
 * bus, 15-11 device, 10-8 function, 7-2 register; bits 1-0 read as 0. A
 * byte/word/dword access at 0xCFC + n reaches register + n of the addressed
 * function (bus 0 only; absent functions read all ones, writes vanish).
 * Byte accesses to 0xCF9 are the PIIX reset control register, forwarded to
 * a `ResetControl`.
 *
 * INTx routing: like a PIIX with its PIRQ route registers programmed by a
 * BIOS, pin P (1 = INTA#) of device D reaches PIRQ (D + P - 1) mod 4, and
 * PIRQ A-D go to the IRQs given (default 10, 11, 5, 9). The IRQ goes into
 * the function's interrupt-line register when it is plugged in, which is
 * where Linux finds it without a BIOS routing table. Several pins on one
 * PIRQ share the line (wired OR). PCI interrupts are level-triggered: set
 * the PIC's ELCR for `routedIrqs` (`pic.setElcr(host.elcrMask)`).
 */
import type { IrqSink } from "./interfaces";
import type { PortBus } from "./io-bus";
import type { PciDevice, PciSlot } from "./pci-function";
import type { ResetControl } from "./system-control";
import { checkState } from "./state";

export const PCI_CONFIG_ADDRESS = 0xcf8;
export const PCI_CONFIG_DATA = 0xcfc;

export interface PciHostOptions {
  /** Where PIRQ lines go (the PIC). */
  irq?: IrqSink;
  /** IRQs of PIRQ A-D (default 10, 11, 5, 9). */
  pirqIrqs?: readonly [number, number, number, number];
  /** The reset control register behind byte accesses to 0xCF9. */
  resetControl?: ResetControl;
}

export interface PciHostState {
  version: 1;
  address: number;
}

class Slot implements PciSlot {
  level = false;
  constructor(
    private readonly host: PciHost,
    readonly bus: number,
    readonly device: number,
    readonly fn: number,
    readonly irq: number,
    readonly pirq: number,
  ) {}

  setIntx(level: boolean): void {
    if (level === this.level) return;
    this.level = level;
    this.host.pirqChanged(this.pirq, level);
  }
}

export class PciHost {
  /** CONFIG_ADDRESS (a signed 32-bit integer, bit 31 the enable). */
  address = 0;
  private readonly functions: (PciDevice | null)[] = new Array<PciDevice | null>(256).fill(null);
  private readonly irq: IrqSink | null;
  readonly pirqIrqs: readonly [number, number, number, number];
  private readonly resetControl: ResetControl | null;
  /** Asserted pins per PIRQ. */
  private readonly pirqCounts = new Int32Array(4);

  private readonly readAddress8 = (port: number): number => {
    if (port === 0xcf9 && this.resetControl !== null) return this.resetControl.read();
    return 0xff;
  };
  private readonly writeAddress8 = (port: number, value: number): void => {
    if (port === 0xcf9 && this.resetControl !== null) this.resetControl.write(value);
  };
  private readonly readAddress32 = (port: number): number => (port === PCI_CONFIG_ADDRESS ? this.address : -1);
  private readonly writeAddress32 = (port: number, value: number): void => {
    if (port === PCI_CONFIG_ADDRESS) this.address = value & 0x80fffffc;
  };
  private readonly readData8 = (port: number): number => this.dataRead(port, 1);
  private readonly readData16 = (port: number): number => ((port & 3) === 3 ? this.dataRead(port, 1) | 0xff00 : this.dataRead(port, 2));
  private readonly readData32 = (port: number): number => ((port & 3) === 0 ? this.dataRead(port, 4) : this.readData16(port) | (0xffff << 16));
  private readonly writeData8 = (port: number, value: number): void => this.dataWrite(port, 1, value);
  private readonly writeData16 = (port: number, value: number): void => {
    if ((port & 3) === 3) this.dataWrite(port, 1, value & 0xff);
    else this.dataWrite(port, 2, value);
  };
  private readonly writeData32 = (port: number, value: number): void => {
    if ((port & 3) === 0) this.dataWrite(port, 4, value);
    else this.writeData16(port, value & 0xffff);
  };

  constructor(options: PciHostOptions = {}) {
    this.irq = options.irq ?? null;
    this.pirqIrqs = options.pirqIrqs ?? [10, 11, 5, 9];
    this.resetControl = options.resetControl ?? null;
  }

  /** Claims 0xCF8-0xCFF. */
  attach(bus: PortBus): void {
    bus.claim("pci-config-address", PCI_CONFIG_ADDRESS, 4, {
      read8: this.readAddress8,
      write8: this.writeAddress8,
      read16: () => 0xffff,
      write16: () => {},
      read32: this.readAddress32,
      write32: this.writeAddress32,
    });
    bus.claim("pci-config-data", PCI_CONFIG_DATA, 4, {
      read8: this.readData8,
      read16: this.readData16,
      read32: this.readData32,
      write8: this.writeData8,
      write16: this.writeData16,
      write32: this.writeData32,
    });
  }

  /** Plugs `device` in at bus 0, `slot` (0-31), function `fn` (0-7); returns the slot it was given. */
  plug(device: PciDevice, slot: number, fn = 0): PciSlot {
    if (!Number.isInteger(slot) || slot < 0 || slot > 31 || !Number.isInteger(fn) || fn < 0 || fn > 7) {
      throw new RangeError(`PCI address 00:${slot}.${fn} is out of range`);
    }
    const devfn = (slot << 3) | fn;
    if (this.functions[devfn] !== null) throw new Error(`PCI address 00:${hex2(slot)}.${fn} is taken`);
    this.functions[devfn] = device;
    const pin = device.readConfig(0x3d, 1);
    const pirq = pin >= 1 && pin <= 4 ? (slot + pin - 1) & 3 : -1;
    const context = new Slot(this, 0, slot, fn, pirq >= 0 ? this.pirqIrqs[pirq]! : 0xff, pirq);
    device.plugged?.(context);
    return context;
  }

  /** The function at bus 0, `slot`, `fn`, or null. */
  functionAt(slot: number, fn = 0): PciDevice | null {
    return this.functions[((slot & 31) << 3) | (fn & 7)] ?? null;
  }

  /** ELCR bits (bit n = IRQ n) for the IRQs PCI interrupts use: they are level-triggered. */
  get elcrMask(): number {
    let mask = 0;
    for (const irq of this.pirqIrqs) mask |= 1 << irq;
    return mask;
  }

  /** A configuration read as mechanism #1 would do it (bus 0; others read all ones). Dwords are signed. */
  configRead(bus: number, slot: number, fn: number, offset: number, size: 1 | 2 | 4): number {
    const device = bus === 0 ? this.functionAt(slot, fn) : null;
    if (device === null) return size === 1 ? 0xff : size === 2 ? 0xffff : -1;
    return device.readConfig(offset & 0xff, size);
  }

  configWrite(bus: number, slot: number, fn: number, offset: number, size: 1 | 2 | 4, value: number): void {
    const device = bus === 0 ? this.functionAt(slot, fn) : null;
    if (device !== null) device.writeConfig(offset & 0xff, size, value);
  }

  save(): PciHostState {
    return { version: 1, address: this.address };
  }

  restore(state: unknown): void {
    const s = checkState<PciHostState>(state, "PCI host bridge", 1);
    this.address = s.address | 0;
  }

  /** @internal A slot's pin changed level. */
  pirqChanged(pirq: number, level: boolean): void {
    if (pirq < 0) return;
    const before = this.pirqCounts[pirq]! > 0;
    this.pirqCounts[pirq]! += level ? 1 : -1;
    const after = this.pirqCounts[pirq]! > 0;
    if (before !== after && this.irq !== null) this.irq.setIrq(this.pirqIrqs[pirq]!, after);
  }

  private target(): PciDevice | null {
    const address = this.address;
    if ((address & 0x80000000) === 0 || ((address >>> 16) & 0xff) !== 0) return null;
    return this.functions[(address >>> 8) & 0xff]!;
  }

  private dataRead(port: number, size: 1 | 2 | 4): number {
    const device = this.target();
    if (device === null) return size === 1 ? 0xff : size === 2 ? 0xffff : -1;
    return device.readConfig((this.address & 0xfc) | (port & 3), size);
  }

  private dataWrite(port: number, size: 1 | 2 | 4, value: number): void {
    const device = this.target();
    if (device !== null) device.writeConfig((this.address & 0xfc) | (port & 3), size, value);
  }
}

function hex2(value: number): string {
  return value.toString(16).padStart(2, "0");
}
