/**
 * The code cache's choice of blocks for a page's regions: a block that
 * becomes hot brings the blocks of its page that are warm with it, so a loop
 * body is compiled in a few regions rather than one per block.
 */
import { PhysicalMemory } from "@xeno86/mmu";
import { describe, expect, it } from "vitest";
import { CodeCache } from "./code-cache";
import { Instr } from "./instruction";

function blockAt(cache: CodeCache, physical: number, executions: number) {
  const block = cache.insert(physical * 2 + 1, physical, [new Instr()], 1);
  block.executions = executions;
  return block;
}

describe("regions of a page", () => {
  it("take the warm blocks of the page along with the hot one, in address order", () => {
    const cache = new CodeCache(new PhysicalMemory(1 << 20));
    const warm = blockAt(cache, 0x5020, 300);
    const cold = blockAt(cache, 0x5040, 10);
    const elsewhere = blockAt(cache, 0x6000, 900);
    const hot = blockAt(cache, 0x5010, 1000);
    const chosen = cache.noteCompiled(hot, 250);
    expect(chosen).toEqual([hot, warm]);
    expect(chosen).not.toContain(cold);
    expect(chosen).not.toContain(elsewhere);
  });

  it("wait for a second block when the hot one is alone on its page", () => {
    const cache = new CodeCache(new PhysicalMemory(1 << 20));
    blockAt(cache, 0x5040, 10);
    expect(cache.noteCompiled(blockAt(cache, 0x5010, 1000), 250)).toBeNull();
  });
});
