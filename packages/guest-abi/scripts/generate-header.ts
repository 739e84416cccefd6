/** Writes include/xeno86/xen.h from the package's tables. */
import { writeFileSync } from "node:fs";
import { relative } from "node:path";
import { fileURLToPath } from "node:url";
import { generateCHeader } from "../src/c-header";

const target = fileURLToPath(new URL("../include/xeno86/xen.h", import.meta.url));
writeFileSync(target, generateCHeader());
console.log(`wrote ${relative(process.cwd(), target)}`);
