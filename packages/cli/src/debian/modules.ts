/**
 * Linux kernel modules: their `.modinfo` section (the `name=`, `depends=` and
 * `alias=` strings modpost writes), the dependency closure of a set of
 * modules, and the `modules.dep` / `modules.alias` files that depmod would
 * write for them. Debian's kernel packages ship no modules.dep (the
 * postinst runs depmod), so we compute it from the modules themselves.
 */
import { posix } from "node:path";
import { ArchiveFormatError, PackageNotFoundError } from "./errors";

export interface ModuleInfo {
  /** Module name as the kernel knows it (`3c59x`, `winbond_840`). */
  readonly name: string;
  /** Path relative to `/lib/modules/<version>/` (`kernel/drivers/net/mii.ko`). */
  readonly path: string;
  /** Names of the modules it needs (modpost's `depends=`), possibly empty. */
  readonly depends: readonly string[];
  /** Device aliases (`pci:v00008086d0000100Esv*sd*bc*sc*i*`). */
  readonly aliases: readonly string[];
  /** `vermagic=` (`6.1.0-54-686 SMP preempt mod_unload modversions GEODE `), if present. */
  readonly vermagic?: string;
}

/** The kernel's name for a module file: basename without `.ko[.xz|.zst|.gz]`, dashes made underscores. */
export function moduleNameFromPath(path: string): string {
  return posix.basename(path).replace(/\.ko(\.(xz|zst|gz))?$/, "").replace(/-/g, "_");
}

/** Reads the `.modinfo` section of an ELF32 or ELF64 little-endian relocatable object as `key → values`. */
export function readModinfo(elf: Uint8Array, what = "module"): Map<string, string[]> {
  const bytes = Buffer.from(elf.buffer, elf.byteOffset, elf.length);
  if (bytes.length < 52 || bytes.readUInt32BE(0) !== 0x7f454c46) throw new ArchiveFormatError(`${what}: not an ELF file`);
  const is64 = bytes[4] === 2;
  if (bytes[5] !== 1) throw new ArchiveFormatError(`${what}: not a little-endian ELF file`);
  const shoff = is64 ? Number(bytes.readBigUInt64LE(0x28)) : bytes.readUInt32LE(0x20);
  const shentsize = bytes.readUInt16LE(is64 ? 0x3a : 0x2e);
  const shnum = bytes.readUInt16LE(is64 ? 0x3c : 0x30);
  const shstrndx = bytes.readUInt16LE(is64 ? 0x3e : 0x32);
  if (shoff === 0 || shoff + shnum * shentsize > bytes.length || shstrndx >= shnum) throw new ArchiveFormatError(`${what}: bad ELF section header table`);
  const section = (index: number): { name: number; offset: number; size: number } => {
    const at = shoff + index * shentsize;
    return is64
      ? { name: bytes.readUInt32LE(at), offset: Number(bytes.readBigUInt64LE(at + 0x18)), size: Number(bytes.readBigUInt64LE(at + 0x20)) }
      : { name: bytes.readUInt32LE(at), offset: bytes.readUInt32LE(at + 0x10), size: bytes.readUInt32LE(at + 0x14) };
  };
  const strings = section(shstrndx);
  const info = new Map<string, string[]>();
  for (let index = 0; index < shnum; index++) {
    const header = section(index);
    const nameStart = strings.offset + header.name;
    const nameEnd = bytes.indexOf(0, nameStart);
    if (bytes.toString("latin1", nameStart, nameEnd) !== ".modinfo") continue;
    if (header.offset + header.size > bytes.length) throw new ArchiveFormatError(`${what}: .modinfo runs past the end of the file`);
    for (const record of bytes.toString("utf8", header.offset, header.offset + header.size).split("\0")) {
      const equals = record.indexOf("=");
      if (equals <= 0) continue;
      const key = record.slice(0, equals);
      const list = info.get(key);
      if (list === undefined) info.set(key, [record.slice(equals + 1)]);
      else list.push(record.slice(equals + 1));
    }
    return info;
  }
  throw new ArchiveFormatError(`${what}: no .modinfo section (not a kernel module?)`);
}

/** Describes one module from its file bytes and its path under `/lib/modules/<version>/`. */
export function describeModule(path: string, elf: Uint8Array): ModuleInfo {
  const info = readModinfo(elf, path);
  const depends = (info.get("depends")?.[0] ?? "")
    .split(",")
    .map((name) => name.trim().replace(/-/g, "_"))
    .filter((name) => name !== "");
  const vermagic = info.get("vermagic")?.[0];
  return {
    name: info.get("name")?.[0]?.replace(/-/g, "_") ?? moduleNameFromPath(path),
    path,
    depends,
    aliases: info.get("alias") ?? [],
    ...(vermagic !== undefined ? { vermagic } : {}),
  };
}

/**
 * The modules `roots` need, themselves included, in load order: every module
 * comes after all of its dependencies. Throws for a module that is missing.
 */
export function dependencyClosure(modules: ReadonlyMap<string, ModuleInfo>, roots: readonly string[]): ModuleInfo[] {
  const order: ModuleInfo[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (name: string, neededBy: string | undefined): void => {
    const key = name.replace(/-/g, "_");
    const seen = state.get(key);
    if (seen === "done") return;
    if (seen === "visiting") throw new ArchiveFormatError(`kernel modules: dependency cycle through ${key}`);
    const module = modules.get(key);
    if (module === undefined) throw new PackageNotFoundError(`the kernel package has no module "${key}"${neededBy !== undefined ? ` (needed by ${neededBy})` : ""}`);
    state.set(key, "visiting");
    for (const dependency of module.depends) visit(dependency, key);
    state.set(key, "done");
    order.push(module);
  };
  for (const root of roots) visit(root, undefined);
  return order;
}

/**
 * `modules.dep` as depmod writes it: `path: dep dep ...`, each module's full
 * set of dependencies, a module before the ones it needs (modprobe loads the
 * list from its end).
 */
export function formatModulesDep(included: readonly ModuleInfo[], all: ReadonlyMap<string, ModuleInfo>): string {
  const lines: string[] = [];
  for (const module of included) {
    const loadOrder = dependencyClosure(all, [module.name]).slice(0, -1);
    const deps = loadOrder.reverse().map((dep) => dep.path);
    lines.push(`${module.path}:${deps.map((dep) => ` ${dep}`).join("")}`);
  }
  return `${lines.join("\n")}\n`;
}

/** `modules.alias` as depmod writes it: `alias <pattern> <module>`. */
export function formatModulesAlias(included: readonly ModuleInfo[]): string {
  const lines = ["# Aliases extracted from modules themselves."];
  for (const module of included) for (const alias of module.aliases) lines.push(`alias ${alias} ${module.name}`);
  return `${lines.join("\n")}\n`;
}
