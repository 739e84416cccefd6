/**
 * Domain configuration files in the manner of `xl create`'s, for `xeno86
 * create` and `xeno86 run CONFIG`:
 *
 *     # a web server
 *     name = "web"
 *     kernel = "images/demo.elf"   # relative to this file
 *     memory = 4                   # MiB
 *     cmdline = "peer=2 forever"
 *     mcu_advance = 10; warp = 0   # ";" separates settings on one line
 *
 * One `key = value` per line (or separated by `;`), `#` comments, strings
 * in double or single quotes (backslash escapes `\\ \" \' \n \t`), whole
 * numbers in decimal or 0x hex. Every mistake is reported as
 * `FILE:LINE: message` and nothing is guessed: an unknown key, a value of
 * the wrong kind or out of range, a setting given twice, or no kernel.
 *
 * This module only parses (no file access); `load.ts` reads the file and
 * the images it names.
 */
import { isAbsolute, join, normalize } from "node:path";
import { MAX_CMD_LEN } from "@xeno86/guest-abi";

/** The longest kernel command line a domain can get (start_info's cmd_line holds it with its NUL). */
export const MAX_COMMAND_LINE = MAX_CMD_LEN - 1;
export const MAX_NAME_LENGTH = 64;
/** Memory limits per domain, MiB (a domain cannot be bigger than the emulated PC's 2 GiB). */
export const MIN_MEMORY_MIB = 1;
export const MAX_MEMORY_MIB = 2047;
export const MAX_MCU_ADVANCE = 1_000_000;
/** Warp is in BVT virtual-time units; warpl and warpu in ms. */
export const MAX_WARP = 2 ** 31 - 1;
export const MAX_WARP_MS = 3_600_000;

export interface DomainConfigFile {
  /** The file the settings came from (as given; used in messages). */
  readonly file: string;
  readonly name: string;
  /** The kernel image's path, resolved against the config file's directory. */
  readonly kernel: string;
  readonly ramdisk?: string;
  readonly memoryMiB: number;
  readonly cmdline: string;
  /** BVT parameters that were set (the hypervisor's defaults apply to the rest). */
  readonly scheduling: {
    readonly mcuAdvance?: number;
    readonly warp?: number;
    readonly warpLimitMs?: number;
    readonly unwarpMs?: number;
  };
  /** The line each setting was on (for messages about it later, such as an unreadable kernel). */
  readonly lines: Readonly<Partial<Record<ConfigKey, number>>>;
}

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    readonly reason: string,
  ) {
    super(line === undefined ? `${file}: ${reason}` : `${file}:${line}: ${reason}`);
    this.name = "ConfigError";
  }
}

export const DEFAULT_MEMORY_MIB = 4;

type ValueKind = "string" | "int";

interface KeySpec {
  readonly kind: ValueKind;
  readonly what: string;
}

const KEYS = {
  name: { kind: "string", what: "the domain's name" },
  kernel: { kind: "string", what: "the kernel image's path" },
  ramdisk: { kind: "string", what: "the ramdisk's path" },
  memory: { kind: "int", what: "MiB" },
  cmdline: { kind: "string", what: "the kernel command line" },
  mcu_advance: { kind: "int", what: "BVT weight divisor (1 / weight)" },
  warp: { kind: "int", what: "BVT virtual-time units" },
  warpl: { kind: "int", what: "ms" },
  warpu: { kind: "int", what: "ms" },
} as const satisfies Record<string, KeySpec>;

export type ConfigKey = keyof typeof KEYS;

const KNOWN_KEYS = Object.keys(KEYS).join(", ");

/** Keys that xl users may reach for, with what to do instead. */
const HINTS: Readonly<Record<string, string>> = {
  extra: 'the kernel command line is "cmdline" here',
  root: 'put root= in "cmdline"',
  append: 'the kernel command line is "cmdline" here',
  initrd: 'the initial ramdisk is "ramdisk" here',
  maxmem: "a domain's memory is fixed at creation (memory = MiB)",
  vcpus: "xeno86 domains have one virtual CPU",
  vif: "virtual network interfaces are not configurable yet",
  disk: "virtual block devices are not configurable yet",
};

type Token =
  | { kind: "word"; text: string; line: number }
  | { kind: "string"; text: string; line: number }
  | { kind: "equals"; line: number }
  | { kind: "end"; line: number }
  | { kind: "eof"; line: number };

function describeChar(char: string): string {
  const code = char.codePointAt(0)!;
  if (code < 0x20 || code === 0x7f) return `\\x${code.toString(16).padStart(2, "0")}`;
  return char;
}

