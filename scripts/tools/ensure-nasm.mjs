#!/usr/bin/env node
/**
 * Makes the NASM assembler available without root and prints the path of the
 * binary.
 *
 * 1. `$NASM`, when set and runnable, wins.
 * 2. `nasm` on PATH is used as it is.
 * 3. Otherwise Debian's package is unpacked into `.cache/tools/nasm/` (see
 *    debian-packages.mjs) and that copy is used from then on.
 *
 * Usable as a command (`node scripts/tools/ensure-nasm.mjs` prints the path)
 * and as a module (`await ensureNasm()` returns it). Never interactive.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { TOOLS_CACHE, installDebianPackages, isMain, run } from "./debian-packages.mjs";

const nasmIn = (root) => join(root, "usr", "bin", "nasm");
const NASM_IN_CACHE = nasmIn(join(TOOLS_CACHE, "nasm"));

/** True when a working NASM runs at `path`. */
function runs(path) {
  const probe = run(path, ["-v"]);
  return probe.ok && /NASM version/i.test(probe.stdout);
}

/** Returns a path (or command name) that runs NASM, installing it into `.cache/tools/` if needed. */
export function ensureNasmSync() {
  const fromEnv = process.env.NASM;
  if (fromEnv && runs(fromEnv)) return fromEnv;
  const onPath = spawnSync("sh", ["-c", "command -v nasm"], { encoding: "utf8" });
  const found = onPath.status === 0 ? onPath.stdout.trim() : "";
  if (found !== "" && runs(found)) return found;
  if (runs(NASM_IN_CACHE)) return NASM_IN_CACHE;
  installDebianPackages("nasm", ["nasm"], [], (root) => runs(nasmIn(root)));
  return NASM_IN_CACHE;
}

export async function ensureNasm() {
  return ensureNasmSync();
}

if (isMain(import.meta.url)) {
  try {
    console.log(ensureNasmSync());
  } catch (error) {
    console.error(`ensure-nasm: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
