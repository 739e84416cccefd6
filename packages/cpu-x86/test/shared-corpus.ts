/** Where the hardware-recorded vectors live: `../shared/conformance/i386-native` beside the repository. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import type { ConformanceCase } from "../src/index";

export const CORPUS_DIRECTORY = fileURLToPath(new URL("../../../../shared/conformance/i386-native/", import.meta.url));

export function corpusAvailable(): boolean {
  return existsSync(CORPUS_DIRECTORY);
}

export function corpusFamilies(): string[] {
  return readdirSync(CORPUS_DIRECTORY)
    .filter((name) => name.endsWith(".jsonl.gz"))
    .map((name) => name.replace(/\.jsonl\.gz$/, ""))
    .sort();
}

export function* corpusCases(family: string): Generator<ConformanceCase> {
  const text = gunzipSync(readFileSync(`${CORPUS_DIRECTORY}${family}.jsonl.gz`)).toString("utf8");
  for (const line of text.split("\n")) if (line.trim() !== "") yield JSON.parse(line) as ConformanceCase;
}
