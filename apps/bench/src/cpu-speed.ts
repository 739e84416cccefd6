/**
 * Guest instructions per second on three bare kernels (arithmetic, memory
 * through scattered paging, branches and calls), interpreted and compiled,
 * median of several runs; the ratio compiled/interpreted comes from one run.
 */
import { bareKernel, runBare } from "./bare-rig";

export const CPU_KERNELS = [
  { name: "arith", what: "register arithmetic (imul, shifts, rotates, lea)" },
  { name: "paged-hash", what: "memory through 4 KiB pages on scattered frames" },
  { name: "branch", what: "calls, returns, indirect calls, data-dependent branches" },
] as const;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export interface CpuSpeedRow {
  kernel: string;
  what: string;
  instructions: number;
  interpretedMips: number;
  compiledMips: number;
}

export function measureCpuSpeed(runs: number): CpuSpeedRow[] {
  return CPU_KERNELS.map(({ name, what }) => {
    const image = bareKernel(name);
    const mips = (jit: boolean) => {
      const samples: number[] = [];
      let instructions = 0;
      for (let n = 0; n < runs; n++) {
        const run = runBare(image, jit);
        instructions = run.instructions;
        samples.push(run.instructions / run.seconds / 1e6);
      }
      return { mips: median(samples), instructions };
    };
    const interpreted = mips(false);
    const compiled = mips(true);
    return { kernel: name, what, instructions: compiled.instructions, interpretedMips: interpreted.mips, compiledMips: compiled.mips };
  });
}

export function formatCpuSpeed(rows: CpuSpeedRow[]): string {
  const lines = [
    "| kernel | work | guest instructions | interpreter MIPS | compiled MIPS | compiled / interpreter |",
    "|---|---|---:|---:|---:|---:|",
  ];
  for (const row of rows) {
    lines.push(
      `| ${row.kernel} | ${row.what} | ${(row.instructions / 1e6).toFixed(1)} M | ${row.interpretedMips.toFixed(1)} | ${row.compiledMips.toFixed(1)} | ${(row.compiledMips / row.interpretedMips).toFixed(2)}x |`,
    );
  }
  return lines.join("\n");
}
