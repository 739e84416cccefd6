/**
 * The initramfs xeno86 boots Debian's kernel with: busybox and a symlink per
 * applet, the three device nodes the console needs (as cpio entries, so no
 * root is needed to make them), a few empty directories, the NIC driver
 * modules with their modules.dep/modules.alias, and `/init`.
 *
 * Every applet link is in /bin, and /sbin, /usr/bin and /usr/sbin are
 * symlinks to it (a merged-/usr layout): every path a program or the kernel
 * expects (/sbin/modprobe, /usr/bin/env) works, and the archive is the same
 * whichever way the applet list was obtained.
 */
import { gzipSync } from "node:zlib";
import { writeCpio, type CpioEntry } from "./cpio";

/** The line `/init` prints on the console when user space is up; harnesses wait for it. */
export const READY_MARKER = "XENO86-READY";

/**
 * `/init`: mount proc, sysfs and devtmpfs, announce readiness, then run an
 * interactive shell on the console with job control (`setsid cttyhack`: a new
 * session whose controlling terminal is the console's real tty, ttyS0 with
 * `console=ttyS0`). The shell is started again if it exits, so init never
 * dies (the kernel would panic).
 */
export const INIT_SCRIPT = `#!/bin/sh
# xeno86 initramfs init: Debian's kernel, busybox, NIC driver modules.
export PATH=/sbin:/usr/sbin:/bin:/usr/bin
export HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev || echo "init: cannot mount devtmpfs, keeping the static /dev"
mkdir -p /dev/pts
mount -t devpts devpts /dev/pts 2>/dev/null
echo ${READY_MARKER}
while true; do
  setsid cttyhack sh -l
  echo "init: the shell exited; starting another"
done
`;

export interface InitramfsModule {
  /** Path under `/lib/modules/<version>/` (`kernel/drivers/net/mii.ko`, `modules.dep`). */
  readonly path: string;
  readonly data: Uint8Array;
}

export interface InitramfsInput {
  readonly busybox: Uint8Array;
  /** Applet names (`sh`, `md5sum`); a path (`usr/bin/md5sum`) counts by its last component. */
  readonly applets: readonly string[];
  readonly kernelVersion: string;
  readonly modules: readonly InitramfsModule[];
  /** Replaces `INIT_SCRIPT`. */
  readonly init?: string;
  /** Timestamp for every entry (seconds). Default 0, so the same inputs give the same bytes. */
  readonly mtime?: number;
}

/** The initramfs as an uncompressed newc cpio archive. */
export function buildInitramfsCpio(input: InitramfsInput): Buffer {
  const mtime = input.mtime ?? 0;
  const entries: CpioEntry[] = [];
  const directories = new Set<string>();
  const directory = (path: string, mode = 0o755): void => {
    if (path === "" || directories.has(path)) return;
    const parent = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "";
    directory(parent);
    directories.add(path);
    entries.push({ path, type: "directory", mode, mtime });
  };
  const parentOf = (path: string): string => (path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "");

  for (const path of ["bin", "usr", "etc", "proc", "sys", "dev", "run", "mnt", "var", "lib/modules"]) directory(path);
  entries.push(
    { path: "sbin", type: "symlink", mode: 0o777, target: "bin", mtime },
    { path: "usr/bin", type: "symlink", mode: 0o777, target: "../bin", mtime },
    { path: "usr/sbin", type: "symlink", mode: 0o777, target: "../bin", mtime },
  );
  directory("root", 0o700);
  directory("tmp", 0o1777);
  entries.push(
    { path: "dev/console", type: "char", mode: 0o600, devMajor: 5, devMinor: 1, mtime },
    { path: "dev/ttyS0", type: "char", mode: 0o660, devMajor: 4, devMinor: 64, mtime },
    { path: "dev/null", type: "char", mode: 0o666, devMajor: 1, devMinor: 3, mtime },
  );
  entries.push({ path: "bin/busybox", type: "file", mode: 0o755, data: input.busybox, mtime });
  const names = new Set(input.applets.map((applet) => applet.slice(applet.lastIndexOf("/") + 1)));
  names.add("sh"); // /init's interpreter, whatever the list says
  names.delete("busybox");
  names.delete("");
  for (const name of [...names].sort()) {
    if (!/^[\x21-\x7e]+$/.test(name)) throw new Error(`initramfs: bad applet name "${name}"`);
    entries.push({ path: `bin/${name}`, type: "symlink", mode: 0o777, target: "/bin/busybox", mtime });
  }
  entries.push({ path: "etc/passwd", type: "file", mode: 0o644, data: Buffer.from("root:x:0:0:root:/root:/bin/sh\n"), mtime });
  entries.push({ path: "etc/group", type: "file", mode: 0o644, data: Buffer.from("root:x:0:\n"), mtime });
  const modulesRoot = `lib/modules/${input.kernelVersion}`;
  directory(modulesRoot);
  for (const module of [...input.modules].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const path = `${modulesRoot}/${module.path}`;
    directory(parentOf(path));
    entries.push({ path, type: "file", mode: 0o644, data: module.data, mtime });
  }
  entries.push({ path: "init", type: "file", mode: 0o755, data: Buffer.from(input.init ?? INIT_SCRIPT), mtime });
  return writeCpio(entries);
}

/** The initramfs, gzip-compressed (the kernel's default decompressor). */
export function buildInitramfs(input: InitramfsInput): Buffer {
  return gzipSync(buildInitramfsCpio(input), { level: 9 });
}
