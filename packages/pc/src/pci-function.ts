/**
 * A PCI function as the host bridge sees it (`PciDevice`), and a ready-made
 * type-0 configuration space (`PciFunction`) that device models (NICs) build
 * on: 256 bytes with a write mask per byte and write-one-to-clear status
 * bits, six base address registers with size probing, the command register's
 * decode enables, and the interrupt pin and line.
 *
 * BARs (PCI Local Bus Specification 3.0, 6.2.5.1): an I/O BAR reads bit 0 = 1
 * and decodes `size` bytes (a power of two, at least 4); a memory BAR reads
 * bits 2-1 = 00 (32-bit), bit 3 = prefetchable, and decodes `size` bytes (a
 * power of two, at least 16). The address bits below the size are hardwired
 * to 0, so writing all ones and reading back gives ~(size - 1) | flags, from
 * which software computes the size. A BAR decodes when the command register
 * enables its space (bit 0 I/O, bit 1 memory) and its base is not 0;
 * `onBarMapped`/`onBarUnmapped` report every change of what decodes where,
 * so the machine can claim the ports or map the MMIO range.
 */
import { checkState, arrayToBytes, bytesToArray } from "./state";

/** The slot a host bridge gives a plugged-in function. */
export interface PciSlot {
  readonly bus: number;
  readonly device: number;
  readonly fn: number;
  /** The PIC IRQ the function's interrupt pin is routed to (0xFF: none). */
  readonly irq: number;
  /** Drives the function's INTx pin. */
  setIntx(level: boolean): void;
}

/** What the host bridge needs from a PCI function. */
export interface PciDevice {
  /** Reads `size` bytes at `offset`; the access never crosses a dword (`(offset & 3) + size <= 4`). Dwords are signed 32-bit integers. */
  readConfig(offset: number, size: 1 | 2 | 4): number;
  /** Writes `size` bytes at `offset` (same alignment rule). */
  writeConfig(offset: number, size: 1 | 2 | 4, value: number): void;
  /** Called once when the function is plugged into a host bridge. */
  plugged?(slot: PciSlot): void;
}

export type BarKind = "io" | "memory";

export interface BarDefinition {
  kind: BarKind;
  /** Bytes decoded: a power of two, at least 4 (I/O) or 16 (memory). */
  size: number;
  prefetchable?: boolean;
}

/** Configuration space offsets of the type-0 header. */
export const PciConfig = {
  VendorId: 0x00,
  DeviceId: 0x02,
  Command: 0x04,
  Status: 0x06,
  Revision: 0x08,
  ProgIf: 0x09,
  Subclass: 0x0a,
  Class: 0x0b,
  CacheLineSize: 0x0c,
  LatencyTimer: 0x0d,
  HeaderType: 0x0e,
  Bist: 0x0f,
  Bar0: 0x10,
  SubsystemVendorId: 0x2c,
  SubsystemId: 0x2e,
  ExpansionRom: 0x30,
  CapabilitiesPointer: 0x34,
  InterruptLine: 0x3c,
  InterruptPin: 0x3d,
  MinGrant: 0x3e,
  MaxLatency: 0x3f,
} as const;

export const PciCommand = {
  Io: 0x0001,
  Memory: 0x0002,
  BusMaster: 0x0004,
  ParityError: 0x0040,
  Serr: 0x0100,
  InterruptDisable: 0x0400,
} as const;

/** Status bit 3: the function's interrupt is asserted (before the disable bit). */
export const PCI_STATUS_INTERRUPT = 0x0008;

export interface PciFunctionOptions {
  vendorId: number;
  deviceId: number;
  /** Class, subclass and programming interface: 0xCCSSPP. */
  classCode: number;
  revision?: number;
  subsystemVendorId?: number;
  subsystemId?: number;
  /** Header type bit 7: more functions at this device number. */
  multifunction?: boolean;
  /** 0 = no interrupt, 1-4 = INTA#-INTD#. */
  interruptPin?: number;
  /** Up to six BARs (null for an unimplemented one). */
  bars?: readonly (BarDefinition | null)[];
  /** Command bits the function implements (default I/O, memory, bus master, parity, SERR, interrupt disable). */
  commandMask?: number;
  /** Status at reset (default 0x0200: medium DEVSEL timing). */
  status?: number;
}

