/**
 * A streaming tar reader: POSIX ustar (with the `prefix` field), GNU long
 * names and link names (`L`/`K` entries), pax extended headers (`path`,
 * `linkpath`, `size`), base-256 sizes, symlinks, hard links and device nodes.
 * Chunks go in with `push`; for each entry a handler decides whether it wants
 * the entry's bytes, which then arrive in one piece.
 */
import { ArchiveFormatError } from "./errors";

const BLOCK = 512;

export type TarEntryType = "file" | "hardlink" | "symlink" | "char" | "block" | "directory" | "fifo";

export interface TarEntry {
  /** Normalized: no leading `./` or `/`, no trailing `/` (`boot/vmlinuz-6.1.0-54-686`). */
  readonly path: string;
  readonly type: TarEntryType;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly size: number;
  readonly mtime: number;
  /** Symlink target as written, or the normalized path a hard link refers to. */
  readonly linkTarget: string;
  readonly devMajor: number;
  readonly devMinor: number;
}

/** Returns a receiver for the entry's bytes, or `undefined` to skip them. */
export type TarEntryHandler = (entry: TarEntry) => ((data: Buffer) => void) | undefined;

/** `./lib/x/` → `lib/x`; `/boot/y` → `boot/y`; `.` and `./` → `` (the root). */
export function normalizeTarPath(path: string): string {
  const parts: string[] = [];
  for (const part of path.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return parts.join("/");
}

function cString(block: Buffer, start: number, length: number): string {
  const end = block.indexOf(0, start);
  return block.toString("utf8", start, end < 0 || end > start + length ? start + length : end);
}

function parseOctalOrBase256(block: Buffer, start: number, length: number, what: string): number {
  if ((block[start] & 0x80) !== 0) {
    // GNU base-256: big-endian two's complement with the top bit of the first byte as the marker.
    let value = block[start] & 0x7f;
    for (let i = 1; i < length; i++) value = value * 256 + block[start + i];
    return value;
  }
  const text = cString(block, start, length).trim();
  if (text === "") return 0;
  if (!/^[0-7]+$/.test(text)) throw new ArchiveFormatError(`tar: bad ${what} field "${text}"`);
  return parseInt(text, 8);
}

function checksumMatches(block: Buffer): boolean {
  const stored = parseOctalOrBase256(block, 148, 8, "checksum");
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const byte = i >= 148 && i < 156 ? 0x20 : block[i];
    unsigned += byte;
    signed += byte >= 0x80 ? byte - 256 : byte;
  }
  return stored === unsigned || stored === signed;
}

function isZeroBlock(block: Buffer): boolean {
  for (let i = 0; i < BLOCK; i++) if (block[i] !== 0) return false;
  return true;
}

/** Parses the records of a pax extended header (`"%d %s=%s\n"`). */
function parsePax(data: Buffer): Map<string, string> {
  const records = new Map<string, string>();
  let offset = 0;
  while (offset < data.length) {
    const space = data.indexOf(0x20, offset);
    if (space < 0) break;
    const length = Number(data.toString("latin1", offset, space));
    if (!Number.isInteger(length) || length <= 0 || offset + length > data.length) throw new ArchiveFormatError("tar: malformed pax extended header");
    const record = data.toString("utf8", space + 1, offset + length - 1);
    const equals = record.indexOf("=");
    if (equals > 0) records.set(record.slice(0, equals), record.slice(equals + 1));
    offset += length;
  }
  return records;
}

const TYPES: Record<string, TarEntryType> = {
  "0": "file",
  "\0": "file",
  "7": "file",
  "1": "hardlink",
  "2": "symlink",
  "3": "char",
  "4": "block",
  "5": "directory",
  "6": "fifo",
};

type Meta = "gnu-longname" | "gnu-longlink" | "pax" | "pax-global" | "ignore";

export class TarParser {
  /** Bytes received but not yet consumed (always less than what the current state needs). */
  private pending: Buffer[] = [];
  private pendingLength = 0;
  /** Bytes of entry data still to come, and padding after them. */
  private dataLeft = 0;
  private paddingLeft = 0;
  private receiver: ((data: Buffer) => void) | undefined;
  private metaKind: Meta | undefined;
  private collected: Buffer[] = [];
  private collecting = false;
  private longName: string | undefined;
  private longLink: string | undefined;
  private pax: Map<string, string> | undefined;
  private ended = false;
  private entryCount = 0;

  constructor(private readonly handler: TarEntryHandler) {}

  /** Entries seen so far (meta entries excluded). */
  get entries(): number {
    return this.entryCount;
  }

  /** Whether the end-of-archive marker (a zero block) was seen. */
  get finished(): boolean {
    return this.ended;
  }

