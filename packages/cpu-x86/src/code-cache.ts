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
import type { CompiledBlock, RegionRun } from "./jit/block-compiler";

export interface Block {
  /** Physical address * 2 + 1 for 32-bit code. */
  readonly key: number;
  readonly instrs: Instr[];
  /** Bytes covered, for the CS limit check at entry. */
  readonly byteLength: number;
  readonly physical: number;
  /** Byte offset of each instruction from the block start, and the end offset last. */
  readonly offsets: Int32Array;
  /** Times interpreted; the block is compiled (into a region, or alone) when this reaches the CPU's threshold. */
  executions: number;
  /** The block compiled alone (when no region took it, or CS is not flat). */
  compiled: CompiledBlock | null;
  /** The compiled region of this block's page that includes it, if any. */
  region: Region | null;
}

/** Compiled code for many blocks of one page (see BlockCompiler.compileRegion). */
export interface Region {
  /** Returns 1 when it stopped only because the next EIP is not one of its blocks, 0 when the run loop must look (see BlockCompiler.compileRegion). */
  readonly run: RegionRun;
  /** Indexed by `cpu.jitBlockIndex`. */
  readonly blocks: readonly Block[];
  /** Cleared when its page is written: compiled code that cached this region must not enter it again. */
  valid: boolean;
}

/** Most blocks in one region function (its case table is an `Int8Array`). */
export const MAX_REGION_BLOCKS = 127;

/**
 * Regions of one page before they are all rebuilt as one set: new hot blocks
 * go into a new region of their own, so the regions already running (and
 * optimised by the JavaScript engine) are left alone.
 */
const MAX_REGIONS_PER_PAGE = 4;

/** Hot blocks of one page and code size, the material of its regions. */
interface PageRegions {
  readonly compiled: Block[];
  /** The same blocks, for membership tests. */
  readonly members: Set<Block>;
  /** Every region built for the page (invalidated with it). */
  readonly built: Region[];
  /** Regions built since the last full rebuild. */
  regions: number;
}

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
  /** Hot blocks per page and code size (key: page * 2 + code32). */
  private readonly pageRegions = new Map<number, PageRegions>();

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
   * Records a block that became hot (it is compiled alone if no region
   * takes it), with the blocks of its page that have run `warm` times;
   * returns blocks to build regions from (in address order,
   * several regions if they do not fit in one) when enough hot blocks of its
   * page are in no region yet, else null. Usually those are only the new
   * blocks; after a few such regions the whole page is rebuilt at once.
   */
  noteCompiled(block: Block, warm: number): Block[] | null {
    const pageKey = (block.physical >>> 12) * 2 + (block.key & 1);
    let page = this.pageRegions.get(pageKey);
    if (page === undefined) {
      page = { compiled: [], members: new Set(), built: [], regions: 0 };
      this.pageRegions.set(pageKey, page);
    }
    const join = (member: Block) => {
      if (page.members.has(member)) return;
      page.members.add(member);
      page.compiled.push(member);
    };
    join(block);
    // Blocks of the page that have run `warm` times join now: a page whose
    // code warms up together (a loop body) gets a few regions, not one per block.
    for (const key of this.pageKeys.get(block.physical >>> 12) ?? []) {
      const other = this.blocks.get(key);
      if (other === undefined || (other.key & 1) !== (block.key & 1)) continue;
      if (other.executions >= warm && other.region === null && other.compiled === null) join(other);
    }
    const pending = page.compiled.filter((b) => b.region === null);
    const inRegions = page.compiled.length - pending.length;
    if (pending.length < 2 || pending.length < inRegions >> 2) return null;
    let chosen = pending;
    if (page.regions >= MAX_REGIONS_PER_PAGE) {
      chosen = page.compiled.slice();
      page.regions = 0;
    }
    return chosen.sort((a, b) => a.physical - b.physical);
  }

  /** A region was built for blocks of this page (see noteCompiled). */
  noteRegion(block: Block, region: Region): void {
    const page = this.pageRegions.get((block.physical >>> 12) * 2 + (block.key & 1));
    if (page === undefined) return;
    page.regions++;
    page.built.push(region);
  }

  /** Drops every block decoded from `page`. */
  invalidatePage(page: number): void {
    for (const pageKey of [page * 2, page * 2 + 1]) {
      const regions = this.pageRegions.get(pageKey);
      if (regions === undefined) continue;
      for (const region of regions.built) region.valid = false;
      this.pageRegions.delete(pageKey);
    }
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
    for (const page of this.pageRegions.values()) for (const region of page.built) region.valid = false;
    this.blocks.clear();
    this.pageKeys.clear();
    this.fast.fill(undefined);
    this.pageRegions.clear();
  }

  get size(): number {
    return this.blocks.size;
  }
}
