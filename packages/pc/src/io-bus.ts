/**
 * The port I/O bus: 64 Ki ports, each with 8/16/32-bit read and write
 * handlers in flat tables (v86's `register_read(port, dev, r8, r16, r32)`),
 * so an access is one table load and one call.
 *
 * Devices claim port ranges; a claim may give only 8-bit handlers, and the
 * bus then splits 16- and 32-bit accesses into bytes, little-endian (a 32-bit
 * access is split into two 16-bit ones first, so a device with 16-bit
 * handlers keeps them). Overlapping claims are refused. Unclaimed ports read
 * all ones and ignore writes; with `onUnknownPort` the first access to each
 * unknown port is reported once.
 *
 * Dwords travel as signed 32-bit integers (`in32` of an unclaimed port is
 * -1); use `>>> 0` to show them unsigned.
 */
import type { IoBus } from "@xeno86/cpu-x86";

/**
 * Reads `port` (the absolute port number). 8-bit handlers return 0..0xFF,
 * 16-bit 0..0xFFFF, 32-bit a signed 32-bit integer (as the CPU's registers
 * hold it; a value from 2^31 up would be boxed on every call).
 */
export type PortRead = (port: number) => number;
/** Writes `value` to `port`: 0..0xFF, 0..0xFFFF, or a signed 32-bit integer for dwords. */
export type PortWrite = (port: number, value: number) => void;

/** The handlers a device gives for its ports. Missing widths are split into narrower accesses. */
export interface PortHandlers {
  read8?: PortRead;
  read16?: PortRead;
  read32?: PortRead;
  write8?: PortWrite;
  write16?: PortWrite;
  write32?: PortWrite;
}

/** A claimed port range, returned by `claim` and accepted by `release`. */
export interface PortClaim {
  readonly name: string;
  readonly base: number;
  readonly length: number;
}

export interface PortBusOptions {
  /**
   * Called once per port on the first access to a port nobody claimed
   * (`value` is the written byte, or -1 for a read; wider accesses to
   * unknown ports arrive split into bytes). Costs nothing when absent.
   */
  onUnknownPort?: (port: number, write: boolean, value: number) => void;
}

function hex(value: number, digits = 4): string {
  return "0x" + value.toString(16).padStart(digits, "0");
}

export class PortBus implements IoBus {
  private readonly r8: PortRead[] = new Array<PortRead>(0x10000);
  private readonly r16: PortRead[] = new Array<PortRead>(0x10000);
  private readonly r32: PortRead[] = new Array<PortRead>(0x10000);
  private readonly w8: PortWrite[] = new Array<PortWrite>(0x10000);
  private readonly w16: PortWrite[] = new Array<PortWrite>(0x10000);
  private readonly w32: PortWrite[] = new Array<PortWrite>(0x10000);
  /** Index into `claimList` of each port's owner, or -1. */
  private readonly owner = new Int32Array(0x10000).fill(-1);
  private readonly claimList: (PortClaim | null)[] = [];
  private readonly onUnknownPort: PortBusOptions["onUnknownPort"] | null;
  /** Ports already reported as unknown. */
  private readonly reported = new Uint8Array(0x10000);

  // Shared fallbacks, created once per bus.
  private readonly split16: PortRead = (port) => this.in8(port) | (this.in8((port + 1) & 0xffff) << 8);
  private readonly split32: PortRead = (port) => this.in16(port) | (this.in16((port + 2) & 0xffff) << 16);
  private readonly splitWrite16: PortWrite = (port, value) => {
    this.out8(port, value & 0xff);
    this.out8((port + 1) & 0xffff, (value >>> 8) & 0xff);
  };
  private readonly splitWrite32: PortWrite = (port, value) => {
    this.out16(port, value & 0xffff);
    this.out16((port + 2) & 0xffff, (value >>> 16) & 0xffff);
  };
  private readonly unclaimedRead8: PortRead;
  private readonly unclaimedWrite8: PortWrite;

