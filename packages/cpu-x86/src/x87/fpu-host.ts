/**
 * What the x87 needs from the CPU that runs it (a consumer-side interface):
 * memory at the current privilege (faults are thrown by the accessors), the
 * EFLAGS image, the flags that FCOMI/FUCOMI write, and AX for FNSTSW AX.
 */

export interface FpuMemory {
  read8(a: number): number;
  read16(a: number): number;
  read32(a: number): number;
  write8(a: number, v: number): void;
  write16(a: number, v: number): void;
  write32(a: number, v: number): void;
  /** Throws the fault a write of `length` bytes at `a` would raise, writing nothing. */
  probeWrite(a: number, length: number): void;
}

export interface FpuHost {
  readonly memory: FpuMemory;
  readEflags(): number;
  /** FCOMI/FUCOMI: ZF, PF, CF as given; OF, SF, AF cleared. */
  setComparisonFlags(zf: boolean, pf: boolean, cf: boolean): void;
  writeAx(value: number): void;
}
