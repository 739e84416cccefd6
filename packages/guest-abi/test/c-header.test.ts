import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generateCHeader } from "../src/c-header";
import { HYPERCALLS } from "../src/hypercalls";

describe("the generated C header", () => {
  const header = generateCHeader();

  it("is committed fresh (run `npm run generate -w @xeno86/guest-abi`)", () => {
    const committed = readFileSync(new URL("../include/xeno86/xen.h", import.meta.url), "utf8");
    expect(committed).toBe(header);
  });

  it("numbers and wraps every hypercall", () => {
    for (const call of HYPERCALLS) {
      expect(header).toContain(`#define __HYPERVISOR_${call.name} ${call.number}\n`);
      expect(header).toContain(` long HYPERVISOR_${call.name}(`);
    }
  });

  it("checks every struct's size and offsets at compile time", () => {
    expect(header).toContain('_Static_assert(sizeof(shared_info_t) == 596, "shared_info_t size");');
    expect(header).toContain('_Static_assert(__builtin_offsetof(full_execution_context_t, pt_base) == 2464, "full_execution_context_t.pt_base");');
  });
});