  push(chunk: Uint8Array): void {
    let buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length);
    while (buffer.length > 0 && !this.ended) {
      if (this.dataLeft > 0) {
        const take = Math.min(this.dataLeft, buffer.length);
        if (this.collecting) this.collected.push(buffer.subarray(0, take));
        this.dataLeft -= take;
        buffer = buffer.subarray(take);
        if (this.dataLeft === 0) this.finishData();
        continue;
      }
      if (this.paddingLeft > 0) {
        const take = Math.min(this.paddingLeft, buffer.length);
        this.paddingLeft -= take;
        buffer = buffer.subarray(take);
        continue;
      }
      // A header block.
      const need = BLOCK - this.pendingLength;
      if (buffer.length < need) {
        this.pending.push(buffer);
        this.pendingLength += buffer.length;
        return;
      }
      this.pending.push(buffer.subarray(0, need));
      buffer = buffer.subarray(need);
      const block = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending, BLOCK);
      this.pending = [];
      this.pendingLength = 0;
      this.header(block);
    }
  }

  /** Call after the last chunk: throws if the archive stopped in the middle of an entry. */
  end(): void {
    if (this.dataLeft > 0 || this.pendingLength > 0) throw new ArchiveFormatError("tar: the archive ends in the middle of an entry (truncated?)");
  }

  private header(block: Buffer): void {
    if (isZeroBlock(block)) {
      this.ended = true;
      return;
    }
    if (!checksumMatches(block)) throw new ArchiveFormatError("tar: header checksum mismatch (not a tar archive, or corrupt)");
    const typeflag = String.fromCharCode(block[156]);
    const size = this.pax?.has("size") ? Number(this.pax.get("size")) : parseOctalOrBase256(block, 124, 12, "size");
    const meta: Meta | undefined = typeflag === "L" ? "gnu-longname" : typeflag === "K" ? "gnu-longlink" : typeflag === "x" ? "pax" : typeflag === "g" ? "pax-global" : undefined;
    if (meta !== undefined) {
      this.startData(size, meta, undefined);
      return;
    }
    const magic = block.toString("latin1", 257, 263);
    let name = cString(block, 0, 100);
    if (magic === "ustar\0") {
      const prefix = cString(block, 345, 155);
      if (prefix !== "") name = `${prefix}/${name}`;
    }
    let link = cString(block, 157, 100);
    if (this.longName !== undefined) name = this.longName;
    if (this.longLink !== undefined) link = this.longLink;
    const pax = this.pax;
    if (pax?.has("path")) name = pax.get("path") as string;
    if (pax?.has("linkpath")) link = pax.get("linkpath") as string;
    this.longName = undefined;
    this.longLink = undefined;
    this.pax = undefined;
    let type = TYPES[typeflag];
    if (type === undefined) {
      // Unknown types are read as regular files, as POSIX asks.
      type = "file";
    }
    if (type === "file" && name.endsWith("/")) type = "directory";
    const entry: TarEntry = {
      path: normalizeTarPath(name),
      type,
      mode: parseOctalOrBase256(block, 100, 8, "mode") & 0o7777,
      uid: parseOctalOrBase256(block, 108, 8, "uid"),
      gid: parseOctalOrBase256(block, 116, 8, "gid"),
      size: type === "file" ? size : 0,
      mtime: pax?.has("mtime") ? Math.floor(Number(pax.get("mtime"))) : parseOctalOrBase256(block, 136, 12, "mtime"),
      linkTarget: type === "hardlink" ? normalizeTarPath(link) : type === "symlink" ? link : "",
      devMajor: type === "char" || type === "block" ? parseOctalOrBase256(block, 329, 8, "devmajor") : 0,
      devMinor: type === "char" || type === "block" ? parseOctalOrBase256(block, 337, 8, "devminor") : 0,
    };
    this.entryCount++;
    const receiver = this.handler(entry);
    // Only regular files carry data (a hard link's size field, if any, is not followed by data in GNU/ustar).
    this.startData(type === "file" ? size : 0, undefined, receiver);
  }

  private startData(size: number, meta: Meta | undefined, receiver: ((data: Buffer) => void) | undefined): void {
    this.metaKind = meta;
    this.receiver = receiver;
    this.collecting = meta !== undefined || receiver !== undefined;
    this.collected = [];
    this.dataLeft = size;
    this.paddingLeft = (BLOCK - (size % BLOCK)) % BLOCK;
    if (size === 0) this.finishData();
  }

  private finishData(): void {
    const data = this.collecting ? Buffer.concat(this.collected) : Buffer.alloc(0);
    this.collected = [];
    const meta = this.metaKind;
    const receiver = this.receiver;
    this.metaKind = undefined;
    this.receiver = undefined;
    this.collecting = false;
    if (meta === "gnu-longname") this.longName = cString(data, 0, data.length);
    else if (meta === "gnu-longlink") this.longLink = cString(data, 0, data.length);
    else if (meta === "pax") this.pax = parsePax(data);
    else if (receiver !== undefined) receiver(data);
  }
}

/** Reads a whole tar archive held in memory: every entry, with the data of regular files. */
export function readTar(data: Uint8Array): { entry: TarEntry; data: Buffer }[] {
  const result: { entry: TarEntry; data: Buffer }[] = [];
  const parser = new TarParser((entry) => {
    const record: { entry: TarEntry; data: Buffer } = { entry, data: Buffer.alloc(0) };
    result.push(record);
    return (bytes) => {
      record.data = bytes;
    };
  });
  parser.push(data);
  parser.end();
  return result;
}
