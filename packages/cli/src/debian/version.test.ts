import { describe, expect, it } from "vitest";
import { compareDebianVersions, compareVersionPart, parseDebianVersion, satisfiesVersion } from "./version";

describe("parseDebianVersion", () => {
  it("splits epoch, upstream and revision", () => {
    expect(parseDebianVersion("1:1.35.0-4+deb12u1+b1")).toEqual({ epoch: 1, upstream: "1.35.0", revision: "4+deb12u1+b1" });
    expect(parseDebianVersion("6.1.190-1")).toEqual({ epoch: 0, upstream: "6.1.190", revision: "1" });
    expect(parseDebianVersion("2.0")).toEqual({ epoch: 0, upstream: "2.0", revision: "" });
    // The revision is after the last hyphen; the upstream part may hold hyphens.
    expect(parseDebianVersion("1.2-beta-3")).toEqual({ epoch: 0, upstream: "1.2-beta", revision: "3" });
  });

  it("rejects a non-numeric epoch and an empty upstream", () => {
    expect(() => parseDebianVersion("a:1.0")).toThrow(/epoch/);
    expect(() => parseDebianVersion("1:-1")).toThrow(/upstream/);
  });
});

describe("compareDebianVersions", () => {
  const older: [string, string][] = [
    ["1.0", "1.1"],
    ["1.0~rc1", "1.0"],
    ["1.0~~", "1.0~"],
    ["1.0~~a", "1.0~"],
    ["1.0~", "1.0"],
    ["1.0", "1.0a"],
    ["1.0", "1.0+b1"],
    ["1.0", "1.0.0"],
    ["1.0a", "1.0.0"], // letters sort before other characters
    ["2.4", "2.30"], // digit runs compare as numbers
    ["1.0-1", "1.0-2"],
    ["1.0-9", "1.0-10"],
    ["2.0", "1:0.1"], // the epoch wins
    ["1:1.35.0-4", "1:1.35.0-4+deb12u1"],
    ["1:1.35.0-4+deb12u1", "1:1.35.0-4+deb12u1+b1"],
    ["6.1.176-1", "6.1.190-1"],
    ["6.1.99-1", "6.1.100-1"],
    ["4.3~", "4.3"],
    ["0.120+deb8u2", "0.140"],
    ["1.12345678901234567890", "1.12345678901234567891"], // longer than a double's mantissa
    ["1.0", "1.00001"],
    ["a", "b"],
    ["1.0+", "1.0++"],
  ];

  it.each(older)("%s is older than %s", (a, b) => {
    expect(compareDebianVersions(a, b)).toBe(-1);
    expect(compareDebianVersions(b, a)).toBe(1);
  });

  it.each([
    ["1.0", "1.0"],
    ["1.0", "1.0-0"], // no revision is the same as revision 0
    ["0:1.0", "1.0"],
    ["1.001", "1.1"], // leading zeros do not count
    ["00:1.0", "1.0"],
  ])("%s equals %s", (a, b) => {
    expect(compareDebianVersions(a, b)).toBe(0);
  });

  it("sorts a list as dpkg does", () => {
    const list = ["1.0", "1:0.9", "1.0~rc1", "1.0-1", "1.0+b1", "0.9", "1.0~beta", "1.0a", "1.0-1~bpo1"];
    expect([...list].sort(compareDebianVersions)).toEqual(["0.9", "1.0~beta", "1.0~rc1", "1.0", "1.0-1~bpo1", "1.0-1", "1.0a", "1.0+b1", "1:0.9"]);
  });

  it("compares single parts with verrevcmp", () => {
    expect(compareVersionPart("", "")).toBe(0);
    expect(compareVersionPart("~", "")).toBeLessThan(0);
    expect(compareVersionPart("", "a")).toBeLessThan(0);
    expect(compareVersionPart("a", "+")).toBeLessThan(0);
  });
});

describe("satisfiesVersion", () => {
  it("implements the five relations and the obsolete < and >", () => {
    expect(satisfiesVersion("6.1.190-1", "=", "6.1.190-1")).toBe(true);
    expect(satisfiesVersion("6.1.190-2", "=", "6.1.190-1")).toBe(false);
    expect(satisfiesVersion("4.3", ">=", "4.3~")).toBe(true);
    expect(satisfiesVersion("4.3~1", ">=", "4.3~")).toBe(true);
    expect(satisfiesVersion("4.2", ">=", "4.3~")).toBe(false);
    expect(satisfiesVersion("1.0", "<<", "1.0")).toBe(false);
    expect(satisfiesVersion("1.0~", "<<", "1.0")).toBe(true);
    expect(satisfiesVersion("1.1", ">>", "1.0")).toBe(true);
    expect(satisfiesVersion("1.0", "<=", "1.0")).toBe(true);
    expect(satisfiesVersion("1.0", "<", "1.0")).toBe(true);
    expect(satisfiesVersion("1.0", ">", "1.0")).toBe(true);
    expect(() => satisfiesVersion("1.0", "!=", "1.0")).toThrow(/relation/);
  });
});

describe("compareDebianVersions against dpkg", () => {
  it("agrees with `dpkg --compare-versions` on random versions", async ({ skip }) => {
    const { spawnSync } = await import("node:child_process");
    if (spawnSync("dpkg", ["--version"], { stdio: "ignore" }).error !== undefined) skip("dpkg is not installed");
    // A small deterministic generator (xorshift) over the characters that matter.
    let state = 0x9e3779b9;
    const next = (n: number): number => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return (state >>> 0) % n;
    };
    const pieces = ["0", "1", "9", "10", "01", "a", "b", "z", "A", "~", "+", ".", "~~", "rc", "deb12u1"];
    const part = (): string => {
      let text = String(next(3));
      for (let i = next(5); i > 0; i--) text += pieces[next(pieces.length)];
      return text;
    };
    const version = (): string => `${next(4) === 0 ? `${next(3)}:` : ""}${part()}${next(2) === 0 ? `-${part()}` : ""}`;
    const pairs: [string, string][] = [];
    for (let i = 0; i < 150; i++) pairs.push([version(), version()]);
    // One dpkg per pair is slow; a shell loop answers all pairs in one process.
    const script = pairs.map(([a, b]) => `if dpkg --compare-versions '${a}' lt '${b}'; then echo lt; elif dpkg --compare-versions '${a}' eq '${b}'; then echo eq; else echo gt; fi`).join("\n");
    const result = spawnSync("sh", ["-c", script], { encoding: "utf8" });
    const answers = result.stdout.trim().split("\n");
    expect(answers).toHaveLength(pairs.length);
    pairs.forEach(([a, b], index) => {
      const ours = compareDebianVersions(a, b);
      expect({ a, b, ours: ours < 0 ? "lt" : ours === 0 ? "eq" : "gt" }).toEqual({ a, b, ours: answers[index] });
    });
  });
});
