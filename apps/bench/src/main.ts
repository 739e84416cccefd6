/**
 * `npm run bench`: prints the benchmark tables as Markdown.
 *   --linux   also run the Linux suite against v86 (downloads Debian images and SeaBIOS)
 *   BENCH_RUNS=n  runs per measurement (median reported; default 3)
 */
import { cpus } from "node:os";
import { formatCpuSpeed, measureCpuSpeed } from "./cpu-speed";
import { measureLinuxSuite } from "./linux-suite";

const runs = Number(process.env.BENCH_RUNS ?? 3);
const linux = process.argv.includes("--linux");
console.log(`# xeno86 benchmarks\n\nNode ${process.version}, ${cpus()[0]?.model ?? "unknown CPU"}, median of ${runs} runs.\n`);
console.log("## CPU: guest MIPS on bare kernels\n");
console.log(formatCpuSpeed(measureCpuSpeed(runs)));
if (linux) {
  console.log("\n## Linux: Debian i386 kernel + busybox, xeno86 against v86 (both in Node)\n");
  console.log(await measureLinuxSuite(runs, (line) => console.error(line)));
}
