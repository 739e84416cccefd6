/**
 * Writers and readers that only the tests use: an ar writer and a tar writer
 * (to round-trip our readers), a cpio newc reader (to round-trip our writer),
 * and small fake packages (a kernel module ELF with .modinfo, a bzImage
 * header, a busybox-shaped ELF) for an offline archive.
 */
import { createHash } from "node:crypto";
import { spawnSync } from "node:child_process";
import { gzipSync } from "node:zlib";

// ---- ar ----------------------------------------------------------------

export interface ArInput {
  readonly name: string;
  readonly data: Uint8Array;
}

/** An ar archive; names longer than 15 bytes use the BSD `#1/len` form when `bsdLongNames`, else the GNU `//` table. */
export function writeArForTest(members: readonly ArInput[], options: { bsdLongNames?: boolean } = {}): Buffer {
  const parts: Buffer[] = [Buffer.from("!<arch>\n", "latin1")];
  const long = members.filter((member) => member.name.length > 15);
  const offsets = new Map<string, number>();
  const field = (text: string, width: number): string => text.padEnd(width, " ").slice(0, width);
  const header = (name: string, size: number): Buffer => Buffer.from(`${field(name, 16)}${field("0", 12)}${field("0", 6)}${field("0", 6)}${field("100644", 8)}${field(String(size), 10)}\`\n`, "latin1");
  const pad = (size: number): Buffer => Buffer.alloc(size & 1, 0x0a);
  if (!options.bsdLongNames && long.length > 0) {
    let table = "";
    for (const member of long) {
      offsets.set(member.name, table.length);
      table += `${member.name}/\n`;
    }
    parts.push(header("//", table.length), Buffer.from(table, "latin1"), pad(table.length));
  }
  for (const member of members) {
    if (member.name.length > 15 && options.bsdLongNames) {
      const name = Buffer.from(member.name, "utf8");
      parts.push(header(`#1/${name.length}`, name.length + member.data.length), name, Buffer.from(member.data), pad(name.length + member.data.length));
    } else {
      const name = member.name.length > 15 ? `/${offsets.get(member.name)}` : `${member.name}/`;
      parts.push(header(name, member.data.length), Buffer.from(member.data), pad(member.data.length));
    }
  }
  return Buffer.concat(parts);
}

// ---- tar ---------------------------------------------------------------

export interface TarInput {
  readonly path: string;
  readonly type: "file" | "directory" | "symlink" | "hardlink" | "char";
  readonly data?: Uint8Array;
  readonly target?: string;
  readonly mode?: number;
  readonly devMajor?: number;
  readonly devMinor?: number;
}

const TYPEFLAG: Record<TarInput["type"], string> = { file: "0", hardlink: "1", symlink: "2", char: "3", directory: "5" };

function tarHeader(fields: { name: string; mode: number; size: number; typeflag: string; linkname: string; devMajor: number; devMinor: number; prefix?: string; gnu: boolean }): Buffer {
  const block = Buffer.alloc(512);
  const put = (text: string, offset: number, length: number): void => {
    block.write(text, offset, Math.min(length, Buffer.byteLength(text)), "utf8");
  };
  const octal = (value: number, offset: number, length: number): void => put(`${value.toString(8).padStart(length - 1, "0")}\0`, offset, length);
  put(fields.name, 0, 100);
  octal(fields.mode, 100, 8);
  octal(0, 108, 8);
  octal(0, 116, 8);
  octal(fields.size, 124, 12);
  octal(1700000000, 136, 12);
  block[156] = fields.typeflag.charCodeAt(0);
  put(fields.linkname, 157, 100);
  if (fields.gnu) put("ustar  \0", 257, 8);
  else {
    put("ustar\0", 257, 6);
    put("00", 263, 2);
  }
  put("root", 265, 32);
  put("root", 297, 32);
  octal(fields.devMajor, 329, 8);
  octal(fields.devMinor, 337, 8);
  if (fields.prefix !== undefined) put(fields.prefix, 345, 155);
  block.fill(0x20, 148, 156);
  let sum = 0;
  for (const byte of block) sum += byte;
  put(`${sum.toString(8).padStart(6, "0")}\0 `, 148, 8);
  return block;
}

function padded(data: Uint8Array): Buffer[] {
  return [Buffer.from(data), Buffer.alloc((512 - (data.length % 512)) % 512)];
}

