#!/usr/bin/env node
/**
 * Builds every xeno86 paravirtual guest (tests/, hostile/, demo/) with
 * clang and ld.lld into images/<name>.elf, byte-reproducibly: paths are
 * relative to the repository, no build ids, a fixed file order.
 *
 *   node guests/pv/build.mjs            # rebuild images/
 *   node guests/pv/build.mjs --out DIR  # build elsewhere (the freshness test)
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, rmSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { ensureClangSync } from "../../scripts/tools/ensure-clang.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, "..", "..");
const GROUPS = ["tests", "hostile", "demo"];
const LIBRARY = ["guests/pv/lib/entry.S", "guests/pv/lib/guest.c"];

const CFLAGS = [
  "--target=i386-unknown-none-elf", "-march=i686", "-m32", "-std=c11", "-O2",
  "-ffreestanding", "-fno-builtin", "-nostdinc", "-fno-pic", "-fno-pie", "-fno-stack-protector",
  "-fno-asynchronous-unwind-tables", "-fno-unwind-tables", "-mno-sse", "-mno-mmx",
  "-Wall", "-Wextra", "-Werror", "-Wno-unused-parameter",
  `-ffile-prefix-map=${REPO}/=`, "-Ipackages/guest-abi/include", "-Iguests/pv/lib",
];

/** Every guest: [name, source path relative to the repository]. */
export function listGuests() {
  const guests = [];
  for (const group of GROUPS) {
    for (const file of readdirSync(join(HERE, group)).filter((f) => f.endsWith(".c")).sort()) {
      guests.push([file.slice(0, -2), `guests/pv/${group}/${file}`]);
    }
  }
  return guests;
}

function run(command, args, env) {
  const result = spawnSync(command, args, { cwd: REPO, encoding: "utf8", env: { ...process.env, ...env } });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")}\n${result.stdout}${result.stderr}${result.error ?? ""}`);
}

/** Builds all guests into `outDir`; returns the image paths. */
export function buildGuests(outDir = join(HERE, "images")) {
  const tools = ensureClangSync();
  const objects = join(outDir, ".objects");
  mkdirSync(objects, { recursive: true });
  const outRelative = relative(REPO, objects);
  const compile = (source) => {
    const object = join(outRelative, source.replaceAll("/", "_") + ".o");
    run(tools.clang, [...CFLAGS, "-c", source, "-o", object], tools.env);
    return object;
  };
  const library = LIBRARY.map(compile);
  const images = [];
  for (const [name, source] of listGuests()) {
    const image = join(outDir, `${name}.elf`);
    run(tools.ldLld, ["-m", "elf_i386", "-static", "-nostdlib", "--build-id=none", "-z", "norelro", "-z", "noexecstack", "-T", "guests/pv/lib/link.ld", "-o", relative(REPO, image), ...library, compile(source)], tools.env);
    images.push(image);
  }
  rmSync(objects, { recursive: true, force: true });
  return images;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const at = process.argv.indexOf("--out");
  try {
    const images = buildGuests(at >= 0 ? resolve(process.argv[at + 1]) : undefined);
    for (const image of images) console.log(relative(process.cwd(), image));
  } catch (error) {
    console.error(`guests/pv/build.mjs: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
