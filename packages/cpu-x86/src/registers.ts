/**
 * Register numbering as the instruction encoding uses it, and the views that
 * let AL, AX and EAX share storage (one `Int32Array`, little-endian views).
 */

export const Reg = { EAX: 0, ECX: 1, EDX: 2, EBX: 3, ESP: 4, EBP: 5, ESI: 6, EDI: 7 } as const;

/**
 * Slot 8 of the register file is always zero: an effective address with no
 * base or no index reads it, so address arithmetic needs no branches.
 */
export const ZERO_REG = 8;

export const Seg = { ES: 0, CS: 1, SS: 2, DS: 3, FS: 4, GS: 5 } as const;
export const SEGMENT_NAMES = ["es", "cs", "ss", "ds", "fs", "gs"] as const;
export const REG32_NAMES = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"] as const;
export const REG16_NAMES = ["ax", "cx", "dx", "bx", "sp", "bp", "si", "di"] as const;
export const REG8_NAMES = ["al", "cl", "dl", "bl", "ah", "ch", "dh", "bh"] as const;

/** Byte index in the `Uint8Array` view of the register file for each 8-bit register number. */
export const REG8_BYTE_INDEX: readonly number[] = [0, 4, 8, 12, 1, 5, 9, 13];

/** Index in the `Uint16Array` view for a 16-bit register number. */
export function reg16Index(reg: number): number {
  return reg << 1;
}

/** The register file: eight GPRs plus the zero slot, with 8/16/32-bit views on one buffer. */
export class RegisterFile {
  readonly r32 = new Int32Array(9);
  readonly r16 = new Uint16Array(this.r32.buffer);
  readonly r8 = new Uint8Array(this.r32.buffer);
}
