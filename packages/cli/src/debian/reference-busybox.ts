/**
 * The busybox whose outputs the emulated guest's are compared with, run on
 * this host's own CPU.
 *
 * Preferred: the very same i386 binary the guest runs, when the host kernel
 * runs 32-bit programs. Where it does not (a kernel without IA-32
 * emulation), the same Debian busybox-static version built for amd64: the
 * same source, so its hashes, sorting, compression and text output must be
 * identical; only floating point may differ in the last bits (x87 against
 * SSE2), which the comparisons keep away from.
 */
import { chmodSync, existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DebianArchive, bookwormSuites, signaturePolicyFromEnv } from "./archive";
import { defaultCacheDir } from "./cache";
import { extractDebFiles } from "./deb";
import { BUSYBOX_PACKAGE, type ImageSet } from "./fetch-images";
import { i386NativeSupport } from "./host-busybox";

export interface ReferenceBusybox {
  /** Path of a busybox that runs on this host. */
  readonly path: string;
  /** "i386" when it is the guest's own binary, "amd64" for the same version built for the host. */
  readonly architecture: "i386" | "amd64";
  /** Why the guest's own binary could not be used, when it could not. */
  readonly reason?: string;
}

export async function referenceBusybox(images: ImageSet, options: { cacheDir?: string; log?: (line: string) => void } = {}): Promise<ReferenceBusybox> {
  const native = i386NativeSupport();
  if (native.ok) return { path: images.busybox, architecture: "i386" };
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const directory = join(cacheDir, "reference", `busybox-${images.busyboxVersion.replace(/[^A-Za-z0-9.+~-]/g, "_")}-amd64`);
  const path = join(directory, "busybox");
  if (!existsSync(path)) {
    const archive = new DebianArchive({
      suites: bookwormSuites(),
      architecture: "amd64",
      signatures: signaturePolicyFromEnv(),
      log: options.log,
    });
    const releases = await archive.fetchReleases();
    await archive.loadIndexes(releases);
    const record = archive.resolve(BUSYBOX_PACKAGE, { relation: "=", version: images.busyboxVersion });
    mkdirSync(directory, { recursive: true });
    const deb = await archive.download(record, join(cacheDir, "debs"));
    const files = await extractDebFiles(deb, ["bin/busybox"]);
    const binary = files.get("bin/busybox");
    if (binary === undefined) throw new Error(`${BUSYBOX_PACKAGE} ${record.version} (amd64) has no /bin/busybox`);
    writeFileSync(`${path}.partial`, binary.data);
    chmodSync(`${path}.partial`, 0o755);
    renameSync(`${path}.partial`, path);
  }
  return { path, architecture: "amd64", reason: native.reason };
}
