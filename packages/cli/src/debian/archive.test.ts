/**
 * The archive client and fetchImages against a small fake Debian archive
 * served from this process: no network needed.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { DebianArchive, type SuiteSource } from "./archive";
import { ChecksumError, NetworkError, OfflineError, PackageNotFoundError } from "./errors";
import { fetchImages } from "./fetch-images";
import { fetchBuffer } from "./http";
import { imagesCommand } from "./images-command";
import { makeDeb, makeFakeBusybox, makeFakeBzImage, makeKernelModule, readCpioForTest, sha256, xzCompress, type TarInput } from "./test-fixtures";

type Route = { status?: number; body?: Buffer | string; headers?: Record<string, string>; stallAfter?: number; dropAfter?: number };

class FakeArchive {
  readonly routes = new Map<string, Route>();
  readonly requests: string[] = [];
  private server: Server | undefined;
  base = "";

  async start(): Promise<void> {
    this.server = createServer((request, response) => {
      const url = request.url ?? "/";
      this.requests.push(url);
      const route = this.routes.get(url);
      if (route === undefined) {
        response.writeHead(404).end();
        return;
      }
      const body = typeof route.body === "string" ? Buffer.from(route.body) : (route.body ?? Buffer.alloc(0));
      response.writeHead(route.status ?? 200, { "content-length": String(body.length), ...route.headers });
      if (route.dropAfter !== undefined) {
        response.write(body.subarray(0, route.dropAfter), () => response.socket?.destroy());
        return;
      }
      if (route.stallAfter !== undefined) {
        response.write(body.subarray(0, route.stallAfter)); // ... and never finish.
        return;
      }
      response.end(body);
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    this.base = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Publishes one suite: its Packages.xz and an (unsigned) InRelease listing it. */
  publishSuite(root: string, suite: string, stanzas: string[], options: { byHash?: boolean; corruptIndex?: boolean } = {}): void {
    const packages = Buffer.from(stanzas.join("\n"));
    const xz = xzCompress(packages);
    const dir = `${root}/dists/${suite}/main/binary-i386`;
    const served = options.corruptIndex === true ? Buffer.concat([xz, Buffer.from("junk")]) : xz;
    if (options.byHash === true) this.routes.set(`${dir}/by-hash/SHA256/${sha256(xz)}`, { body: served });
    else this.routes.set(`${dir}/Packages.xz`, { body: served });
    const inRelease = [
      "Origin: Debian",
      `Codename: ${suite}`,
      options.byHash === true ? "Acquire-By-Hash: yes" : "Acquire-By-Hash: no",
      "SHA256:",
      ` ${sha256(packages)} ${packages.length} main/binary-i386/Packages`,
      ` ${sha256(xz)} ${xz.length} main/binary-i386/Packages.xz`,
      "",
    ].join("\n");
    this.routes.set(`${root}/dists/${suite}/InRelease`, { body: inRelease });
  }

  /** Publishes a .deb and returns its Packages stanza. */
  publishDeb(root: string, fields: { Package: string; Version: string; Depends?: string }, deb: Buffer): string {
    const filename = `pool/main/${fields.Package}_${fields.Version.replace(/:/g, "%3a")}_i386.deb`;
    this.routes.set(`${root}/${filename}`, { body: deb });
    return [
      `Package: ${fields.Package}`,
      `Version: ${fields.Version}`,
      "Architecture: i386",
      ...(fields.Depends !== undefined ? [`Depends: ${fields.Depends}`] : []),
      `Filename: ${filename}`,
      `Size: ${deb.length}`,
      `SHA256: ${sha256(deb)}`,
      "Description: test package",
      "",
    ].join("\n");
  }
}

const APPLETS = ["ash", "cat", "cttyhack", "md5sum", "modprobe", "mount", "setsid", "sh", "sleep"];

