import { spawnSync } from "node:child_process";
import { linkSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ArchiveFormatError } from "./errors";
import { normalizeTarPath, readTar, TarParser } from "./tar";
import { writeTarForTest, type TarInput } from "./test-fixtures";

const longDirectory = `usr/lib/${"very-long-directory-name/".repeat(5)}`;
const entries: TarInput[] = [
  { path: "./", type: "directory" },
  { path: "./bin", type: "directory" },
  { path: "./bin/busybox", type: "file", data: Buffer.from("\x7fELF busybox"), mode: 0o755 },
  { path: "./bin/sh", type: "symlink", target: "busybox", mode: 0o777 },
  { path: "./bin/ash", type: "hardlink", target: "./bin/busybox" },
  { path: "./dev/console", type: "char", devMajor: 5, devMinor: 1, mode: 0o600 },
  { path: `./${longDirectory}`, type: "directory" },
  { path: `./${longDirectory}file-with-a-long-name.ko`, type: "file", data: Buffer.alloc(1500, 7) },
  { path: "./link-to-long", type: "symlink", target: `/${longDirectory}file-with-a-long-name.ko` },
  { path: "./empty", type: "file", data: Buffer.alloc(0) },
  { path: "./exactly-512", type: "file", data: Buffer.alloc(512, 1) },
];

const scratch = mkdtempSync(join(tmpdir(), "xeno86-tar-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("tar reader", () => {
  it.each(["gnu", "ustar", "pax"] as const)("round-trips %s archives: files, long names, symlinks, hard links, devices", (format) => {
    const input = format === "ustar" ? entries.filter((entry) => entry.path !== "./link-to-long") : entries; // ustar cannot hold a long link name
    const read = readTar(writeTarForTest(input, format));
    expect(read.map(({ entry }) => entry.path)).toEqual(input.map((entry) => normalizeTarPath(entry.path)));
    const byPath = new Map(read.map((record) => [record.entry.path, record]));
    expect(byPath.get("")?.entry.type).toBe("directory");
    expect(byPath.get("bin/busybox")?.data.toString("latin1")).toBe("\x7fELF busybox");
    expect(byPath.get("bin/busybox")?.entry.mode).toBe(0o755);
    expect(byPath.get("bin/sh")?.entry).toMatchObject({ type: "symlink", linkTarget: "busybox" });
    expect(byPath.get("bin/ash")?.entry).toMatchObject({ type: "hardlink", linkTarget: "bin/busybox", size: 0 });
    expect(byPath.get("dev/console")?.entry).toMatchObject({ type: "char", devMajor: 5, devMinor: 1, mode: 0o600 });
    expect(byPath.get(`${longDirectory}file-with-a-long-name.ko`)?.data).toEqual(Buffer.alloc(1500, 7));
    if (format !== "ustar") expect(byPath.get("link-to-long")?.entry.linkTarget).toBe(`/${longDirectory}file-with-a-long-name.ko`);
    expect(byPath.get("empty")?.data.length).toBe(0);
    expect(byPath.get("exactly-512")?.data).toEqual(Buffer.alloc(512, 1));
  });

  it("gives the same result whatever the chunking", () => {
    const archive = writeTarForTest(entries);
    const whole = readTar(archive).map(({ entry, data }) => [entry.path, data.toString("hex")]);
    for (const size of [1, 7, 511, 513, 4096]) {
      const seen: [string, string][] = [];
      const parser = new TarParser((entry) => (data) => seen.push([entry.path, data.toString("hex")]));
      for (let offset = 0; offset < archive.length; offset += size) parser.push(archive.subarray(offset, offset + size));
      parser.end();
      expect(parser.finished).toBe(true);
      expect(seen).toEqual(whole);
    }
  });

  it("skips the data of entries the handler does not want", () => {
    const wanted: string[] = [];
    const parser = new TarParser((entry) => (entry.path.endsWith(".ko") ? (data) => wanted.push(`${entry.path}:${data.length}`) : undefined));
    parser.push(writeTarForTest(entries));
    parser.end();
    expect(wanted).toEqual([`${longDirectory}file-with-a-long-name.ko:1500`]);
    expect(parser.entries).toBe(entries.length);
  });

  it("reads what GNU tar writes (long names, symlinks, hard links)", ({ skip }) => {
    if (spawnSync("tar", ["--version"], { stdio: "ignore" }).error !== undefined) skip("tar is not installed");
    const root = join(scratch, "tree");
    const deep = join(root, longDirectory);
    mkdirSync(deep, { recursive: true });
    writeFileSync(join(deep, "module-with-a-long-enough-name.ko"), "module bytes");
    writeFileSync(join(root, "plain"), "plain bytes");
    symlinkSync("plain", join(root, "soft"));
    linkSync(join(root, "plain"), join(root, "hard"));
    for (const format of ["gnu", "posix", "ustar"]) {
      const result = spawnSync("tar", ["-c", `--format=${format}`, "-C", root, "--sort=name", "."], { maxBuffer: 1 << 24 });
      expect(result.status).toBe(0);
      const read = new Map(readTar(result.stdout).map((record) => [record.entry.path, record]));
      expect(read.get(`${longDirectory}module-with-a-long-enough-name.ko`)?.data.toString()).toBe("module bytes");
      expect(read.get("soft")?.entry).toMatchObject({ type: "symlink", linkTarget: "plain" });
      // GNU tar stores the second name of a file as a hard link to the first (by name order: "hard" first).
      const hard = read.get("hard");
      const plain = read.get("plain");
      expect([hard?.entry.type, plain?.entry.type].sort()).toEqual(["file", "hardlink"]);
      expect((hard?.entry.type === "file" ? hard : plain)?.data.toString()).toBe("plain bytes");
    }
  });

  it("rejects corrupt headers and truncated archives", () => {
    const archive = writeTarForTest(entries);
    const corrupt = Buffer.from(archive);
    corrupt[0] ^= 0xff;
    expect(() => readTar(corrupt)).toThrow(/checksum/);
    expect(() => readTar(archive.subarray(0, 1024 + 100))).toThrow(ArchiveFormatError);
  });

  it("normalizes paths", () => {
    expect(normalizeTarPath("./lib/modules/")).toBe("lib/modules");
    expect(normalizeTarPath("/boot//vmlinuz")).toBe("boot/vmlinuz");
    expect(normalizeTarPath("./a/../b")).toBe("b");
    expect(normalizeTarPath("./")).toBe("");
  });
});
