/** The README's example, kept runnable. */
import { expect, it } from "vitest";
import { Mmu, PageFault, PhysicalMemory } from "./index";

it("runs the README example", () => {
  const memory = new PhysicalMemory(16 << 20);
  const mmu = new Mmu(memory);
  memory.write32(0x100000, 0x101000 | 0x7);
  memory.write32(0x101000, 0x200000 | 0x7);
  mmu.setCr3(0x100000);
  mmu.setPagingMode(true, true, false, false);
  mmu.write32(0x00000010, 0xcafe);
  expect(memory.read32(0x200010).toString(16)).toBe("cafe");
  let fault: PageFault | null = null;
  try {
    mmu.read8(0x00800000);
  } catch (error) {
    if (error instanceof PageFault) fault = error;
  }
  expect(fault?.linear.toString(16)).toBe("800000");
  expect(fault?.errorCode).toBe(0);
});
