/** A CPU restored from a snapshot (with a copy of memory) continues exactly like the original. */
import { describe, expect, it } from "vitest";
import { Mmu, PhysicalMemory } from "@xeno86/mmu";
import { Cpu, Exit, type IoBus, restoreCpuState, saveCpuState } from "../src/index";
import { kernelImage } from "./bare-kernels";

function rig(memory: PhysicalMemory) {
  const result = { answer: -1 };
  let cpu: Cpu | null = null;
  const io: IoBus = {
    in8: () => 0xff,
    in16: () => 0xffff,
    in32: () => -1,
    out8: (port) => {
      if (port === 0xf4) cpu?.requestStop();
    },
    out16: () => {},
    out32: (port, value) => {
      if (port === 0xf0) result.answer = value >>> 0;
    },
  };
  cpu = new Cpu({ mmu: new Mmu(memory), io });
  return { cpu, result };
}

describe("CPU snapshots", () => {
  it("continue identically after restore, through paging and compiled blocks", () => {
    const memory = new PhysicalMemory(16 << 20);
    memory.writeBytes(0x7c00, kernelImage("paged-hash"));
    const original = rig(memory);
    original.cpu.loadRealModeEntry(0, 0x7c00);
    expect(original.cpu.run(20_000_000)).toBe(Exit.Budget);

    const saved = JSON.parse(JSON.stringify(saveCpuState(original.cpu)));
    const memoryCopy = new PhysicalMemory(16 << 20);
    memoryCopy.writeBytes(0, memory.ram8);

    expect(original.cpu.run(1e9)).toBe(Exit.Stopped);
    const restored = rig(memoryCopy);
    restoreCpuState(restored.cpu, saved);
    expect(restored.cpu.run(1e9)).toBe(Exit.Stopped);

    expect(restored.result.answer).toBe(original.result.answer);
    expect(restored.cpu.instructionCount).toBe(original.cpu.instructionCount);
    expect(saveCpuState(restored.cpu).registers).toEqual(saveCpuState(original.cpu).registers);
  });

  it("refuses a state of another version", () => {
    const { cpu } = rig(new PhysicalMemory(1 << 20));
    const state = saveCpuState(cpu);
    expect(() => restoreCpuState(cpu, { ...state, version: 99 })).toThrow(/version 99/);
  });
});
