/**
 * Decoded blocks, keyed by physical address and code size (16/32-bit).
 *
 * A block is the straight-line run of instructions from one address to the
 * first branch (or page end). Blocks never span pages, so a write to a page
 * drops exactly the blocks of that page; the MMU tells us through the
 * physical memory's code-write listener.
 */
import type { PhysicalMemory } from "@xeno86/mmu";
import type { Instr } from "./instruction";
import type { CompiledBlock } from "./jit/block-compiler";

export interface Block {
  readonly instrs: Instr[];
  /** Bytes covered, for the CS limit check at entry. */
  readonly byteLength: number;
  readonly physical: number;
  /** Byte offset of each instruction from the block start, and the end offset last. */
  readonly offsets: Int32Array;
  /** Times interpreted; the block is compiled when this reaches the CPU's threshold. */
  executions: number;
  compiled: CompiledBlock | null;
}

export class CodeCache {
  private readonly blocks = new Map<number, Block>();
  /** Keys of the blocks on each physical page. */
  private readonly pageKeys = new Map<number, number[]>();

  constructor(private readonly memory: PhysicalMemory) {}

  lookup(key: number): Block | undefined {
    return this.blocks.get(key);
  }

  insert(key: number, physical: number, instrs: Instr[], byteLength: number): Block {
    const offsets = new Int32Array(instrs.length + 1);
    for (let k = 0; k < instrs.length; k++) offsets[k + 1] = offsets[k] + instrs[k].length;
    const block: Block = { instrs, byteLength, physical, offsets, executions: 0, compiled: null };
    this.blocks.set(key, block);
    const page = physical >>> 12;
    const keys = this.pageKeys.get(page);
    if (keys === undefined) this.pageKeys.set(page, [key]);
    else keys.push(key);
    return block;
  }

  /** Drops every block decoded from `page`. */
  invalidatePage(page: number): void {
    const keys = this.pageKeys.get(page);
    if (keys !== undefined) {
      for (const key of keys) this.blocks.delete(key);
      this.pageKeys.delete(page);
    }
    this.memory.clearCodePage(page);
  }

  clear(): void {
    for (const page of this.pageKeys.keys()) this.memory.clearCodePage(page);
    this.blocks.clear();
    this.pageKeys.clear();
  }

  get size(): number {
    return this.blocks.size;
  }
}
