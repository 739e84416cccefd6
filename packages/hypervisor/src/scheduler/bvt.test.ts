/** BVT gives CPU in proportion to weight (1 / mcu_advance), charges no credit for sleep, and lets warped domains run first. */
import { describe, expect, it } from "vitest";
import { BvtEntity, BvtScheduler, MCU_NS } from "./bvt";

/** Runs the scheduler for `total` ns, each decision granting its full slice. */
function simulate(scheduler: BvtScheduler, total: number): void {
  let now = 0;
  while (now < total) {
    const { next, slice } = scheduler.schedule();
    if (next === null) break;
    const ran = Math.min(slice, total - now);
    now += ran;
    scheduler.charge(next, ran, now);
  }
}

describe("BVT", () => {
  it("shares the CPU in proportion to weight", () => {
    const scheduler = new BvtScheduler();
    const weights = [1, 2, 4];
    const entities = weights.map((w, n) => new BvtEntity(n, { mcuAdvance: 40 / w }));
    for (const e of entities) {
      scheduler.add(e);
      scheduler.wake(e, 0);
    }
    simulate(scheduler, 10_000_000_000);
    const total = entities.reduce((sum, e) => sum + e.cpuTime, 0);
    entities.forEach((e, n) => {
      const share = e.cpuTime / total;
      const target = weights[n] / 7;
      expect(Math.abs(share - target)).toBeLessThan(0.01);
    });
  });

  it("gives equal weights equal shares and switches at least every allowance plus lead", () => {
    const scheduler = new BvtScheduler();
    const a = new BvtEntity(0);
    const b = new BvtEntity(1);
    scheduler.add(a);
    scheduler.add(b);
    scheduler.wake(a, 0);
    scheduler.wake(b, 0);
    const first = scheduler.schedule();
    expect(first.next).toBe(a);
    expect(first.slice).toBe(scheduler.contextAllowance);
    simulate(scheduler, 1_000_000_000);
    expect(Math.abs(a.cpuTime - b.cpuTime)).toBeLessThanOrEqual(scheduler.contextAllowance + MCU_NS);
  });

  it("does not credit a sleeper with the time it slept", () => {
    const scheduler = new BvtScheduler();
    const busy = new BvtEntity(0);
    const sleeper = new BvtEntity(1);
    scheduler.add(busy);
    scheduler.add(sleeper);
    scheduler.wake(busy, 0);
    simulate(scheduler, 1_000_000_000);
    scheduler.wake(sleeper, 1_000_000_000);
    expect(sleeper.avt).toBe(busy.avt);
    const before = busy.cpuTime;
    simulate(scheduler, 200_000_000);
    // Both now share evenly: the sleeper does not monopolise the CPU to catch up.
    expect(busy.cpuTime - before).toBeGreaterThan(80_000_000);
  });

  it("runs a warped domain ahead of others while its warp lasts", () => {
    const scheduler = new BvtScheduler();
    const batch = new BvtEntity(0);
    const interactive = new BvtEntity(1, { warp: 500, warpLimit: 2_000_000, unwarpRequirement: 10_000_000 });
    scheduler.add(batch);
    scheduler.add(interactive);
    scheduler.wake(batch, 0);
    simulate(scheduler, 50_000_000);
    scheduler.wake(interactive, 50_000_000);
    expect(interactive.warped).toBe(true);
    expect(scheduler.schedule().next).toBe(interactive);
    scheduler.charge(interactive, 2_000_000, 52_000_000);
    expect(interactive.warped).toBe(false);
  });

  it("idles when nothing is runnable", () => {
    const scheduler = new BvtScheduler();
    const e = new BvtEntity(0);
    scheduler.add(e);
    expect(scheduler.schedule().next).toBeNull();
  });
});
