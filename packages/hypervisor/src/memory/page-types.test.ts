/**
 * The page-type rules, by example and by property: random sequences of pins,
 * unpins and entry updates from two domains must never produce a writable
 * mapping of a page table, a mapping of a frame the domain does not own, or
 * reference counts that differ from a recount done from scratch.
 */
import { describe, expect, it } from "vitest";
import { FrameOwner, FrameTable, FrameType } from "./frame-table";
import { FIRST_HOLE_SLOT, type FrameMemory, PageTypes } from "./page-types";

class Memory implements FrameMemory {
  readonly words: Int32Array;
  constructor(frames: number) {
    this.words = new Int32Array(frames * 1024);
  }
  read32(address: number): number {
    return this.words[address >>> 2];
  }
  write32(address: number, value: number): void {
    this.words[address >>> 2] = value;
  }
}

const P = 1;
const RW = 2;
const US = 4;

function setup() {
  const frames = new FrameTable(64);
  for (let f = 0; f < 32; f++) frames.owner[f] = 1;
  for (let f = 32; f < 48; f++) frames.owner[f] = 2;
  for (let f = 48; f < 64; f++) frames.owner[f] = FrameOwner.HYPERVISOR;
  const memory = new Memory(64);
  const types = new PageTypes(frames, memory);
  for (let n = 0; n < types.holeEntries.length; n++) types.holeEntries[n] = ((48 + n) << 12) | P | RW;
  const entry = (frame: number, slot: number) => frame * 4096 + slot * 4;
  return { frames, memory, types, entry };
}

