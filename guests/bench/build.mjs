#!/usr/bin/env node
/**
 * Builds the overhead benchmark kernel twice from the same source with
 * clang and ld.lld, byte-reproducibly (relative paths, no build id, a fixed
 * order of inputs):
 *
 *   images/bench-native.elf  Multiboot kernel for the bare PC (Machine.loadMultiboot)
 *   images/bench-pv.elf      xeno86 paravirtual kernel (the hypervisor's domain builder)
 *
 *   node guests/bench/build.mjs            # rebuild images/
 *   node guests/bench/build.mjs --out DIR  # build into DIR instead (the freshness test)
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureClangSync } from "../../scripts/tools/ensure-clang.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, "..", "..");
const SOURCE_DIR = "guests/bench";

const CFLAGS = [
  "--target=i386-unknown-none-elf", "-march=i686", "-m32", "-std=c11", "-O2",
  "-ffreestanding", "-fno-builtin", "-nostdinc", "-fno-pic", "-fno-pie", "-fno-stack-protector",
  "-fno-asynchronous-unwind-tables", "-fno-unwind-tables", "-fno-jump-tables", "-mno-sse", "-mno-mmx",
  "-Wall", "-Wextra", "-Werror",
  `-ffile-prefix-map=${REPO}/=`, `-I${SOURCE_DIR}`, "-Ipackages/guest-abi/include",
];

const LDFLAGS = ["-m", "elf_i386", "-static", "-nostdlib", "--build-id=none", "-z", "norelro", "-z", "noexecstack", "-z", "max-page-size=4096"];

/** The two images: [file name, linker script, sources], sources in link order. */
export const TARGETS = [
  ["bench-native.elf", "native.ld", ["platform-native.S", "platform-native.c", "bench.c"]],
  ["bench-pv.elf", "pv.ld", ["platform-pv.S", "platform-pv.c", "bench.c"]],
];

function run(command, args, env) {
  const result = spawnSync(command, args, { cwd: REPO, encoding: "utf8", env: { ...process.env, ...env } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")}\n${result.stdout}${result.stderr}${result.error ?? ""}`);
}

/** Builds both images into `outDir` (default images/); returns their paths. */
export function buildBenchImages(outDir = join(HERE, "images")) {
  const tools = ensureClangSync();
  const objects = join(outDir, ".objects");
  mkdirSync(objects, { recursive: true });
  const objectsRelative = relative(REPO, objects);
  const images = [];
  try {
    for (const [image, script, sources] of TARGETS) {
      const target = image.replace(/\.elf$/, "");
      const inputs = sources.map((source) => {
        const object = join(objectsRelative, `${target}-${source.replace(/\./g, "_")}.o`);
        run(tools.clang, [...CFLAGS, "-c", `${SOURCE_DIR}/${source}`, "-o", object], tools.env);
        return object;
      });
      const output = join(outDir, image);
      run(tools.ldLld, [...LDFLAGS, "-T", `${SOURCE_DIR}/${script}`, "-o", relative(REPO, output), ...inputs], tools.env);
      images.push(output);
    }
  } finally {
    rmSync(objects, { recursive: true, force: true });
  }
  return images;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf("--out");
  try {
    const images = buildBenchImages(at >= 0 ? resolve(process.argv[at + 1]) : undefined);
    for (const image of images) console.log(relative(process.cwd(), image));
  } catch (error) {
    console.error(`guests/bench/build.mjs: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
