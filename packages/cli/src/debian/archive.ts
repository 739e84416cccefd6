/**
 * A Debian archive client that needs no root and no apt: it reads each
 * suite's `InRelease` (checking its OpenPGP signature with `gpgv` when the
 * host has it and Debian's keyring), fetches `main/binary-<arch>/Packages.xz`,
 * checks it against the SHA256 the InRelease lists, and answers "which is the
 * newest version of package X across these suites" and "download it,
 * verified".
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { createReadStream, existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import { join, posix } from "node:path";
import { gunzipSync } from "node:zlib";
import { PackageIndex, parseRelations, parseRelease, type ReleaseFile, type Stanza } from "./control";
import { ArchiveFormatError, ChecksumError, ImageFetchError, PackageNotFoundError } from "./errors";
import { downloadFile, fetchBuffer, HttpStatusError, verifyBuffer, type HttpOptions } from "./http";
import { hasHostTool, xzDecompress } from "./host-tools";
import { compareDebianVersions, satisfiesVersion } from "./version";

export const DEFAULT_DEBIAN_MIRROR = "http://deb.debian.org/debian";
export const DEFAULT_DEBIAN_SECURITY_MIRROR = "http://deb.debian.org/debian-security";

/** One suite of one archive: `http://deb.debian.org/debian` + `bookworm-updates`. */
export interface SuiteSource {
  readonly baseUrl: string;
  readonly suite: string;
  /**
   * An optional suite (updates, security) whose InRelease or index cannot be
   * had or does not verify is left out with a warning instead of failing the
   * whole fetch: a mirror caught in the middle of a sync serves an InRelease
   * that is newer than its Packages files, and the base suite alone still
   * gives a verified, bootable kernel.
   */
  readonly optional?: boolean;
}

