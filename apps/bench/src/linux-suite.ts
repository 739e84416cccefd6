/**
 * The Linux suite: Debian's i386 kernel and busybox initramfs booted to a
 * shell prompt, then a fixed workload timed step by step — on xeno86 and on
 * v86 in the same process, several runs each, medians and ratios.
 */
import { readFileSync } from "node:fs";
import { ConsoleSession, DEBIAN_COMMAND_LINE, MachineConsole, fetchImages, type ImageSet, type SerialConsole } from "@xeno86/cli";
import { fetchSeabios } from "./seabios";
import { V86Console } from "./v86-console";

export const LINUX_COMMAND_LINE = DEBIAN_COMMAND_LINE;
const MEMORY_MIB = 256;

/** Untimed preparation, then the timed steps. */
const SETUP = "cd /tmp && dd if=/dev/zero bs=65536 count=128 2>/dev/null | tr '\\0' 'x' > big && seq 1 20000 > numbers";
export const LINUX_STEPS: ReadonlyArray<{ name: string; command: string }> = [
  { name: "shell loop (20000)", command: "i=0; while [ $i -lt 20000 ]; do i=$((i + 1)); done; echo $i" },
  { name: "md5sum 8 MiB", command: "md5sum big" },
  { name: "gzip 8 MiB", command: "gzip -c big | wc -c" },
  { name: "200 fork+exec", command: "for i in $(seq 1 200); do /bin/true; done" },
  { name: "awk + sort", command: "awk '{ print ($1 * 7919) % 10007 }' numbers | sort -n | tail -1" },
  { name: "sha256sum 8 MiB", command: "sha256sum big" },
];

export interface SuiteRun {
  bootSeconds: number;
  steps: number[];
  /** The outputs, so both emulators can be checked against each other. */
  outputs: string[];
}

async function runOn(console_: SerialConsole, started: number): Promise<SuiteRun> {
  const session = new ConsoleSession(console_);
  await session.waitFor("XENO86-READY", 900_000, "the init marker");
  await session.waitFor("# ", 300_000, "the prompt");
  const bootSeconds = (performance.now() - started) / 1000;
  await session.run(SETUP, 600_000);
  const steps: number[] = [];
  const outputs: string[] = [];
  for (const step of LINUX_STEPS) {
    const t0 = performance.now();
    const result = await session.run(step.command, 900_000);
    steps.push((performance.now() - t0) / 1000);
    outputs.push(result.output);
  }
  return { bootSeconds, steps, outputs };
}

export async function runXeno86(images: ImageSet): Promise<SuiteRun> {
  const started = performance.now();
  const console_ = new MachineConsole({ memoryMiB: MEMORY_MIB });
  console_.machine.loadLinux(new Uint8Array(readFileSync(images.kernel)), {
    initrd: new Uint8Array(readFileSync(images.initramfs)),
    commandLine: LINUX_COMMAND_LINE,
  });
  return runOn(console_, started);
}

export async function runV86(images: ImageSet): Promise<SuiteRun> {
  const bios = await fetchSeabios();
  const started = performance.now();
  const console_ = await V86Console.start({ kernel: images.kernel, initramfs: images.initramfs, ...bios }, LINUX_COMMAND_LINE, MEMORY_MIB);
  try {
    return await runOn(console_, started);
  } finally {
    await console_.stop();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

export async function measureLinuxSuite(runs: number, log: (line: string) => void): Promise<string> {
  const images = await fetchImages({ log });
  const xeno: SuiteRun[] = [];
  const v86: SuiteRun[] = [];
  for (let n = 0; n < runs; n++) {
    log(`run ${n + 1}/${runs}: xeno86`);
    xeno.push(await runXeno86(images));
    log(`run ${n + 1}/${runs}: v86`);
    v86.push(await runV86(images));
  }
  const mismatches = LINUX_STEPS.filter((_, k) => xeno[0].outputs[k] !== v86[0].outputs[k]).map((s) => s.name);
  const rows: Array<[string, number, number]> = [["boot to shell prompt", median(xeno.map((r) => r.bootSeconds)), median(v86.map((r) => r.bootSeconds))]];
  LINUX_STEPS.forEach((step, k) => rows.push([step.name, median(xeno.map((r) => r.steps[k])), median(v86.map((r) => r.steps[k]))]));
  const totalX = rows.slice(1).reduce((sum, row) => sum + row[1], 0);
  const totalV = rows.slice(1).reduce((sum, row) => sum + row[2], 0);
  rows.push(["workload total", totalX, totalV]);
  const lines = ["| step | xeno86 (s) | v86 (s) | xeno86 / v86 |", "|---|---:|---:|---:|"];
  for (const [name, x, v] of rows) lines.push(`| ${name} | ${x.toFixed(2)} | ${v.toFixed(2)} | ${(x / v).toFixed(2)} |`);
  if (mismatches.length > 0) lines.push(`\nOutputs differed between the emulators in: ${mismatches.join(", ")}`);
  return lines.join("\n");
}