describe("page types by example", () => {
  it("validates a directory and its tables, taking typed references, and fills the hypervisor hole", () => {
    const { frames, memory, types, entry } = setup();
    memory.write32(entry(1, 0), (2 << 12) | P | RW | US); // L2[0] -> L1 at frame 2
    memory.write32(entry(2, 5), (10 << 12) | P | RW | US); // writable page 10
    memory.write32(entry(2, 6), (11 << 12) | P | US); // read-only page 11
    expect(types.pin(1, 1, FrameType.L2)).toBe(true);
    expect(frames.type[1]).toBe(FrameType.L2);
    expect(frames.type[2]).toBe(FrameType.L1);
    expect(frames.type[10]).toBe(FrameType.Writable);
    expect(frames.totalCount[11]).toBe(1);
    expect(memory.read32(entry(1, FIRST_HOLE_SLOT)) >>> 12).toBe(48);
    expect(types.unpin(1, 1)).toBe(true);
    expect(Array.from(frames.typeCount.subarray(0, 12)).every((c) => c === 0)).toBe(true);
    expect(Array.from(frames.totalCount.subarray(0, 12)).every((c) => c === 0)).toBe(true);
  });

  it("refuses a writable mapping of a page table, and a page table that is mapped writable", () => {
    const { types, memory, entry } = setup();
    memory.write32(entry(3, 0), (3 << 12) | P | RW); // an L1 mapping itself writable
    expect(types.pin(3, 1, FrameType.L1)).toBe(false);
    expect(types.lastError).toMatch(/in use as an L1 page table/);
    memory.write32(entry(3, 0), 0);
    expect(types.pin(3, 1, FrameType.L1)).toBe(true);
    expect(types.pin(4, 1, FrameType.L1)).toBe(true);
    expect(types.updateEntry(entry(4, 1), (3 << 12) | P | RW, 1)).toBe(false);
    expect(types.updateEntry(entry(4, 1), (3 << 12) | P, 1)).toBe(true); // read-only is fine
  });

  it("refuses frames of other domains, of the hypervisor, and free frames", () => {
    const { frames, types, entry } = setup();
    frames.owner[30] = FrameOwner.FREE;
    expect(types.pin(5, 1, FrameType.L1)).toBe(true);
    expect(types.updateEntry(entry(5, 0), (40 << 12) | P, 1)).toBe(false);
    expect(types.lastError).toMatch(/domain 2's/);
    expect(types.updateEntry(entry(5, 0), (50 << 12) | P, 1)).toBe(false);
    expect(types.lastError).toMatch(/hypervisor/);
    expect(types.updateEntry(entry(5, 0), (30 << 12) | P, 1)).toBe(false);
    expect(types.updateEntry(entry(40, 0), 0, 1)).toBe(false);
  });

  it("keeps the hole's PDEs and 4 MiB mappings away from guests", () => {
    const { types, entry } = setup();
    expect(types.pin(6, 1, FrameType.L2)).toBe(true);
    expect(types.updateEntry(entry(6, FIRST_HOLE_SLOT + 1), 0, 1)).toBe(false);
    expect(types.updateEntry(entry(6, 3), (8 << 12) | P | 0x80, 1)).toBe(false);
    expect(types.updateEntry(entry(6, 3), (6 << 12) | P | RW, 1)).toBe(false);
    expect(types.updateEntry(entry(6, 3), (6 << 12) | P, 1)).toBe(true); // read-only self map
  });
});

/** Recounts every reference from the tables' contents and compares with the frame table. */
function checkInvariants(frames: FrameTable, memory: Memory): string | null {
  const total = new Uint32Array(frames.frames);
  const typed = new Uint32Array(frames.frames);
  for (let f = 0; f < frames.frames; f++) {
    if (frames.pinned[f] !== 0) {
      typed[f]++;
      total[f]++;
    }
  }
  for (let f = 0; f < frames.frames; f++) {
    if (frames.typeCount[f] === 0) continue;
    const owner = frames.owner[f];
    const slots = frames.type[f] === FrameType.L1 ? 1024 : frames.type[f] === FrameType.L2 ? FIRST_HOLE_SLOT : 0;
    for (let slot = 0; slot < slots; slot++) {
      const value = memory.read32(f * 4096 + slot * 4);
      if ((value & P) === 0) continue;
      const target = value >>> 12;
      if (frames.owner[target] !== owner) return `frame ${f} maps frame ${target} of another owner`;
      total[target]++;
      if (frames.type[f] === FrameType.L1) {
        if ((value & RW) !== 0) {
          typed[target]++;
          if (frames.type[target] !== FrameType.Writable) return `L1 ${f} maps ${target} writable while it is type ${frames.type[target]}`;
        }
      } else if (target !== f) {
        typed[target]++;
        if (frames.type[target] !== FrameType.L1) return `L2 ${f} points at ${target} of type ${frames.type[target]}`;
      } else if ((value & RW) !== 0) return `L2 ${f} maps itself writable`;
    }
  }
  for (let f = 0; f < frames.frames; f++) {
    if (total[f] !== frames.totalCount[f]) return `frame ${f}: totalCount ${frames.totalCount[f]}, recounted ${total[f]}`;
    if (typed[f] !== frames.typeCount[f]) return `frame ${f}: typeCount ${frames.typeCount[f]}, recounted ${typed[f]}`;
  }
  return null;
}

describe("page types by property", () => {
  it("random pins, unpins and updates by two domains keep every invariant", () => {
    let seed = 12345;
    const random = (n: number) => {
      seed = (Math.imul(seed, 1103515245) + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let round = 0; round < 30; round++) {
      const { frames, memory, types, entry } = setup();
      for (let step = 0; step < 400; step++) {
        const domain = random(2) + 1;
        const frame = random(64);
        switch (random(5)) {
          case 0:
            types.pin(frame, domain, random(2) === 0 ? FrameType.L1 : FrameType.L2);
            break;
          case 1:
            types.unpin(frame, domain);
            break;
          default: {
            const target = random(64);
            const bits = [0, P, P | RW, P | RW | US, P | 0x100, P | 0x80][random(6)];
            types.updateEntry(entry(frame, random(2) === 0 ? random(8) : random(1024)), (target << 12) | bits, domain);
          }
        }
        const problem = checkInvariants(frames, memory);
        if (problem !== null) throw new Error(`round ${round} step ${step}: ${problem}`);
      }
    }
  });
});