/**
 * A tar archive. Format "gnu" writes long names and link names as `L`/`K`
 * entries; "ustar" splits long paths into prefix + name; "pax" writes an `x`
 * header with `path`/`linkpath`.
 */
export function writeTarForTest(entries: readonly TarInput[], format: "gnu" | "ustar" | "pax" = "gnu"): Buffer {
  const parts: Buffer[] = [];
  for (const entry of entries) {
    const data = entry.type === "file" ? (entry.data ?? new Uint8Array(0)) : new Uint8Array(0);
    let name = entry.type === "directory" && !entry.path.endsWith("/") ? `${entry.path}/` : entry.path;
    let linkname = entry.target ?? "";
    let prefix: string | undefined;
    const base = { mode: entry.mode ?? (entry.type === "directory" ? 0o755 : 0o644), devMajor: entry.devMajor ?? 0, devMinor: entry.devMinor ?? 0 };
    if (format === "gnu") {
      for (const [value, flag] of [
        [name, "L"],
        [linkname, "K"],
      ] as const) {
        if (Buffer.byteLength(value) < 100) continue;
        const bytes = Buffer.from(`${value}\0`, "utf8");
        parts.push(tarHeader({ name: "././@LongLink", mode: 0, size: bytes.length, typeflag: flag, linkname: "", devMajor: 0, devMinor: 0, gnu: true }), ...padded(bytes));
      }
    } else if (format === "pax") {
      const records: string[] = [];
      const record = (key: string, value: string): string => {
        const body = ` ${key}=${value}\n`;
        let length = Buffer.byteLength(body) + 1;
        while (String(length).length + Buffer.byteLength(body) !== length) length = String(length).length + Buffer.byteLength(body);
        return `${length}${body}`;
      };
      if (Buffer.byteLength(name) >= 100) records.push(record("path", name));
      if (Buffer.byteLength(linkname) >= 100) records.push(record("linkpath", linkname));
      if (records.length > 0) {
        const bytes = Buffer.from(records.join(""), "utf8");
        parts.push(tarHeader({ name: "PaxHeader", mode: 0o644, size: bytes.length, typeflag: "x", linkname: "", devMajor: 0, devMinor: 0, gnu: false }), ...padded(bytes));
        name = name.slice(0, 99);
        linkname = linkname.slice(0, 99);
      }
    } else if (Buffer.byteLength(name) >= 100) {
      const cut = name.lastIndexOf("/", name.length - 2);
      prefix = name.slice(0, cut);
      name = name.slice(cut + 1);
    }
    parts.push(tarHeader({ ...base, name: name.slice(0, 100), size: data.length, typeflag: TYPEFLAG[entry.type], linkname: linkname.slice(0, 100), prefix, gnu: format === "gnu" }), ...padded(data));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

// ---- cpio --------------------------------------------------------------

export interface CpioRecord {
  readonly path: string;
  readonly mode: number;
  readonly ino: number;
  readonly nlink: number;
  readonly mtime: number;
  readonly rdevMajor: number;
  readonly rdevMinor: number;
  readonly data: Buffer;
}

/** Reads a newc archive up to its trailer, checking the magic and the 4-byte alignment. */
export function readCpioForTest(archive: Uint8Array): CpioRecord[] {
  const buffer = Buffer.from(archive.buffer, archive.byteOffset, archive.length);
  const records: CpioRecord[] = [];
  let offset = 0;
  for (;;) {
    if (offset % 4 !== 0) throw new Error(`cpio header at unaligned offset ${offset}`);
    const magic = buffer.toString("latin1", offset, offset + 6);
    if (magic !== "070701") throw new Error(`bad cpio magic "${magic}" at ${offset}`);
    const field = (index: number): number => parseInt(buffer.toString("latin1", offset + 6 + index * 8, offset + 14 + index * 8), 16);
    const nameSize = field(11);
    const size = field(6);
    const nameStart = offset + 110;
    const path = buffer.toString("utf8", nameStart, nameStart + nameSize - 1);
    if (buffer[nameStart + nameSize - 1] !== 0) throw new Error(`cpio name of ${path} is not NUL-terminated`);
    const dataStart = (nameStart + nameSize + 3) & ~3;
    const data = buffer.subarray(dataStart, dataStart + size);
    if (path === "TRAILER!!!") return records;
    records.push({ path, mode: field(1), ino: field(0), nlink: field(4), mtime: field(5), rdevMajor: field(9), rdevMinor: field(10), data });
    offset = (dataStart + size + 3) & ~3;
    if (offset > buffer.length) throw new Error("cpio archive ends without a trailer");
  }
}

// ---- fake package contents ---------------------------------------------

/** A minimal ELF32 i386 relocatable object with a `.modinfo` section (what modpost leaves in a .ko). */
export function makeKernelModule(modinfo: readonly string[]): Buffer {
  const info = Buffer.from(`${modinfo.join("\0")}\0`, "utf8");
  const shstrtab = Buffer.from("\0.modinfo\0.shstrtab\0", "latin1");
  const infoOffset = 52;
  const strOffset = infoOffset + info.length;
  const shoff = (strOffset + shstrtab.length + 3) & ~3;
  const elf = Buffer.alloc(shoff + 3 * 40);
  elf.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0], 0);
  elf.writeUInt16LE(1, 16); // ET_REL
  elf.writeUInt16LE(3, 18); // EM_386
  elf.writeUInt32LE(1, 20);
  elf.writeUInt32LE(shoff, 0x20);
  elf.writeUInt16LE(52, 0x28);
  elf.writeUInt16LE(40, 0x2e);
  elf.writeUInt16LE(3, 0x30);
  elf.writeUInt16LE(2, 0x32);
  info.copy(elf, infoOffset);
  shstrtab.copy(elf, strOffset);
  const section = (index: number, name: number, type: number, offset: number, size: number): void => {
    const at = shoff + index * 40;
    elf.writeUInt32LE(name, at);
    elf.writeUInt32LE(type, at + 4);
    elf.writeUInt32LE(offset, at + 0x10);
    elf.writeUInt32LE(size, at + 0x14);
  };
  section(1, 1, 1, infoOffset, info.length); // .modinfo, PROGBITS
  section(2, 10, 3, strOffset, shstrtab.length); // .shstrtab, STRTAB
  return elf;
}

