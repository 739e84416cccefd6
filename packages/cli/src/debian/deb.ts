/**
 * Reading a binary package (`.deb`, deb(5)) without dpkg and without root:
 * the ar container, then `control.tar.*` and `data.tar.*` (xz through the
 * host's `xz -dc`, gzip through node:zlib, zstd through `zstd -dc`, or plain),
 * streamed through our tar reader. `dpkg-deb --fsys-tarfile` can stand in for
 * the first two steps (`extractor: "dpkg-deb"`).
 */
import { createReadStream } from "node:fs";
import { posix } from "node:path";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { readArFile, type ArMember } from "./ar";
import { parseStanza, type Stanza } from "./control";
import { ArchiveFormatError, PackageNotFoundError } from "./errors";
import { pipeThrough } from "./host-tools";
import { normalizeTarPath, TarParser, type TarEntry, type TarEntryHandler } from "./tar";

export type DebExtractor = "typescript" | "dpkg-deb";

export interface DebReadOptions {
  /** How the data tar is obtained. Default "typescript" (our ar reader + decompressor). */
  readonly extractor?: DebExtractor;
}

export interface ExtractedFile {
  readonly entry: TarEntry;
  /** The bytes of a regular file; empty for links, directories and devices. */
  readonly data: Buffer;
}

function findMember(debPath: string, members: readonly ArMember[], prefix: "control.tar" | "data.tar"): ArMember {
  if (members[0]?.name !== "debian-binary") throw new ArchiveFormatError(`${debPath}: not a Debian package (the first ar member is not "debian-binary")`);
  const member = members.find((m) => m.name === prefix || m.name.startsWith(`${prefix}.`));
  if (member === undefined) throw new ArchiveFormatError(`${debPath}: the package has no ${prefix}.* member`);
  return member;
}

/** Streams one ar member, decompressed according to its name, into `onData`. */
async function streamMember(debPath: string, member: ArMember, onData: (chunk: Buffer) => void): Promise<void> {
  const open = (): Readable => createReadStream(debPath, { start: member.offset, end: member.offset + member.size - 1 });
  if (member.size === 0) return;
  const suffix = member.name.slice(member.name.lastIndexOf(".") + 1);
  switch (suffix) {
    case "xz":
    case "lzma":
      return pipeThrough("xz", ["-dc"], open(), onData);
    case "zst":
      return pipeThrough("zstd", ["-dc"], open(), onData);
    case "gz": {
      const gunzip = open().pipe(createGunzip());
      try {
        for await (const chunk of gunzip) onData(chunk as Buffer);
      } catch (error) {
        if (error instanceof Error && (error as NodeJS.ErrnoException).code?.startsWith("Z_")) throw new ArchiveFormatError(`${debPath}: ${member.name} is not valid gzip data (${error.message})`);
        throw error;
      }
      return;
    }
    case "tar":
      for await (const chunk of open()) onData(chunk as Buffer);
      return;
    default:
      throw new ArchiveFormatError(`${debPath}: ${member.name} uses a compression this reader does not know`);
  }
}

/** Feeds the package's data tar through `handler` (see `TarParser`). */
export async function scanDebData(debPath: string, handler: TarEntryHandler, options: DebReadOptions = {}): Promise<void> {
  const parser = new TarParser(handler);
  if ((options.extractor ?? "typescript") === "dpkg-deb") {
    await pipeThrough("dpkg-deb", ["--fsys-tarfile", debPath], new Uint8Array(0), (chunk) => parser.push(chunk));
  } else {
    const member = findMember(debPath, readArFile(debPath), "data.tar");
    await streamMember(debPath, member, (chunk) => parser.push(chunk));
  }
  parser.end();
}

/** The package's `control` stanza (Package, Version, Architecture, Depends, ...). */
export async function readDebControl(debPath: string): Promise<Stanza> {
  const member = findMember(debPath, readArFile(debPath), "control.tar");
  let control: Buffer | undefined;
  const parser = new TarParser((entry) =>
    entry.path === "control" && entry.type === "file"
      ? (data) => {
          control = data;
        }
      : undefined,
  );
  await streamMember(debPath, member, (chunk) => parser.push(chunk));
  parser.end();
  if (control === undefined) throw new ArchiveFormatError(`${debPath}: control.tar has no control file`);
  return parseStanza(control.toString("utf8"));
}

/** Extracts every entry `select` accepts (files with their bytes; links, directories and devices as entries). */
export async function extractFromDeb(debPath: string, select: (entry: TarEntry) => boolean, options: DebReadOptions = {}): Promise<Map<string, ExtractedFile>> {
  const found = new Map<string, ExtractedFile>();
  await scanDebData(
    debPath,
    (entry) => {
      if (!select(entry)) return undefined;
      if (entry.type !== "file") {
        found.set(entry.path, { entry, data: Buffer.alloc(0) });
        return undefined;
      }
      return (data) => {
        found.set(entry.path, { entry, data });
      };
    },
    options,
  );
  return found;
}

/**
 * Extracts regular files by path, following symbolic and hard links inside the
 * package (a few passes at most). The result maps each asked path to the
 * regular file it ends at. Throws `PackageNotFoundError` for a missing path.
 */
export async function extractDebFiles(debPath: string, paths: readonly string[], options: DebReadOptions = {}): Promise<Map<string, ExtractedFile>> {
  const result = new Map<string, ExtractedFile>();
  /** Asked path → the path we are currently looking for on its behalf. */
  let chase = new Map<string, string>(paths.map((path) => [normalizeTarPath(path), normalizeTarPath(path)]));
  for (let hop = 0; hop < 8 && chase.size > 0; hop++) {
    const targets = new Set(chase.values());
    const found = await extractFromDeb(debPath, (entry) => targets.has(entry.path), options);
    const next = new Map<string, string>();
    for (const [asked, looking] of chase) {
      const hit = found.get(looking);
      if (hit === undefined) throw new PackageNotFoundError(`${posix.basename(debPath)} has no /${looking}${looking !== asked ? ` (the target of /${asked})` : ""}`);
      if (hit.entry.type === "file") result.set(asked, hit);
      else if (hit.entry.type === "hardlink") next.set(asked, hit.entry.linkTarget);
      else if (hit.entry.type === "symlink") next.set(asked, normalizeTarPath(posix.join(hit.entry.linkTarget.startsWith("/") ? "/" : posix.dirname(looking), hit.entry.linkTarget)));
      else throw new ArchiveFormatError(`${posix.basename(debPath)}: /${looking} is a ${hit.entry.type}, not a file`);
    }
    chase = next;
  }
  if (chase.size > 0) throw new ArchiveFormatError(`${posix.basename(debPath)}: too many links while resolving ${[...chase.keys()].map((p) => `/${p}`).join(", ")}`);
  return result;
}
