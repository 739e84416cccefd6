import { describe, expect, it } from "vitest";
import { FLAT_SELECTORS, reservedGdtEntries } from "./descriptor-tables";
import { checkGuestDescriptor } from "./descriptors";

describe("the hypervisor's reserved GDT entries", () => {
  const entries = new Map(reservedGdtEntries().map(([index, low, high]) => [index, [low, high]]));

  it("put the ABI's flat selectors at their indexes with their privilege", () => {
    for (const [name, selector] of Object.entries(FLAT_SELECTORS)) {
      const [, high] = entries.get(selector >>> 3)!;
      expect((high >>> 13) & 3, name).toBe(selector & 3);
      expect(high & 0x8000, name).not.toBe(0);
    }
  });

  it("give guests flat segments that pass the guest descriptor rules (they end below 0xFC400000)", () => {
    for (const selector of Object.values(FLAT_SELECTORS)) {
      const [low, high] = entries.get(selector >>> 3)!;
      expect(checkGuestDescriptor(low, high)).toBeNull();
      const limit = ((low & 0xffff) | (high & 0xf0000)) * 4096 + 0xfff;
      expect(limit).toBe(0xfc3fffff);
    }
  });
});