function kernelDeb(abi: string): Buffer {
  const version = `6.1.0-${abi}-686`;
  const mod = (path: string, name: string, depends: string, aliases: string[] = []): TarInput => ({
    path: `lib/modules/${version}/kernel/${path}`,
    type: "file",
    data: makeKernelModule([...aliases.map((alias) => `alias=${alias}`), `depends=${depends}`, `name=${name}`, `vermagic=${version} SMP mod_unload `]),
  });
  return makeDeb({ Package: `linux-image-${version}`, Version: "1", Architecture: "i386" }, [
    { path: "boot", type: "directory" },
    { path: `boot/vmlinuz-${version}`, type: "file", data: makeFakeBzImage() },
    { path: `boot/config-${version}`, type: "file", data: Buffer.from("CONFIG_E1000=m\n") },
    { path: `lib/modules/${version}/modules.builtin`, type: "file", data: Buffer.from("kernel/drivers/tty/serial/8250/8250.ko\n") },
    mod("drivers/net/ethernet/intel/e1000/e1000.ko", "e1000", "", ["pci:v00008086d0000100Esv*sd*bc*sc*i*"]),
    mod("drivers/net/ethernet/broadcom/tg3.ko", "tg3", "libphy,ptp"),
    mod("drivers/net/phy/libphy.ko", "libphy", ""),
    mod("drivers/ptp/ptp.ko", "ptp", "pps_core"), // outside drivers/net: needs the second pass
    mod("drivers/pps/pps_core.ko", "pps_core", ""),
    mod("drivers/net/mii.ko", "mii", ""),
    mod("drivers/net/ethernet/3com/3c59x.ko", "3c59x", "mii"),
    mod("drivers/net/ethernet/amd/pcnet32.ko", "pcnet32", "mii"),
    mod("drivers/net/ethernet/intel/e100.ko", "e100", "mii"),
    mod("drivers/net/ethernet/dec/tulip/tulip.ko", "tulip", ""),
    mod("drivers/net/ethernet/dec/tulip/winbond-840.ko", "winbond_840", "mii"),
    mod("sound/core/snd.ko", "snd", ""),
  ]);
}

function busyboxDeb(): Buffer {
  return makeDeb({ Package: "busybox-static", Version: "1", Architecture: "i386" }, [
    { path: "bin", type: "directory" },
    { path: "bin/busybox", type: "file", data: makeFakeBusybox(APPLETS), mode: 0o755 },
  ]);
}

const server = new FakeArchive();
let scratch = "";
let suites: SuiteSource[] = [];

/** Publishes the standard archive: the newest kernel in security, the newest busybox in updates. */
function publishStandardArchive(securityKernelAbi = "2"): void {
  server.routes.clear();
  const kernel1 = kernelDeb("1");
  const kernel2 = kernelDeb(securityKernelAbi);
  const busybox = busyboxDeb();
  server.publishSuite("/debian", "bookworm", [
    server.publishDeb("/debian", { Package: "linux-image-686", Version: "6.1.10-1", Depends: "linux-image-6.1.0-1-686 (= 6.1.10-1)" }, makeDeb({ Package: "linux-image-686" }, [])),
    server.publishDeb("/debian", { Package: "linux-image-6.1.0-1-686", Version: "6.1.10-1", Depends: "kmod, linux-base (>= 4.3~)" }, kernel1),
    server.publishDeb("/debian", { Package: "busybox-static", Version: "1:1.35.0-4" }, busybox),
  ]);
  server.publishSuite("/debian", "bookworm-updates", [server.publishDeb("/debian", { Package: "busybox-static", Version: "1:1.35.0-4+deb12u1" }, busybox)]);
  server.publishSuite(
    "/debian-security",
    "bookworm-security",
    [
      server.publishDeb("/debian-security", { Package: "linux-image-686", Version: `6.1.2${securityKernelAbi}-1`, Depends: `linux-image-6.1.0-${securityKernelAbi}-686 (= 6.1.2${securityKernelAbi}-1)` }, makeDeb({ Package: "linux-image-686" }, [])),
      server.publishDeb("/debian-security", { Package: `linux-image-6.1.0-${securityKernelAbi}-686`, Version: `6.1.2${securityKernelAbi}-1` }, kernel2),
      server.publishDeb("/debian-security", { Package: `linux-image-6.1.0-${securityKernelAbi}-686-pae`, Version: `6.1.2${securityKernelAbi}-1` }, kernel2),
    ],
    { byHash: true },
  );
}

beforeAll(async () => {
  await server.start();
  suites = [
    { baseUrl: `${server.base}/debian`, suite: "bookworm" },
    { baseUrl: `${server.base}/debian`, suite: "bookworm-updates", optional: true },
    { baseUrl: `${server.base}/debian-security`, suite: "bookworm-security", optional: true },
  ];
});
afterAll(async () => {
  await server.stop();
});
beforeEach(() => {
  publishStandardArchive();
  server.requests.length = 0;
  scratch = mkdtempSync(join(tmpdir(), "xeno86-archive-"));
  return () => rmSync(scratch, { recursive: true, force: true });
});

