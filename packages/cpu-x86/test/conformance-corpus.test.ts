/**
 * Every vector of the shared hardware-recorded corpus passes, interpreted
 * and with every block compiled before it runs. Missing corpus: skipped with
 * the reason, except in CI, where it must be there.
 */
import { describe, expect, it } from "vitest";
import { ConformanceHarness } from "../src/index";
import { CORPUS_DIRECTORY, corpusAvailable, corpusCases, corpusFamilies } from "./shared-corpus";

const available = corpusAvailable();
const inCi = process.env.CI === "true";

describe.skipIf(!available && !inCi)(`conformance corpus in ${CORPUS_DIRECTORY}`, () => {
  const families = available ? corpusFamilies() : ["(missing)"];

  for (const [mode, options] of [
    ["interpreter", { jit: false }],
    ["block compiler", { jit: true, jitThreshold: 1 }],
  ] as const) {
    describe(mode, () => {
      it.each(families)("%s: every case passes", (family) => {
        expect(available, `the corpus is missing at ${CORPUS_DIRECTORY}`).toBe(true);
        const harness = new ConformanceHarness(options);
        const failures: string[] = [];
        let count = 0;
        for (const c of corpusCases(family)) {
          count++;
          const result = harness.run(c);
          if (!result.passed && failures.length < 10) failures.push(`${c.name} [${c.code}]: ${result.mismatches.join("; ")}`);
        }
        expect(count).toBeGreaterThan(0);
        expect(failures).toEqual([]);
      });
    });
  }
});

it.skipIf(available || inCi)("conformance corpus is not beside the repository (skipped outside CI)", () => {});
