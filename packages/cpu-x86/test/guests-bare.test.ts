/** The committed images in guests/bare are what NASM makes from the sources beside them (rebuild: guests/bare/build.sh). */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const GUEST_DIR = fileURLToPath(new URL("../../../guests/bare/", import.meta.url));
const ENSURE_NASM = fileURLToPath(new URL("../../../scripts/tools/ensure-nasm.mjs", import.meta.url));
const SOURCES = readdirSync(GUEST_DIR)
  .filter((file) => file.endsWith(".asm"))
  .map((file) => file.slice(0, -4))
  .sort();

describe("guests/bare images", () => {
  let nasm = "";
  let work = "";

  beforeAll(async () => {
    const module = (await import(ENSURE_NASM)) as { ensureNasm: () => Promise<string> };
    nasm = await module.ensureNasm();
    work = mkdtempSync(join(tmpdir(), "xeno86-guests-"));
  }, 300_000);

  afterAll(() => {
    if (work !== "") rmSync(work, { recursive: true, force: true });
  });

  it.each(SOURCES)("%s.bin is fresh", (name) => {
    const output = join(work, `${name}.bin`);
    const result = spawnSync(nasm, ["-f", "bin", "-o", output, `${name}.asm`], { cwd: GUEST_DIR, encoding: "utf8" });
    expect(result.status, result.stderr).toBe(0);
    const same = Buffer.compare(readFileSync(output), readFileSync(join(GUEST_DIR, `${name}.bin`))) === 0;
    expect(same, `guests/bare/${name}.bin is stale: run guests/bare/build.sh`).toBe(true);
  });
});
