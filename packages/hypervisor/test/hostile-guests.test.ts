/**
 * Hostile guests (guests/pv/hostile) run beside well-behaved ones: every
 * forbidden request is refused or the offender is killed, and the other
 * domain finishes its own test untouched.
 */
import { describe, expect, it } from "vitest";
import { resultOf, runGuests } from "./run-guest";

describe("hostile guests", () => {
  it("have every forbidden request refused, and survive", () => {
    const run = runGuests([{ image: "refusals" }, { image: "mmu" }]);
    expect(resultOf(run, 1)).toBe("Test result: SUCCESS");
    expect(resultOf(run, 2)).toBe("Test result: SUCCESS");
    expect(run.domains.map((d) => d.killed)).toEqual([false, false]);
  });

  it.each([
    ["bad-stack", /ring-1 stack at 0xc037f.* cannot be written/],
    ["wild", /exception 14 with no handler/],
  ])("%s is killed while its neighbour runs on", (image, reason) => {
    const run = runGuests([{ image: "events" }, { image }, { image: "syscall" }]);
    const hostile = run.domains[1];
    expect(hostile).toMatchObject({ state: "dead", killed: true });
    expect(hostile.deathReason).toMatch(reason);
    const console = run.consoles.get(2) ?? [];
    expect(console.at(-1)).toMatch(/^expect-kill: /);
    expect(resultOf(run, 1)).toBe("Test result: SUCCESS");
    expect(resultOf(run, 3)).toBe("Test result: SUCCESS");
    // Its memory went back to the pool: the frame table holds nothing of it.
    expect(run.hv.frames.countOwnedBy(hostile.id)).toBe(0);
  });
});
