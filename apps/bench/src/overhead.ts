/**
 * Overhead of the paravirtual interface: the same benchmark kernel
 * (guests/bench, bench.c) built for the bare PC and for the hypervisor,
 * each operation timed on the host between the kernel's marker lines
 *
 *     bench <name> begin
 *     bench <name> end <N>
 *
 * The hypervisor's own work (exit handling, validation, bounces, scheduling)
 * costs host time but no guest instructions, so virtual time cannot show
 * it: the markers are timestamped with performance.now() when the line
 * reaches the host (the UART's transmit callback natively, the console
 * callback under the hypervisor), and the guest instructions retired in
 * between come from the CPU's counter, which tells emulation cost from
 * monitor cost. The process's CPU time (process.cpuUsage) is read at the
 * same moments: on a loaded host, wall-clock time also counts the time other
 * processes had the CPU, CPU time does not.
 *
 * Native: one Machine runs bench-native.elf (every operation; the two
 * parties of ctxswitch and event are two tasks of that kernel). pv: one
 * Hypervisor with one domain runs the single-domain operations, another with
 * two domains of bench-pv.elf ("role=ping" and "role=pong") runs ctxswitch
 * and event; the ping domain prints the markers.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { DomainControl, Hypervisor } from "@xeno86/hypervisor";
import { Machine } from "@xeno86/pc";

export const OVERHEAD_OPERATIONS = [
  { name: "syscall", what: "null system call, int $0x80 from ring 3 (pv: the fast trap gate, no monitor)" },
  { name: "hypercall", what: "enter the privileged layer and return (native: int $0x81 to ring 0; pv: console_write of 0 bytes)" },
  { name: "trap", what: "ud2 handled by the kernel (native: through the IDT; pv: bounced by the monitor)" },
  { name: "pte-single", what: "remap a page, each change applied alone (native: PTE write + invlpg; pv: update_va_mapping)" },
  { name: "pte-batch", what: "remap pages, 64 changes per flush (native: 64 PTE writes + CR3 reload; pv: one mmu_update of 64 + TLB_FLUSH)" },
  { name: "ctxswitch", what: "round trip between two address spaces (native: two tasks, int $0x82 loads CR3; pv: two domains, sched_op yield)" },
  { name: "event", what: "notification round trip (native: two tasks, int $0x82 send/block; pv: two domains, event channel send + sched_op block)" },
] as const;

export type OverheadOperation = (typeof OVERHEAD_OPERATIONS)[number]["name"];
export type OverheadCounts = Record<OverheadOperation, number>;

const SOLO: readonly OverheadOperation[] = ["syscall", "hypercall", "trap", "pte-single", "pte-batch"];
const PAIRED: readonly OverheadOperation[] = ["ctxswitch", "event"];

/**
 * Operations per marked run (pte-batch: a multiple of 64). Fewer make the
 * host JIT's warm-up and the host's scheduling noise dominate; with the
 * warm-up round and runs of measureOverhead these take about 8 s of host
 * CPU time.
 */
export const DEFAULT_COUNTS: OverheadCounts = {
  syscall: 40000,
  hypercall: 40000,
  trap: 40000,
  "pte-single": 20000,
  "pte-batch": 25600,
  ctxswitch: 8000,
  event: 8000,
};

/** `counts` times `factor` (pte-batch stays a multiple of its 64-page batch). */
export function scaleCounts(counts: OverheadCounts, factor: number): OverheadCounts {
  if (!(factor > 0)) throw new RangeError(`the scale of the overhead counts must be positive, not ${factor}`);
  const scaled = (n: number, granule: number) => Math.max(granule, Math.floor((n * factor) / granule) * granule);
  return Object.fromEntries(OVERHEAD_OPERATIONS.map(({ name }) => [name, scaled(counts[name], name === "pte-batch" ? 64 : 1)])) as OverheadCounts;
}

/** A few of each: enough to see every marker (the tests). */
export const SMOKE_COUNTS: OverheadCounts = {
  syscall: 20,
  hypercall: 20,
  trap: 20,
  "pte-single": 20,
  "pte-batch": 128,
  ctxswitch: 10,
  event: 10,
};

