/**
 * The Unix `ar` archive, the container of a `.deb` (deb(5)): the magic
 * `!<arch>\n`, then per member a 60-byte text header (name, mtime, uid, gid,
 * octal mode, decimal size, "`\n") and the data, padded to an even offset.
 * Long names: GNU (`//` name table, `/123` references, `name/`) and BSD
 * (`#1/len`, the name stored ahead of the data).
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { ArchiveFormatError } from "./errors";

export const AR_MAGIC = "!<arch>\n";
const HEADER_SIZE = 60;

export interface ArMember {
  readonly name: string;
  /** Byte offset of the member's data in the archive (after a BSD long name). */
  readonly offset: number;
  readonly size: number;
  readonly mtime: number;
  readonly uid: number;
  readonly gid: number;
  readonly mode: number;
}

interface RawHeader {
  readonly rawName: string;
  readonly mtime: number;
  readonly uid: number;
  readonly gid: number;
  readonly mode: number;
  readonly size: number;
}

function decodeField(bytes: Uint8Array, start: number, length: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + start, length).toString("latin1").trimEnd();
}

function parseNumber(text: string, radix: number, what: string, where: number): number {
  if (text === "") return 0;
  const valid = radix === 8 ? /^[0-7]+$/ : /^\d+$/;
  if (!valid.test(text)) throw new ArchiveFormatError(`ar: bad ${what} "${text}" in the member header at offset ${where}`);
  return parseInt(text, radix);
}

function parseHeader(bytes: Uint8Array, where: number): RawHeader {
  if (bytes[58] !== 0x60 || bytes[59] !== 0x0a) throw new ArchiveFormatError(`ar: bad member header at offset ${where} (no "\`\\n" terminator)`);
  return {
    rawName: decodeField(bytes, 0, 16),
    mtime: parseNumber(decodeField(bytes, 16, 12), 10, "mtime", where),
    uid: parseNumber(decodeField(bytes, 28, 6), 10, "uid", where),
    gid: parseNumber(decodeField(bytes, 34, 6), 10, "gid", where),
    mode: parseNumber(decodeField(bytes, 40, 8), 8, "mode", where),
    size: parseNumber(decodeField(bytes, 48, 10), 10, "size", where),
  };
}

/** Reads `length` bytes at `offset` of the archive; returns fewer only at its end. */
type ReadAt = (offset: number, length: number) => Uint8Array;

function walk(read: ReadAt, totalSize: number): ArMember[] {
  const magic = read(0, AR_MAGIC.length);
  if (Buffer.from(magic).toString("latin1") !== AR_MAGIC) throw new ArchiveFormatError("not an ar archive (a .deb starts with \"!<arch>\")");
  const members: ArMember[] = [];
  let gnuNames: string | undefined;
  let offset = AR_MAGIC.length;
  while (offset < totalSize) {
    if (totalSize - offset === 1) break; // A final padding byte.
    const bytes = read(offset, HEADER_SIZE);
    if (bytes.length < HEADER_SIZE) throw new ArchiveFormatError(`ar: truncated member header at offset ${offset}`);
    const header = parseHeader(bytes, offset);
    let dataOffset = offset + HEADER_SIZE;
    let size = header.size;
    if (dataOffset + size > totalSize) throw new ArchiveFormatError(`ar: member "${header.rawName}" runs past the end of the archive (truncated download?)`);
    let name = header.rawName;
    if (name.startsWith("#1/")) {
      const length = parseNumber(name.slice(3), 10, "BSD name length", offset);
      name = Buffer.from(read(dataOffset, length)).toString("utf8").replace(/\0+$/, "");
      dataOffset += length;
      size -= length;
    } else if (name === "//") {
      gnuNames = Buffer.from(read(dataOffset, size)).toString("utf8");
      name = "";
    } else if (name === "/" || name === "/SYM64/") {
      name = ""; // Symbol tables: not members.
    } else if (/^\/\d+$/.test(name)) {
      if (gnuNames === undefined) throw new ArchiveFormatError(`ar: long name reference "${name}" without a name table`);
      const start = Number(name.slice(1));
      const end = gnuNames.indexOf("/\n", start);
      name = gnuNames.slice(start, end < 0 ? undefined : end);
    } else if (name.endsWith("/")) {
      name = name.slice(0, -1);
    }
    if (name !== "") members.push({ name, offset: dataOffset, size, mtime: header.mtime, uid: header.uid, gid: header.gid, mode: header.mode });
    offset += HEADER_SIZE + header.size + (header.size & 1);
  }
  return members;
}

/** Lists the members of an ar archive held in memory. */
export function parseAr(data: Uint8Array): ArMember[] {
  return walk((offset, length) => data.subarray(offset, Math.min(data.length, offset + length)), data.length);
}

/** Lists the members of an ar archive on disk, reading only the headers. */
export function readArFile(path: string): ArMember[] {
  const fd = openSync(path, "r");
  try {
    const { size } = fstatSync(fd);
    return walk((offset, length) => {
      const buffer = Buffer.alloc(length);
      const bytesRead = readSync(fd, buffer, 0, length, offset);
      return buffer.subarray(0, bytesRead);
    }, size);
  } finally {
    closeSync(fd);
  }
}

/** The bytes of one member of an in-memory archive. */
export function arMemberData(data: Uint8Array, member: ArMember): Uint8Array {
  return data.subarray(member.offset, member.offset + member.size);
}
