import { describe, expect, it } from "vitest";
import { FpuErrorLatch } from "./fpu-error";
import type { IrqSink } from "./interfaces";
import { PortBus } from "./io-bus";
import { IgnoredPorts, PostCodePort } from "./legacy-ports";

describe("legacy ports", () => {
  it("latches POST codes at 0x80 and reads DMA ports as all ones, without unknown-port reports", () => {
    const unknown: number[] = [];
    const bus = new PortBus({ onUnknownPort: (port) => unknown.push(port) });
    const codes: number[] = [];
    new PostCodePort({ onPostCode: (code) => codes.push(code) }).attach(bus);
    new IgnoredPorts().attach(bus);
    bus.out8(0x80, 0x12);
    expect(bus.in8(0x80)).toBe(0x12);
    expect(codes).toEqual([0x12]);
    expect(bus.in8(0x87)).toBe(0xff); // Linux: no legacy DMA
    bus.out8(0x0a, 0x04);
    bus.out8(0xd4, 0x00);
    expect(unknown).toEqual([]);
  });

  it("latches FERR# onto IRQ 13 until port 0xF0 is written", () => {
    const levels: boolean[] = [];
    const irq: IrqSink = { setIrq: (line, level) => (line === 13 ? levels.push(level) : 0) };
    const latch = new FpuErrorLatch(irq);
    const bus = new PortBus();
    latch.attach(bus);
    latch.ferr(true);
    latch.ferr(false); // FNCLEX drops FERR#, the latch holds
    expect(levels).toEqual([true]);
    bus.out8(0xf0, 0);
    expect(levels).toEqual([true, false]);
    latch.ferr(true);
    expect(levels).toEqual([true, false, true]);
  });
});
