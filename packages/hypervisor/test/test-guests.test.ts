/**
 * The XTF-style test guests (guests/pv/tests): each exercises one mechanism
 * of the interface and prints one result line.
 */
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { IMAGES, resultOf, runGuests } from "./run-guest";

const SINGLE = ["console", "traps", "pagefault", "mmu", "multicall", "events", "syscall", "descriptors", "fpu", "balloon"];

describe("test guests", () => {
  it("are all built", () => {
    const images = readdirSync(IMAGES).filter((f) => f.endsWith(".elf"));
    for (const name of SINGLE) expect(images).toContain(`${name}.elf`);
  });

  it.each(SINGLE)("%s", (name) => {
    const run = runGuests([{ image: name }]);
    expect(resultOf(run, 1)).toBe("Test result: SUCCESS");
    expect(run.domains[0]).toMatchObject({ state: "dead", killed: false });
  });
});
