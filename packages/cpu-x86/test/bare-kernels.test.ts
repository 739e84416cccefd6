/**
 * The CPU boots small programs (real mode → protected mode → paging) and
 * computes what the host computes. Each kernel runs interpreted and compiled.
 */
import { describe, expect, it } from "vitest";
import { Exit, KERNELS, REFERENCES, kernelImage, runKernel } from "./bare-kernels";

describe.each(KERNELS)("bare kernel %s", (name) => {
  const expected = REFERENCES[name]();
  it.each([false, true])("jit=%s gives the host's answer", (jit) => {
    const run = runKernel(kernelImage(name), { jit });
    expect(run.exit).toBe(Exit.Stopped);
    expect(run.answer).toBe(expected);
  });
});