export interface PciFunctionState {
  version: 1;
  config: number[];
  intx: boolean;
}

export class PciFunction implements PciDevice {
  readonly config = new Uint8Array(256);
  /** Bits the guest may write, per byte. */
  readonly writeMask = new Uint8Array(256);
  /** Bits that a written 1 clears, per byte (status errors). */
  readonly clearMask = new Uint8Array(256);
  readonly bars: readonly (BarDefinition | null)[];
  /** Called when BAR `index` starts decoding at `base`. */
  onBarMapped: ((index: number, kind: BarKind, base: number, size: number) => void) | null = null;
  /** Called when BAR `index` stops decoding at `base`. */
  onBarUnmapped: ((index: number, kind: BarKind, base: number, size: number) => void) | null = null;
  /** Called after the generic handling of a configuration write (device-specific registers). */
  onConfigWrite: ((offset: number, size: 1 | 2 | 4, value: number) => void) | null = null;
  private slot: PciSlot | null = null;
  private intx = false;
  /** The decoded base of each BAR (-1: not decoding). */
  private readonly mapped = new Float64Array(6).fill(-1);

  constructor(options: PciFunctionOptions) {
    const c = this.config;
    this.set16(PciConfig.VendorId, options.vendorId);
    this.set16(PciConfig.DeviceId, options.deviceId);
    c[PciConfig.Revision] = options.revision ?? 0;
    c[PciConfig.ProgIf] = options.classCode & 0xff;
    c[PciConfig.Subclass] = (options.classCode >> 8) & 0xff;
    c[PciConfig.Class] = (options.classCode >> 16) & 0xff;
    c[PciConfig.HeaderType] = options.multifunction ? 0x80 : 0;
    this.set16(PciConfig.SubsystemVendorId, options.subsystemVendorId ?? 0);
    this.set16(PciConfig.SubsystemId, options.subsystemId ?? 0);
    this.set16(PciConfig.Status, options.status ?? 0x0200);
    c[PciConfig.InterruptPin] = options.interruptPin ?? 0;
    c[PciConfig.InterruptLine] = 0xff;

    const command = options.commandMask ?? 0x0547;
    this.writeMask[PciConfig.Command] = command & 0xff;
    this.writeMask[PciConfig.Command + 1] = (command >> 8) & 0xff;
    this.clearMask[PciConfig.Status + 1] = 0xf9; // parity, signalled/received aborts, SERR (bits 15-11, 8)
    this.writeMask[PciConfig.CacheLineSize] = 0xff;
    this.writeMask[PciConfig.LatencyTimer] = 0xff;
    this.writeMask[PciConfig.InterruptLine] = 0xff;

    const bars = options.bars ?? [];
    if (bars.length > 6) throw new RangeError("a type-0 function has at most six BARs");
    this.bars = bars;
    for (let i = 0; i < bars.length; i++) {
      const bar = bars[i];
      if (!bar) continue;
      const min = bar.kind === "io" ? 4 : 16;
      if (bar.size < min || (bar.size & (bar.size - 1)) !== 0 || bar.size > 0x80000000) {
        throw new RangeError(`BAR ${i}: size ${bar.size} must be a power of two of at least ${min}`);
      }
      const offset = PciConfig.Bar0 + 4 * i;
      const flags = bar.kind === "io" ? 0x1 : bar.prefetchable ? 0x8 : 0x0;
      const mask = (~(bar.size - 1) & (bar.kind === "io" ? ~0x3 : ~0xf)) >>> 0;
      this.set32(offset, flags);
      for (let b = 0; b < 4; b++) this.writeMask[offset + b] = (mask >>> (8 * b)) & 0xff;
    }
  }