/** The tokens of `text`, made as the parser asks for them (so mistakes are reported in file order). */
function* tokenize(text: string, file: string): Generator<Token, never> {
  let line = 1;
  let index = 0;
  const fail = (message: string): never => {
    throw new ConfigError(file, line, message);
  };
  while (index < text.length) {
    const char = text[index];
    if (char === "\n") {
      yield { kind: "end", line };
      line++;
      index++;
    } else if (char === " " || char === "\t" || char === "\r" || char === "\f" || char === "\v") {
      index++;
    } else if (char === "#") {
      while (index < text.length && text[index] !== "\n") index++;
    } else if (char === ";") {
      yield { kind: "end", line };
      index++;
    } else if (char === "=") {
      yield { kind: "equals", line };
      index++;
    } else if (char === '"' || char === "'") {
      const quote = char;
      let value = "";
      index++;
      for (;;) {
        if (index >= text.length || text[index] === "\n") fail(`the string starting with ${quote} is not closed on this line`);
        const c = text[index];
        if (c === quote) {
          index++;
          break;
        }
        if (c === "\\") {
          const next = text[index + 1];
          const escapes: Record<string, string> = { "\\": "\\", '"': '"', "'": "'", n: "\n", t: "\t" };
          if (next === undefined || next === "\n" || escapes[next] === undefined) {
            fail(`unknown escape "\\${next === undefined || next === "\n" ? "" : describeChar(next)}" in a string (use \\\\ for a backslash)`);
          }
          value += escapes[next!];
          index += 2;
          continue;
        }
        if (c === "\0") fail("a string holds a NUL byte");
        value += c;
        index++;
      }
      yield { kind: "string", text: value, line };
    } else if (/[A-Za-z0-9_.+-]/.test(char)) {
      const start = index;
      while (index < text.length && /[A-Za-z0-9_.+-]/.test(text[index])) index++;
      yield { kind: "word", text: text.slice(start, index), line };
    } else if (char === "[" || char === "(") {
      fail(`lists are not supported: every setting takes one value`);
    } else if (char === "\0") {
      fail("the file holds a NUL byte: is it a text file?");
    } else {
      fail(`unexpected character "${describeChar(char)}"`);
    }
  }
  for (;;) yield { kind: "eof", line };
}

function describeToken(token: Token): string {
  switch (token.kind) {
    case "word":
      return `"${token.text}"`;
    case "string":
      return JSON.stringify(token.text);
    case "equals":
      return '"="';
    case "end":
      return "the end of the line";
    case "eof":
      return "the end of the file";
  }
}

function parseWholeNumber(text: string): number | null {
  if (/^[0-9]+$/.test(text)) {
    if (text.length > 1 && text.startsWith("0")) return null; // 010 would mean 8 to some readers and 10 to others
    return Number(text);
  }
  if (/^0[xX][0-9A-Fa-f]+$/.test(text)) return Number.parseInt(text.slice(2), 16);
  return null;
}

interface RawValue {
  readonly token: Token & { kind: "word" | "string" };
}

function checkIntRange(file: string, line: number, key: string, text: string, min: number, max: number, unit: string): number {
  const value = parseWholeNumber(text);
  const unitText = unit === "" ? "" : ` of ${unit}`;
  if (value === null) {
    throw new ConfigError(file, line, `${key} must be a whole number${unitText}, not "${text}"`);
  }
  if (value < min || value > max) {
    throw new ConfigError(file, line, `${key} must be from ${min} to ${max}${unit === "" ? "" : ` ${unit}`}, not ${text}`);
  }
  return value;
}

function resolvePath(baseDir: string, path: string): string {
  return isAbsolute(path) ? normalize(path) : join(baseDir, path);
}

export interface ParseOptions {
  /** The config file's name, for messages. */
  file: string;
  /** The directory that relative image paths are resolved against (the config file's). */
  baseDir: string;
}

