/**
 * `fetchImages()`: Debian's i386 kernel (the non-PAE 686 flavour) and
 * busybox-static from the archive, unpacked and turned into a bootable set:
 * the bzImage, an initramfs with busybox, the NIC driver modules and our
 * `/init`, and the native busybox for host-side comparisons.
 *
 * Cache layout under `cacheDir`:
 *   debs/<package>_<version>_i386.deb    verified downloads
 *   index/resolved-<key>.json             what the indexes resolved to, keyed by their hashes
 *   sets/<kernel>__<busybox>__<recipe>/   one image set: vmlinuz-<v>, busybox,
 *                                         initramfs.cpio.gz, lib/modules/<v>/, manifest.json
 *   current.json                          the set the last successful call returned
 */
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readdirSync, statSync } from "node:fs";
import { chmod, mkdir, readdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { bookwormSuites, DebianArchive, findDependency, formatBytes, signaturePolicyFromEnv, type PackageRecord, type SignaturePolicy, type SuiteRelease, type SuiteSource } from "./archive";
import { defaultCacheDir, fileSafe, readJson, writeFileAtomic } from "./cache";
import { extractDebFiles, scanDebData, type DebExtractor } from "./deb";
import { ArchiveFormatError, NetworkError, OfflineError, PackageNotFoundError } from "./errors";
import { busyboxApplets } from "./host-busybox";
import { buildInitramfs, INIT_SCRIPT, type InitramfsModule } from "./initramfs";
import { dependencyClosure, describeModule, formatModulesAlias, formatModulesDep, type ModuleInfo } from "./modules";

/** The drivers of the NIC models xeno86 emulates (or will): loaded by Linux's own code in the tests. */
export const NIC_MODULES: readonly string[] = ["e1000", "tg3", "3c59x", "pcnet32", "e100", "tulip"];

/** The kernel metapackage: Depends on the current `linux-image-6.1.0-NN-686`. */
export const KERNEL_METAPACKAGE = "linux-image-686";
export const BUSYBOX_PACKAGE = "busybox-static";

/** Bump when the way a set is built changes, so cached sets are rebuilt. */
const RECIPE_VERSION = 2;

/** Paths of one fetched image set (all absolute) and the versions it was made from. */
export interface ImageSet {
  /** The kernel's bzImage (`.../vmlinuz-6.1.0-54-686`). */
  readonly kernel: string;
  /** gzip-compressed newc cpio: busybox, applet links, /dev nodes, modules, /init. */
  readonly initramfs: string;
  /** The static i386 busybox (runs natively where the host has 32-bit support). */
  readonly busybox: string;
  /** `.../lib/modules/<kernelVersion>`: the included modules, modules.dep, modules.alias. */
  readonly modulesDir: string;
  /** `uname -r` of the kernel (`6.1.0-54-686`). */
  readonly kernelVersion: string;
  /** Debian version of the kernel package (`6.1.190-1`). */
  readonly kernelPackageVersion: string;
  /** Debian version of busybox-static (`1:1.35.0-4+deb12u1+b1`). */
  readonly busyboxVersion: string;
  /** Name of the kernel package (`linux-image-6.1.0-54-686`). */
  readonly kernelPackage: string;
  /** Names of the modules in the initramfs, in load order. */
  readonly modules: readonly string[];
}

export interface FetchImagesOptions {
  /** Default: `$XENO86_CACHE`, else `<repo root>/.cache/images`. */
  readonly cacheDir?: string;
  /** Progress lines ("downloading ..."). */
  readonly log?: (line: string) => void;
  /** Use only what is cached; no network at all. */
  readonly offline?: boolean;
  /** Environment for the mirror overrides (default `process.env`). */
  readonly env?: NodeJS.ProcessEnv;
  /** Suites to search (default bookworm, bookworm-updates, bookworm-security). */
  readonly suites?: readonly SuiteSource[];
  /** Give up on a transfer with no data for this long. Default 30 s. */
  readonly stallTimeoutMs?: number;
  /** How .deb files are unpacked. Default "typescript". */
  readonly extractor?: DebExtractor;
  /** Modules to put in the initramfs (with their dependencies). Default `NIC_MODULES`. */
  readonly modules?: readonly string[];
  /** InRelease signature checking (default from `$XENO86_DEBIAN_SIGNATURES`, else verify when gpgv is there). */
  readonly signatures?: SignaturePolicy;
}

/** What the indexes said, cached per index content. */
interface Resolution {
  readonly kernelMeta: PackageRecord;
  readonly kernel: PackageRecord;
  readonly busybox: PackageRecord;
  /** Optional suites that were left out (suite → reason); such a resolution is trusted for a few hours only. */
  readonly skipped?: Readonly<Record<string, string>>;
  /** When it was made (ms since the epoch). */
  readonly resolvedAt?: number;
}

/** How long a resolution made without some optional suite is reused before the indexes are tried again. */
const DEGRADED_RESOLUTION_TTL_MS = 6 * 60 * 60 * 1000;

/** `manifest.json` of a set: the ImageSet with paths relative to the set directory. */
interface Manifest {
  readonly recipe: number;
  readonly kernel: string;
  readonly initramfs: string;
  readonly busybox: string;
  readonly modulesDir: string;
  readonly kernelVersion: string;
  readonly kernelPackage: string;
  readonly kernelPackageVersion: string;
  readonly busyboxVersion: string;
  readonly modules: readonly string[];
  readonly sources: Readonly<Record<string, { url: string; sha256: string; size: number }>>;
  readonly created: string;
}

function recipeKey(modules: readonly string[]): string {
  return createHash("sha256").update(JSON.stringify([RECIPE_VERSION, INIT_SCRIPT, [...modules]])).digest("hex").slice(0, 10);
}

function setName(resolution: Resolution, recipe: string): string {
  return `${resolution.kernel.name}_${fileSafe(resolution.kernel.version)}__busybox_${fileSafe(resolution.busybox.version)}__${recipe}`;
}

/** The set in `directory`, if its manifest is there and every file it names exists. */
function loadSet(directory: string): ImageSet | undefined {
  const manifest = readJson<Manifest>(join(directory, "manifest.json"));
  if (manifest === undefined || manifest.recipe !== RECIPE_VERSION) return undefined;
  const set: ImageSet = {
    kernel: join(directory, manifest.kernel),
    initramfs: join(directory, manifest.initramfs),
    busybox: join(directory, manifest.busybox),
    modulesDir: join(directory, manifest.modulesDir),
    kernelVersion: manifest.kernelVersion,
    kernelPackage: manifest.kernelPackage,
    kernelPackageVersion: manifest.kernelPackageVersion,
    busyboxVersion: manifest.busyboxVersion,
    modules: manifest.modules,
  };
  for (const path of [set.kernel, set.initramfs, set.busybox, join(set.modulesDir, "modules.dep")]) if (!existsSync(path)) return undefined;
  return set;
}

/** The most recently used complete set in the cache, without any network access. */
export function cachedImageSet(cacheDir: string = defaultCacheDir()): ImageSet | undefined {
  const current = readJson<{ set?: string }>(join(cacheDir, "current.json"));
  if (current?.set !== undefined) {
    const set = loadSet(join(cacheDir, "sets", current.set));
    if (set !== undefined) return set;
  }
  // No pointer (or a stale one): the newest complete set will do.
  const setsDir = join(cacheDir, "sets");
  if (!existsSync(setsDir)) return undefined;
  const candidates = readdirSync(setsDir)
    .filter((name) => !name.startsWith("."))
    .map((name) => ({ name, mtime: statSync(join(setsDir, name)).mtimeMs }))
    .sort((a, b) => b.mtime - a.mtime);
  for (const { name } of candidates) {
    const set = loadSet(join(setsDir, name));
    if (set !== undefined) return set;
  }
  return undefined;
}

/**
 * Fetches (or finds in the cache) Debian's 686 kernel and busybox-static and
 * builds the initramfs. Throws an `ImageFetchError` subclass for expected
 * failures: `NetworkError`, `ChecksumError`, `PackageNotFoundError`,
 * `ArchiveFormatError`, `OfflineError`, `HostToolError`.
 */
export async function fetchImages(options: FetchImagesOptions = {}): Promise<ImageSet> {
  const env = options.env ?? process.env;
  const cacheDir = options.cacheDir ?? defaultCacheDir(env);
  const log = options.log ?? (() => undefined);
  const modules = options.modules ?? NIC_MODULES;
  const recipe = recipeKey(modules);

  if (options.offline === true) {
    const set = cachedImageSet(cacheDir);
    if (set === undefined) throw new OfflineError(`no image set is cached in ${cacheDir}; run \`xeno86 images\` once with network access`);
    log(`using the cached set for ${set.kernelPackage} ${set.kernelPackageVersion} (offline)`);
    return set;
  }

  const archive = new DebianArchive({
    suites: options.suites ?? bookwormSuites(env),
    http: { stallTimeoutMs: options.stallTimeoutMs },
    signatures: options.signatures ?? signaturePolicyFromEnv(env),
    log,
  });
  let releases: SuiteRelease[];
  try {
    releases = await archive.fetchReleases();
  } catch (error) {
    if (error instanceof NetworkError && cachedImageSet(cacheDir) !== undefined) {
      throw new NetworkError(`${error.message}. An image set is cached: use --offline (offline: true) to use it without checking for updates.`, { cause: error });
    }
    throw error;
  }
  for (const release of releases) {
    if (release.skipped === undefined && release.signature === "unchecked") log(`note: the signature of ${release.source.suite}'s InRelease was not checked (no gpgv or keyring); relying on the hashes alone`);
  }

  const resolution = await resolve(archive, releases, cacheDir, log);
  const name = setName(resolution, recipe);
  const setDir = join(cacheDir, "sets", name);
  let set = loadSet(setDir);
  if (set !== undefined) {
    log(`up to date: ${resolution.kernel.name} ${resolution.kernel.version}, ${BUSYBOX_PACKAGE} ${resolution.busybox.version}`);
  } else {
    set = await buildSet(archive, resolution, cacheDir, setDir, modules, options.extractor, log);
  }
  await writeFileAtomic(join(cacheDir, "current.json"), `${JSON.stringify({ set: name }, null, 2)}\n`);
  return set;
}

async function resolve(archive: DebianArchive, releases: readonly SuiteRelease[], cacheDir: string, log: (line: string) => void): Promise<Resolution> {
  const key = createHash("sha256")
    .update(
      JSON.stringify([
        archive.architecture,
        KERNEL_METAPACKAGE,
        BUSYBOX_PACKAGE,
        releases.map((release) => [release.source.baseUrl, release.source.suite, release.packagesSha256 ?? null]),
      ]),
    )
    .digest("hex")
    .slice(0, 24);
  const path = join(cacheDir, "index", `resolved-${key}.json`);
  const cached = readJson<Resolution>(path);
  if (cached !== undefined) {
    const degraded = cached.skipped !== undefined && Object.keys(cached.skipped).length > 0;
    if (!degraded || Date.now() - (cached.resolvedAt ?? 0) < DEGRADED_RESOLUTION_TTL_MS) {
      for (const [suite, reason] of Object.entries(cached.skipped ?? {})) log(`warning: ${suite} was left out at the last index check: ${reason}`);
      return cached;
    }
  }

  await archive.loadIndexes(releases);
  const kernelMeta = archive.resolve(KERNEL_METAPACKAGE);
  // The metapackage depends on exactly one flavoured image: linux-image-<abi>-686, not -686-pae.
  const dependency = findDependency(kernelMeta, /^linux-image-\d[^\s]*-686$/);
  if (dependency === undefined) throw new PackageNotFoundError(`${KERNEL_METAPACKAGE} ${kernelMeta.version} does not depend on a linux-image-*-686 package (Depends: ${kernelMeta.depends ?? "none"})`);
  const kernel = archive.resolve(dependency.name, dependency.relation !== undefined && dependency.version !== undefined ? { relation: dependency.relation, version: dependency.version } : undefined);
  const busybox = archive.resolve(BUSYBOX_PACKAGE);
  log(`resolved ${KERNEL_METAPACKAGE} ${kernelMeta.version} (${kernelMeta.source.suite}) → ${kernel.name} ${kernel.version}; ${BUSYBOX_PACKAGE} ${busybox.version} (${busybox.source.suite})`);
  const resolution: Resolution = {
    kernelMeta,
    kernel,
    busybox,
    ...(archive.skipped.size > 0 ? { skipped: Object.fromEntries(archive.skipped) } : {}),
    resolvedAt: Date.now(),
  };
  // Only the newest resolution is worth keeping.
  await rm(join(cacheDir, "index"), { recursive: true, force: true });
  await writeFileAtomic(path, `${JSON.stringify(resolution, null, 2)}\n`);
  return resolution;
}

/** What one pass over the kernel package collects. */
interface KernelScan {
  kernelImage?: { path: string; data: Buffer };
  kernelVersion?: string;
  readonly modules: Map<string, ModuleInfo>;
  readonly moduleBytes: Map<string, Buffer>;
  readonly extraFiles: Map<string, Buffer>;
}

const MODULE_PATH = /^(?:usr\/)?lib\/modules\/([^/]+)\/(.+\.ko(?:\.(?:xz|zst|gz))?)$/;
const MODULE_META_PATH = /^(?:usr\/)?lib\/modules\/([^/]+)\/(modules\.(?:builtin|order))$/;

async function scanKernel(debPath: string, wanted: (info: ModuleInfo) => boolean, extractor: DebExtractor | undefined): Promise<KernelScan> {
  const scan: KernelScan = { modules: new Map(), moduleBytes: new Map(), extraFiles: new Map() };
  await scanDebData(
    debPath,
    (entry) => {
      if (entry.type !== "file") return undefined;
      if (/^boot\/vmlinuz-/.test(entry.path)) {
        return (data) => {
          if (scan.kernelImage !== undefined) throw new ArchiveFormatError(`${debPath} holds two kernels: /${scan.kernelImage.path} and /${entry.path}`);
          scan.kernelImage = { path: entry.path, data };
        };
      }
      const meta = MODULE_META_PATH.exec(entry.path);
      if (meta !== null) return (data) => scan.extraFiles.set(meta[2], data);
      const module = MODULE_PATH.exec(entry.path);
      if (module === null) return undefined;
      const [, version, relative] = module;
      if (scan.kernelVersion !== undefined && scan.kernelVersion !== version) throw new ArchiveFormatError(`${debPath} holds modules for two kernels: ${scan.kernelVersion} and ${version}`);
      scan.kernelVersion = version;
      return (data) => {
        if (!relative.endsWith(".ko")) throw new ArchiveFormatError(`${debPath}: compressed module /${entry.path} (only plain .ko modules are supported)`);
        const info = describeModule(relative, data);
        scan.modules.set(info.name, info);
        if (wanted(info)) scan.moduleBytes.set(info.name, data);
      };
    },
    { extractor },
  );
  return scan;
}

/** Checks the bzImage header (boot protocol magic "HdrS" at 0x202) and returns the protocol version. */
function checkBzImage(data: Buffer, what: string): number {
  if (data.length < 0x300 || data.toString("latin1", 0x202, 0x206) !== "HdrS") throw new ArchiveFormatError(`${what} is not a Linux bzImage (no "HdrS" at 0x202)`);
  return data.readUInt16LE(0x206);
}

function checkI386Elf(data: Buffer, what: string): void {
  if (data.length < 52 || data.readUInt32BE(0) !== 0x7f454c46 || data[4] !== 1 || data.readUInt16LE(18) !== 3) throw new ArchiveFormatError(`${what} is not an i386 ELF executable`);
}

async function buildSet(
  archive: DebianArchive,
  resolution: Resolution,
  cacheDir: string,
  setDir: string,
  roots: readonly string[],
  extractor: DebExtractor | undefined,
  log: (line: string) => void,
): Promise<ImageSet> {
  const debDir = join(cacheDir, "debs");
  const [kernelDeb, busyboxDeb] = await Promise.all([archive.download(resolution.kernel, debDir), archive.download(resolution.busybox, debDir)]);
  await pruneDebs(debDir, [kernelDeb, busyboxDeb]);

  log(`unpacking ${resolution.kernel.name} ${resolution.kernel.version}`);
  const rootNames = new Set(roots.map((root) => root.replace(/-/g, "_")));
  // Keep the bytes of the asked modules and of their likely neighbours (network drivers and
  // the PHY/MII libraries under drivers/net), so that one pass is nearly always enough.
  const scan = await scanKernel(kernelDeb, (info) => rootNames.has(info.name) || info.path.includes("/drivers/net/"), extractor);
  if (scan.kernelImage === undefined) throw new PackageNotFoundError(`${resolution.kernel.name} has no /boot/vmlinuz-*`);
  const kernelVersion = scan.kernelVersion ?? scan.kernelImage.path.slice("boot/vmlinuz-".length);
  if (scan.kernelImage.path !== `boot/vmlinuz-${kernelVersion}`) throw new ArchiveFormatError(`${resolution.kernel.name}: /${scan.kernelImage.path} does not match its modules' version ${kernelVersion}`);
  const protocol = checkBzImage(scan.kernelImage.data, `/${scan.kernelImage.path}`);
  const included = dependencyClosure(scan.modules, [...rootNames]);
  const missing = included.filter((info) => !scan.moduleBytes.has(info.name));
  if (missing.length > 0) {
    const names = new Set(missing.map((info) => info.name));
    const second = await scanKernel(kernelDeb, (info) => names.has(info.name), extractor);
    for (const [name, data] of second.moduleBytes) scan.moduleBytes.set(name, data);
  }
  log(`kernel ${kernelVersion} (boot protocol ${protocol >> 8}.${String(protocol & 0xff).padStart(2, "0")}, ${formatBytes(scan.kernelImage.data.length)}); modules: ${included.map((info) => info.name).join(" ")}`);

  const busyboxFiles = await extractDebFiles(busyboxDeb, ["bin/busybox"], { extractor });
  const busybox = busyboxFiles.get("bin/busybox")?.data;
  if (busybox === undefined) throw new PackageNotFoundError(`${resolution.busybox.name} has no /bin/busybox`);
  checkI386Elf(busybox, `/bin/busybox of ${resolution.busybox.name}`);

  // Build in a temporary directory next to the final one, then rename: a set directory is complete or absent.
  const setsDir = dirname(setDir);
  await mkdir(setsDir, { recursive: true });
  const work = join(setsDir, `.build-${process.pid}-${randomBytes(4).toString("hex")}`);
  try {
    const modulesRel = join("lib", "modules", kernelVersion);
    const modulesDir = join(work, modulesRel);
    await mkdir(modulesDir, { recursive: true });
    const kernelName = `vmlinuz-${kernelVersion}`;
    await writeFile(join(work, kernelName), scan.kernelImage.data);
    await writeFile(join(work, "busybox"), busybox);
    await chmod(join(work, "busybox"), 0o755);

    const initramfsModules: InitramfsModule[] = [];
    for (const info of included) {
      const data = scan.moduleBytes.get(info.name);
      if (data === undefined) throw new PackageNotFoundError(`${resolution.kernel.name}: could not extract module ${info.path}`);
      initramfsModules.push({ path: info.path, data });
    }
    initramfsModules.push({ path: "modules.dep", data: Buffer.from(formatModulesDep(included, scan.modules)) });
    initramfsModules.push({ path: "modules.alias", data: Buffer.from(formatModulesAlias(included)) });
    const builtin = scan.extraFiles.get("modules.builtin");
    if (builtin !== undefined) initramfsModules.push({ path: "modules.builtin", data: builtin });
    for (const module of initramfsModules) {
      await mkdir(dirname(join(modulesDir, module.path)), { recursive: true });
      await writeFile(join(modulesDir, module.path), module.data);
    }

    const applets = busyboxApplets(join(work, "busybox"), busybox);
    const initramfs = buildInitramfs({ busybox, applets, kernelVersion, modules: initramfsModules });
    await writeFile(join(work, "initramfs.cpio.gz"), initramfs);
    log(`initramfs: ${applets.length} applets, ${included.length} modules, ${formatBytes(initramfs.length)}`);

    const manifest: Manifest = {
      recipe: RECIPE_VERSION,
      kernel: kernelName,
      initramfs: "initramfs.cpio.gz",
      busybox: "busybox",
      modulesDir: modulesRel,
      kernelVersion,
      kernelPackage: resolution.kernel.name,
      kernelPackageVersion: resolution.kernel.version,
      busyboxVersion: resolution.busybox.version,
      modules: included.map((info) => info.name),
      sources: Object.fromEntries(
        [resolution.kernel, resolution.busybox].map((record) => [record.name, { url: `${record.source.baseUrl}/${record.filename}`, sha256: record.sha256, size: record.size }]),
      ),
      created: new Date().toISOString(),
    };
    await writeFile(join(work, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    // Another process may have finished the same set meanwhile: then keep theirs.
    if (loadSet(setDir) === undefined) {
      await rm(setDir, { recursive: true, force: true });
      try {
        await rename(work, setDir);
      } catch (error) {
        if (loadSet(setDir) === undefined) throw error;
      }
    }
  } finally {
    await rm(work, { recursive: true, force: true });
  }
  const set = loadSet(setDir);
  if (set === undefined) throw new ArchiveFormatError(`the image set in ${setDir} is incomplete right after building it`);
  return set;
}

/** Removes the cached .deb files of older sets (a kernel package is 50 MiB; built sets do not need them). */
async function pruneDebs(debDir: string, keep: readonly string[]): Promise<void> {
  const keepNames = new Set(keep.map((path) => path.slice(debDir.length + 1)));
  for (const name of await readdir(debDir)) {
    if (!keepNames.has(name) && name.endsWith(".deb")) await rm(join(debDir, name), { force: true });
  }
}

