#!/usr/bin/env node
/**
 * Makes the NASM assembler available without root and prints the path of the
 * binary.
 *
 * 1. `$NASM`, when set and runnable, wins.
 * 2. `nasm` on PATH is used as it is.
 * 3. Otherwise Debian's package is fetched with `apt-get download nasm` (which
 *    any user may run with the configured sources) into `.cache/tools/` at
 *    the repository root, unpacked there with `dpkg-deb -x`, and that copy is
 *    used from then on. When apt's package lists are missing or stale (a fresh
 *    CI machine), they are refreshed into a private directory under the cache,
 *    so no root is needed for that either.
 *
 * Usable as a command (`node scripts/tools/ensure-nasm.mjs` prints the path)
 * and as a module (`await ensureNasm()` returns it). Never interactive.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const TOOLS_CACHE = join(REPO_ROOT, ".cache", "tools");
const NASM_ROOT = join(TOOLS_CACHE, "nasm");
const NASM_IN_CACHE = join(NASM_ROOT, "usr", "bin", "nasm");

/** True when `command -v`-style probing finds a working NASM at `path`. */
function runs(path) {
  const probe = spawnSync(path, ["-v"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return probe.status === 0 && /NASM version/i.test(probe.stdout);
}

function run(command, args, options = {}) {
  const result = spawnSync(command, args, {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive", LC_ALL: "C" },
    ...options,
  });
  if (result.error) return { ok: false, output: String(result.error) };
  return { ok: result.status === 0, output: `${result.stdout ?? ""}${result.stderr ?? ""}` };
}

/** apt options that keep package lists and apt's cache in our own directory (no root needed). */
function privateAptOptions() {
  const state = join(TOOLS_CACHE, "apt");
  const lists = join(state, "lists");
  const archives = join(state, "archives");
  mkdirSync(join(lists, "partial"), { recursive: true });
  mkdirSync(join(archives, "partial"), { recursive: true });
  return [
    "-o", `Dir::State::Lists=${lists}`,
    "-o", `Dir::Cache=${state}`,
    "-o", `Dir::Cache::archives=${archives}`,
    "-o", "Debug::NoLocking=1",
    "-o", "APT::Sandbox::User=root",
  ];
}

function findDeb(directory) {
  const deb = readdirSync(directory).find((name) => /^nasm_.*\.deb$/.test(name));
  return deb === undefined ? null : join(directory, deb);
}

/** Downloads and unpacks Debian's nasm into the cache; returns the binary's path. */
function installFromDebian() {
  mkdirSync(TOOLS_CACHE, { recursive: true });
  const work = join(TOOLS_CACHE, `nasm-download-${process.pid}-${Date.now()}`);
  mkdirSync(work, { recursive: true });
  try {
    const attempts = [];
    // First with the system's lists; then with freshly downloaded private lists.
    let download = run("apt-get", ["download", "-q", "nasm"], { cwd: work });
    attempts.push(download.output);
    if (!download.ok || findDeb(work) === null) {
      const options = privateAptOptions();
      const update = run("apt-get", [...options, "update", "-q"], { cwd: work });
      attempts.push(update.output);
      download = run("apt-get", [...options, "download", "-q", "nasm"], { cwd: work });
      attempts.push(download.output);
    }
    const deb = findDeb(work);
    if (deb === null) {
      throw new Error(`ensure-nasm: could not download Debian's nasm package:\n${attempts.join("\n")}`);
    }
    const unpacked = join(work, "root");
    const extract = run("dpkg-deb", ["-x", deb, unpacked]);
    if (!extract.ok) throw new Error(`ensure-nasm: dpkg-deb -x failed:\n${extract.output}`);
    if (!runs(join(unpacked, "usr", "bin", "nasm"))) throw new Error("ensure-nasm: the unpacked nasm does not run");
    // Another process may have finished first; either copy is good.
    if (!existsSync(NASM_IN_CACHE)) {
      rmSync(NASM_ROOT, { recursive: true, force: true });
      try {
        renameSync(unpacked, NASM_ROOT);
      } catch (error) {
        if (!existsSync(NASM_IN_CACHE)) throw error;
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  if (!runs(NASM_IN_CACHE)) throw new Error(`ensure-nasm: ${NASM_IN_CACHE} does not run`);
  return NASM_IN_CACHE;
}

/** Returns a path (or command name) that runs NASM, installing it into `.cache/tools/` if needed. */
export function ensureNasmSync() {
  const fromEnv = process.env.NASM;
  if (fromEnv && runs(fromEnv)) return fromEnv;
  const onPath = spawnSync("sh", ["-c", "command -v nasm"], { encoding: "utf8" });
  const found = onPath.status === 0 ? onPath.stdout.trim() : "";
  if (found !== "" && runs(found)) return found;
  if (runs(NASM_IN_CACHE)) return NASM_IN_CACHE;
  return installFromDebian();
}

export async function ensureNasm() {
  return ensureNasmSync();
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    console.log(ensureNasmSync());
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
