#!/usr/bin/env node
/**
 * Makes clang and ld.lld (for i386 guests) available without root.
 *
 * 1. `$CLANG` and `$LD_LLD`, when set and runnable, win.
 * 2. `clang` and `ld.lld` on PATH are used as they are.
 * 3. Otherwise Debian's clang-14 and lld-14, with the libraries they need,
 *    are unpacked into `.cache/tools/clang/` (see debian-packages.mjs) and
 *    run from there with LD_LIBRARY_PATH pointing at their libraries.
 *
 * Usable as a command (prints the clang and ld.lld paths) and as a module:
 * `ensureClangSync()` returns { clang, ldLld, env } where `env` is what to
 * add to the environment of both. Never interactive.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { TOOLS_CACHE, installDebianPackages, isMain } from "./debian-packages.mjs";

const CLANG_VERSION = 14;
/** The packages clang and lld need at run time on Debian 12, beyond what any system has. */
const REQUIRED = [`clang-${CLANG_VERSION}`, `lld-${CLANG_VERSION}`, `libclang-cpp${CLANG_VERSION}`, `libllvm${CLANG_VERSION}`, `libclang-common-${CLANG_VERSION}-dev`];
/** Present on most systems; unpacked too when the archive has them, so a minimal machine works. */
const OPTIONAL = ["libffi8", "libedit2", "libbsd0", "libmd0", "libz3-4", "libxml2", "libicu72", "libtinfo6", "libncursesw6", "zlib1g", "libzstd1", "liblzma5"];

function cachedTools(root) {
  const bin = join(root, "usr", "lib", `llvm-${CLANG_VERSION}`, "bin");
  const libraries = [join(root, "usr", "lib", "x86_64-linux-gnu"), join(root, "lib", "x86_64-linux-gnu"), join(root, "usr", "lib", `llvm-${CLANG_VERSION}`, "lib")];
  const inherited = process.env.LD_LIBRARY_PATH ? [process.env.LD_LIBRARY_PATH] : [];
  return { clang: join(bin, "clang"), ldLld: join(bin, "ld.lld"), env: { LD_LIBRARY_PATH: [...libraries, ...inherited].join(":") } };
}

function works(tools) {
  const env = { ...process.env, ...tools.env };
  const clang = spawnSync(tools.clang, ["--version"], { encoding: "utf8", env });
  const lld = spawnSync(tools.ldLld, ["--version"], { encoding: "utf8", env });
  return clang.status === 0 && /clang version/.test(clang.stdout) && lld.status === 0 && /LLD/.test(lld.stdout);
}

export function ensureClangSync() {
  if (process.env.CLANG && process.env.LD_LLD) {
    const fromEnv = { clang: process.env.CLANG, ldLld: process.env.LD_LLD, env: {} };
    if (works(fromEnv)) return fromEnv;
  }
  const onPath = { clang: "clang", ldLld: "ld.lld", env: {} };
  if (works(onPath)) return onPath;
  const root = join(TOOLS_CACHE, "clang");
  if (existsSync(root) && works(cachedTools(root))) return cachedTools(root);
  installDebianPackages("clang", REQUIRED, OPTIONAL, (tree) => works(cachedTools(tree)));
  return cachedTools(root);
}

export async function ensureClang() {
  return ensureClangSync();
}

if (isMain(import.meta.url)) {
  try {
    const tools = ensureClangSync();
    console.log(tools.clang);
    console.log(tools.ldLld);
  } catch (error) {
    console.error(`ensure-clang: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