  readConfig(offset: number, size: 1 | 2 | 4): number {
    const c = this.config;
    if (size === 1) return c[offset]!;
    if (size === 2) return c[offset]! | (c[offset + 1]! << 8);
    return c[offset]! | (c[offset + 1]! << 8) | (c[offset + 2]! << 16) | (c[offset + 3]! << 24);
  }

  writeConfig(offset: number, size: 1 | 2 | 4, value: number): void {
    for (let i = 0; i < size; i++) {
      const o = offset + i;
      const byte = (value >>> (8 * i)) & 0xff;
      const mask = this.writeMask[o]!;
      let next = (this.config[o]! & ~mask) | (byte & mask);
      next &= ~(byte & this.clearMask[o]!);
      this.config[o] = next;
    }
    const end = offset + size;
    if (offset < PciConfig.Command + 2 && end > PciConfig.Command) {
      this.driveIntx();
      this.remapBars();
    } else if (offset < PciConfig.Bar0 + 24 && end > PciConfig.Bar0) {
      this.remapBars();
    }
    if (this.onConfigWrite !== null) this.onConfigWrite(offset, size, value);
  }

  plugged(slot: PciSlot): void {
    this.slot = slot;
    if (this.config[PciConfig.InterruptPin] !== 0) this.config[PciConfig.InterruptLine] = slot.irq;
  }

  /** The device model drives its interrupt (INTx#) with this. */
  setIntx(level: boolean): void {
    this.intx = level;
    const status = this.config[PciConfig.Status]!;
    this.config[PciConfig.Status] = level ? status | PCI_STATUS_INTERRUPT : status & ~PCI_STATUS_INTERRUPT;
    this.driveIntx();
  }

  get command(): number {
    return this.readConfig(PciConfig.Command, 2);
  }

  get ioEnabled(): boolean {
    return (this.command & PciCommand.Io) !== 0;
  }

  get memoryEnabled(): boolean {
    return (this.command & PciCommand.Memory) !== 0;
  }

  /** Whether the function may master the bus (DMA). */
  get busMaster(): boolean {
    return (this.command & PciCommand.BusMaster) !== 0;
  }

  /** Where BAR `index` decodes now, or -1. */
  barBase(index: number): number {
    return this.mapped[index] ?? -1;
  }

  save(): PciFunctionState {
    return { version: 1, config: bytesToArray(this.config), intx: this.intx };
  }

  /** Restores the configuration space; BAR mappings are reported again through the callbacks. */
  restore(state: unknown): void {
    const s = checkState<PciFunctionState>(state, "PCI function", 1);
    arrayToBytes(this.config, s.config, "PCI function", "config");
    this.intx = s.intx;
    this.remapBars();
    this.driveIntx();
  }

  protected set16(offset: number, value: number): void {
    this.config[offset] = value & 0xff;
    this.config[offset + 1] = (value >> 8) & 0xff;
  }

  protected set32(offset: number, value: number): void {
    for (let b = 0; b < 4; b++) this.config[offset + b] = (value >>> (8 * b)) & 0xff;
  }

  private driveIntx(): void {
    if (this.slot === null) return;
    this.slot.setIntx(this.intx && (this.command & PciCommand.InterruptDisable) === 0);
  }

  private remapBars(): void {
    const command = this.command;
    for (let i = 0; i < this.bars.length; i++) {
      const bar = this.bars[i];
      if (!bar) continue;
      const raw = this.readConfig(PciConfig.Bar0 + 4 * i, 4);
      let base: number;
      if (bar.kind === "io") {
        base = (raw & ~0x3) >>> 0;
        if ((command & PciCommand.Io) === 0 || base === 0 || base + bar.size > 0x10000) base = -1;
      } else {
        base = (raw & ~0xf) >>> 0;
        if ((command & PciCommand.Memory) === 0 || base === 0) base = -1;
      }
      const old = this.mapped[i]!;
      if (old === base) continue;
      this.mapped[i] = base;
      if (old >= 0 && this.onBarUnmapped !== null) this.onBarUnmapped(i, bar.kind, old, bar.size);
      if (base >= 0 && this.onBarMapped !== null) this.onBarMapped(i, bar.kind, base, bar.size);
    }
  }
}