export const OVERHEAD_IMAGES = {
  native: fileURLToPath(new URL("../../../guests/bench/images/bench-native.elf", import.meta.url)),
  pv: fileURLToPath(new URL("../../../guests/bench/images/bench-pv.elf", import.meta.url)),
};

/** One measured run of one operation: a begin/end marker pair. */
export interface OverheadSample {
  name: string;
  count: number;
  hostNs: number;
  /** CPU time of this process in the same interval (user + system, all its threads), ns. */
  cpuNs: number;
  instructions: number;
  /** pv: domain switches the hypervisor made during the sample (natively 0). */
  domainSwitches: number;
  /** pv: hypercalls and traps the monitor handled during the sample, every domain (natively 0). */
  monitorEntries: number;
}

export interface KernelRun {
  samples: OverheadSample[];
  /** Every console line (pv: of every domain, prefixed DOM<id>: ). */
  lines: string[];
  /** `bench error ...` lines, marker mistakes, and anything that stopped the run early. */
  errors: string[];
  /** The kernel printed `bench done` (pv: every domain did). */
  done: boolean;
}

function processCpuNs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) * 1000;
}

/** Turns marker lines into samples. */
class MarkerLog {
  readonly samples: OverheadSample[] = [];
  readonly errors: string[] = [];
  private open: { name: string; hostMs: number; cpuNs: number; instructions: number; switches: number; entries: number } | null = null;

  line(text: string, hostMs: number, instructions: number, switches = 0, entries = 0): void {
    const begin = /^bench (\S+) begin$/.exec(text);
    if (begin !== null) {
      if (this.open !== null) this.errors.push(`marker "${text}" while ${this.open.name} is still open`);
      this.open = { name: begin[1], hostMs, cpuNs: processCpuNs(), instructions, switches, entries };
      return;
    }
    const end = /^bench (\S+) end (\d+)$/.exec(text);
    if (end !== null) {
      const open = this.open;
      this.open = null;
      if (open === null || open.name !== end[1]) {
        this.errors.push(`marker "${text}" without its begin`);
        return;
      }
      const count = Number(end[2]);
      this.samples.push({
        name: open.name,
        count,
        hostNs: (hostMs - open.hostMs) * 1e6,
        cpuNs: processCpuNs() - open.cpuNs,
        instructions: instructions - open.instructions,
        domainSwitches: switches - open.switches,
        monitorEntries: entries - open.entries,
      });
      return;
    }
    if (text.startsWith("bench error")) this.errors.push(text);
  }
}

/** The kernel's command line: marked repetitions, the warm-up (in multiples of N), a count per operation. */
export function overheadCommandLine(counts: Partial<OverheadCounts>, operations: readonly OverheadOperation[], reps: number, extra = "", warm = 1): string {
  const parts = [`reps=${reps}`, `warm=${warm}`];
  for (const name of operations) if ((counts[name] ?? 0) > 0) parts.push(`${name}=${counts[name]}`);
  if (extra !== "") parts.push(extra);
  return parts.join(" ");
}

export interface OverheadRunOptions {
  /** Unmarked runs of each operation before the marked ones, in multiples of its N (default 1). */
  warm?: number;
  /** Virtual-time limit, ns (default 2 s, i.e. 2e9 guest instructions: some 50 times what the default counts need). */
  timeoutNs?: number;
  /** Compile hot guest code (default: the CPU's default, on). */
  jit?: boolean;
}

const DEFAULT_TIMEOUT_NS = 2e9;

/** bench-native.elf on a bare Machine. */
export function runNativeKernel(image: Uint8Array, command: string, options: OverheadRunOptions = {}): KernelRun {
  const log = new MarkerLog();
  const lines: string[] = [];
  let pending = "";
  const machine: Machine = new Machine({
    memoryMiB: 32,
    jit: options.jit,
    onSerialOutput: (byte, port) => {
      if (port !== 0) return;
      if (byte !== 0x0a) {
        if (byte !== 0x0d) pending += String.fromCharCode(byte);
        return;
      }
      const now = performance.now();
      lines.push(pending);
      log.line(pending, now, machine.cpu.instructionCount);
      pending = "";
    },
  });
  machine.loadMultiboot(image, { commandLine: command });
  const stop = machine.run(options.timeoutNs ?? DEFAULT_TIMEOUT_NS);
  if (pending !== "") lines.push(pending);
  const errors = [...log.errors];
  if (stop.reason !== "halted") errors.push(`the native kernel stopped: ${stop.reason} at ${stop.cs.toString(16)}:${stop.eip.toString(16)}`);
  return { samples: log.samples, lines, errors, done: lines.includes("bench done") };
}

