/**
 * The XTF-style test guests (guests/pv/tests): each exercises one mechanism
 * of the interface and prints one result line.
 */
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { IMAGES, resultOf, runGuests } from "./run-guest";

const SINGLE = ["console", "traps", "pagefault", "mmu", "multicall", "events", "syscall", "descriptors", "fpu", "balloon", "failsafe"];
const PAIRED = ["evtchn"];

describe("test guests", () => {
  it("are all built", () => {
    const images = readdirSync(IMAGES).filter((f) => f.endsWith(".elf"));
    for (const name of [...SINGLE, ...PAIRED, "dom0", "demo"]) expect(images).toContain(`${name}.elf`);
  });

  it.each(SINGLE)("%s", (name) => {
    const run = runGuests([{ image: name }]);
    expect(resultOf(run, 1)).toBe("Test result: SUCCESS");
    expect(run.domains[0]).toMatchObject({ state: "dead", killed: false });
  });
});

describe("two test guests", () => {
  it("ping-pong over an event channel", () => {
    const run = runGuests([
      { image: "evtchn", commandLine: "peer=2" },
      { image: "evtchn", commandLine: "peer=1" },
    ]);
    expect(resultOf(run, 1)).toBe("Test result: SUCCESS");
    expect(resultOf(run, 2)).toBe("Test result: SUCCESS");
    expect(run.domains.every((d) => d.events >= 20)).toBe(true);
  });
});

describe("the privileged domain", () => {
  it("builds, starts, stops and waits for a child domain with dom0_op, from the kernel it was given", () => {
    const run = runGuests([{ image: "dom0", privileged: true, module: "console" }]);
    expect(resultOf(run, 1)).toBe("Test result: SUCCESS");
    const child = run.domains.find((d) => d.name === "child");
    expect(child).toMatchObject({ state: "dead", killed: false });
    expect(resultOf(run, child!.id)).toBe("Test result: SUCCESS");
    expect(run.domains.find((d) => d.name === "short-lived")).toMatchObject({ state: "dead", pages: 0 });
    // Every frame of the three domains came back.
    expect(run.hv.allocator.freeCount).toBe(run.freeFramesBefore);
  });
});

describe("the demo kernel", () => {
  it("ticks, runs a ring-3 process and exchanges events with its peer, then exits after 2 s", () => {
    const run = runGuests(
      [
        { image: "demo", commandLine: "peer=2" },
        { image: "demo", commandLine: "peer=1" },
      ],
      5e9,
    );
    expect(run.stop.reason).toBe("no-domains");
    for (const id of [1, 2]) {
      const lines = run.consoles.get(id) ?? [];
      expect(lines.filter((line) => line.startsWith("tick "))).toHaveLength(20);
      expect(lines).toContain("user process: hello from ring 3");
      expect(lines.find((line) => line.startsWith("tick 20 "))).toMatch(/events to domain \d: 20 sent, (19|20) received/);
      expect(lines.at(-1)).toMatch(/^demo kernel in domain \d done: 20 ticks/);
    }
  });
});
