import { describe, expect, it } from "vitest";
import { PackageIndex, parseRelations, parseRelease, parseStanza, parseStanzas, stripClearSignature } from "./control";
import { ArchiveFormatError } from "./errors";

const PACKAGES = `Package: linux-image-686
Source: linux-signed-i386 (6.1.190+1)
Version: 6.1.190-1
Architecture: i386
Depends: linux-image-6.1.0-54-686 (= 6.1.190-1)
Description: Linux for older PCs (meta-package)
Filename: pool/updates/main/l/linux-signed-i386/linux-image-686_6.1.190-1_i386.deb
Size: 1234
SHA256: ${"a".repeat(64)}

Package: busybox-static
Version: 1:1.35.0-4+deb12u1+b1
Architecture: i386
Description: Standalone rescue shell with tons of builtin utilities
 BusyBox combines tiny versions of many common UNIX utilities into a single
 small executable.
 .
 busybox-static provides you with a statically linked simple stand alone shell.
Tag: admin::recovery, interface::shell,
 use::login
Filename: pool/main/b/busybox/busybox-static_1.35.0-4+deb12u1+b1_i386.deb
Size: 958344
SHA256: ${"b".repeat(64)}


Package: busybox-static
Version: 1:1.30.1-6
Architecture: i386
Filename: pool/main/b/busybox/busybox-static_1.30.1-6_i386.deb
Size: 1
SHA256: ${"c".repeat(64)}
`;

describe("parseStanza", () => {
  it("reads fields, continuation lines and the '.' paragraph separator", () => {
    const [, busybox] = parseStanzas(PACKAGES);
    expect(busybox.Package).toBe("busybox-static");
    expect(busybox.Version).toBe("1:1.35.0-4+deb12u1+b1");
    expect(busybox.Description).toBe(
      "Standalone rescue shell with tons of builtin utilities\nBusyBox combines tiny versions of many common UNIX utilities into a single\nsmall executable.\n\nbusybox-static provides you with a statically linked simple stand alone shell.",
    );
    expect(busybox.Tag).toBe("admin::recovery, interface::shell,\nuse::login");
  });

  it("splits stanzas on blank lines, however many, and accepts CRLF", () => {
    expect(parseStanzas(PACKAGES)).toHaveLength(3);
    expect(parseStanzas(PACKAGES.replace(/\n/g, "\r\n")).map((s) => s.Version)).toEqual(["6.1.190-1", "1:1.35.0-4+deb12u1+b1", "1:1.30.1-6"]);
    expect(parseStanzas("\n\n")).toEqual([]);
  });

  it("keeps values with colons and skips comments", () => {
    expect(parseStanza("# comment\nHomepage: http://www.busybox.net\nX:   y  ")).toEqual({ Homepage: "http://www.busybox.net", X: "y" });
  });

  it("rejects lines that are neither fields nor continuations", () => {
    expect(() => parseStanza(" orphan continuation")).toThrow(ArchiveFormatError);
    expect(() => parseStanza("Package: x\nnot a field")).toThrow(/not a field/);
  });
});

describe("PackageIndex", () => {
  it("finds every stanza of a package by name, parsing only those", () => {
    const index = new PackageIndex(PACKAGES);
    expect(index.size).toBe(2);
    expect(index.lookup("busybox-static").map((s) => s.Version)).toEqual(["1:1.35.0-4+deb12u1+b1", "1:1.30.1-6"]);
    expect(index.lookup("linux-image-686")[0].Depends).toBe("linux-image-6.1.0-54-686 (= 6.1.190-1)");
    expect(index.lookup("nope")).toEqual([]);
  });

  it("finds the Package field when it is not first", () => {
    expect(new PackageIndex("Version: 1\nPackage: late\n").lookup("late")).toHaveLength(1);
  });
});

describe("parseRelations", () => {
  it("parses alternatives, version constraints, architecture qualifiers and restrictions", () => {
    expect(parseRelations("kmod, linux-base (>= 4.3~), initramfs-tools (>= 0.120+deb8u2) | linux-initramfs-tool")).toEqual([
      [{ name: "kmod" }],
      [{ name: "linux-base", relation: ">=", version: "4.3~" }],
      [{ name: "initramfs-tools", relation: ">=", version: "0.120+deb8u2" }, { name: "linux-initramfs-tool" }],
    ]);
    expect(parseRelations("python3:any (>= 3.9), libc6 [i386 amd64] (>= 2.36), gcc <!nocheck>")).toEqual([
      [{ name: "python3", archQualifier: "any", relation: ">=", version: "3.9" }],
      [{ name: "libc6", relation: ">=", version: "2.36" }],
      [{ name: "gcc" }],
    ]);
    expect(parseRelations("linux-image-6.1.0-54-686 (= 6.1.190-1)")).toEqual([[{ name: "linux-image-6.1.0-54-686", relation: "=", version: "6.1.190-1" }]]);
    expect(parseRelations("a (<<2)")).toEqual([[{ name: "a", relation: "<<", version: "2" }]]);
    expect(parseRelations("")).toEqual([]);
  });

  it("rejects garbage", () => {
    expect(() => parseRelations("a (~ 1)")).toThrow(/cannot parse relation/);
  });
});

const IN_RELEASE = `-----BEGIN PGP SIGNED MESSAGE-----
Hash: SHA256

Origin: Debian
Suite: oldstable-security
Codename: bookworm-security
Acquire-By-Hash: yes
Architectures: amd64 i386
SHA256:
 ${"1".repeat(64)}  2402754 main/binary-i386/Packages
 ${"2".repeat(64)}   365796 main/binary-i386/Packages.xz
- -dash-escaped: line
-----BEGIN PGP SIGNATURE-----

iQIzBAEBCAAdFiEE...
-----END PGP SIGNATURE-----
`;

describe("InRelease", () => {
  it("strips the clear-signature framing and undoes dash-escaping", () => {
    const body = stripClearSignature(IN_RELEASE);
    expect(body.startsWith("Origin: Debian\n")).toBe(true);
    expect(body).toContain("\n-dash-escaped: line");
    expect(body).not.toContain("PGP");
    expect(stripClearSignature("Origin: plain\n")).toBe("Origin: plain\n");
    expect(() => stripClearSignature("-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\nA: b\n")).toThrow(/no signature/);
  });

  it("parses the fields and the SHA256 list", () => {
    const release = parseRelease(IN_RELEASE);
    expect(release.fields.Codename).toBe("bookworm-security");
    expect(release.fields["Acquire-By-Hash"]).toBe("yes");
    expect(release.sha256.get("main/binary-i386/Packages.xz")).toEqual({ sha256: "2".repeat(64), size: 365796 });
    expect(release.sha256.size).toBe(2);
  });
});
