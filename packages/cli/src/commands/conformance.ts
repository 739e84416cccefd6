/**
 * `xeno86 conformance FILE...`: runs hardware-recorded test vectors (the
 * i386-native JSON Lines format, plain or gzipped) on the emulated CPU and
 * prints per-family and per-form results, ending with `N passed, M failed`.
 */
import { createReadStream } from "node:fs";
import { access } from "node:fs/promises";
import { basename } from "node:path";
import { createInterface } from "node:readline";
import { createGunzip } from "node:zlib";
import { ConformanceHarness, checkCaseShape, type ConformanceCase } from "@xeno86/cpu-x86";
import { UsageError } from "../usage-error";

interface FormTally {
  passed: number;
  failed: number;
  firstFailure?: string;
}

interface Options {
  files: string[];
  verbose: boolean;
  maxFormsShown: number;
}

export const CONFORMANCE_USAGE = `usage: xeno86 conformance [--verbose] FILE...

Runs i386-native conformance vectors (JSON Lines, optionally .gz) on the
emulated CPU. Prints results per family (file) and per failing form, then
"N passed, M failed". Exits 1 if any case fails, 2 on bad usage or input.
  --verbose   print every failing case, not only the first of each form`;

function parseOptions(argv: string[]): Options {
  const files: string[] = [];
  let verbose = false;
  for (const arg of argv) {
    if (arg === "--verbose" || arg === "-v") verbose = true;
    else if (arg === "--help" || arg === "-h") throw new UsageError(CONFORMANCE_USAGE, 0);
    else if (arg.startsWith("-")) throw new UsageError(`unknown option ${arg}\n\n${CONFORMANCE_USAGE}`);
    else files.push(arg);
  }
  if (files.length === 0) throw new UsageError(`no vector files given\n\n${CONFORMANCE_USAGE}`);
  return { files, verbose, maxFormsShown: verbose ? Number.POSITIVE_INFINITY : 20 };
}

function familyName(file: string): string {
  return basename(file).replace(/\.gz$/, "").replace(/\.jsonl?$/, "");
}

async function* lines(file: string): AsyncGenerator<string> {
  const raw = createReadStream(file);
  const input = file.endsWith(".gz") ? raw.pipe(createGunzip()) : raw;
  const reader = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of reader) yield line;
}

export async function conformanceCommand(argv: string[], out: NodeJS.WritableStream): Promise<number> {
  const options = parseOptions(argv);
  for (const file of options.files) {
    try {
      await access(file);
    } catch {
      throw new UsageError(`cannot read ${file}: no such file`);
    }
  }
  const harness = new ConformanceHarness();
  let totalPassed = 0;
  let totalFailed = 0;
  const started = Date.now();
  for (const file of options.files) {
    const family = familyName(file);
    const forms = new Map<string, FormTally>();
    let lineNumber = 0;
    let passed = 0;
    let failed = 0;
    try {
      for await (const line of lines(file)) {
        lineNumber++;
        if (line.trim() === "") continue;
        let parsed: unknown;
        let problem: string | null;
        try {
          parsed = JSON.parse(line);
          problem = checkCaseShape(parsed);
        } catch {
          problem = "not valid JSON";
        }
        const name = problem === null ? (parsed as ConformanceCase).name : `(line ${lineNumber})`;
        const tally = forms.get(name) ?? { passed: 0, failed: 0 };
        forms.set(name, tally);
        let mismatch: string | null = problem === null ? null : `line ${lineNumber}: ${problem}`;
        if (mismatch === null) {
          const result = harness.run(parsed as ConformanceCase);
          if (!result.passed) mismatch = `line ${lineNumber} (code ${(parsed as ConformanceCase).code}): ${result.mismatches.join("; ")}`;
        }
        if (mismatch === null) {
          tally.passed++;
          passed++;
        } else {
          tally.failed++;
          failed++;
          tally.firstFailure ??= mismatch;
          if (options.verbose) out.write(`  FAIL ${family} ${name}: ${mismatch}\n`);
        }
      }
    } catch (error) {
      throw new UsageError(`cannot read ${file}: ${(error as Error).message}`);
    }
    out.write(`${family.padEnd(12)} ${String(passed).padStart(7)} passed ${String(failed).padStart(7)} failed\n`);
    let shown = 0;
    for (const [name, tally] of forms) {
      if (tally.failed === 0) continue;
      if (shown++ >= options.maxFormsShown) {
        out.write("  ... more failing forms (use --verbose)\n");
        break;
      }
      out.write(`  ${name}: ${tally.failed} of ${tally.passed + tally.failed} failed; first: ${tally.firstFailure}\n`);
    }
    totalPassed += passed;
    totalFailed += failed;
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  out.write(`${totalPassed} passed, ${totalFailed} failed (${seconds} s)\n`);
  return totalFailed === 0 ? 0 : 1;
}