/** bench-pv.elf in one domain per command line on a fresh Hypervisor; the first domain's markers are timed. */
export function runPvKernels(image: Uint8Array, commandLines: readonly string[], options: OverheadRunOptions = {}): KernelRun {
  const log = new MarkerLog();
  const lines: string[] = [];
  const notices: string[] = [];
  let timedDomain = -1;
  const hv: Hypervisor = new Hypervisor({
    memoryMiB: 64,
    jit: options.jit,
    onConsole: (domain, line) => {
      const now = performance.now();
      lines.push(`DOM${domain.id}: ${line}`);
      if (domain.id === timedDomain) log.line(line, now, hv.cpu.instructionCount, accounts("contextSwitches"), accounts("hypercalls") + accounts("traps"));
      else if (line.startsWith("bench error")) log.errors.push(`DOM${domain.id}: ${line}`);
    },
    log: (message) => notices.push(message),
  });
  const accounts = (what: "contextSwitches" | "hypercalls" | "traps") => {
    let total = 0;
    for (const domain of hv.domains.values()) total += domain.accounts[what];
    return total;
  };
  const control = new DomainControl(hv);
  const ids = commandLines.map((line, n) => control.create({ name: `bench-${n + 1}`, memoryKiB: 2048, kernel: image, commandLine: line }).id);
  timedDomain = ids[0];
  const stop = hv.run(options.timeoutNs ?? DEFAULT_TIMEOUT_NS);
  const errors = [...log.errors];
  if (stop.reason !== "no-domains") errors.push(`the hypervisor stopped: ${stop.reason}`);
  for (const id of ids) {
    const info = control.info(id);
    if (info.killed) errors.push(`domain ${id} was killed: ${info.deathReason}`);
  }
  for (const notice of notices) if (!/ended: exited \(sched_op exit\)/.test(notice)) errors.push(`hypervisor: ${notice}`);
  const done = ids.every((id) => lines.includes(`DOM${id}: bench done`));
  return { samples: log.samples, lines, errors, done };
}

/** The pv command lines of the two parties (domains 1 and 2 of a fresh Hypervisor). */
export function pairCommandLines(counts: Partial<OverheadCounts>, reps: number, warm = 1): [string, string] {
  return [overheadCommandLine(counts, PAIRED, reps, "role=ping peer=2", warm), overheadCommandLine(counts, PAIRED, reps, "role=pong peer=1", warm)];
}

export interface OverheadRuns {
  native: KernelRun;
  /** The single-domain run, then the two-domain run (each only when it has work). */
  pv: KernelRun[];
}

/** Runs both images: native (everything), pv alone (single-domain operations), pv pair (ctxswitch, event). */
export function runOverheadKernels(counts: Partial<OverheadCounts>, reps: number, options: OverheadRunOptions = {}): OverheadRuns {
  const nativeImage = new Uint8Array(readFileSync(OVERHEAD_IMAGES.native));
  const pvImage = new Uint8Array(readFileSync(OVERHEAD_IMAGES.pv));
  const warm = options.warm ?? 1;
  const native = runNativeKernel(nativeImage, overheadCommandLine(counts, [...SOLO, ...PAIRED], reps, "", warm), options);
  const pv: KernelRun[] = [];
  if (SOLO.some((name) => (counts[name] ?? 0) > 0)) pv.push(runPvKernels(pvImage, [overheadCommandLine(counts, SOLO, reps, "", warm)], options));
  if (PAIRED.some((name) => (counts[name] ?? 0) > 0)) pv.push(runPvKernels(pvImage, pairCommandLines(counts, reps, warm), options));
  return { native, pv };
}

function checkRuns(runs: OverheadRuns): void {
  for (const run of [runs.native, ...runs.pv]) {
    if (run.errors.length > 0 || !run.done) throw new Error(`the overhead benchmark kernel failed:\n${[...run.errors, "last lines:", ...run.lines.slice(-10)].join("\n")}`);
  }
}

