/**
 * The whole machine: a boot image that uses the PIC, the PIT and the UART
 * runs to its end; a machine saved part-way and restored into a fresh one
 * continues exactly like the original (same output, same instruction count).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { Machine } from "./machine";

const image = new Uint8Array(readFileSync(fileURLToPath(new URL("../../../guests/bare/timer-ticks.bin", import.meta.url))));

function machineWithOutput() {
  const output: number[] = [];
  const machine = new Machine({ memoryMiB: 4, onSerialOutput: (byte) => output.push(byte) });
  return { machine, output, text: () => Buffer.from(output).toString("latin1") };
}

describe("Machine", () => {
  it("runs a program on timer interrupts and halts for good", () => {
    const { machine, text } = machineWithOutput();
    machine.loadBootImage(image);
    const stop = machine.run(1_000_000_000);
    expect(stop.reason).toBe("halted");
    expect(text()).toBe("0123456789done\r\n");
    // 100 ticks of 1193 PIT periods each: the virtual clock moved about 100 ms.
    expect(stop.timeNs).toBeGreaterThan(99_000_000);
    expect(stop.timeNs).toBeLessThan(101_000_000);
  });

  it("continues identically after save and restore", () => {
    const original = machineWithOutput();
    original.machine.loadBootImage(image);
    expect(original.machine.run(45_000_000).reason).toBe("timeout");
    const saved = original.machine.save();
    const outputAtSave = original.output.length;
    const finalStop = original.machine.run(1_000_000_000);

    const restored = machineWithOutput();
    restored.machine.restore(structuredClone(saved));
    const restoredStop = restored.machine.run(1_000_000_000);

    expect(restored.text()).toBe(original.text().slice(outputAtSave));
    expect(restoredStop.reason).toBe(finalStop.reason);
    expect(restoredStop.instructions).toBe(finalStop.instructions);
    expect(restoredStop.timeNs).toBe(finalStop.timeNs);
    expect(restoredStop.eip).toBe(finalStop.eip);
  });

  it("refuses a state from another machine size or version", () => {
    const small = new Machine({ memoryMiB: 4 });
    const big = new Machine({ memoryMiB: 8 });
    expect(() => big.restore(small.save())).toThrow(/RAM/);
    expect(() => small.restore({ ...small.save(), version: 99 })).toThrow(/version 99/);
  });

  it("refuses silly memory sizes", () => {
    expect(() => new Machine({ memoryMiB: 0 })).toThrow(/memory must be/);
    expect(() => new Machine({ memoryMiB: 1.5 })).toThrow(/memory must be/);
  });
});
