/** Debian's SeaBIOS images (bios.bin, vgabios-stdvga.bin), fetched and cached, for the v86 comparison. */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DebianArchive, bookwormSuites, defaultCacheDir, extractDebFiles, signaturePolicyFromEnv } from "@xeno86/cli";

export interface SeabiosImages {
  bios: string;
  vgaBios: string;
}

export async function fetchSeabios(cacheDir = defaultCacheDir()): Promise<SeabiosImages> {
  const directory = join(cacheDir, "seabios");
  const bios = join(directory, "bios.bin");
  const vgaBios = join(directory, "vgabios-stdvga.bin");
  if (existsSync(bios) && existsSync(vgaBios)) return { bios, vgaBios };
  const archive = new DebianArchive({ suites: bookwormSuites(), architecture: "i386", signatures: signaturePolicyFromEnv() });
  const releases = await archive.fetchReleases();
  await archive.loadIndexes(releases);
  const deb = await archive.download(archive.resolve("seabios"), join(cacheDir, "debs"));
  const files = await extractDebFiles(deb, ["usr/share/seabios/bios.bin", "usr/share/seabios/vgabios-stdvga.bin"]);
  mkdirSync(directory, { recursive: true });
  for (const [path, target] of [
    ["usr/share/seabios/bios.bin", bios],
    ["usr/share/seabios/vgabios-stdvga.bin", vgaBios],
  ] as const) {
    const file = files.get(path);
    if (file === undefined) throw new Error(`seabios has no /${path}`);
    writeFileSync(target, file.data);
  }
  return { bios, vgaBios };
}