/** bookworm, bookworm-updates and bookworm-security, with the mirrors from the environment when set. */
export function bookwormSuites(env: NodeJS.ProcessEnv = process.env): SuiteSource[] {
  const mirror = trimSlash(env.XENO86_DEBIAN_MIRROR || DEFAULT_DEBIAN_MIRROR);
  const security = trimSlash(env.XENO86_DEBIAN_SECURITY_MIRROR || DEFAULT_DEBIAN_SECURITY_MIRROR);
  return [
    { baseUrl: mirror, suite: "bookworm" },
    { baseUrl: mirror, suite: "bookworm-updates", optional: true },
    { baseUrl: security, suite: "bookworm-security", optional: true },
  ];
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

/** A binary package as one suite's index describes it. */
export interface PackageRecord {
  readonly name: string;
  readonly version: string;
  readonly architecture: string;
  /** Path in the archive (`pool/main/b/busybox/busybox-static_..._i386.deb`). */
  readonly filename: string;
  readonly size: number;
  readonly sha256: string;
  readonly depends?: string;
  readonly source: SuiteSource;
}

/** The URL a package is downloaded from. */
export function packageUrl(record: PackageRecord): string {
  return `${record.source.baseUrl}/${record.filename}`;
}

/** The file name apt would give the package (`busybox-static_1%3a1.35.0-4_i386.deb`). */
export function packageFileName(record: PackageRecord): string {
  return `${record.name}_${record.version.replace(/:/g, "%3a")}_${record.architecture}.deb`;
}

/** A suite's InRelease, fetched and parsed, with the entry of the Packages file we want. */
export interface SuiteRelease {
  readonly source: SuiteSource;
  /** Undefined when an optional suite was left out (see `skipped`). */
  readonly release?: ReleaseFile;
  /** Why an optional suite was left out. */
  readonly skipped?: string;
  /** Path of the Packages file inside `dists/<suite>/`, or undefined when the suite has none for this architecture. */
  readonly packagesPath?: string;
  readonly packagesSha256?: string;
  readonly packagesSize?: number;
  /** "verified" by gpgv, or "unchecked" (no gpgv or keyring on this host, or checking was turned off). */
  readonly signature: "verified" | "unchecked";
}

export type SignaturePolicy = "verify-if-possible" | "require" | "skip";

export interface DebianArchiveOptions {
  readonly suites?: readonly SuiteSource[];
  readonly architecture?: string;
  readonly component?: string;
  readonly http?: HttpOptions;
  /** InRelease signatures: checked with gpgv when the host can (default), always, or never. */
  readonly signatures?: SignaturePolicy;
  /** Keyrings for gpgv. Default: Debian's archive keyring under /usr/share/keyrings. */
  readonly keyrings?: readonly string[];
  readonly log?: (line: string) => void;
}

const DEFAULT_KEYRINGS = ["/usr/share/keyrings/debian-archive-keyring.gpg"];

/**
 * Checks an InRelease's clear signature with `gpgv`. Returns "verified", or
 * "unchecked" when gpgv or the keyring is absent (and the policy allows it);
 * throws `ChecksumError` when the signature is bad.
 */
export function checkInReleaseSignature(text: Buffer, what: string, policy: SignaturePolicy, keyrings: readonly string[] = DEFAULT_KEYRINGS): "verified" | "unchecked" {
  if (policy === "skip") return "unchecked";
  const present = keyrings.filter((keyring) => existsSync(keyring));
  if (present.length === 0 || !hasHostTool("gpgv")) {
    if (policy === "require") throw new ChecksumError(`${what}: cannot check its signature: gpgv or Debian's keyring (${keyrings.join(", ")}) is missing (apt-get install gpgv debian-archive-keyring)`);
    return "unchecked";
  }
  const result = spawnSync("gpgv", ["--status-fd", "1", ...present.flatMap((keyring) => ["--keyring", keyring]), "-"], { input: text, encoding: "utf8" });
  if (result.status === 0 && /\[GNUPG:\] VALIDSIG /.test(result.stdout)) return "verified";
  const detail = (result.stderr || result.stdout || "").trim().split("\n").slice(-2).join("; ");
  throw new ChecksumError(`${what}: the OpenPGP signature does not verify against ${present.join(", ")} (${detail}). Set XENO86_DEBIAN_SIGNATURES=skip to fetch from a mirror signed with another key.`);
}

/** The signature policy the environment asks for (`XENO86_DEBIAN_SIGNATURES=skip|require|verify-if-possible`). */
export function signaturePolicyFromEnv(env: NodeJS.ProcessEnv = process.env): SignaturePolicy {
  const value = env.XENO86_DEBIAN_SIGNATURES;
  return value === "skip" || value === "require" ? value : "verify-if-possible";
}

export class DebianArchive {
  readonly suites: readonly SuiteSource[];
  readonly architecture: string;
  readonly component: string;
  private readonly http: HttpOptions;
  private readonly signatures: SignaturePolicy;
  private readonly keyrings: readonly string[];
  private readonly log: (line: string) => void;
  private indexes: { source: SuiteSource; index: PackageIndex }[] | undefined;
  /** Optional suites left out by the last `fetchReleases`/`loadIndexes`, with the reason. */
  readonly skipped = new Map<string, string>();

  constructor(options: DebianArchiveOptions = {}) {
    this.suites = options.suites ?? bookwormSuites();
    this.architecture = options.architecture ?? "i386";
    this.component = options.component ?? "main";
    this.http = options.http ?? {};
    this.signatures = options.signatures ?? "verify-if-possible";
    this.keyrings = options.keyrings ?? DEFAULT_KEYRINGS;
    this.log = options.log ?? (() => undefined);
  }

  private distUrl(source: SuiteSource, path: string): string {
    return `${source.baseUrl}/dists/${source.suite}/${path}`;
  }

  /** Fetches and parses every suite's InRelease. */
  async fetchReleases(): Promise<SuiteRelease[]> {
    return Promise.all(
      this.suites.map(async (source) => {
        try {
          return await this.fetchRelease(source);
        } catch (error) {
          if (!(source.optional === true && error instanceof ImageFetchError)) throw error;
          return { source, skipped: this.skip(source, error), signature: "unchecked" as const };
        }
      }),
    );
  }

  private skip(source: SuiteSource, error: ImageFetchError): string {
    const reason = error.message;
    this.skipped.set(source.suite, reason);
    this.log(`warning: leaving out ${source.suite}: ${reason}`);
    return reason;
  }

  async fetchRelease(source: SuiteSource): Promise<SuiteRelease> {
    const url = this.distUrl(source, "InRelease");
    let text: Buffer;
    try {
      text = await fetchBuffer(url, this.http);
    } catch (error) {
      if (error instanceof HttpStatusError && error.status === 404) throw new PackageNotFoundError(`${source.baseUrl} has no suite "${source.suite}" (${url} answered 404)`);
      throw error;
    }
    const signature = checkInReleaseSignature(text, url, this.signatures, this.keyrings);
    const release = parseRelease(text.toString("utf8"));
    const codename = release.fields.Codename ?? release.fields.Suite;
    if (codename !== undefined && codename !== source.suite && release.fields.Suite !== source.suite) {
      throw new ArchiveFormatError(`${url} describes suite "${codename}", not "${source.suite}" (wrong mirror?)`);
    }
    const base = `${this.component}/binary-${this.architecture}/Packages`;
    for (const suffix of [".xz", ".gz", ""]) {
      const entry = release.sha256.get(base + suffix);
      if (entry !== undefined) return { source, release, packagesPath: base + suffix, packagesSha256: entry.sha256, packagesSize: entry.size, signature };
    }
    return { source, release, signature };
  }

  /** Downloads, verifies and indexes every suite's Packages file (suites without one contribute nothing). */
  async loadIndexes(releases?: readonly SuiteRelease[]): Promise<void> {
    const all = releases ?? (await this.fetchReleases());
    this.indexes = await Promise.all(
      all.map(async (release) => {
        if (release.skipped !== undefined) {
          this.skipped.set(release.source.suite, release.skipped);
          return { source: release.source, index: new PackageIndex("") };
        }
        try {
          return { source: release.source, index: await this.fetchPackages(release) };
        } catch (error) {
          if (!(release.source.optional === true && error instanceof ImageFetchError)) throw error;
          this.skip(release.source, error);
          return { source: release.source, index: new PackageIndex("") };
        }
      }),
    );
  }

  private async fetchPackages(release: SuiteRelease): Promise<PackageIndex> {
    const { source, packagesPath, packagesSha256, packagesSize } = release;
    if (release.release === undefined || packagesPath === undefined || packagesSha256 === undefined || packagesSize === undefined) {
      this.log(`${source.suite}: no ${this.component}/binary-${this.architecture} index, skipping`);
      return new PackageIndex("");
    }
    // Fetch by hash when the archive offers it: the file cannot change under us between InRelease and Packages.
    const byHash = release.release.fields["Acquire-By-Hash"] === "yes";
    const path = byHash ? `${posix.dirname(packagesPath)}/by-hash/SHA256/${packagesSha256}` : packagesPath;
    const url = this.distUrl(source, path);
    this.log(`fetching ${this.distUrl(source, packagesPath)} (${formatBytes(packagesSize)})`);
    let compressed: Buffer;
    try {
      compressed = await fetchBuffer(url, this.http);
    } catch (error) {
      if (!(byHash && error instanceof HttpStatusError && error.status === 404)) throw error;
      compressed = await fetchBuffer(this.distUrl(source, packagesPath), this.http);
    }
    verifyBuffer(compressed, { sha256: packagesSha256, size: packagesSize }, `${this.distUrl(source, packagesPath)} does not match ${source.suite}'s InRelease (the mirror may be in the middle of a sync; try again later)`);
    const text = packagesPath.endsWith(".xz") ? await xzDecompress(compressed) : packagesPath.endsWith(".gz") ? gunzipSync(compressed) : compressed;
    return new PackageIndex(text.toString("utf8"));
  }

  /** Every version of `name` for our architecture (or `all`) in every suite. */
  candidates(name: string): PackageRecord[] {
    if (this.indexes === undefined) throw new Error("DebianArchive: call loadIndexes() first");
    const records: PackageRecord[] = [];
    for (const { source, index } of this.indexes) {
      for (const stanza of index.lookup(name)) {
        const record = toRecord(stanza, source);
        if (record.architecture === this.architecture || record.architecture === "all") records.push(record);
      }
    }
    return records;
  }

  /**
   * The newest version of `name` across the suites, optionally only among
   * versions that satisfy `relation version` (`=`, `>=`, ...).
   */
  resolve(name: string, constraint?: { relation: string; version: string }): PackageRecord {
    const all = this.candidates(name);
    const fitting = constraint === undefined ? all : all.filter((record) => satisfiesVersion(record.version, constraint.relation, constraint.version));
    if (fitting.length === 0) {
      const where = this.suites.map((suite) => suite.suite).join(", ");
      if (all.length === 0) throw new PackageNotFoundError(`package ${name} (${this.architecture}) is not in ${where}`);
      throw new PackageNotFoundError(`no version of ${name} satisfies (${constraint?.relation} ${constraint?.version}); the archive has ${all.map((record) => record.version).join(", ")}`);
    }
    let best = fitting[0];
    for (const record of fitting) if (compareDebianVersions(record.version, best.version) > 0) best = record;
    return best;
  }

  /**
   * Downloads a package into `directory` (unless a file of the right size and
   * SHA256 is already there) and returns its path.
   */
  async download(record: PackageRecord, directory: string): Promise<string> {
    const destination = join(directory, packageFileName(record));
    if (await hasFile(destination, record)) return destination;
    this.log(`downloading ${packageUrl(record)} (${formatBytes(record.size)})`);
    try {
      await downloadFile(packageUrl(record), destination, record, this.http);
    } catch (error) {
      if (error instanceof HttpStatusError && error.status === 404) throw new PackageNotFoundError(`${packageUrl(record)} is listed in the index but the mirror does not have it (a mirror being updated? try again later)`);
      throw error;
    }
    return destination;
  }
}

/** Whether `path` exists with the size and SHA256 of `expected`. */
export async function hasFile(path: string, expected: { size: number; sha256: string }): Promise<boolean> {
  try {
    if ((await stat(path)).size !== expected.size) return false;
  } catch {
    return false;
  }
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex") === expected.sha256;
}

function toRecord(stanza: Stanza, source: SuiteSource): PackageRecord {
  const need = (field: string): string => {
    const value = stanza[field];
    if (value === undefined || value === "") throw new ArchiveFormatError(`Packages index of ${source.suite}: package ${stanza.Package ?? "?"} has no ${field} field`);
    return value;
  };
  const size = need("Size");
  if (!/^\d+$/.test(size)) throw new ArchiveFormatError(`Packages index of ${source.suite}: package ${stanza.Package} has a bad Size "${size}"`);
  return {
    name: need("Package"),
    version: need("Version"),
    architecture: need("Architecture"),
    filename: need("Filename"),
    size: Number(size),
    sha256: need("SHA256"),
    ...(stanza.Depends !== undefined ? { depends: stanza.Depends } : {}),
    source,
  };
}

/** The first dependency of `record` whose name matches `pattern`, with its version constraint. */
export function findDependency(record: PackageRecord, pattern: RegExp): { name: string; relation?: string; version?: string } | undefined {
  for (const alternatives of parseRelations(record.depends ?? "")) {
    for (const relation of alternatives) if (pattern.test(relation.name)) return relation;
  }
  return undefined;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
}