describe("DebianArchive", () => {
  it("resolves the newest version across suites and downloads it verified", async () => {
    const archive = new DebianArchive({ suites, signatures: "skip" });
    await archive.loadIndexes();
    expect(archive.resolve("busybox-static")).toMatchObject({ version: "1:1.35.0-4+deb12u1", source: { suite: "bookworm-updates" } });
    const meta = archive.resolve("linux-image-686");
    expect(meta).toMatchObject({ version: "6.1.22-1", source: { suite: "bookworm-security" } });
    expect(archive.resolve("linux-image-6.1.0-1-686", { relation: "=", version: "6.1.10-1" }).version).toBe("6.1.10-1");
    expect(() => archive.resolve("linux-image-6.1.0-1-686", { relation: ">>", version: "6.1.10-1" })).toThrow(/no version of/);
    expect(() => archive.resolve("no-such-package")).toThrow(PackageNotFoundError);
    // The security index was fetched by hash.
    expect(server.requests.some((url) => url.includes("/by-hash/SHA256/"))).toBe(true);

    const path = await archive.download(meta, join(scratch, "debs"));
    expect(path.endsWith("linux-image-686_6.1.22-1_i386.deb")).toBe(true);
    const before = server.requests.length;
    await archive.download(meta, join(scratch, "debs"));
    expect(server.requests.length).toBe(before); // already there, verified: no request
  });

  it("rejects a download whose bytes do not match the index, leaving nothing behind", async () => {
    const archive = new DebianArchive({ suites, signatures: "skip" });
    await archive.loadIndexes();
    const record = archive.resolve("busybox-static");
    const url = `/debian/${record.filename}`;
    const good = server.routes.get(url)?.body as Buffer;
    const bad = Buffer.from(good);
    bad[bad.length - 1] ^= 1;
    server.routes.set(url, { body: bad });
    await expect(archive.download(record, join(scratch, "debs"))).rejects.toThrow(ChecksumError);
    expect(readdirSync(join(scratch, "debs"))).toEqual([]);
    server.routes.set(url, { body: Buffer.concat([good, Buffer.from("x")]) });
    await expect(archive.download(record, join(scratch, "debs"))).rejects.toThrow(ChecksumError);
    expect(readdirSync(join(scratch, "debs"))).toEqual([]);
  });

  it("follows redirects", async () => {
    const archive = new DebianArchive({ suites, signatures: "skip" });
    await archive.loadIndexes();
    const record = archive.resolve("busybox-static");
    const url = `/debian/${record.filename}`;
    server.routes.set("/elsewhere/busybox.deb", server.routes.get(url) as Route);
    server.routes.set(url, { status: 302, headers: { location: "/hop" } });
    server.routes.set("/hop", { status: 301, headers: { location: `${server.base}/elsewhere/busybox.deb` } });
    const path = await archive.download(record, join(scratch, "debs"));
    expect(readFileSync(path).length).toBe(record.size);
    expect(server.requests.slice(-3)).toEqual([url, "/hop", "/elsewhere/busybox.deb"]);
  });

  it("gives up on a stalled transfer with a clear error", async () => {
    server.routes.set("/stall", { body: Buffer.alloc(1000), stallAfter: 10 });
    await expect(fetchBuffer(`${server.base}/stall`, { stallTimeoutMs: 300 })).rejects.toThrow(/stalled: no data/);
  });

  it("notices a connection that drops in the middle of a body", async () => {
    server.routes.set("/drop", { body: Buffer.alloc(100_000), dropAfter: 1000 });
    await expect(fetchBuffer(`${server.base}/drop`)).rejects.toThrow(NetworkError);
    const archive = new DebianArchive({ suites, signatures: "skip" });
    await archive.loadIndexes();
    const record = archive.resolve("busybox-static");
    server.routes.set(`/debian/${record.filename}`, { body: server.routes.get(`/debian/${record.filename}`)?.body, dropAfter: 100 });
    await expect(archive.download(record, join(scratch, "debs"))).rejects.toThrow(NetworkError);
    expect(readdirSync(join(scratch, "debs"))).toEqual([]);
  });

  it("says when the archive cannot be reached", async () => {
    const archive = new DebianArchive({ suites: [{ baseUrl: "http://127.0.0.1:1/debian", suite: "bookworm" }], signatures: "skip" });
    await expect(archive.fetchReleases()).rejects.toThrow(NetworkError);
    await expect(archive.fetchReleases()).rejects.toThrow(/refused/);
    await expect(fetchBuffer("ftp://example.org/x")).rejects.toThrow(/unsupported URL scheme/);
  });

  it("leaves out an optional suite whose index does not match its InRelease, but not the main one", async () => {
    const lines: string[] = [];
    server.publishSuite("/debian-security", "bookworm-security", [], { corruptIndex: true });
    const archive = new DebianArchive({ suites, signatures: "skip", log: (line) => lines.push(line) });
    await archive.loadIndexes();
    expect(archive.skipped.has("bookworm-security")).toBe(true);
    expect(lines.join("\n")).toMatch(/leaving out bookworm-security: .*does not match/);
    expect(archive.resolve("linux-image-686").version).toBe("6.1.10-1");

    server.publishSuite("/debian", "bookworm", [], { corruptIndex: true });
    await expect(new DebianArchive({ suites, signatures: "skip" }).loadIndexes()).rejects.toThrow(ChecksumError);
  });

  it("refuses an InRelease whose signature does not verify when gpgv is required", async ({ skip }) => {
    const { hasHostTool } = await import("./host-tools");
    if (!hasHostTool("gpgv") || !existsSync("/usr/share/keyrings/debian-archive-keyring.gpg")) skip("gpgv or Debian's keyring is not installed");
    const archive = new DebianArchive({ suites: suites.slice(0, 1), signatures: "require" });
    await expect(archive.fetchReleases()).rejects.toThrow(/signature does not verify/);
  });
});

