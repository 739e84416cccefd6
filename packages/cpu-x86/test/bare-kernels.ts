/**
 * The bare-metal kernels in guests/bare (boot sector → protected mode →
 * work → answer on port 0xF0) and the same computations in TypeScript, so a
 * test can check that the emulated CPU gets the host's answers.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Mmu, PhysicalMemory } from "@xeno86/mmu";
import { Cpu, Exit, type IoBus } from "../src/index";

export const KERNELS = ["arith", "branch", "paged-hash"] as const;
export type KernelName = (typeof KERNELS)[number];

export function kernelImage(name: KernelName): Uint8Array {
  return new Uint8Array(readFileSync(fileURLToPath(new URL(`../../../guests/bare/${name}.bin`, import.meta.url))));
}

export interface KernelRun {
  answer: number;
  instructions: number;
  milliseconds: number;
  exit: number;
}

/** Boots a kernel image at 0000:7C00 and runs it until it reports on port 0xF4. */
export function runKernel(image: Uint8Array, options: { jit: boolean; ramBytes?: number } = { jit: true }): KernelRun {
  const memory = new PhysicalMemory(options.ramBytes ?? 16 << 20);
  const mmu = new Mmu(memory);
  let answer = 0;
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
      if (port === 0xf0) answer = value >>> 0;
    },
  };
  cpu = new Cpu({ mmu, io, jit: options.jit });
  memory.writeBytes(0x7c00, image);
  cpu.loadRealModeEntry(0, 0x7c00);
  const started = performance.now();
  let exit = cpu.run(4_000_000_000);
  const milliseconds = performance.now() - started;
  return { answer, instructions: cpu.instructionCount, milliseconds, exit };
}

export { Exit };

// ---- the same computations in TypeScript ----

export function arithReference(): number {
  let eax = 1;
  let edx = 0x12345678;
  let esi = 0;
  let edi = 0x9abcdef0 | 0;
  for (let n = 0; n < 20_000_000; n++) {
    eax = (Math.imul(eax, 1103515245) + 12345) | 0;
    let ebx = eax >>> 7;
    edx ^= ebx;
    edx = (edx << 5) | (edx >>> 27);
    esi = (esi + edx) | 0;
    edi = (edi - esi) | 0;
    ebx &= 0xff;
    edi |= ebx;
    esi = (esi + edi * 2 + 7) | 0;
  }
  return (esi ^ edi ^ edx) >>> 0;
}

export function branchReference(): number {
  let steps = 0;
  let checksum = 0;
  for (let n = 1; n <= 60000; n++) {
    let value = n;
    while (value !== 1) {
      value = (value & 1) === 0 ? value >>> 1 : (value * 3 + 1) | 0;
      const selector = value & 3;
      if (selector === 0) checksum = (checksum + value) | 0;
      else if (selector === 1) checksum ^= value;
      else if (selector === 2) checksum = (checksum << 3) | (checksum >>> 29);
      else checksum = (checksum - selector) | 0;
      steps++;
    }
  }
  return (steps ^ checksum) >>> 0;
}

export function pagedHashReference(): number {
  const dwords = 1024 * 1024;
  const buffer = new Int32Array(dwords);
  const bytes = new Uint8Array(buffer.buffer);
  let x = 0x2545f491;
  for (let n = 0; n < dwords; n++) {
    x = (Math.imul(x, 1103515245) + 12345) | 0;
    buffer[n] = x;
  }
  let hash = 2166136261 | 0;
  for (let pass = 0; pass < 2; pass++) {
    for (let n = 0; n < bytes.length; n++) hash = Math.imul(hash ^ bytes[n], 16777619);
    buffer[0] = hash;
  }
  let index = 0;
  for (let step = 0; step < 1_000_000; step++) {
    index = (Math.imul(index, 1664525) + 1013904223) | 0;
    const slot = index & (dwords - 1);
    hash = (hash + buffer[slot]) | 0;
    buffer[slot] = hash;
  }
  return hash >>> 0;
}

export const REFERENCES: Record<KernelName, () => number> = {
  arith: arithReference,
  branch: branchReference,
  "paged-hash": pagedHashReference,
};
