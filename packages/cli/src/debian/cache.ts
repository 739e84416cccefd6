/** Where fetched images live, and the small JSON files that describe what is cached. */
import { existsSync, readFileSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { randomBytes } from "node:crypto";

/** The monorepo's root (the nearest ancestor whose package.json has `workspaces`), if we run from inside it. */
export function findRepoRoot(start: string = dirname(fileURLToPath(import.meta.url))): string | undefined {
  let directory = resolve(start);
  for (;;) {
    const manifest = join(directory, "package.json");
    if (existsSync(manifest)) {
      try {
        const parsed = JSON.parse(readFileSync(manifest, "utf8")) as { workspaces?: unknown };
        if (parsed.workspaces !== undefined) return directory;
      } catch {
        // Not JSON: keep looking upwards.
      }
    }
    const parent = dirname(directory);
    if (parent === directory) return undefined;
    directory = parent;
  }
}

/**
 * The image cache: `$XENO86_CACHE` if set, else `<repo root>/.cache/images`
 * when running from the xeno86 repository, else `~/.cache/xeno86/images`.
 */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.XENO86_CACHE) return resolve(env.XENO86_CACHE);
  const root = findRepoRoot();
  if (root !== undefined) return join(root, ".cache", "images");
  const xdg = env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(xdg, "xeno86", "images");
}

/** Writes a file through a temporary name and a rename, so readers never see half of it. */
export async function writeFileAtomic(path: string, data: string | Uint8Array): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await writeFile(temporary, data);
    await rename(temporary, path);
  } finally {
    await rm(temporary, { force: true });
  }
}

/** Reads a JSON file, or undefined when it is missing or unreadable. */
export function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as T;
  } catch {
    return undefined;
  }
}

/** A version string made safe for a file name, the way apt does it (`1:1.35` → `1%3a1.35`). */
export function fileSafe(text: string): string {
  return text.replace(/%/g, "%25").replace(/:/g, "%3a").replace(/\//g, "%2f");
}
