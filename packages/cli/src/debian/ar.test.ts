import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { arMemberData, parseAr, readArFile } from "./ar";
import { ArchiveFormatError } from "./errors";
import { writeArForTest } from "./test-fixtures";

const members = [
  { name: "debian-binary", data: Buffer.from("2.0\n") },
  { name: "odd", data: Buffer.from("x") }, // odd size: padding byte follows
  { name: "a-rather-long-member-name.tar.xz", data: Buffer.from("long name payload") },
  { name: "data.tar.gz", data: Buffer.alloc(0) },
];

const scratch = mkdtempSync(join(tmpdir(), "xeno86-ar-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("ar reader", () => {
  it.each([
    ["GNU long names", false],
    ["BSD long names", true],
  ])("round-trips an archive with %s", (_, bsdLongNames) => {
    const archive = writeArForTest(members, { bsdLongNames });
    const parsed = parseAr(archive);
    expect(parsed.map((member) => member.name)).toEqual(members.map((member) => member.name));
    parsed.forEach((member, index) => {
      expect(Buffer.from(arMemberData(archive, member))).toEqual(members[index].data);
      expect(member.mode).toBe(0o100644);
    });
    // The file reader sees the same members at the same offsets.
    const path = join(scratch, `test-${bsdLongNames}.a`);
    writeFileSync(path, archive);
    expect(readArFile(path)).toEqual(parsed);
  });

  it("reads what the host's ar writes", ({ skip }) => {
    if (spawnSync("ar", ["--version"], { stdio: "ignore" }).error !== undefined) skip("binutils' ar is not installed");
    writeFileSync(join(scratch, "debian-binary"), "2.0\n");
    writeFileSync(join(scratch, "control.tar.xz"), "control!");
    writeFileSync(join(scratch, "a-very-long-file-name-indeed.bin"), "long");
    const archive = join(scratch, "host.a");
    const result = spawnSync("ar", ["rc", archive, "debian-binary", "control.tar.xz", "a-very-long-file-name-indeed.bin"], { cwd: scratch });
    expect(result.status).toBe(0);
    const parsed = readArFile(archive);
    expect(parsed.map((member) => [member.name, member.size])).toEqual([
      ["debian-binary", 4],
      ["control.tar.xz", 8],
      ["a-very-long-file-name-indeed.bin", 4],
    ]);
  });

  it("refuses what is not an ar archive, and truncated archives", () => {
    expect(() => parseAr(Buffer.from("<html>not found</html>"))).toThrow(ArchiveFormatError);
    const archive = writeArForTest(members);
    expect(() => parseAr(archive.subarray(0, archive.length - 10))).toThrow(/past the end|truncated/);
    const broken = Buffer.from(archive);
    broken[8 + 58] = 0x20; // the first header's "`\n" terminator
    expect(() => parseAr(broken)).toThrow(/bad member header/);
  });
});
