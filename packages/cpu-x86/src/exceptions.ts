/** Exception vectors and how they combine (Intel SDM vol. 3, "Interrupt and Exception Handling"). */

export const Vector = {
  DE: 0,
  DB: 1,
  NMI: 2,
  BP: 3,
  OF: 4,
  BR: 5,
  UD: 6,
  NM: 7,
  DF: 8,
  TS: 10,
  NP: 11,
  SS: 12,
  GP: 13,
  PF: 14,
  MF: 16,
  AC: 17,
  MC: 18,
} as const;

/** Vectors that push an error code when raised as exceptions. */
export function hasErrorCode(vector: number): boolean {
  return vector === 8 || (vector >= 10 && vector <= 14) || vector === 17;
}

/** Contributory exceptions: a second one while delivering the first is a double fault. */
export function isContributory(vector: number): boolean {
  return vector === 0 || (vector >= 10 && vector <= 13);
}

/**
 * The double-fault rule: given the exception being delivered (`first`) and a
 * new one raised during its delivery (`second`), true when the result is #DF.
 * Benign + anything, or contributory + page fault, is handled serially.
 */
export function isDoubleFault(first: number, second: number): boolean {
  if (isContributory(first)) return isContributory(second);
  if (first === Vector.PF) return isContributory(second) || second === Vector.PF;
  return false;
}

/** One preallocated object per CPU, thrown to leave an instruction with an exception. */
export class CpuException {
  vector = 0;
  errorCode = 0;
  hasErrorCode = false;
}

/** Error codes for selector-related faults: index plus the EXT/IDT/TI bits. */
export function selectorErrorCode(selector: number, external = false): number {
  return (selector & 0xfffc) | (external ? 1 : 0);
}

/** Error code naming an IDT entry (bit 1 set). */
export function idtErrorCode(vector: number, external = false): number {
  return (vector << 3) | 2 | (external ? 1 : 0);
}