/** A bzImage-shaped buffer: "HdrS" at 0x202 and boot protocol `protocol` at 0x206. */
export function makeFakeBzImage(protocol = 0x020f, size = 4096): Buffer {
  const image = Buffer.alloc(size);
  image[0x1fe] = 0x55;
  image[0x1ff] = 0xaa;
  image.write("HdrS", 0x202, "latin1");
  image.writeUInt16LE(protocol, 0x206);
  return image;
}

/** A buffer that looks like a static i386 busybox: an ELF32 executable header and an applet name table. */
export function makeFakeBusybox(applets: readonly string[]): Buffer {
  const header = Buffer.alloc(52);
  header.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0], 0);
  header.writeUInt16LE(2, 16);
  header.writeUInt16LE(3, 18);
  return Buffer.concat([header, Buffer.from(`junk\0[\0[[\0${applets.join("\0")}\0\0/etc/passwd\0`, "latin1")]);
}

/**
 * A .deb: `debian-binary`, `control.tar.gz` with a control file, and
 * `data.tar.xz` (through the host's `xz`) or `data.tar.gz`.
 */
export function makeDeb(control: Record<string, string>, files: readonly TarInput[], compression: "xz" | "gz" = "xz"): Buffer {
  const controlText = `${Object.entries(control)
    .map(([key, value]) => `${key}: ${value}`)
    .join("\n")}\n`;
  const controlTar = gzipSync(writeTarForTest([{ path: "./", type: "directory" }, { path: "./control", type: "file", data: Buffer.from(controlText) }]));
  const dataTar = writeTarForTest([{ path: "./", type: "directory" }, ...files.map((file) => ({ ...file, path: `./${file.path}` }))]);
  const data = compression === "xz" ? xzCompress(dataTar) : gzipSync(dataTar);
  return writeArForTest([
    { name: "debian-binary", data: Buffer.from("2.0\n") },
    { name: "control.tar.gz", data: controlTar },
    { name: `data.tar.${compression}`, data },
  ]);
}

export function xzCompress(data: Uint8Array): Buffer {
  const result = spawnSync("xz", ["-c", "-1"], { input: data, maxBuffer: 1 << 30 });
  if (result.status !== 0) throw new Error(`xz failed: ${result.stderr.toString()}`);
  return result.stdout;
}

export function sha256(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}
