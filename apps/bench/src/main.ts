/** `npm run bench`: prints the benchmark tables as Markdown. */
import { cpus } from "node:os";
import { formatCpuSpeed, measureCpuSpeed } from "./cpu-speed";

const runs = Number(process.env.BENCH_RUNS ?? 3);
console.log(`# xeno86 benchmarks\n\nNode ${process.version}, ${cpus()[0]?.model ?? "unknown CPU"}, median of ${runs} runs.\n`);
console.log("## CPU: guest MIPS on bare kernels\n");
console.log(formatCpuSpeed(measureCpuSpeed(runs)));
