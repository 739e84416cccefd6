/**
 * `npm run bench`: prints the benchmark tables as Markdown.
 *   --linux   also run the Linux suite against v86 (downloads Debian images and SeaBIOS)
 *   BENCH_RUNS=n  runs per measurement (median reported; default 3)
 */
import { cpus } from "node:os";
import { formatCpuSpeed, measureCpuSpeed } from "./cpu-speed";
import { measureLinuxSuite } from "./linux-suite";
import { formatFairness, formatScale, measureFairness, measureScale } from "./hypervisor-scale";

const runs = Number(process.env.BENCH_RUNS ?? 3);
const linux = process.argv.includes("--linux");
const hypervisorOnly = process.argv.includes("--hypervisor-only");
console.log(`# xeno86 benchmarks\n\nNode ${process.version}, ${cpus()[0]?.model ?? "unknown CPU"}, median of ${runs} runs.\n`);
if (!hypervisorOnly) {
  console.log("## CPU: guest MIPS on bare kernels\n");
  console.log(formatCpuSpeed(measureCpuSpeed(runs)));
}
console.log("\n## Hypervisor: 128 demo domains at once\n");
console.log(formatScale(measureScale()));
console.log("\n## Hypervisor: BVT shares of 8 CPU-bound domains with weights 1-8\n");
console.log(formatFairness(measureFairness()));
if (linux) {
  console.log("\n## Linux: Debian i386 kernel + busybox, xeno86 against v86 (both in Node)\n");
  console.log(await measureLinuxSuite(runs, (line) => console.error(line)));
}
