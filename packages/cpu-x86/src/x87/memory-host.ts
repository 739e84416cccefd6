/**
 * A standalone FpuHost over a flat byte array: for tests, and for running
 * the X87 without a CPU. Addresses at or above `faultAbove` fault (the
 * accessors throw `MemoryHostFault`), so tests can check that a faulting
 * store leaves the FPU unchanged.
 */
import type { FpuHost, FpuMemory } from "./fpu-host";

export class MemoryHostFault extends Error {
  constructor(readonly address: number) {
    super(`x87 test memory fault at ${address.toString(16)}`);
  }
}

export class MemoryHost implements FpuHost {
  readonly bytes: Uint8Array;
  readonly memory: FpuMemory;
  eflags = 0x2;
  ax = 0;
  /** ZF, PF, CF from the last FCOMI/FUCOMI. */
  comparison = { zf: false, pf: false, cf: false };
  /** First faulting address (everything below is accessible). */
  faultAbove: number;

  constructor(size = 0x10000) {
    this.bytes = new Uint8Array(size);
    this.faultAbove = size;
    const host = this;
    const check = (a: number, length: number) => {
      if (a < 0 || a + length > host.faultAbove) throw new MemoryHostFault(Math.max(a, host.faultAbove));
    };
    const b = this.bytes;
    this.memory = {
      read8: (a) => {
        check(a, 1);
        return b[a];
      },
      read16: (a) => {
        check(a, 2);
        return b[a] | (b[a + 1] << 8);
      },
      read32: (a) => {
        check(a, 4);
        return b[a] | (b[a + 1] << 8) | (b[a + 2] << 16) | (b[a + 3] << 24);
      },
      write8: (a, v) => {
        check(a, 1);
        b[a] = v;
      },
      write16: (a, v) => {
        check(a, 2);
        b[a] = v;
        b[a + 1] = v >>> 8;
      },
      write32: (a, v) => {
        check(a, 4);
        b[a] = v;
        b[a + 1] = v >>> 8;
        b[a + 2] = v >>> 16;
        b[a + 3] = v >>> 24;
      },
      probeWrite: (a, length) => check(a, length),
    };
  }

  readEflags(): number {
    return this.eflags;
  }

  setComparisonFlags(zf: boolean, pf: boolean, cf: boolean): void {
    this.comparison = { zf, pf, cf };
    this.eflags = (this.eflags & ~0x8d5) | (zf ? 0x40 : 0) | (pf ? 0x4 : 0) | (cf ? 0x1 : 0);
  }

  writeAx(value: number): void {
    this.ax = value & 0xffff;
  }
}

/**
 * An extended real written as 20 hex digits, sign/exponent first then the
 * significand ("3fff8000000000000000" = 1.0), as the 10 little-endian bytes
 * the FPU stores.
 */
export function parseExtended(hex: string): Uint8Array {
  const bytes = new Uint8Array(10);
  const se = Number.parseInt(hex.slice(0, 4), 16);
  for (let i = 0; i < 8; i++) bytes[7 - i] = Number.parseInt(hex.slice(4 + 2 * i, 6 + 2 * i), 16);
  bytes[8] = se & 0xff;
  bytes[9] = se >>> 8;
  return bytes;
}

/** The inverse of parseExtended. */
export function formatExtended(bytes: Uint8Array): string {
  let out = ((bytes[9] << 8) | bytes[8]).toString(16).padStart(4, "0");
  for (let i = 7; i >= 0; i--) out += bytes[i].toString(16).padStart(2, "0");
  return out;
}
