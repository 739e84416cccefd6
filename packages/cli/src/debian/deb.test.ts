import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { extractDebFiles, extractFromDeb, readDebControl, scanDebData } from "./deb";
import { ArchiveFormatError, PackageNotFoundError } from "./errors";
import { makeDeb } from "./test-fixtures";

const scratch = mkdtempSync(join(tmpdir(), "xeno86-deb-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const files = [
  { path: "bin", type: "directory" as const },
  { path: "bin/busybox", type: "file" as const, data: Buffer.from("the real busybox"), mode: 0o755 },
  { path: "bin/sh", type: "symlink" as const, target: "busybox" },
  { path: "usr", type: "directory" as const },
  { path: "usr/bin", type: "directory" as const },
  { path: "usr/bin/bb", type: "symlink" as const, target: "/bin/sh" },
  { path: "usr/bin/hard", type: "hardlink" as const, target: "./bin/busybox" },
  { path: "loop-a", type: "symlink" as const, target: "loop-b" },
  { path: "loop-b", type: "symlink" as const, target: "loop-a" },
];

describe(".deb reader", () => {
  it.each(["xz", "gz"] as const)("reads control and data of a package with data.tar.%s", async (compression) => {
    const path = join(scratch, `test-${compression}.deb`);
    writeFileSync(path, makeDeb({ Package: "busybox-static", Version: "1:1.35.0-4", Architecture: "i386" }, files, compression));
    expect(await readDebControl(path)).toMatchObject({ Package: "busybox-static", Version: "1:1.35.0-4" });
    const seen: string[] = [];
    await scanDebData(path, (entry) => {
      seen.push(`${entry.type}:${entry.path}`);
      return undefined;
    });
    expect(seen).toContain("file:bin/busybox");
    expect(seen).toContain("symlink:bin/sh");
    const found = await extractFromDeb(path, (entry) => entry.path.startsWith("bin/"));
    expect([...found.keys()].sort()).toEqual(["bin/busybox", "bin/sh"]);
    expect(found.get("bin/busybox")?.data.toString()).toBe("the real busybox");
  });

  it("follows symbolic and hard links to the file", async () => {
    const path = join(scratch, "links.deb");
    writeFileSync(path, makeDeb({ Package: "x" }, files));
    const result = await extractDebFiles(path, ["/bin/busybox", "bin/sh", "/usr/bin/bb", "usr/bin/hard"]);
    for (const asked of ["bin/busybox", "bin/sh", "usr/bin/bb", "usr/bin/hard"]) expect(result.get(asked)?.data.toString(), asked).toBe("the real busybox");
    await expect(extractDebFiles(path, ["bin/nothing"])).rejects.toThrow(PackageNotFoundError);
    await expect(extractDebFiles(path, ["loop-a"])).rejects.toThrow(/too many links/);
    await expect(extractDebFiles(path, ["usr/bin"])).rejects.toThrow(/directory, not a file/);
  });

  it("refuses files that are not packages", async () => {
    const path = join(scratch, "not-a.deb");
    writeFileSync(path, "<html>404</html>");
    await expect(scanDebData(path, () => undefined)).rejects.toThrow(ArchiveFormatError);
  });

  it("reads a package built by dpkg-deb, the same way as dpkg-deb itself does", async ({ skip }) => {
    if (spawnSync("dpkg-deb", ["--version"], { stdio: "ignore" }).error !== undefined) skip("dpkg-deb is not installed");
    const root = join(scratch, "pkg");
    mkdirSync(join(root, "DEBIAN"), { recursive: true });
    mkdirSync(join(root, "lib", "modules", "6.1.0-1-686", `kernel/${"deep-directory/".repeat(8)}`), { recursive: true });
    writeFileSync(join(root, "DEBIAN", "control"), "Package: xeno86-test\nVersion: 1.0-1\nArchitecture: i386\nMaintainer: nobody <nobody@example.org>\nDescription: test\n");
    const deep = join(root, "lib", "modules", "6.1.0-1-686", `kernel/${"deep-directory/".repeat(8)}long-module-name.ko`);
    writeFileSync(deep, Buffer.alloc(3000, 0x42));
    mkdirSync(join(root, "bin"));
    writeFileSync(join(root, "bin", "tool"), "#!/bin/sh\n");
    chmodSync(join(root, "bin", "tool"), 0o755);
    symlinkSync("tool", join(root, "bin", "alias"));
    const deb = join(scratch, "built.deb");
    const build = spawnSync("dpkg-deb", ["--root-owner-group", "-Zxz", "--build", root, deb], { encoding: "utf8" });
    expect(build.status, build.stderr).toBe(0);
    expect(await readDebControl(deb)).toMatchObject({ Package: "xeno86-test", Version: "1.0-1" });
    const ours = await extractFromDeb(deb, () => true);
    const theirs = await extractFromDeb(deb, () => true, { extractor: "dpkg-deb" });
    expect([...ours.keys()].sort()).toEqual([...theirs.keys()].sort());
    for (const [path, file] of ours) expect(file.data.equals(theirs.get(path)?.data ?? Buffer.alloc(1)), path).toBe(true);
    const resolved = await extractDebFiles(deb, ["bin/alias", `lib/modules/6.1.0-1-686/kernel/${"deep-directory/".repeat(8)}long-module-name.ko`]);
    expect(resolved.get("bin/alias")?.entry.mode).toBe(0o755);
    expect(resolved.get(`lib/modules/6.1.0-1-686/kernel/${"deep-directory/".repeat(8)}long-module-name.ko`)?.data).toEqual(Buffer.alloc(3000, 0x42));
  });
});
