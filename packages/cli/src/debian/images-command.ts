/** `xeno86 images`: fetch (or find in the cache) Debian's i386 kernel, busybox and our initramfs, and print their paths. */
import { parseFlags } from "../flags";
import { UsageError } from "../usage-error";
import { ImageFetchError } from "./errors";
import { fetchImages, type ImageSet } from "./fetch-images";

export const IMAGES_USAGE = `usage: xeno86 images [--cache-dir DIR] [--offline] [--quiet]

Fetches Debian bookworm's i386 kernel (linux-image-686, the non-PAE flavour)
and busybox-static from the Debian archive, checks them against the signed
indexes, and builds an initramfs (busybox, the e1000/tg3/3c59x/pcnet32/e100/
tulip drivers, and an /init that prints XENO86-READY and starts a shell on
the console). Prints the paths. A second run only checks the indexes.

options:
  --cache-dir DIR   where to keep images (default: $XENO86_CACHE, else <repo>/.cache/images)
  --offline         use the cached set; no network access at all
  --quiet           print only the paths, no progress

environment:
  XENO86_DEBIAN_MIRROR            default http://deb.debian.org/debian
  XENO86_DEBIAN_SECURITY_MIRROR   default http://deb.debian.org/debian-security
  XENO86_CACHE                    the cache directory
  XENO86_DEBIAN_SIGNATURES        verify-if-possible (default), require, or skip`;

/** The paths and versions as `key: value` lines. */
export function formatImageSet(set: ImageSet): string {
  const rows: [string, string][] = [
    ["kernel", set.kernel],
    ["initramfs", set.initramfs],
    ["busybox", set.busybox],
    ["modulesDir", set.modulesDir],
    ["kernelVersion", set.kernelVersion],
    ["kernelPackage", `${set.kernelPackage} ${set.kernelPackageVersion}`],
    ["busyboxVersion", set.busyboxVersion],
    ["modules", set.modules.join(" ")],
  ];
  return rows.map(([key, value]) => `${`${key}:`.padEnd(16)}${value}`).join("\n");
}

export async function imagesCommand(argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const flags = parseFlags(
    argv,
    [
      { name: "cache-dir", value: true },
      { name: "offline", value: false },
      { name: "quiet", value: false },
      { name: "help", value: false },
    ],
    IMAGES_USAGE,
  );
  if (flags.help === true) {
    out.write(`${IMAGES_USAGE}\n`);
    return 0;
  }
  if (flags._.length > 0) throw new UsageError(`unexpected argument "${flags._[0]}"\n\n${IMAGES_USAGE}`);
  const quiet = flags.quiet === true;
  const started = Date.now();
  try {
    const set = await fetchImages({
      ...(typeof flags["cache-dir"] === "string" ? { cacheDir: flags["cache-dir"] } : {}),
      offline: flags.offline === true,
      log: quiet ? undefined : (line) => err.write(`images: ${line}\n`),
    });
    out.write(`${formatImageSet(set)}\n`);
    if (!quiet) err.write(`images: done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    return 0;
  } catch (error) {
    if (error instanceof ImageFetchError) {
      err.write(`xeno86 images: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}
