/**
 * Hands out machine frames, lowest first, so the same sequence of requests
 * always gets the same frames (deterministic builds and tests). Ownership
 * is recorded in the frame table; frames come back only when nothing
 * references them any more.
 */
import { FrameOwner, FrameTable, FrameType } from "./frame-table";

export class FrameAllocator {
  /** Free frames, kept sorted descending so `pop()` yields the lowest. */
  private readonly free: number[] = [];

  constructor(
    private readonly frames: FrameTable,
    firstUsable: number,
  ) {
    for (let frame = frames.frames - 1; frame >= firstUsable; frame--) {
      if (frames.owner[frame] === FrameOwner.FREE) this.free.push(frame);
    }
  }

  get freeCount(): number {
    return this.free.length;
  }

  /** Allocates one frame for `owner` (a domain id or HYPERVISOR); -1 when memory is exhausted. */
  allocate(owner: number): number {
    const frame = this.free.pop();
    if (frame === undefined) return -1;
    this.frames.owner[frame] = owner;
    this.frames.type[frame] = FrameType.None;
    this.frames.typeCount[frame] = 0;
    this.frames.totalCount[frame] = 0;
    this.frames.pinned[frame] = 0;
    return frame;
  }

  /** Allocates `count` frames or none at all. */
  allocateMany(owner: number, count: number): number[] | null {
    if (count > this.free.length) return null;
    const list: number[] = [];
    for (let i = 0; i < count; i++) list.push(this.allocate(owner));
    return list;
  }

  /** Returns a frame to the pool; the caller has checked that nothing references it. */
  release(frame: number): void {
    const table = this.frames;
    table.owner[frame] = FrameOwner.FREE;
    table.type[frame] = FrameType.None;
    table.typeCount[frame] = 0;
    table.totalCount[frame] = 0;
    table.pinned[frame] = 0;
    // Keep the list sorted descending: insert at the right place (rare, small cost).
    const list = this.free;
    let low = 0;
    let high = list.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (list[middle] > frame) low = middle + 1;
      else high = middle;
    }
    list.splice(low, 0, frame);
  }
}
