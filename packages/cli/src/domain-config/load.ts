/**
 * Reads a domain configuration file and the images it names (Node-only).
 * Every failure is a `UsageError` that says which file, and for the images
 * which line of the config named them.
 */
import { readFile, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { UsageError } from "../usage-error";
import { ConfigError, parseDomainConfig, type DomainConfigFile } from "./parse";

/** A config file bigger than this is not a config file. */
const MAX_CONFIG_BYTES = 1 << 20;
/** Kernels and ramdisks must fit in a domain, which is at most 2 GiB; refuse what is clearly not an image. */
const MAX_IMAGE_BYTES = 512 << 20;

export interface LoadedDomainConfig {
  readonly config: DomainConfigFile;
  readonly kernel: Uint8Array;
  readonly ramdisk?: Uint8Array;
}

function reasonOf(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EISDIR") return "it is a directory";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  return (error as Error).message;
}

async function readLimited(path: string, limit: number, describe: (reason: string) => string): Promise<Uint8Array> {
  try {
    const info = await stat(path);
    if (info.isDirectory()) throw new UsageError(describe("it is a directory"));
    if (info.size > limit) throw new UsageError(describe(`it is ${info.size} bytes, more than ${limit}`));
    return new Uint8Array(await readFile(path));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(describe(reasonOf(error)));
  }
}

/** Reads and parses CONFIG, then reads its kernel and ramdisk. */
export async function loadDomainConfig(path: string): Promise<LoadedDomainConfig> {
  const bytes = await readLimited(path, MAX_CONFIG_BYTES, (reason) => `cannot read the domain config ${path}: ${reason}`);
  let config: DomainConfigFile;
  try {
    config = parseDomainConfig(new TextDecoder().decode(bytes), { file: path, baseDir: dirname(resolve(path)) });
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
  const where = (key: "kernel" | "ramdisk") => `${path}${config.lines[key] === undefined ? "" : `:${config.lines[key]}`}`;
  const kernel = await readLimited(config.kernel, MAX_IMAGE_BYTES, (reason) => `${where("kernel")}: cannot read the kernel ${config.kernel}: ${reason}`);
  const ramdisk =
    config.ramdisk === undefined
      ? undefined
      : await readLimited(config.ramdisk, MAX_IMAGE_BYTES, (reason) => `${where("ramdisk")}: cannot read the ramdisk ${config.ramdisk}: ${reason}`);
  return { config, kernel, ...(ramdisk === undefined ? {} : { ramdisk }) };
}
