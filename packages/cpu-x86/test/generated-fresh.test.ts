/** The committed interpreter is what the generator makes from the opcode table (run `npm run generate` after editing the table). */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { generateInterpreter } from "../src/codegen/interpreter-generator";

it("src/generated/handlers.ts is fresh", () => {
  const committed = readFileSync(fileURLToPath(new URL("../src/generated/handlers.ts", import.meta.url)), "utf8");
  expect(committed === generateInterpreter(), "src/generated/handlers.ts is stale: run `npm run generate -w @xeno86/cpu-x86`").toBe(true);
});
