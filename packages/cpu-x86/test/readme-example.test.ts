/** The README's example, kept runnable. */
import { expect, it } from "vitest";
import { Mmu, PhysicalMemory } from "@xeno86/mmu";
import { Cpu, Exit, disassemble } from "../src/index";

it("runs the README example", () => {
  const code = new Uint8Array([0x31, 0xc0, 0xb9, 0x64, 0x00, 0x01, 0xc8, 0xe2, 0xfc, 0xf4]);
  const memory = new PhysicalMemory(1 << 20);
  memory.writeBytes(0x7c00, code);
  const cpu = new Cpu({ mmu: new Mmu(memory) });
  cpu.loadRealModeEntry(0, 0x7c00);
  expect(cpu.run(1_000_000)).toBe(Exit.Halt);
  expect(cpu.r16[0]).toBe(5050);
  expect(disassemble(code, { origin: 0x7c00, code32: false }).map((i) => i.text)).toEqual([
    "xor ax, ax",
    "mov cx, 0x64",
    "add ax, cx",
    "loop 0x7c05",
    "hlt",
  ]);
});
