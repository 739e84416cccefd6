/**
 * The committed C header is what the tables generate, and C compilers agree
 * with the tables: clang checks every _Static_assert of sizes and offsets,
 * and compiles a call of every wrapper for i386. Where clang cannot be had
 * (no network, no Debian archive) the compiler checks say why and are
 * skipped, except under CI, where they must run.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { C_STRUCTS, generateCHeader } from "../src/c-header";
import { HYPERCALLS, type HypercallRecord } from "../src/hypercalls";

const HEADER = fileURLToPath(new URL("../include/xeno86/xen.h", import.meta.url));
const INCLUDE = fileURLToPath(new URL("../include", import.meta.url));
const ENSURE_CLANG = fileURLToPath(new URL("../../../scripts/tools/ensure-clang.mjs", import.meta.url));

interface Tools {
  clang: string;
  env: Record<string, string>;
}

async function obtainClang(): Promise<Tools | string> {
  try {
    const { ensureClangSync } = (await import(ENSURE_CLANG)) as { ensureClangSync: () => Tools };
    return ensureClangSync();
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

describe("the generated C header", () => {
  const header = generateCHeader();

  it("is committed fresh (run `npm run generate -w @xeno86/guest-abi`)", () => {
    expect(readFileSync(HEADER, "utf8")).toBe(header);
  });

  it("numbers and wraps every hypercall with Xen's names", () => {
    for (const call of HYPERCALLS) {
      expect(header).toContain(`#define __HYPERVISOR_${call.name} ${call.number}\n`);
      expect(header).toContain(` long HYPERVISOR_${call.name}(`);
    }
    expect(header).toContain('#define TRAP_INSTR "int $0x82"');
    expect(header).toContain("static inline __attribute__((unused)) long HYPERVISOR_console_write(const char *text, unsigned int count) {");
    for (const name of ["MMU_NORMAL_PT_UPDATE 0", "MMUEXT_SET_LDT 8", "MMUEXT_CMD_SHIFT 8", "UVMF_FLUSH_TLB 1", "UVMF_INVLPG 2", "SCHEDOP_stop 4"]) {
      expect(header).toContain(`#define ${name}\n`);
    }
    for (const name of ["EVENT_VBD_UPD 0x100", "_EVENT_VBD_UPD 8", "EVENTS_MASTER_ENABLE_MASK 0x80000000U", "EVTCHNSTAT_connected 2", "DOM0_INTERFACE_VERSION 0xAAAA0003U"]) {
      expect(header).toContain(`#define ${name}\n`);
    }
    for (const name of ["MEMOP_RESERVATION_DECREASE 1", "SIF_PRIVILEGED 1", "SIF_CONSOLE 2", "MAX_CMD_LEN 256", "XEN_EPERM 1", "FLAT_RING3_DS 0x0833", "FLAT_RING1_CS 0x0819"]) {
      expect(header).toContain(`#define ${name}\n`);
    }
  });

  it("checks every struct's size and offsets at compile time", () => {
    for (const layout of C_STRUCTS) {
      expect(header).toContain(`_Static_assert(sizeof(${layout.name}) == ${layout.size}, "${layout.name} size");`);
      if (layout.union !== true) {
        for (const f of layout.fields) expect(header).toContain(`_Static_assert(__builtin_offsetof(${layout.name}, ${f.name}) == ${f.offset}, "${layout.name}.${f.name}");`);
      }
    }
    expect(header).toContain('_Static_assert(sizeof(shared_info_t) == 596, "shared_info_t size");');
    expect(header).toContain("} xen_page_fault_frame;");
  });

  describe("compiled by clang", () => {
    let tools: Tools | string = "not looked for";
    let work = "";
    beforeAll(async () => {
      tools = await obtainClang();
      work = mkdtempSync(join(tmpdir(), "xeno86-guest-abi-"));
    }, 600_000);
    afterAll(() => rmSync(work, { recursive: true, force: true }));

    function clang(context: { skip: (note?: string) => void }, args: string[]): void {
      if (typeof tools === "string") {
        if (process.env.CI === "true") throw new Error(`clang is needed to check the C header: ${tools}`);
        context.skip(`clang could not be obtained: ${tools.split("\n")[0]}`);
        return;
      }
      const result = spawnSync(tools.clang, args, { encoding: "utf8", env: { ...process.env, ...tools.env } });
      expect(result.error, String(result.error)).toBeUndefined();
      expect(`${result.stdout}${result.stderr}`).toBe("");
      expect(result.status).toBe(0);
    }

    it("passes -ffreestanding -nostdinc -std=c11 -Wall -Werror -fsyntax-only for i386", (context) => {
      clang(context, ["-m32", "-ffreestanding", "-nostdinc", "-std=c11", "-Wall", "-Werror", "-fsyntax-only", "-x", "c", HEADER]);
    });

    it("compiles a call of every wrapper to i386 code (with the guests' flags)", (context) => {
      const zero = (argument: HypercallRecord["arguments"][number]) => `(${argument.cType})0`;
      const source = [
        "#include <xeno86/xen.h>",
        "long all_calls(void);",
        "long all_calls(void) {",
        "  long sum = 0;",
        ...(HYPERCALLS as readonly HypercallRecord[]).map((call) => `  sum += HYPERVISOR_${call.name}(${call.arguments.map(zero).join(", ")});`),
        "  return sum;",
        "}",
        "",
      ].join("\n");
      const file = join(work, "all-calls.c");
      writeFileSync(file, source);
      for (const optimisation of ["-O0", "-O2"]) {
        clang(context, [
          "--target=i386-unknown-none-elf",
          "-march=i686",
          "-m32",
          "-std=c11",
          optimisation,
          "-ffreestanding",
          "-nostdinc",
          "-fno-pic",
          "-Wall",
          "-Wextra",
          "-Werror",
          `-I${INCLUDE}`,
          "-c",
          file,
          "-o",
          join(work, `all-calls${optimisation}.o`),
        ]);
      }
    });
  });
});
