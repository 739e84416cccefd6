/**
 * Model-specific registers of this P6: the TSC (handled by the CPU), the
 * SYSENTER trio, the APIC base, the performance counters (which do not
 * count), and the few that Linux reads at boot and tolerates as zero. Reading or writing any other MSR raises #GP(0), as on
 * hardware. Values are 64-bit, kept as low/high words.
 */

export const MsrIndex = {
  TSC: 0x10,
  APIC_BASE: 0x1b,
  BIOS_SIGN_ID: 0x8b,
  MTRR_CAP: 0xfe,
  SYSENTER_CS: 0x174,
  SYSENTER_ESP: 0x175,
  SYSENTER_EIP: 0x176,
  MCG_CAP: 0x179,
  MCG_STATUS: 0x17a,
  MISC_ENABLE: 0x1a0,
  PERFCTR0: 0xc1,
  PERFCTR1: 0xc2,
  EVNTSEL0: 0x186,
  EVNTSEL1: 0x187,
  MTRR_DEF_TYPE: 0x2ff,
} as const;

/** MSRs that exist, with their reset values [low, high] and whether writes stick. */
const MSR_TABLE: ReadonlyArray<readonly [index: number, low: number, high: number, writable: boolean]> = [
  [MsrIndex.APIC_BASE, 0xfee00000 | 0, 0, true],
  [MsrIndex.BIOS_SIGN_ID, 0, 0, true],
  [MsrIndex.MTRR_CAP, 0, 0, false],
  [MsrIndex.SYSENTER_CS, 0, 0, true],
  [MsrIndex.SYSENTER_ESP, 0, 0, true],
  [MsrIndex.SYSENTER_EIP, 0, 0, true],
  [MsrIndex.MCG_CAP, 0, 0, false],
  [MsrIndex.MCG_STATUS, 0, 0, true],
  [MsrIndex.MISC_ENABLE, 0, 0, true],
  [MsrIndex.MTRR_DEF_TYPE, 0, 0, true],
  // The P6 performance-monitoring counters and their event selects: they hold what is
  // written (40-bit counters, bit 31 sign-extended as on a P6) but count nothing.
  [MsrIndex.PERFCTR0, 0, 0, true],
  [MsrIndex.PERFCTR1, 0, 0, true],
  [MsrIndex.EVNTSEL0, 0, 0, true],
  [MsrIndex.EVNTSEL1, 0, 0, true],
];

export class MsrFile {
  private readonly low = new Map<number, number>();
  private readonly high = new Map<number, number>();

  /** SYSENTER MSRs, mirrored as fields for the fast paths of SYSENTER/SYSEXIT. */
  sysenterCs = 0;
  sysenterEsp = 0;
  sysenterEip = 0;

  reset(): void {
    this.low.clear();
    this.high.clear();
    for (const [index, low, high] of MSR_TABLE) {
      this.low.set(index, low);
      this.high.set(index, high);
    }
    this.sysenterCs = 0;
    this.sysenterEsp = 0;
    this.sysenterEip = 0;
  }

  has(index: number): boolean {
    return this.low.has(index >>> 0);
  }

  /** Returns false for an MSR that does not exist (the caller raises #GP). */
  read(index: number, into: Int32Array): boolean {
    index >>>= 0;
    const low = this.low.get(index);
    if (low === undefined) return false;
    into[0] = low;
    into[1] = this.high.get(index) ?? 0;
    return true;
  }

  /** Returns false for an MSR that does not exist or is read-only. */
  write(index: number, low: number, high: number): boolean {
    index >>>= 0;
    const entry = MSR_TABLE.find((row) => row[0] === index);
    if (entry === undefined || !entry[3]) return false;
    this.low.set(index, low | 0);
    this.high.set(index, index === MsrIndex.PERFCTR0 || index === MsrIndex.PERFCTR1 ? (low < 0 ? 0xff : 0) : high | 0);
    if (index === MsrIndex.SYSENTER_CS) this.sysenterCs = low & 0xffff;
    else if (index === MsrIndex.SYSENTER_ESP) this.sysenterEsp = low | 0;
    else if (index === MsrIndex.SYSENTER_EIP) this.sysenterEip = low | 0;
    return true;
  }

  /** Named snapshot of every MSR value. */
  save(): Record<string, [number, number]> {
    const out: Record<string, [number, number]> = {};
    for (const [index, low] of this.low) out[`0x${index.toString(16)}`] = [low, this.high.get(index) ?? 0];
    return out;
  }

  restore(saved: Record<string, [number, number]>): void {
    this.reset();
    for (const [name, [low, high]] of Object.entries(saved)) {
      const index = Number.parseInt(name, 16);
      this.low.set(index, low);
      this.high.set(index, high);
      if (index === MsrIndex.SYSENTER_CS) this.sysenterCs = low & 0xffff;
      else if (index === MsrIndex.SYSENTER_ESP) this.sysenterEsp = low;
      else if (index === MsrIndex.SYSENTER_EIP) this.sysenterEip = low;
    }
  }
}
