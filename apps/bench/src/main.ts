/**
 * `npm run bench`: prints the benchmark tables as Markdown.
 *   --linux   also run the Linux suite against v86 (downloads Debian images and SeaBIOS)
 *   --overhead  only the paravirtual overhead table (guests/bench on the bare PC and on the hypervisor)
 *   BENCH_JIT=0   run the overhead kernels interpreted
 *   BENCH_OVERHEAD_SCALE=n  n times the overhead kernels' iterations (closer to the steady state, n times longer)
 *   BENCH_RUNS=n  runs per measurement (median reported; default 3)
 */
import { cpus } from "node:os";
import { formatCpuSpeed, measureCpuSpeed } from "./cpu-speed";
import { measureLinuxSuite } from "./linux-suite";
import { formatFairness, formatScale, measureFairness, measureScale } from "./hypervisor-scale";
import { DEFAULT_COUNTS, formatOverhead, measureOverhead, scaleCounts } from "./overhead";

const runs = Number(process.env.BENCH_RUNS ?? 3);
const linux = process.argv.includes("--linux");
const hypervisorOnly = process.argv.includes("--hypervisor-only");
const overheadOnly = process.argv.includes("--overhead");
console.log(`# xeno86 benchmarks\n\nNode ${process.version}, ${cpus()[0]?.model ?? "unknown CPU"}, median of ${runs} runs.\n`);
if (!hypervisorOnly && !overheadOnly) {
  console.log("## CPU: guest MIPS on bare kernels\n");
  console.log(formatCpuSpeed(measureCpuSpeed(runs)));
}
if (!overheadOnly) {
  console.log("\n## Hypervisor: 128 demo domains at once\n");
  console.log(formatScale(measureScale()));
  console.log("\n## Hypervisor: BVT shares of 8 CPU-bound domains with weights 1-8\n");
  console.log(formatFairness(measureFairness()));
}
console.log("\n## Hypervisor: paravirtual overhead, the same kernel on the bare PC and on xeno86 (host ns per operation)\n");
const overheadCounts = scaleCounts(DEFAULT_COUNTS, Number(process.env.BENCH_OVERHEAD_SCALE ?? 1));
console.log(formatOverhead(measureOverhead(runs, overheadCounts, { jit: process.env.BENCH_JIT === "0" ? false : undefined })));
if (linux) {
  console.log("\n## Linux: Debian i386 kernel + busybox, xeno86 against v86 (both in Node)\n");
  console.log(await measureLinuxSuite(runs, (line) => console.error(line)));
}
