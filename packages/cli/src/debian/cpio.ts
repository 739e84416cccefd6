/**
 * The cpio "newc" format (`070701`), the one the Linux kernel unpacks into its
 * initial root file system (Documentation/driver-api/early-userspace/
 * buffer-format.rst): a 110-byte ASCII header of thirteen 8-digit hex
 * fields, the NUL-terminated name, padding to 4 bytes, the data, padding to
 * 4 bytes; the archive ends with `TRAILER!!!`. Device nodes are plain
 * entries here, so building an initramfs needs no root.
 */

export type CpioEntryType = "file" | "directory" | "symlink" | "char" | "block" | "fifo";

export interface CpioEntry {
  /** Path without a leading `/` (`bin/busybox`, `dev/console`). */
  readonly path: string;
  readonly type: CpioEntryType;
  /** Permission bits (`0o755`); the file type bits are added from `type`. */
  readonly mode: number;
  readonly uid?: number;
  readonly gid?: number;
  readonly mtime?: number;
  /** Bytes of a regular file. */
  readonly data?: Uint8Array;
  /** Target of a symlink. */
  readonly target?: string;
  /** Device numbers of a character or block device. */
  readonly devMajor?: number;
  readonly devMinor?: number;
}

export const CPIO_NEWC_MAGIC = "070701";
export const CPIO_TRAILER = "TRAILER!!!";

export const S_IFMT = 0o170000;
export const FILE_TYPE_BITS: Record<CpioEntryType, number> = {
  fifo: 0o010000,
  char: 0o020000,
  directory: 0o040000,
  block: 0o060000,
  file: 0o100000,
  symlink: 0o120000,
};

function hex8(value: number): string {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`cpio: field value ${value} does not fit in 32 bits`);
  return value.toString(16).padStart(8, "0");
}

function pad4(length: number): number {
  return (4 - (length & 3)) & 3;
}

function header(fields: { ino: number; mode: number; uid: number; gid: number; nlink: number; mtime: number; size: number; devMajor: number; devMinor: number; nameSize: number }): string {
  return (
    CPIO_NEWC_MAGIC +
    hex8(fields.ino) +
    hex8(fields.mode) +
    hex8(fields.uid) +
    hex8(fields.gid) +
    hex8(fields.nlink) +
    hex8(fields.mtime) +
    hex8(fields.size) +
    hex8(0) + // devmajor of the file system holding the file
    hex8(0) + // devminor
    hex8(fields.devMajor) + // rdevmajor
    hex8(fields.devMinor) + // rdevminor
    hex8(fields.nameSize) +
    hex8(0) // check (only for "070702")
  );
}

/**
 * Writes a newc archive. Entries are written in the order given; each entry's
 * parent directory must come earlier (the kernel does not create missing
 * parents), and a path may appear once.
 */
export function writeCpio(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  const seen = new Set<string>([""]);
  let ino = 1;
  const push = (name: string, fields: Parameters<typeof header>[0], data: Uint8Array): void => {
    const nameBytes = Buffer.from(`${name}\0`, "utf8");
    const head = Buffer.from(header({ ...fields, nameSize: nameBytes.length }), "latin1");
    parts.push(head, nameBytes, Buffer.alloc(pad4(head.length + nameBytes.length)));
    if (data.length > 0) parts.push(Buffer.from(data.buffer, data.byteOffset, data.length), Buffer.alloc(pad4(data.length)));
  };
  for (const entry of entries) {
    const path = entry.path.replace(/^\/+/, "").replace(/\/+$/, "");
    if (path === "" || path.split("/").some((part) => part === "" || part === "." || part === "..")) throw new Error(`cpio: bad path "${entry.path}"`);
    if (seen.has(path)) throw new Error(`cpio: "${path}" appears twice`);
    const parent = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "";
    if (!seen.has(parent)) throw new Error(`cpio: "${path}" comes before its directory "${parent}"`);
    seen.add(path);
    const data = entry.type === "file" ? (entry.data ?? new Uint8Array(0)) : entry.type === "symlink" ? Buffer.from(entry.target ?? "", "utf8") : new Uint8Array(0);
    if (entry.type === "symlink" && (entry.target ?? "") === "") throw new Error(`cpio: symlink "${path}" has no target`);
    push(
      path,
      {
        ino: ino++,
        mode: FILE_TYPE_BITS[entry.type] | (entry.mode & 0o7777),
        uid: entry.uid ?? 0,
        gid: entry.gid ?? 0,
        nlink: entry.type === "directory" ? 2 : 1,
        mtime: entry.mtime ?? 0,
        size: data.length,
        devMajor: entry.devMajor ?? 0,
        devMinor: entry.devMinor ?? 0,
        nameSize: 0,
      },
      data,
    );
  }
  push(CPIO_TRAILER, { ino: 0, mode: 0, uid: 0, gid: 0, nlink: 1, mtime: 0, size: 0, devMajor: 0, devMinor: 0, nameSize: 0 }, new Uint8Array(0));
  return Buffer.concat(parts);
}
