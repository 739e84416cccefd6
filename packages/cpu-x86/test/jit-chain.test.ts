/**
 * Compiled regions entering each other (cpu.jitChain): a loop on one page
 * calling a function on another page, the callee patched by a guest store
 * (the chained region must not run again), and a fault in the callee
 * (exact instruction count and faulting EIP, as in the interpreter).
 */
import { Mmu, PhysicalMemory } from "@xeno86/mmu";
import { describe, expect, it } from "vitest";
import { Cpu, Exit } from "../src/index";
import { Seg } from "../src/registers";
import { SegmentAttr, setSegmentCache } from "../src/segmentation";

const CALLER = 0x1000;
const CALLEE = 0x2000;

// Page CALLER: two loops of 1000 calls to CALLEE, with a store patching CALLEE between them.
const CALLER_CODE = [
  0xb9, 0xe8, 0x03, 0x00, 0x00, // 1000: mov ecx, 1000
  0x31, 0xc0, //                   1005: xor eax, eax
  0xe8, 0xf4, 0x0f, 0x00, 0x00, // 1007: call 2000
  0x49, //                         100c: dec ecx
  0x75, 0xf8, //                   100d: jnz 1007
  0xc6, 0x05, 0x02, 0x20, 0x00, 0x00, 0x02, // 100f: mov byte [2002], 2 (add eax, 1 -> add eax, 2)
  0xb9, 0xe8, 0x03, 0x00, 0x00, // 1016: mov ecx, 1000
  0xe8, 0xe0, 0x0f, 0x00, 0x00, // 101b: call 2000
  0x49, //                         1020: dec ecx
  0x75, 0xf8, //                   1021: jnz 101b
  0xf4, //                         1023: hlt
];
// Page CALLEE: add eax, 1; jmp $+2 (two blocks, so the page gets a region); ret
const CALLEE_CODE = [0x83, 0xc0, 0x01, 0xeb, 0x00, 0xc3];
// Page CALLEE, faulting variant: add eax, 1; cmp eax, 500; jne +2; div ebx (EBX = 0 -> #DE at the 500th call); ret
const FAULTING_CALLEE_CODE = [0x83, 0xc0, 0x01, 0x3d, 0xf4, 0x01, 0x00, 0x00, 0x75, 0x02, 0xf7, 0xf3, 0xc3];

function machine(jit: boolean, callee: number[]): Cpu {
  const memory = new PhysicalMemory(1 << 20);
  const cpu = new Cpu({ mmu: new Mmu(memory), jit, jitThreshold: 2 });
  memory.writeBytes(CALLER, new Uint8Array(CALLER_CODE));
  memory.writeBytes(CALLEE, new Uint8Array(callee));
  cpu.cr0 |= 1;
  setSegmentCache(cpu, Seg.CS, 8, 0, -1, SegmentAttr.CODE_RX_PRESENT | SegmentAttr.DB | SegmentAttr.GRANULARITY);
  for (const s of [Seg.SS, Seg.DS, Seg.ES]) setSegmentCache(cpu, s, 16, 0, -1, SegmentAttr.DATA_RW_PRESENT | SegmentAttr.DB | SegmentAttr.GRANULARITY);
  cpu.updateAllSegmentChecks();
  cpu.r32[4] = 0x8000;
  cpu.eip = CALLER;
  return cpu;
}

describe.each([
  ["interpreter", false],
  ["compiled", true],
])("compiled regions calling each other (%s)", (_name, jit) => {
  it("runs the patched callee after a store into its page, with an exact count", () => {
    const cpu = machine(jit, CALLEE_CODE);
    expect(cpu.run(1_000_000)).toBe(Exit.Halt);
    expect(cpu.r32[0]).toBe(1000 + 2 * 1000);
    // 2 + 1000 * 6 + 2 + 1000 * 6 + HLT
    expect(cpu.instructionCount).toBe(12_005);
    expect(cpu.r32[4]).toBe(0x8000);
  });

  it("enters the callee's region from the caller's without the run loop", () => {
    const cpu = machine(jit, CALLEE_CODE);
    let entered = 0;
    const chain = cpu.jitChain.bind(cpu);
    cpu.jitChain = (cache, pages, site) => {
      const go = chain(cache, pages, site);
      if (go >= 0) entered++;
      return go;
    };
    expect(cpu.run(1_000_000)).toBe(Exit.Halt);
    if (jit) expect(entered).toBeGreaterThan(1000);
    else expect(entered).toBe(0);
  });

  it("stops on a fault in the callee at the faulting instruction, with an exact count", () => {
    const cpu = machine(jit, FAULTING_CALLEE_CODE);
    cpu.setIntercept(0, true); // #DE
    expect(cpu.run(1_000_000)).toBe(Exit.Intercept);
    expect(cpu.exitInfo.vector).toBe(0);
    expect(cpu.eip).toBe(CALLEE + 10);
    expect(cpu.r32[0]).toBe(500);
    // 2 before the loop; 499 full iterations of call, add, cmp, jne, ret, dec, jnz; then call, add, cmp, jne.
    expect(cpu.instructionCount).toBe(2 + 499 * 7 + 4);
  });

  it("ends on the budget inside chained regions with the count at a block boundary", () => {
    const cpu = machine(jit, CALLEE_CODE);
    expect(cpu.run(3001)).toBe(Exit.Budget);
    const first = cpu.instructionCount;
    expect(first).toBeGreaterThanOrEqual(3001);
    expect(cpu.run(1_000_000)).toBe(Exit.Halt);
    expect(cpu.r32[0]).toBe(3000);
    expect(cpu.instructionCount).toBe(12_005);
  });
});
