/**
 * Layout of one software-TLB entry (one per 4 KiB linear page).
 *
 *   bits 31..12  physical page base (`entry & ~0xfff`)
 *   bits 11..0   flags below
 *
 * The four FAST_* bits say "this access may go straight to the RAM array":
 * the paging rules allow it, the page is RAM, the dirty bit is already set
 * (for writes), and the page holds no cached code and is not being dirty
 * logged. So the CPU's hot path is one `entry & bit` test. ALLOW_* bits say
 * what paging allows at all; an access that is allowed but not fast (MMIO,
 * ROM, code pages) goes through the slow path without a new page walk.
 */
export const TlbFlag = {
  /** Supervisor read (and instruction fetch) from RAM. */
  FAST_READ_SUPERVISOR: 1 << 0,
  /** User read (and instruction fetch) from RAM. */
  FAST_READ_USER: 1 << 1,
  FAST_WRITE_SUPERVISOR: 1 << 2,
  FAST_WRITE_USER: 1 << 3,
  VALID: 1 << 4,
  /** Survives a CR3 reload (CR4.PGE and a G bit). */
  GLOBAL: 1 << 5,
  /** Came from a 4 MiB page (INVLPG drops the whole 4 MiB region). */
  LARGE: 1 << 6,
  ALLOW_READ_SUPERVISOR: 1 << 7,
  ALLOW_READ_USER: 1 << 8,
  /** Paging allows the write and the dirty bit is set. */
  ALLOW_WRITE_SUPERVISOR: 1 << 9,
  ALLOW_WRITE_USER: 1 << 10,
} as const;

export const FAST_WRITE_BITS = TlbFlag.FAST_WRITE_SUPERVISOR | TlbFlag.FAST_WRITE_USER;
export const FAST_READ_BITS = TlbFlag.FAST_READ_SUPERVISOR | TlbFlag.FAST_READ_USER;
