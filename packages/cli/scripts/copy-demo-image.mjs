#!/usr/bin/env node
/**
 * Build step: copies the demo paravirtual kernel (guests/pv/images/demo.elf
 * at the repository's root) into this package's guests/ directory, which is
 * published with the CLI, so that `xeno86 run` works from an install.
 * Fails with a clear message when the image is missing (unless
 * XENO86_ALLOW_MISSING_DEMO=1, for work on the CLI before the guests exist).
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = join(packageDir, "..", "..", "guests", "pv", "images", "demo.elf");
const target = join(packageDir, "guests", "demo.elf");

if (!existsSync(source)) {
  const where = relative(process.cwd(), source);
  if (process.env.XENO86_ALLOW_MISSING_DEMO === "1") {
    process.stderr.write(`@xeno86/cli build: warning: the demo kernel ${where} is missing; \`xeno86 run\` without CONFIG will not work.\n`);
    process.exit(0);
  }
  process.stderr.write(
    `@xeno86/cli build: the demo kernel ${where} is missing.\n` +
      "`xeno86 run` ships it: build the paravirtual guests first (see guests/README.md), then build again.\n" +
      "(XENO86_ALLOW_MISSING_DEMO=1 builds the CLI without it.)\n",
  );
  process.exit(1);
}
const bytes = readFileSync(source);
if (bytes.length < 52 || bytes[0] !== 0x7f || bytes[1] !== 0x45 || bytes[2] !== 0x4c || bytes[3] !== 0x46) {
  process.stderr.write(`@xeno86/cli build: ${relative(process.cwd(), source)} is not an ELF image.\n`);
  process.exit(1);
}
mkdirSync(dirname(target), { recursive: true });
copyFileSync(source, target);