  constructor(options: PortBusOptions = {}) {
    this.onUnknownPort = options.onUnknownPort ?? null;
    if (this.onUnknownPort === null) {
      this.unclaimedRead8 = () => 0xff;
      this.unclaimedWrite8 = () => {};
    } else {
      this.unclaimedRead8 = (port) => {
        this.report(port, false, -1);
        return 0xff;
      };
      this.unclaimedWrite8 = (port, value) => this.report(port, true, value);
    }
    for (let port = 0; port < 0x10000; port++) this.resetPort(port);
  }

  /**
   * Claims `length` ports from `base` for device `name`. Throws if any of
   * them is already claimed. Returns the claim, for `release`.
   */
  claim(name: string, base: number, length: number, handlers: PortHandlers): PortClaim {
    if (!Number.isInteger(base) || !Number.isInteger(length) || base < 0 || length <= 0 || base + length > 0x10000) {
      throw new RangeError(`cannot claim ports ${hex(base)}+${length} for "${name}": outside 0x0000-0xffff`);
    }
    for (let port = base; port < base + length; port++) {
      const index = this.owner[port]!;
      if (index >= 0) {
        const other = this.claimList[index]!;
        throw new Error(
          `cannot claim ports ${hex(base)}-${hex(base + length - 1)} for "${name}": ` +
            `port ${hex(port)} belongs to "${other.name}" (${hex(other.base)}-${hex(other.base + other.length - 1)})`,
        );
      }
    }
    const claim: PortClaim = { name, base, length };
    const index = this.claimList.length;
    this.claimList.push(claim);
    for (let port = base; port < base + length; port++) {
      this.owner[port] = index;
      this.r8[port] = handlers.read8 ?? this.unclaimedRead8;
      this.r16[port] = handlers.read16 ?? this.split16;
      this.r32[port] = handlers.read32 ?? this.split32;
      this.w8[port] = handlers.write8 ?? this.unclaimedWrite8;
      this.w16[port] = handlers.write16 ?? this.splitWrite16;
      this.w32[port] = handlers.write32 ?? this.splitWrite32;
    }
    return claim;
  }

  /** Gives back a claimed range (a PCI I/O BAR that moves, a device that is unplugged). */
  release(claim: PortClaim): void {
    const index = this.claimList.indexOf(claim);
    if (index < 0) throw new Error(`ports ${hex(claim.base)}+${claim.length} ("${claim.name}") are not claimed on this bus`);
    this.claimList[index] = null;
    for (let port = claim.base; port < claim.base + claim.length; port++) {
      this.owner[port] = -1;
      this.resetPort(port);
    }
  }

  /** The name of the device owning `port`, or null. */
  ownerOf(port: number): string | null {
    const index = this.owner[port & 0xffff]!;
    return index < 0 ? null : this.claimList[index]!.name;
  }

  /** Every live claim, in claim order. */
  claims(): PortClaim[] {
    return this.claimList.filter((claim): claim is PortClaim => claim !== null);
  }

  in8(port: number): number {
    port &= 0xffff;
    return this.r8[port]!(port);
  }

  in16(port: number): number {
    port &= 0xffff;
    return this.r16[port]!(port);
  }

  in32(port: number): number {
    port &= 0xffff;
    return this.r32[port]!(port);
  }

  out8(port: number, value: number): void {
    port &= 0xffff;
    this.w8[port]!(port, value & 0xff);
  }

  out16(port: number, value: number): void {
    port &= 0xffff;
    this.w16[port]!(port, value & 0xffff);
  }

  out32(port: number, value: number): void {
    port &= 0xffff;
    this.w32[port]!(port, value | 0);
  }

  private resetPort(port: number): void {
    this.r8[port] = this.unclaimedRead8;
    this.r16[port] = this.split16;
    this.r32[port] = this.split32;
    this.w8[port] = this.unclaimedWrite8;
    this.w16[port] = this.splitWrite16;
    this.w32[port] = this.splitWrite32;
  }

  private report(port: number, write: boolean, value: number): void {
    if (this.reported[port] !== 0) return;
    this.reported[port] = 1;
    this.onUnknownPort!(port, write, value);
  }
}
