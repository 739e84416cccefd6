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
  /** Physical address * 2 + 1 for 32-bit code. */
  readonly key: number;
  readonly instrs: Instr[];
  /** Bytes covered, for the CS limit check at entry. */
  readonly byteLength: number;
  readonly physical: number;
  /** Byte offset of each instruction from the block start, and the end offset last. */
  readonly offsets: Int32Array;
  /** Times interpreted; the block is compiled when this reaches the CPU's threshold. */
  executions: number;
  compiled: CompiledBlock | null;
  /** The compiled region of this block's page that includes it, if any. */
  region: Region | null;
}

/** Compiled code for many blocks of one page (see BlockCompiler.compileRegion). */
export interface Region {
  readonly run: CompiledBlock;
  /** Indexed by `cpu.jitBlockIndex`. */
  readonly blocks: readonly Block[];
}

/** Most blocks in one region function (bigger functions are not optimised well by JavaScript engines). */
export const MAX_REGION_BLOCKS = 96;

/** Slots of the direct-mapped cache in front of the map (a power of two). */
const FAST_SLOTS = 8192;

function fastSlot(key: number): number {
  return (key ^ (key >>> 13)) & (FAST_SLOTS - 1);
}

export class CodeCache {
  private readonly blocks = new Map<number, Block>();
  /** Direct-mapped cache of recent blocks: one array load and a compare on a hit. */
  private readonly fast: Array<Block | undefined> = new Array<Block | undefined>(FAST_SLOTS).fill(undefined);
  /** Keys of the blocks on each physical page. */
  private readonly pageKeys = new Map<number, number[]>();
  /** Compiled blocks per page and code size (key: page * 2 + code32), the material of regions. */
  private readonly compiledOnPage = new Map<number, Block[]>();
  /** Blocks in the current region of each page key. */
  private readonly regionSize = new Map<number, number>();

  constructor(private readonly memory: PhysicalMemory) {}

  lookup(key: number): Block | undefined {
    const slot = fastSlot(key);
    const cached = this.fast[slot];
    if (cached !== undefined && cached.key === key) return cached;
    const block = this.blocks.get(key);
    if (block !== undefined) this.fast[slot] = block;
    return block;
  }

  insert(key: number, physical: number, instrs: Instr[], byteLength: number): Block {
    const offsets = new Int32Array(instrs.length + 1);
    for (let k = 0; k < instrs.length; k++) offsets[k + 1] = offsets[k] + instrs[k].length;
    const block: Block = { key, instrs, byteLength, physical, offsets, executions: 0, compiled: null, region: null };
    this.blocks.set(key, block);
    const page = physical >>> 12;
    const keys = this.pageKeys.get(page);
    if (keys === undefined) this.pageKeys.set(page, [key]);
    else keys.push(key);
    return block;
  }

  /**
   * Records a newly compiled block; returns the blocks for a new region of
   * its page when enough have been compiled since the last one (regions grow
   * geometrically, so each page is recompiled only a few times), else null.
   */
  noteCompiled(block: Block): Block[] | null {
    const pageKey = (block.physical >>> 12) * 2 + (block.key & 1);
    let list = this.compiledOnPage.get(pageKey);
    if (list === undefined) {
      list = [];
      this.compiledOnPage.set(pageKey, list);
    }
    list.push(block);
    const current = this.regionSize.get(pageKey) ?? 0;
    if (list.length < 2 || list.length < current + Math.max(1, current >> 2) || current >= MAX_REGION_BLOCKS) return null;
    const chosen = list.slice(0, MAX_REGION_BLOCKS);
    this.regionSize.set(pageKey, chosen.length);
    return chosen;
  }

  /** Drops every block decoded from `page`. */
  invalidatePage(page: number): void {
    this.compiledOnPage.delete(page * 2);
    this.compiledOnPage.delete(page * 2 + 1);
    this.regionSize.delete(page * 2);
    this.regionSize.delete(page * 2 + 1);
    const keys = this.pageKeys.get(page);
    if (keys !== undefined) {
      for (const key of keys) {
        this.blocks.delete(key);
        const slot = fastSlot(key);
        if (this.fast[slot]?.key === key) this.fast[slot] = undefined;
      }
      this.pageKeys.delete(page);
    }
    this.memory.clearCodePage(page);
  }

  clear(): void {
    for (const page of this.pageKeys.keys()) this.memory.clearCodePage(page);
    this.blocks.clear();
    this.pageKeys.clear();
    this.fast.fill(undefined);
    this.compiledOnPage.clear();
    this.regionSize.clear();
  }

  get size(): number {
    return this.blocks.size;
  }
}
