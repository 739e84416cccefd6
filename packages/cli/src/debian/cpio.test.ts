import { gunzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { FILE_TYPE_BITS, S_IFMT, writeCpio, type CpioEntry } from "./cpio";
import { buildInitramfs, buildInitramfsCpio, INIT_SCRIPT, READY_MARKER } from "./initramfs";
import { readCpioForTest } from "./test-fixtures";

describe("cpio newc writer", () => {
  const entries: CpioEntry[] = [
    { path: "bin", type: "directory", mode: 0o755 },
    { path: "bin/busybox", type: "file", mode: 0o755, data: Buffer.from("abc") }, // 3 bytes: data padding
    { path: "bin/sh", type: "symlink", mode: 0o777, target: "/bin/busybox" },
    { path: "dev", type: "directory", mode: 0o755 },
    { path: "dev/console", type: "char", mode: 0o600, devMajor: 5, devMinor: 1 },
    { path: "dev/sda", type: "block", mode: 0o660, devMajor: 8, devMinor: 0 },
    { path: "dev/fifo", type: "fifo", mode: 0o644 },
    { path: "tmp", type: "directory", mode: 0o1777, mtime: 1_700_000_000 },
    { path: "empty", type: "file", mode: 0o644 },
  ];

  it("round-trips every entry type through a reader", () => {
    const records = readCpioForTest(writeCpio(entries));
    expect(records.map((record) => record.path)).toEqual(entries.map((entry) => entry.path));
    records.forEach((record, index) => {
      const entry = entries[index];
      expect(record.mode & S_IFMT).toBe(FILE_TYPE_BITS[entry.type]);
      expect(record.mode & 0o7777).toBe(entry.mode);
      expect(record.ino).toBe(index + 1);
      expect(record.nlink).toBe(entry.type === "directory" ? 2 : 1);
      expect(record.mtime).toBe(entry.mtime ?? 0);
      expect([record.rdevMajor, record.rdevMinor]).toEqual([entry.devMajor ?? 0, entry.devMinor ?? 0]);
    });
    expect(records[1].data.toString()).toBe("abc");
    expect(records[2].data.toString()).toBe("/bin/busybox");
    expect(records[8].data.length).toBe(0);
  });

  it("pads names and data to four bytes and ends with the trailer", () => {
    for (const name of ["a", "ab", "abc", "abcd", "abcde"]) {
      for (const size of [0, 1, 2, 3, 4, 5]) {
        const archive = writeCpio([{ path: name, type: "file", mode: 0o644, data: Buffer.alloc(size, 9) }]);
        expect(archive.length % 4).toBe(0);
        const [record] = readCpioForTest(archive);
        expect(record.path).toBe(name);
        expect(record.data).toEqual(Buffer.alloc(size, 9));
        expect(archive.toString("latin1")).toContain("TRAILER!!!\0");
      }
    }
  });

  it("refuses entries before their directory, duplicates and bad paths", () => {
    expect(() => writeCpio([{ path: "bin/sh", type: "symlink", mode: 0o777, target: "busybox" }])).toThrow(/before its directory/);
    expect(() => writeCpio([{ path: "x", type: "file", mode: 0 }, { path: "x", type: "file", mode: 0 }])).toThrow(/twice/);
    expect(() => writeCpio([{ path: "../x", type: "file", mode: 0 }])).toThrow(/bad path/);
    expect(() => writeCpio([{ path: "l", type: "symlink", mode: 0o777 }])).toThrow(/no target/);
  });
});

describe("initramfs", () => {
  const input = {
    busybox: Buffer.from("\x7fELF fake busybox"),
    applets: ["bin/sh", "bin/ash", "sbin/modprobe", "usr/bin/md5sum", "bin/busybox", "usr/sbin/chroot", "/bin/mount"],
    kernelVersion: "6.1.0-54-686",
    modules: [
      { path: "kernel/drivers/net/ethernet/intel/e1000/e1000.ko", data: Buffer.from("e1000") },
      { path: "modules.dep", data: Buffer.from("kernel/drivers/net/ethernet/intel/e1000/e1000.ko:\n") },
    ],
  };

  it("holds busybox, applet links, device nodes, directories, modules and /init", () => {
    const gz = buildInitramfs(input);
    expect([gz[0], gz[1]]).toEqual([0x1f, 0x8b]);
    const records = readCpioForTest(gunzipSync(gz));
    const byPath = new Map(records.map((record) => [record.path, record]));
    expect(byPath.get("bin/busybox")?.data.toString()).toBe("\x7fELF fake busybox");
    expect(byPath.get("bin/busybox")?.mode).toBe(0o100755);
    for (const applet of ["sh", "ash", "modprobe", "md5sum", "chroot", "mount"]) {
      expect(byPath.get(`bin/${applet}`)?.mode, applet).toBe(0o120777);
      expect(byPath.get(`bin/${applet}`)?.data.toString()).toBe("/bin/busybox");
    }
    // Merged /usr: the other bin directories lead to /bin.
    expect(byPath.get("sbin")).toMatchObject({ mode: 0o120777, data: Buffer.from("bin") });
    expect(byPath.get("usr/bin")?.data.toString()).toBe("../bin");
    expect(byPath.get("usr/sbin")?.data.toString()).toBe("../bin");
    expect(byPath.get("dev/console")).toMatchObject({ mode: 0o020600, rdevMajor: 5, rdevMinor: 1 });
    expect(byPath.get("dev/ttyS0")).toMatchObject({ mode: 0o020660, rdevMajor: 4, rdevMinor: 64 });
    expect(byPath.get("dev/null")).toMatchObject({ mode: 0o020666, rdevMajor: 1, rdevMinor: 3 });
    expect(byPath.get("tmp")?.mode).toBe(0o041777);
    expect(byPath.get("root")?.mode).toBe(0o040700);
    for (const dir of ["proc", "sys", "lib/modules/6.1.0-54-686/kernel/drivers/net/ethernet/intel/e1000"]) expect(byPath.get(dir)?.mode, dir).toBe(0o040755);
    expect(byPath.get("lib/modules/6.1.0-54-686/kernel/drivers/net/ethernet/intel/e1000/e1000.ko")?.data.toString()).toBe("e1000");
    expect(byPath.get("lib/modules/6.1.0-54-686/modules.dep")?.data.toString()).toContain("e1000.ko:");
    const init = byPath.get("init");
    expect(init?.mode).toBe(0o100755);
    expect(init?.data.toString()).toBe(INIT_SCRIPT);
    // Every entry's directory comes before it (the kernel does not create parents).
    const seen = new Set<string>();
    for (const record of records) {
      const parent = record.path.includes("/") ? record.path.slice(0, record.path.lastIndexOf("/")) : "";
      if (parent !== "") expect(seen.has(parent), record.path).toBe(true);
      seen.add(record.path);
    }
  });

  it("has an /init that mounts, announces readiness and starts a job-control shell", () => {
    expect(INIT_SCRIPT.startsWith("#!/bin/sh\n")).toBe(true);
    expect(INIT_SCRIPT).toMatch(/mount -t proc proc \/proc/);
    expect(INIT_SCRIPT).toMatch(/mount -t sysfs sysfs \/sys/);
    expect(INIT_SCRIPT).toMatch(/mount -t devtmpfs devtmpfs \/dev/);
    expect(INIT_SCRIPT).toContain(`echo ${READY_MARKER}\n`);
    expect(INIT_SCRIPT).toMatch(/setsid cttyhack sh/);
  });

  it("is byte-for-byte reproducible", () => {
    expect(buildInitramfsCpio(input).equals(buildInitramfsCpio({ ...input, applets: [...input.applets].reverse() }))).toBe(true);
  });
});
