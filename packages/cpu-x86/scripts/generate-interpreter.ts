/** Rewrites src/generated/handlers.ts from the opcode table. Run: npm run generate -w @xeno86/cpu-x86 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { generateInterpreter } from "../src/codegen/interpreter-generator";

const target = fileURLToPath(new URL("../src/generated/handlers.ts", import.meta.url));
writeFileSync(target, generateInterpreter());
console.log(`wrote ${target}`);
