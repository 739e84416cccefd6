/**
 * The committed flat binaries and symbol maps in test/programs are what NASM
 * makes from the sources beside them (NASM comes from
 * scripts/tools/ensure-nasm.mjs: the one on PATH, or Debian's package
 * unpacked into .cache/tools). After editing a program, run
 * test/programs/build.sh.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseNasmMap, programPath } from "./rig";

const PROGRAM_DIR = fileURLToPath(new URL("./programs/", import.meta.url));
const ENSURE_NASM = fileURLToPath(new URL("../../../scripts/tools/ensure-nasm.mjs", import.meta.url));
const SOURCES = readdirSync(PROGRAM_DIR)
  .filter((file) => file.endsWith(".asm"))
  .map((file) => file.slice(0, -4))
  .sort();

describe("assembled programs", () => {
  let nasm = "";
  let work = "";

  beforeAll(async () => {
    const module = (await import(ENSURE_NASM)) as { ensureNasm: () => Promise<string> };
    nasm = await module.ensureNasm();
    work = mkdtempSync(join(tmpdir(), "xeno86-programs-"));
  }, 300_000); // a first run may download Debian's nasm

  afterAll(() => {
    if (work !== "") rmSync(work, { recursive: true, force: true });
  });

  it("has programs", () => {
    expect(SOURCES.length).toBeGreaterThanOrEqual(12);
  });

  it.each(SOURCES)("%s.bin and %s.map are fresh", (name) => {
    const bin = join(work, `${name}.bin`);
    const map = join(work, `${name}.map`);
    const result = spawnSync(nasm, ["-f", "bin", "-I", PROGRAM_DIR, "-o", bin, "--before", `[map symbols ${map}]`, `${name}.asm`], {
      cwd: PROGRAM_DIR,
      encoding: "utf8",
    });
    expect(result.status, result.stderr).toBe(0);
    const fresh = readFileSync(bin);
    const committed = readFileSync(programPath(name, "bin"));
    expect(Buffer.compare(fresh, committed) === 0, `${name}.bin is stale: run test/programs/build.sh`).toBe(true);
    expect(parseNasmMap(readFileSync(programPath(name, "map"), "utf8"))).toEqual(parseNasmMap(readFileSync(map, "utf8")));
  });
});
