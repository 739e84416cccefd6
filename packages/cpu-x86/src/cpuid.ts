/**
 * CPUID: a Pentium II identity (family 6, model 3, stepping 3), advertising
 * only what this CPU implements. Model 3 stepping 3 matters: Linux ignores
 * the SEP bit on the earliest P6 steppings, whose SYSENTER was broken.
 */

export const CpuidFeature = {
  FPU: 1 << 0,
  PSE: 1 << 3,
  TSC: 1 << 4,
  MSR: 1 << 5,
  CX8: 1 << 8,
  SEP: 1 << 11,
  PGE: 1 << 13,
  CMOV: 1 << 15,
} as const;

export const CPU_SIGNATURE = 0x633;

const FEATURES =
  CpuidFeature.FPU |
  CpuidFeature.PSE |
  CpuidFeature.TSC |
  CpuidFeature.MSR |
  CpuidFeature.CX8 |
  CpuidFeature.SEP |
  CpuidFeature.PGE |
  CpuidFeature.CMOV;

/** "GenuineIntel" as the three registers EBX, EDX, ECX. */
const VENDOR = [0x756e6547, 0x49656e69, 0x6c65746e] as const;

/** Leaf -> [EAX, EBX, ECX, EDX]. */
const LEAVES: ReadonlyArray<readonly [number, number, number, number]> = [
  [2, VENDOR[0], VENDOR[2], VENDOR[1]],
  [CPU_SIGNATURE, 0, 0, FEATURES],
  // Cache and TLB descriptors of a Pentium II (16 KiB L1 I/D, 512 KiB L2).
  [0x03020101, 0, 0, 0x0c040843],
];

/** Fills `out` with [EAX, EBX, ECX, EDX] for `leaf`. Leaves past the last answer as the last basic leaf does. */
export function cpuidLeaf(leaf: number, out: Int32Array): void {
  const index = leaf >>> 0 < LEAVES.length ? leaf >>> 0 : LEAVES.length - 1;
  const row = LEAVES[index];
  out[0] = row[0] | 0;
  out[1] = row[1] | 0;
  out[2] = row[2] | 0;
  out[3] = row[3] | 0;
}
