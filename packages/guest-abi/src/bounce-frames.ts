/**
 * Bounce frames: what the hypervisor pushes on a guest kernel's ring-1
 * stack when it enters one of the kernel's handlers. The record Xen 1.2
 * left is silent on the exact words (xen-reference A.17), so this is the
 * xeno86 contract, shaped like what an x86 interrupt gate pushes (Xen 2.0
 * did the same) with the extra words below it.
 *
 * The frame goes on the ring-1 stack given to stack_switch when the guest
 * was in ring 3 (and then ends with the ring-3 ESP and SS), otherwise on the
 * current ring-1 stack. Words are listed from the lowest address up; the
 * handler pops the extra words (CR2, error code, DS ES FS GS) and returns
 * with IRET.
 */
import { u32, type StructLayout } from "./layout";

/** When a word is on the frame. */
export type FrameWordPresence =
  /** always */
  | "always"
  /** only for a page fault (vector 14) */
  | "page-fault"
  /** only for the vectors in VECTORS_WITH_ERROR_CODE */
  | "error-code"
  /** only when the guest was interrupted in ring 3 */
  | "from-ring-3";

export interface FrameWord {
  readonly name: string;
  readonly presence: FrameWordPresence;
}

export interface BounceFrame {
  /** When the hypervisor (or the CPU) builds this frame. */
  readonly entered: string;
  /** What happens to the master event enable on entry. */
  readonly events: string;
  /** From the lowest address up. */
  readonly words: readonly FrameWord[];
}

/** Vectors whose frame carries an error code (the ones the CPU pushes one for). */
export const VECTORS_WITH_ERROR_CODE = [8, 10, 11, 12, 13, 14, 17] as const;
/** The page-fault vector: its frame carries CR2 below the error code. */
export const PAGE_FAULT_VECTOR = 14;

const RETURN_WORDS = [
  { name: "eip", presence: "always" },
  { name: "cs", presence: "always" },
  { name: "eflags", presence: "always" },
  { name: "esp", presence: "from-ring-3" },
  { name: "ss", presence: "from-ring-3" },
] as const satisfies readonly FrameWord[];

export const BOUNCE_FRAMES = {
  trap: {
    entered: "an exception or an `int n` the guest's trap table handles (`int n` returns past the instruction, with no error code)",
    events: "the master enable (events_mask bit 31) is cleared when the trap-table entry has flag bit 2 (TI_MASK_EVENTS)",
    words: [{ name: "cr2", presence: "page-fault" }, { name: "error_code", presence: "error-code" }, ...RETURN_WORDS],
  },
  pageFault: {
    entered: "a page fault (vector 14) the hypervisor does not fix up itself",
    events: "as for trap",
    words: [{ name: "cr2", presence: "always" }, { name: "error_code", presence: "always" }, ...RETURN_WORDS],
  },
  event: {
    entered: "on the way back to the guest, when events & events_mask is non-zero and events_mask bit 31 is set",
    events: "the delivered bits and bit 31 (the master enable) are cleared in events_mask first; events is left as it is",
    words: RETURN_WORDS,
  },
  failsafe: {
    entered: "a saved DS, ES, FS or GS (or the return frame) can no longer be loaded on the way back to the guest",
    events: "the master enable is cleared",
    words: [{ name: "ds", presence: "always" }, { name: "es", presence: "always" }, { name: "fs", presence: "always" }, { name: "gs", presence: "always" }, ...RETURN_WORDS],
  },
  fastTrap: {
    entered: "`int <vector>` after set_fast_trap(vector): a real trap gate in the IDT, the hypervisor is not involved (the ordinary hardware frame)",
    events: "unchanged (a fast trap may not ask for TI_MASK_EVENTS)",
    words: RETURN_WORDS,
  },
} as const satisfies Record<string, BounceFrame>;
export type BounceFrameName = keyof typeof BOUNCE_FRAMES;

/**
 * The words of a frame as they are on the stack (lowest address first)
 * for one delivery: `vector` decides CR2 and the error code of a trap,
 * `fromRing3` the trailing ESP and SS.
 */
export function bounceFrameWords(frame: BounceFrameName, delivery: { readonly vector?: number; readonly fromRing3: boolean }): string[] {
  const vector = delivery.vector ?? -1;
  const present = (word: FrameWord): boolean => {
    switch (word.presence) {
      case "always":
        return true;
      case "page-fault":
        return vector === PAGE_FAULT_VECTOR;
      case "error-code":
        return (VECTORS_WITH_ERROR_CODE as readonly number[]).includes(vector);
      case "from-ring-3":
        return delivery.fromRing3;
    }
  };
  return BOUNCE_FRAMES[frame].words.filter(present).map((word) => word.name);
}

function frameLayout<const N extends string>(name: N, doc: string, words: readonly string[]) {
  return { name, size: words.length * 4, doc, fields: words.map((word, i) => u32(word, i * 4)) } satisfies StructLayout;
}

/**
 * The frames as C structs for guest authors (the generated header's
 * `xen_trap_frame` etc.): the full-size form, with ESP and SS at the end;
 * those two words are only there when `(cs & 3) == 3`.
 */
export const FRAME_LAYOUTS = [
  frameLayout("xen_trap_frame", "trap without an error code, event upcall, fast trap", ["eip", "cs", "eflags", "esp", "ss"]),
  frameLayout("xen_trap_frame_error", "trap with an error code (vectors 8, 10-13, 17)", ["error_code", "eip", "cs", "eflags", "esp", "ss"]),
  frameLayout("xen_page_fault_frame", "page fault (vector 14)", ["cr2", "error_code", "eip", "cs", "eflags", "esp", "ss"]),
  frameLayout("xen_event_frame", "event upcall", ["eip", "cs", "eflags", "esp", "ss"]),
  frameLayout("xen_failsafe_frame", "failsafe callback", ["ds", "es", "fs", "gs", "eip", "cs", "eflags", "esp", "ss"]),
] as const;
