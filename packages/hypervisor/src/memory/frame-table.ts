/**
 * Per-machine-frame bookkeeping (Xen's `struct pfn_info`): who owns each
 * frame, what it is used as, and how many references exist. Kept in typed
 * arrays, one slot per 4 KiB frame of the machine.
 *
 * - `owner`: a domain id, FREE, or HYPERVISOR.
 * - `type`: one use at a time (none, L1 page table, L2 page directory, GDT,
 *   LDT, writable); `typeCount` counts the references of that type.
 * - `totalCount`: every reference of any kind (a read-only mapping, a typed
 *   use, an I/O in flight). A frame returns to the free pool only at zero.
 * - `pinned`: the guest asked for the type to be kept while nothing else
 *   references it (PIN_L1/PIN_L2), so a later CR3 switch is cheap.
 */

export const FrameType = {
  None: 0,
  L1: 1,
  L2: 2,
  Gdt: 3,
  Ldt: 4,
  Writable: 5,
} as const;
export type FrameTypeValue = (typeof FrameType)[keyof typeof FrameType];

export const FRAME_TYPE_NAMES = ["none", "l1", "l2", "gdt", "ldt", "writable"] as const;

/** Owner values that are not domains. */
export const FrameOwner = {
  FREE: -1,
  HYPERVISOR: -2,
} as const;

export class FrameTable {
  readonly frames: number;
  readonly owner: Int32Array;
  readonly type: Uint8Array;
  readonly typeCount: Uint32Array;
  readonly totalCount: Uint32Array;
  readonly pinned: Uint8Array;

  constructor(frames: number) {
    this.frames = frames;
    this.owner = new Int32Array(frames).fill(FrameOwner.FREE);
    this.type = new Uint8Array(frames);
    this.typeCount = new Uint32Array(frames);
    this.totalCount = new Uint32Array(frames);
    this.pinned = new Uint8Array(frames);
  }

  isValidFrame(frame: number): boolean {
    return Number.isInteger(frame) && frame >= 0 && frame < this.frames;
  }

  /** Frames currently owned by `domain`. */
  framesOf(domain: number): number[] {
    const list: number[] = [];
    for (let frame = 0; frame < this.frames; frame++) if (this.owner[frame] === domain) list.push(frame);
    return list;
  }

  countOwnedBy(domain: number): number {
    let count = 0;
    for (let frame = 0; frame < this.frames; frame++) if (this.owner[frame] === domain) count++;
    return count;
  }
}
