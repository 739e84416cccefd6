/**
 * BVT on the running monitor: CPU-bound domains share the CPU in proportion
 * to their weights (1 / mcu_advance), and many domains all make progress.
 */
import { describe, expect, it } from "vitest";
import { DomainControl } from "../control/domain-control";
import { Hypervisor } from "../hypervisor";
import { elf } from "../test-support/minimal-elf";

/** inc eax; jmp back: never blocks, never exits. */
const SPIN = Uint8Array.from([0x40, 0xeb, 0xfd]);

describe("BVT scheduling of CPU-bound domains", () => {
  it("gives CPU in proportion to the weights", () => {
    const hv = new Hypervisor({ memoryMiB: 32 });
    const control = new DomainControl(hv);
    control.setContextAllowance(1_000_000);
    const advances = [10, 20, 40, 10];
    const ids = advances.map((mcuAdvance, n) => control.create({ name: `spin${n}`, memoryKiB: 128, kernel: elf({ code: SPIN }), scheduling: { mcuAdvance } }).id);
    hv.run(200_000_000);
    const times = ids.map((id) => control.info(id).cpuTimeNs);
    const total = times.reduce((a, b) => a + b, 0);
    const weights = advances.map((a) => 1 / a);
    const weightTotal = weights.reduce((a, b) => a + b, 0);
    for (let n = 0; n < ids.length; n++) {
      const share = times[n] / total;
      const target = weights[n] / weightTotal;
      expect(Math.abs(share - target), `domain ${n}: share ${share.toFixed(3)} vs ${target.toFixed(3)}`).toBeLessThan(0.03);
    }
    expect(total).toBeGreaterThan(0.99 * 200_000_000);
  });

  it("lets 128 domains all run", () => {
    const hv = new Hypervisor({ memoryMiB: 128 });
    const control = new DomainControl(hv);
    control.setContextAllowance(200_000);
    const ids = Array.from({ length: 128 }, (_, n) => control.create({ name: `d${n}`, memoryKiB: 128, kernel: elf({ code: SPIN }) }).id);
    hv.run(100_000_000);
    const times = ids.map((id) => control.info(id).cpuTimeNs);
    const mean = times.reduce((a, b) => a + b, 0) / times.length;
    for (const time of times) expect(time).toBeGreaterThan(0.5 * mean);
  });
});