export interface OverheadRow {
  name: OverheadOperation;
  what: string;
  count: number;
  nativeNsPerOp: number;
  pvNsPerOp: number;
  /** pv / native host time. */
  ratio: number;
  nativeCpuNsPerOp: number;
  pvCpuNsPerOp: number;
  /** pv / native process CPU time. */
  cpuRatio: number;
  nativeInstructionsPerOp: number;
  pvInstructionsPerOp: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function perOperation(samples: OverheadSample[], name: string): { ns: number; cpuNs: number; instructions: number; count: number } {
  const mine = samples.filter((sample) => sample.name === name);
  if (mine.length === 0) throw new Error(`no measurement of ${name}`);
  return {
    ns: median(mine.map((s) => s.hostNs / s.count)),
    cpuNs: median(mine.map((s) => s.cpuNs / s.count)),
    instructions: median(mine.map((s) => s.instructions / s.count)),
    count: mine[0].count,
  };
}

/**
 * Measures every operation on both platforms, medians per operation.
 *
 * Warming up matters more than anything here. The host's JIT optimizes the
 * emulator's and the monitor's code as it runs (whichever platform ran first
 * would look slower), and every new machine compiles its guest code to
 * fresh JavaScript functions that the host's JIT must optimize again. So a
 * short round of both images comes first, then each image boots once and
 * runs every operation 2N times unmarked before `max(runs, 5)` marked runs.
 */
export function measureOverhead(runs: number, counts: OverheadCounts = DEFAULT_COUNTS, options: OverheadRunOptions = {}): OverheadRow[] {
  const largest = Math.max(...OVERHEAD_OPERATIONS.map(({ name }) => counts[name] / DEFAULT_COUNTS[name]));
  options = { timeoutNs: DEFAULT_TIMEOUT_NS * Math.max(1, largest), ...options };
  checkRuns(runOverheadKernels(scaleCounts(counts, 1 / 4), 1, { ...options, warm: 1 }));
  const result = runOverheadKernels(counts, Math.max(runs, 5), { warm: 2, ...options });
  checkRuns(result);
  const nativeSamples = result.native.samples;
  const pvSamples = result.pv.flatMap((run) => run.samples);
  return OVERHEAD_OPERATIONS.map(({ name, what }) => {
    const n = perOperation(nativeSamples, name);
    const p = perOperation(pvSamples, name);
    return {
      name,
      what,
      count: n.count,
      nativeNsPerOp: n.ns,
      pvNsPerOp: p.ns,
      ratio: p.ns / n.ns,
      nativeCpuNsPerOp: n.cpuNs,
      pvCpuNsPerOp: p.cpuNs,
      cpuRatio: p.cpuNs / n.cpuNs,
      nativeInstructionsPerOp: n.instructions,
      pvInstructionsPerOp: p.instructions,
    };
  });
}

export function formatOverhead(rows: OverheadRow[]): string {
  const ns = (value: number) => (value >= 100 ? value.toFixed(0) : value.toFixed(1));
  const lines = [
    "| operation | native ns/op | xeno86 pv ns/op | ratio | ratio by CPU time | native guest instr/op | pv guest instr/op | N |",
    "|---|---:|---:|---:|---:|---:|---:|---:|",
  ];
  for (const row of rows) {
    lines.push(
      `| ${row.name} | ${ns(row.nativeNsPerOp)} | ${ns(row.pvNsPerOp)} | ${row.ratio.toFixed(2)}x | ${row.cpuRatio.toFixed(2)}x | ${row.nativeInstructionsPerOp.toFixed(1)} | ${row.pvInstructionsPerOp.toFixed(1)} | ${row.count} |`,
    );
  }
  lines.push("");
  lines.push("ns/op: host wall-clock time between the marker lines (performance.now()), median over the runs; ratio = pv / native.");
  lines.push("Ratio by CPU time: the same from this process's CPU time (process.cpuUsage), which a busy host does not inflate.");
  lines.push("Guest instructions retired per operation show how much of the cost is emulated code and how much is the monitor (TypeScript, no guest instructions).");
  lines.push("");
  for (const row of rows) lines.push(`- **${row.name}**: ${row.what}`);
  return lines.join("\n");
}
