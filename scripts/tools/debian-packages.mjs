/**
 * Shared by the ensure-* tool scripts: downloads Debian packages with
 * `apt-get download` (which any user may run with the configured sources)
 * and unpacks them with `dpkg-deb -x` into `.cache/tools/<name>/`, without
 * root and without a prompt. When apt's package lists are missing or stale
 * (a fresh CI machine), they are refreshed into a private directory under
 * the cache first.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const TOOLS_CACHE = join(REPO_ROOT, ".cache", "tools");

export function run(command, args, options = {}) {
  const result = spawnSync(command, args, {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, DEBIAN_FRONTEND: "noninteractive", LC_ALL: "C", ...(options.env ?? {}) },
    cwd: options.cwd,
  });
  if (result.error) return { ok: false, output: String(result.error), stdout: "" };
  return { ok: result.status === 0, output: `${result.stdout ?? ""}${result.stderr ?? ""}`, stdout: result.stdout ?? "" };
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

function debFor(directory, name) {
  return readdirSync(directory).find((file) => file.startsWith(`${name}_`) && file.endsWith(".deb")) ?? null;
}

/**
 * Unpacks the `required` packages (and whichever `optional` ones the
 * archive has) into `.cache/tools/<tool>/` and returns that directory.
 * `check(root)` must return true for the unpacked tree to be kept.
 */
export function installDebianPackages(tool, required, optional, check) {
  const target = join(TOOLS_CACHE, tool);
  mkdirSync(TOOLS_CACHE, { recursive: true });
  const work = join(TOOLS_CACHE, `${tool}-download-${process.pid}-${Date.now()}`);
  mkdirSync(work, { recursive: true });
  try {
    const log = [];
    let aptOptions = [];
    const download = (name) => {
      const result = run("apt-get", [...aptOptions, "download", "-q", name], { cwd: work });
      log.push(result.output);
      return result.ok && debFor(work, name) !== null;
    };
    if (!download(required[0])) {
      aptOptions = privateAptOptions();
      const update = run("apt-get", [...aptOptions, "update", "-q"], { cwd: work });
      log.push(update.output);
      if (!download(required[0])) throw new Error(`could not download Debian's ${required[0]}:\n${log.join("\n")}`);
    }
    for (const name of required.slice(1)) {
      if (!download(name)) throw new Error(`could not download Debian's ${name}:\n${log.join("\n")}`);
    }
    for (const name of optional) download(name);
    const unpacked = join(work, "root");
    for (const deb of readdirSync(work).filter((file) => file.endsWith(".deb")).sort()) {
      const extract = run("dpkg-deb", ["-x", join(work, deb), unpacked]);
      if (!extract.ok) throw new Error(`dpkg-deb -x ${deb} failed:\n${extract.output}`);
    }
    if (!check(unpacked)) throw new Error(`the unpacked ${tool} does not run`);
    // Another process may have finished first; either copy is good.
    if (!existsSync(target) || !check(target)) {
      rmSync(target, { recursive: true, force: true });
      try {
        renameSync(unpacked, target);
      } catch (error) {
        if (!check(target)) throw error;
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return target;
}

/** True when this module is the script node was started with. */
export function isMain(moduleUrl) {
  return process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(moduleUrl);
}
