/**
 * The demo kernel that `xeno86 run` starts when given no config: the
 * repository's guests/pv/images/demo.elf, copied into this package's
 * `guests/` directory by the build (scripts/copy-demo-image.mjs) so that an
 * installed CLI carries it.
 *
 * This module sits directly in src/, so "../guests/demo.elf" names the same
 * file from its source (src/demo-image.ts) and from the bundle (dist/*.js).
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const PACKAGED = "../guests/demo.elf";
/** In a source checkout (packages/cli/src or dist), the image the build copies. */
const CHECKOUT_ROOT = "../../../";
const CHECKOUT_IMAGE = "guests/pv/images/demo.elf";

const here = (relative: string) => fileURLToPath(new URL(relative, import.meta.url));

/** The demo kernel's path, or null when neither the packaged copy nor (in a source checkout) the repository's image exists. */
export function findDemoImage(): string | null {
  const packaged = here(PACKAGED);
  if (existsSync(packaged)) return packaged;
  if (existsSync(here(`${CHECKOUT_ROOT}packages/cli/package.json`))) {
    const image = here(`${CHECKOUT_ROOT}${CHECKOUT_IMAGE}`);
    if (existsSync(image)) return image;
  }
  return null;
}

export const DEMO_IMAGE_MISSING =
  "the demo kernel (guests/demo.elf) is not in this installation of @xeno86/cli; reinstall it, or in a source checkout build guests/pv and run `npm run build`";
