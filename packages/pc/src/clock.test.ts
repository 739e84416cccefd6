import { describe, expect, it } from "vitest";
import { VirtualClock, ticksAt, timeOfTick } from "./clock";

describe("tick conversions", () => {
  it("are exact inverses for the PIT, RTC and UART clocks, weeks into virtual time", () => {
    for (const hz of [1_193_182, 32_768, 115_200]) {
      // Up to 4e6 s (46 days) of virtual time: nanoseconds stay below 2^53.
      for (const tick of [0, 1, 2, 999, hz - 1, hz, hz + 1, 123_456_789, hz * 4_000_000 + 7]) {
        const ns = timeOfTick(tick, hz);
        expect(ticksAt(ns, hz)).toBe(tick);
        expect(ticksAt(ns - 1, hz)).toBe(tick - 1);
      }
    }
  });

  it("matches the exact rational value", () => {
    // 1193182 ticks are exactly one second; tick 3 of the PIT starts at ceil(3e9/1193182) ns.
    expect(timeOfTick(1_193_182, 1_193_182)).toBe(1_000_000_000);
    expect(timeOfTick(3, 1_193_182)).toBe(2515);
    expect(ticksAt(2514, 1_193_182)).toBe(2);
    expect(ticksAt(10 ** 15, 32768)).toBe(32768 * 10 ** 6);
  });
});

describe("VirtualClock", () => {
  it("counts instructions: 1 instruction = 1 ns by default, configurable", () => {
    const cpu = { instructionCount: 0 };
    const clock = new VirtualClock({ counter: cpu });
    cpu.instructionCount = 12345;
    expect(clock.now()).toBe(12345);
    const slow = new VirtualClock({ counter: cpu, nsPerInstruction: 2.5 });
    expect(slow.now()).toBe(30862);
  });

  it("changes the instruction rate without a jump", () => {
    const cpu = { instructionCount: 1000 };
    const clock = new VirtualClock({ counter: cpu });
    clock.setNsPerInstruction(4);
    expect(clock.now()).toBe(1000);
    cpu.instructionCount = 1010;
    expect(clock.now()).toBe(1040);
  });

  it("fires timers in deadline order, ties in arming order, each with its deadline", () => {
    const clock = new VirtualClock();
    const fired: string[] = [];
    const a = clock.createTimer("a", (t) => fired.push(`a@${t}`));
    const b = clock.createTimer("b", (t) => fired.push(`b@${t}`));
    const c = clock.createTimer("c", (t) => fired.push(`c@${t}`));
    c.schedule(300);
    b.schedule(100);
    a.schedule(100);
    expect(clock.nextDeadline()).toBe(100);
    clock.advanceTo(99);
    expect(fired).toEqual([]);
    clock.advanceTo(1000);
    expect(fired).toEqual(["b@100", "a@100", "c@300"]);
    expect(clock.now()).toBe(1000);
    expect(clock.nextDeadline()).toBe(Infinity);
  });

  it("cancels and re-arms, and a callback may re-arm its own timer", () => {
    const clock = new VirtualClock();
    const times: number[] = [];
    const periodic = clock.createTimer("periodic", (t) => {
      times.push(t);
      if (times.length < 5) periodic.schedule(t + 10);
    });
    const doomed = clock.createTimer("doomed", () => times.push(-1));
    periodic.schedule(10);
    doomed.schedule(15);
    doomed.cancel();
    expect(doomed.scheduled).toBe(false);
    clock.advanceTo(100);
    expect(times).toEqual([10, 20, 30, 40, 50]);
  });

  it("moves time forward only when asked past the instruction time (idle skip)", () => {
    const cpu = { instructionCount: 0 };
    const clock = new VirtualClock({ counter: cpu });
    cpu.instructionCount = 500;
    clock.advanceTo(200); // already past: no change
    expect(clock.now()).toBe(500);
    clock.advanceTo(2000); // CPU halted: skip
    expect(clock.now()).toBe(2000);
    cpu.instructionCount = 600;
    expect(clock.now()).toBe(2100);
  });

  it("tells the run loop how many instructions fit before a deadline", () => {
    const cpu = { instructionCount: 0 };
    const clock = new VirtualClock({ counter: cpu, nsPerInstruction: 4 });
    clock.createTimer("t", () => {}).schedule(1000);
    expect(clock.instructionsUntil(clock.nextDeadline())).toBe(250);
    cpu.instructionCount = 300;
    expect(clock.instructionsUntil(1000)).toBe(0);
    expect(clock.instructionsUntil(Infinity)).toBe(Infinity);
  });

  it("skips to the next deadline and fires it", () => {
    const clock = new VirtualClock();
    let fired = 0;
    clock.schedule(5000, () => fired++);
    expect(clock.skipToNextDeadline()).toBe(true);
    expect(clock.now()).toBe(5000);
    expect(fired).toBe(1);
    expect(clock.skipToNextDeadline()).toBe(false);
  });

  it("in real-time mode is the larger of instruction time and host time, never going back", () => {
    let hostMs = 1000;
    const cpu = { instructionCount: 0 };
    const clock = new VirtualClock({ counter: cpu, hostNowMs: () => hostMs });
    expect(clock.now()).toBe(0);
    hostMs = 1002; // 2 ms of host time
    expect(clock.now()).toBe(2_000_000);
    cpu.instructionCount = 5_000_000; // instructions ahead of the host
    expect(clock.now()).toBe(5_000_000);
    hostMs = 1001.5; // a host clock that stepped back
    expect(clock.now()).toBe(5_000_000);
    expect(clock.realTime).toBe(true);
  });

  it("saves and restores time; refuses unknown versions", () => {
    const cpu = { instructionCount: 0 };
    const clock = new VirtualClock({ counter: cpu });
    clock.advanceTo(777);
    cpu.instructionCount = 23;
    const state = clock.save();
    expect(state).toEqual({ version: 1, nsPerInstruction: 1, skewNs: 777, nowNs: 800 });
    const other = new VirtualClock({ counter: { instructionCount: 23 } });
    other.restore(JSON.parse(JSON.stringify(state)));
    expect(other.now()).toBe(800);
    expect(() => other.restore({ ...state, version: 2 })).toThrow("cannot restore virtual clock: unsupported state version 2 (this virtual clock reads version 1)");
  });

  it("keeps no state between clocks", () => {
    const a = new VirtualClock();
    const b = new VirtualClock();
    a.advanceTo(100);
    a.createTimer("x", () => {}).schedule(200);
    expect(b.now()).toBe(0);
    expect(b.nextDeadline()).toBe(Infinity);
  });
});
