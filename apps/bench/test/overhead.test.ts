/**
 * The overhead benchmark cannot break silently: both images run a few
 * iterations of every operation and every marker must appear, in order,
 * with the N it was asked for; the pv pair must really switch domains. And
 * the committed images are what guests/bench builds to (rebuilt into a
 * temporary directory, compared byte for byte; skipped with the reason
 * when clang cannot be had, except under CI).
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { OVERHEAD_IMAGES, OVERHEAD_OPERATIONS, SMOKE_COUNTS, runOverheadKernels, type KernelRun, type OverheadRuns } from "../src/overhead";

const REPS = 2;
const jit = process.env.BENCH_JIT === "0" ? false : undefined;

function markers(run: KernelRun, prefix = ""): string[] {
  return run.lines.filter((line) => line.startsWith(`${prefix}bench `) && / (begin|end \d+)$/.test(line)).map((line) => line.slice(prefix.length));
}

function expectedMarkers(names: readonly string[]): string[] {
  const lines: string[] = [];
  for (const name of names) {
    const count = SMOKE_COUNTS[name as keyof typeof SMOKE_COUNTS];
    for (let r = 0; r < REPS; r++) lines.push(`bench ${name} begin`, `bench ${name} end ${count}`);
  }
  return lines;
}

describe("the overhead benchmark kernel", () => {
  let runs: OverheadRuns;
  beforeAll(() => {
    runs = runOverheadKernels(SMOKE_COUNTS, REPS, { jit });
  });

  it("runs every operation natively, with the right N", () => {
    expect(runs.native.errors).toEqual([]);
    expect(runs.native.done).toBe(true);
    expect(markers(runs.native)).toEqual(expectedMarkers(OVERHEAD_OPERATIONS.map((op) => op.name)));
    expect(runs.native.samples).toHaveLength(OVERHEAD_OPERATIONS.length * REPS);
  });

  it("runs the single-domain operations in one domain", () => {
    const [solo] = runs.pv;
    expect(solo.errors).toEqual([]);
    expect(solo.done).toBe(true);
    expect(markers(solo, "DOM1: ")).toEqual(expectedMarkers(["syscall", "hypercall", "trap", "pte-single", "pte-batch"]));
    // Nothing else runs: no domain switch inside a sample.
    for (const sample of solo.samples) expect(sample.domainSwitches).toBe(0);
    // What reaches the monitor, besides the console_write of the end marker: nothing for the fast
    // trap, one entry per hypercall, trap and update_va_mapping, one per 64 batched updates.
    const entries = (name: string) => [...new Set(solo.samples.filter((s) => s.name === name).map((s) => s.monitorEntries - 1))];
    expect(entries("syscall")).toEqual([0]);
    expect(entries("hypercall")).toEqual([SMOKE_COUNTS.hypercall]);
    expect(entries("trap")).toEqual([SMOKE_COUNTS.trap]);
    expect(entries("pte-single")).toEqual([SMOKE_COUNTS["pte-single"]]);
    expect(entries("pte-batch")).toEqual([SMOKE_COUNTS["pte-batch"] / 64]);
  });

  it("runs ctxswitch and event between two domains, switching twice per round trip", () => {
    const pair = runs.pv[1];
    expect(pair.errors).toEqual([]);
    expect(pair.done).toBe(true);
    expect(markers(pair, "DOM1: ")).toEqual(expectedMarkers(["ctxswitch", "event"]));
    expect(markers(pair, "DOM2: ")).toEqual([]);
    for (const sample of pair.samples) expect(sample.domainSwitches).toBe(2 * sample.count);
  });

  it("counts guest instructions and host time for every sample", () => {
    for (const sample of [...runs.native.samples, ...runs.pv.flatMap((run) => run.samples)]) {
      expect(sample.instructions).toBeGreaterThan(sample.count);
      expect(sample.hostNs).toBeGreaterThan(0);
    }
  });
});

const BUILD_SCRIPT = fileURLToPath(new URL("../../../guests/bench/build.mjs", import.meta.url));
const ENSURE_CLANG = fileURLToPath(new URL("../../../scripts/tools/ensure-clang.mjs", import.meta.url));

describe("the overhead benchmark images", () => {
  it("rebuild to the committed bytes", { timeout: 600_000 }, async (context) => {
    let build: (out: string) => string[];
    try {
      const { ensureClangSync } = (await import(ENSURE_CLANG)) as { ensureClangSync: () => unknown };
      ensureClangSync();
      build = ((await import(BUILD_SCRIPT)) as { buildBenchImages: (out: string) => string[] }).buildBenchImages;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (process.env.CI === "true") throw new Error(`clang and ld.lld are needed to check guests/bench/images: ${reason}`);
      context.skip(`clang and ld.lld could not be obtained: ${reason.split("\n")[0]}`);
      return;
    }
    const out = mkdtempSync(join(tmpdir(), "xeno86-bench-images-"));
    try {
      const built = build(out);
      expect(built.map((path) => basename(path)).sort()).toEqual(["bench-native.elf", "bench-pv.elf"]);
      for (const committed of [OVERHEAD_IMAGES.native, OVERHEAD_IMAGES.pv]) {
        const fresh = readFileSync(join(out, basename(committed)));
        expect(Buffer.compare(fresh, readFileSync(committed)), `${basename(committed)} differs from its rebuild: run node guests/bench/build.mjs`).toBe(0);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