/** Parses a domain configuration; throws `ConfigError` (FILE:LINE: message) on the first mistake. */
export function parseDomainConfig(text: string, options: ParseOptions): DomainConfigFile {
  const { file, baseDir } = options;
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const tokens = tokenize(text, file);
  const next = () => tokens.next().value;
  const values = new Map<ConfigKey, RawValue>();
  const lines: Partial<Record<ConfigKey, number>> = {};

  for (;;) {
    const first = next();
    if (first.kind === "eof") break;
    if (first.kind === "end") continue;
    if (first.kind !== "word" || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(first.text)) {
      throw new ConfigError(file, first.line, `expected a setting (key = value), found ${describeToken(first)}`);
    }
    const key = first.text;
    if (!Object.hasOwn(KEYS, key)) {
      const hint = HINTS[key.toLowerCase()];
      throw new ConfigError(file, first.line, `unknown key "${key}"${hint ? ` (${hint})` : ""}; the keys are ${KNOWN_KEYS}`);
    }
    const equals = next();
    if (equals.kind !== "equals") throw new ConfigError(file, equals.line, `expected "=" after ${key}, found ${describeToken(equals)}`);
    const value = next();
    if (value.kind === "end" || value.kind === "eof" || value.kind === "equals") throw new ConfigError(file, value.line, `${key} has no value`);
    const after = next();
    if (after.kind !== "end" && after.kind !== "eof") {
      throw new ConfigError(file, after.line, `unexpected ${describeToken(after)} after the value of ${key} (one setting per line, or separate them with ";")`);
    }
    const known = key as ConfigKey;
    const previous = lines[known];
    if (previous !== undefined) throw new ConfigError(file, first.line, `${key} is set twice (first on line ${previous})`);
    values.set(known, { token: value });
    lines[known] = first.line;
    if (after.kind === "eof") break;
  }

  const stringOf = (key: ConfigKey): string | undefined => {
    const raw = values.get(key);
    if (raw === undefined) return undefined;
    if (raw.token.kind !== "string") {
      throw new ConfigError(file, raw.token.line, `${key} must be a string in quotes (${KEYS[key].what}), not ${raw.token.text}`);
    }
    return raw.token.text;
  };
  const intOf = (key: ConfigKey, min: number, max: number, unit: string): number | undefined => {
    const raw = values.get(key);
    if (raw === undefined) return undefined;
    if (raw.token.kind !== "word") {
      throw new ConfigError(file, raw.token.line, `${key} must be a whole number without quotes${unit === "" ? "" : ` (${unit})`}, not ${JSON.stringify(raw.token.text)}`);
    }
    return checkIntRange(file, raw.token.line, key, raw.token.text, min, max, unit);
  };
  const pathOf = (key: "kernel" | "ramdisk"): string | undefined => {
    const path = stringOf(key);
    if (path === undefined) return undefined;
    if (path.trim() === "") throw new ConfigError(file, lines[key], `${key} is an empty path`);
    return resolvePath(baseDir, path);
  };

  const name = stringOf("name") ?? defaultName(file);
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name) || name.length > MAX_NAME_LENGTH) {
    const where = lines.name;
    const why =
      where === undefined
        ? `no name given, and the file's name "${name}" is not usable as one; set name = "..."`
        : `name must be 1 to ${MAX_NAME_LENGTH} letters, digits, "_", "." or "-" (starting with a letter or digit), not ${JSON.stringify(name)}`;
    throw new ConfigError(file, where, why);
  }
  const kernel = pathOf("kernel");
  if (kernel === undefined) throw new ConfigError(file, undefined, 'no kernel given (add kernel = "path/to/kernel.elf")');
  const ramdisk = pathOf("ramdisk");
  const memoryMiB = intOf("memory", MIN_MEMORY_MIB, MAX_MEMORY_MIB, "MiB") ?? DEFAULT_MEMORY_MIB;
  const cmdline = stringOf("cmdline") ?? "";
  if (cmdline.length > MAX_COMMAND_LINE) {
    throw new ConfigError(file, lines.cmdline, `cmdline is ${cmdline.length} characters; a domain's command line holds at most ${MAX_COMMAND_LINE}`);
  }
  const bad = /[^\x20-\x7e]/.exec(cmdline);
  if (bad !== null) throw new ConfigError(file, lines.cmdline, `cmdline must be printable ASCII; it holds "${describeChar(bad[0])}"`);
  const mcuAdvance = intOf("mcu_advance", 1, MAX_MCU_ADVANCE, "");
  const warp = intOf("warp", 0, MAX_WARP, "");
  const warpLimitMs = intOf("warpl", 0, MAX_WARP_MS, "ms");
  const unwarpMs = intOf("warpu", 0, MAX_WARP_MS, "ms");

  const scheduling: { mcuAdvance?: number; warp?: number; warpLimitMs?: number; unwarpMs?: number } = {};
  if (mcuAdvance !== undefined) scheduling.mcuAdvance = mcuAdvance;
  if (warp !== undefined) scheduling.warp = warp;
  if (warpLimitMs !== undefined) scheduling.warpLimitMs = warpLimitMs;
  if (unwarpMs !== undefined) scheduling.unwarpMs = unwarpMs;
  return { file, name, kernel, ...(ramdisk === undefined ? {} : { ramdisk }), memoryMiB, cmdline, scheduling, lines };
}

/** "configs/web.cfg" → "web". */
function defaultName(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(0, dot) : base;
}
