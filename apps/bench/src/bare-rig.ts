/**
 * Runs a bare-metal kernel from guests/bare (boot sector → protected mode →
 * work → answer on port 0xF0, stop on port 0xF4) on a CPU with RAM and
 * nothing else, and reports how many instructions it took and how long.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Cpu, Exit, type IoBus } from "@xeno86/cpu-x86";
import { Mmu, PhysicalMemory } from "@xeno86/mmu";

export interface BareRun {
  answer: number;
  instructions: number;
  seconds: number;
}

export function bareKernel(name: string): Uint8Array {
  return new Uint8Array(readFileSync(fileURLToPath(new URL(`../../../guests/bare/${name}.bin`, import.meta.url))));
}

export function runBare(image: Uint8Array, jit: boolean): BareRun {
  const memory = new PhysicalMemory(16 << 20);
  let answer = -1;
  const stopper: { cpu: Cpu | null } = { cpu: null };
  const io: IoBus = {
    in8: () => 0xff,
    in16: () => 0xffff,
    in32: () => -1,
    out8: (port) => {
      if (port === 0xf4) stopper.cpu?.requestStop();
    },
    out16: () => {},
    out32: (port, value) => {
      if (port === 0xf0) answer = value >>> 0;
    },
  };
  const cpu = new Cpu({ mmu: new Mmu(memory), io, jit });
  stopper.cpu = cpu;
  memory.writeBytes(0x7c00, image);
  cpu.loadRealModeEntry(0, 0x7c00);
  const started = process.hrtime.bigint();
  const exit = cpu.run(Number.MAX_SAFE_INTEGER);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (exit !== Exit.Stopped) throw new Error(`kernel stopped with exit ${exit} at eip 0x${cpu.eip.toString(16)}`);
  return { answer, instructions: cpu.instructionCount, seconds };
}
