/**
 * The committed guest images (guests/pv/images) are what their sources
 * build to: clang and lld rebuild them into a temporary directory and every
 * byte must match. Where clang cannot be had (no network, no Debian), the
 * check says why and is skipped, except under CI, where it must run.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { IMAGES } from "./run-guest";

const BUILD_SCRIPT = fileURLToPath(new URL("../../../guests/pv/build.mjs", import.meta.url));

async function loadBuilder(): Promise<{ buildGuests: (out: string) => string[] } | string> {
  try {
    const builder = (await import(BUILD_SCRIPT)) as { buildGuests: (out: string) => string[] };
    const { ensureClangSync } = (await import(fileURLToPath(new URL("../../../scripts/tools/ensure-clang.mjs", import.meta.url)))) as { ensureClangSync: () => unknown };
    ensureClangSync();
    return builder;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

describe("guest images", () => {
  it("rebuild to the committed bytes", { timeout: 600_000 }, async (context) => {
    const builder = await loadBuilder();
    if (typeof builder === "string") {
      if (process.env.CI === "true") throw new Error(`clang is needed to check the guest images: ${builder}`);
      context.skip(`clang and lld could not be obtained: ${builder.split("\n")[0]}`);
      return;
    }
    const out = mkdtempSync(join(tmpdir(), "xeno86-guests-"));
    try {
      const built = builder.buildGuests(out).map((path) => path.slice(out.length + 1)).sort();
      const committed = readdirSync(IMAGES).filter((f) => f.endsWith(".elf")).sort();
      expect(built).toEqual(committed);
      for (const name of committed) {
        expect(Buffer.compare(readFileSync(join(out, name)), readFileSync(join(IMAGES, name))), `${name} differs from its rebuild`).toBe(0);
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
