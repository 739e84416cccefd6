/**
 * What the hypervisor pushes on a guest kernel's ring-1 stack when it
 * enters one of its handlers (xeno86's choice where Xen 1.2's record is
 * silent; the order matches what an x86 interrupt gate pushes, with the
 * extra words below). Listed from the lowest address up; `when` says when a
 * word is present.
 */
export interface FrameWord {
  readonly name: string;
  readonly when?: string;
}

const RETURN: readonly FrameWord[] = [
  { name: "eip" },
  { name: "cs" },
  { name: "eflags" },
  { name: "esp", when: "interrupted in ring 3" },
  { name: "ss", when: "interrupted in ring 3" },
];

/** Vectors whose bounce frame carries an error code (as the CPU pushes it). */
export const VECTORS_WITH_ERROR_CODE = [8, 10, 11, 12, 13, 14, 17] as const;
export const PAGE_FAULT_VECTOR = 14;

export const BOUNCE_FRAMES = {
  trap: [{ name: "cr2", when: "vector 14" }, { name: "error_code", when: "vectors 8, 10-14, 17" }, ...RETURN],
  event: [...RETURN],
  failsafe: [{ name: "ds" }, { name: "es" }, { name: "fs" }, { name: "gs" }, ...RETURN],
} as const satisfies Record<string, readonly FrameWord[]>;

/** The periodic EVENT_TIMER interval, ns. */
export const TIMER_PERIOD_NS = 10_000_000;