describe("fetchImages against a fake archive", () => {
  it("builds a set, reuses it after an index check only, and works offline", async () => {
    const cacheDir = join(scratch, "cache");
    const log: string[] = [];
    const set = await fetchImages({ cacheDir, suites, signatures: "skip", log: (line) => log.push(line) });
    expect(set).toMatchObject({ kernelVersion: "6.1.0-2-686", kernelPackage: "linux-image-6.1.0-2-686", kernelPackageVersion: "6.1.22-1", busyboxVersion: "1:1.35.0-4+deb12u1" });
    expect(set.modules).toEqual(expect.arrayContaining(["e1000", "tg3", "libphy", "ptp", "pps_core", "mii", "3c59x", "pcnet32", "e100", "tulip"]));
    expect(set.modules).not.toContain("snd");
    expect(set.modules).not.toContain("winbond_840");
    expect(readFileSync(set.kernel).toString("latin1", 0x202, 0x206)).toBe("HdrS");
    expect(readFileSync(set.busybox).equals(makeFakeBusybox(APPLETS))).toBe(true);
    const dep = readFileSync(join(set.modulesDir, "modules.dep"), "utf8");
    expect(dep).toContain("kernel/drivers/net/ethernet/broadcom/tg3.ko: ");
    const tg3 = dep.split("\n").find((line) => line.startsWith("kernel/drivers/net/ethernet/broadcom/tg3.ko:")) ?? "";
    expect(tg3.indexOf("ptp.ko")).toBeLessThan(tg3.indexOf("pps_core.ko")); // ptp needs pps_core: listed before it
    expect(readFileSync(join(set.modulesDir, "modules.alias"), "utf8")).toContain("alias pci:v00008086d0000100Esv*sd*bc*sc*i* e1000");

    const records = new Map(readCpioForTest(gunzipSync(readFileSync(set.initramfs))).map((record) => [record.path, record]));
    for (const path of ["init", "bin/busybox", "dev/console", "bin/cttyhack", "bin/setsid", "lib/modules/6.1.0-2-686/kernel/drivers/ptp/ptp.ko", "lib/modules/6.1.0-2-686/modules.dep", "lib/modules/6.1.0-2-686/modules.builtin"]) {
      expect(records.has(path), path).toBe(true);
    }
    expect(records.has("lib/modules/6.1.0-2-686/kernel/sound/core/snd.ko")).toBe(false);

    // Second call: the three InRelease files and nothing else.
    server.requests.length = 0;
    const again = await fetchImages({ cacheDir, suites, signatures: "skip" });
    expect(again).toEqual(set);
    expect(server.requests.sort()).toEqual(["/debian-security/dists/bookworm-security/InRelease", "/debian/dists/bookworm-updates/InRelease", "/debian/dists/bookworm/InRelease"]);

    // Offline: no request at all, even with the server gone from the picture.
    server.requests.length = 0;
    expect(await fetchImages({ cacheDir, offline: true })).toEqual(set);
    expect(server.requests).toEqual([]);

    // A security update: a new kernel, a new set; the old kernel .deb is pruned.
    publishStandardArchive("3");
    const updated = await fetchImages({ cacheDir, suites, signatures: "skip" });
    expect(updated.kernelVersion).toBe("6.1.0-3-686");
    expect(readdirSync(join(cacheDir, "debs")).filter((name) => name.startsWith("linux-image-6.1.0-2-686"))).toEqual([]);
    expect(await fetchImages({ cacheDir, offline: true })).toEqual(updated);
  });

  it("builds the same set with dpkg-deb as the extractor", async ({ skip }) => {
    const { hasHostTool } = await import("./host-tools");
    if (!hasHostTool("dpkg-deb")) skip("dpkg-deb is not installed");
    const ours = await fetchImages({ cacheDir: join(scratch, "a"), suites, signatures: "skip" });
    const theirs = await fetchImages({ cacheDir: join(scratch, "b"), suites, signatures: "skip", extractor: "dpkg-deb" });
    expect(readFileSync(theirs.initramfs).equals(readFileSync(ours.initramfs))).toBe(true);
  });

  it("fails with errors a user understands", async () => {
    await expect(fetchImages({ cacheDir: join(scratch, "empty"), offline: true })).rejects.toThrow(OfflineError);
    server.routes.clear();
    await expect(fetchImages({ cacheDir: join(scratch, "c"), suites, signatures: "skip" })).rejects.toThrow(/has no suite "bookworm"/);
    await expect(fetchImages({ cacheDir: join(scratch, "c"), suites: [{ baseUrl: "http://127.0.0.1:1/debian", suite: "bookworm" }], signatures: "skip" })).rejects.toThrow(NetworkError);
  });

  it("reports a missing package", async () => {
    server.routes.clear();
    server.publishSuite("/debian", "bookworm", [server.publishDeb("/debian", { Package: "busybox-static", Version: "1" }, busyboxDeb())]);
    await expect(fetchImages({ cacheDir: join(scratch, "d"), suites: suites.slice(0, 1), signatures: "skip" })).rejects.toThrow(/package linux-image-686 \(i386\) is not in bookworm/);
  });
});

