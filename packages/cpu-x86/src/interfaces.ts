/**
 * What the CPU consumes from its surroundings (consumer-side interfaces) and
 * what `run()` reports back.
 */

/** Port I/O. The board answers unmapped ports itself (usually all ones). */
export interface IoBus {
  in8(port: number): number;
  in16(port: number): number;
  in32(port: number): number;
  out8(port: number, value: number): void;
  out16(port: number, value: number): void;
  out32(port: number, value: number): void;
}

/** The interrupt controller as the CPU sees it: INTR is a level the board sets on the CPU; INTA fetches the vector. */
export interface InterruptAcknowledge {
  /** The interrupt acknowledge cycle: returns the vector of the highest-priority pending request. */
  acknowledge(): number;
}

/** The x87 error signalling pins, for CR0.NE = 0 (the PC routes FERR# to IRQ13). */
export interface FpuErrorPins {
  ferr(asserted: boolean): void;
}

/** Why `run()` returned. */
export const Exit = {
  /** The instruction budget is spent. */
  Budget: 0,
  /** HLT with interrupts that cannot wake it right now (the embedder advances time). */
  Halt: 1,
  /** A fault while delivering a double fault: the CPU shut down. */
  TripleFault: 2,
  /** An exception or interrupt whose vector is in the intercept bitmap; see `exitInfo`. */
  Intercept: 3,
  /** A reset was requested (by the embedder through `requestReset`, or by the board). */
  Reset: 4,
  /** A breakpoint address was reached (before executing the instruction there). */
  Breakpoint: 5,
  /** The embedder asked the CPU to stop (`requestStop`), e.g. from a device callback. */
  Stopped: 6,
} as const;
export type ExitCode = (typeof Exit)[keyof typeof Exit];

export const EXIT_NAMES: readonly string[] = ["budget", "halt", "triple-fault", "intercept", "reset", "breakpoint", "stopped"];

/** How an intercepted event arose. */
export const EventKind = {
  /** A fault or trap raised by an instruction (EIP: at the instruction for faults, after it for traps). */
  Exception: 0,
  /** INT n, INT3, INTO, INT1 (EIP after the instruction). */
  Software: 1,
  /** An external interrupt from INTR (EIP at the next instruction). */
  External: 2,
  Nmi: 3,
} as const;

/** Details of the last exit; one object per CPU, overwritten by each `run()`. */
export class ExitInfo {
  reason: ExitCode = Exit.Budget;
  vector = 0;
  kind = 0;
  hasErrorCode = false;
  errorCode = 0;
  /** CR2 for a page fault. */
  cr2 = 0;
  /** CS:EIP where the CPU stopped (for triple faults: of the instruction that caused it). */
  cs = 0;
  eip = 0;
}

/** Called before each instruction when installed (costs nothing when not). */
export type TraceHook = (cs: number, eip: number, linear: number) => void;