describe("xeno86 images", () => {
  it("prints the paths, and fails cleanly offline with an empty cache", async () => {
    vi.stubEnv("XENO86_DEBIAN_MIRROR", `${server.base}/debian`);
    vi.stubEnv("XENO86_DEBIAN_SECURITY_MIRROR", `${server.base}/debian-security`);
    vi.stubEnv("XENO86_DEBIAN_SIGNATURES", "skip");
    try {
      let out = "";
      let err = "";
      const sink = (append: (text: string) => void) => ({ write: (chunk: string) => (append(chunk), true) }) as unknown as NodeJS.WritableStream;
      const stdout = sink((text) => (out += text));
      const stderr = sink((text) => (err += text));
      expect(await imagesCommand(["--cache-dir", join(scratch, "cli"), "--offline"], stdout, stderr)).toBe(1);
      expect(err).toMatch(/^xeno86 images: no image set is cached/);
      expect(await imagesCommand(["--cache-dir", join(scratch, "cli")], stdout, stderr)).toBe(0);
      expect(out).toMatch(/^kernel: +\/.*vmlinuz-6\.1\.0-2-686$/m);
      expect(out).toMatch(/^initramfs: +\/.*initramfs\.cpio\.gz$/m);
      expect(err).toMatch(/images: downloading/);
      out = "";
      err = "";
      expect(await imagesCommand(["--cache-dir", join(scratch, "cli"), "--offline", "--quiet"], stdout, stderr)).toBe(0);
      expect(err).toBe("");
      expect(out).toMatch(/^busyboxVersion: +1:1\.35\.0-4\+deb12u1$/m);
      await expect(imagesCommand(["--bogus"], stdout, stderr)).rejects.toThrow(/unknown option --bogus/);
      expect(await imagesCommand(["--help"], stdout, stderr)).toBe(0);
      expect(out).toContain("usage: xeno86 images");
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
