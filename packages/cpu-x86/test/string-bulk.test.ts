/**
 * REP MOVS and REP STOS in page-sized steps (handlers/string-bulk.ts): the
 * results must be those of the element-by-element definition, including a
 * forward copy onto itself (which replicates), unaligned destinations, a
 * count spanning many pages, and a copy onto code that has run (which must
 * still be seen as self-modifying code).
 */
import { Mmu, PhysicalMemory } from "@xeno86/mmu";
import { describe, expect, it } from "vitest";
import { Cpu, Exit, writeCr0, writeCr3 } from "../src/index";
import { Seg } from "../src/registers";
import { SegmentAttr, setSegmentCache } from "../src/segmentation";

const le32 = (value: number) => [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, value >>> 24];

function machine(jit: boolean, code: number[]): { cpu: Cpu; memory: PhysicalMemory } {
  const memory = new PhysicalMemory(1 << 20);
  const cpu = new Cpu({ mmu: new Mmu(memory), jit, jitThreshold: 2 });
  memory.writeBytes(0x1000, new Uint8Array(code));
  cpu.cr0 |= 1;
  setSegmentCache(cpu, Seg.CS, 8, 0, -1, SegmentAttr.CODE_RX_PRESENT | SegmentAttr.DB | SegmentAttr.GRANULARITY);
  for (const s of [Seg.SS, Seg.DS, Seg.ES]) setSegmentCache(cpu, s, 16, 0, -1, SegmentAttr.DATA_RW_PRESENT | SegmentAttr.DB | SegmentAttr.GRANULARITY);
  cpu.updateAllSegmentChecks();
  cpu.r32[4] = 0x8000;
  cpu.eip = 0x1000;
  return { cpu, memory };
}

const COPIES = [
  ...[0xbe, ...le32(0x2000), 0xbf, ...le32(0x2001), 0xb9, ...le32(300), 0xf3, 0xa4], // rep movsb onto itself, one byte ahead
  ...[0xbe, ...le32(0x10000), 0xbf, ...le32(0x20003), 0xb9, ...le32(3000), 0xf3, 0xa5], // rep movsd, 12000 bytes to an odd address
  ...[0xb8, ...le32(0xdeadbeef), 0xbf, ...le32(0x40000), 0xb9, ...le32(5000), 0xf3, 0x66, 0xab], // rep stosw
  ...[0xbf, ...le32(0x50001), 0xb9, ...le32(10000), 0xf3, 0xaa], // rep stosb from an odd address
  0xf4,
];

describe.each([
  ["interpreter", false],
  ["compiled", true],
])("REP MOVS / REP STOS over many pages (%s)", (_name, jit) => {
  it("give the element-by-element results and registers", () => {
    const { cpu, memory } = machine(jit, COPIES);
    memory.write8(0x2000, 0xab);
    for (let k = 0; k < 12000; k++) memory.write8(0x10000 + k, (k * 7) & 0xff);
    expect(cpu.run(1000)).toBe(Exit.Halt);
    expect(Array.from(memory.readBytes(0x2001, 300)).every((b) => b === 0xab)).toBe(true);
    expect(memory.read8(0x2001 + 300)).toBe(0);
    for (let k = 0; k < 12000; k += 997) expect(memory.read8(0x20003 + k)).toBe((k * 7) & 0xff);
    expect(memory.read8(0x20003 + 11999)).toBe((11999 * 7) & 0xff);
    expect(memory.read8(0x20003 + 12000)).toBe(0);
    expect(memory.read16(0x40000)).toBe(0xbeef);
    expect(memory.read16(0x40000 + 9998)).toBe(0xbeef);
    expect(memory.read16(0x40000 + 10000)).toBe(0);
    expect(memory.read8(0x50000)).toBe(0);
    expect(memory.read8(0x50001)).toBe(0xef);
    expect(memory.read8(0x50001 + 9999)).toBe(0xef);
    expect(memory.read8(0x50001 + 10000)).toBe(0);
    expect(cpu.r32[1]).toBe(0);
    expect(cpu.r32[6]).toBe(0x10000 + 12000);
    expect(cpu.r32[7]).toBe(0x50001 + 10000);
  });

  it("follow the page tables at each source and destination page end (kernel addresses, scattered frames)", () => {
    // Linear 0xC0010000 maps frame 0x10, 0xC0011000 maps frame 0x50, 0xC0020000 frame 0x20: a copy of
    // 16 dwords from 0xC0010FF0 reads 4 from frame 0x10 and 12 from frame 0x50.
    const code = [0xbe, ...le32(0xc0010ff0), 0xbf, ...le32(0xc0020ffc), 0xb9, ...le32(16), 0xf3, 0xa5, 0xf4];
    const { cpu, memory } = machine(jit, code);
    const directory = 0x90000;
    const table = 0x91000;
    memory.write32(directory, table | 3);
    memory.write32(directory + (0xc0000000 >>> 22) * 4, table | 3);
    for (let page = 0; page < 1024; page++) memory.write32(table + page * 4, (page << 12) | 3);
    memory.write32(table + 0x11 * 4, (0x50 << 12) | 3);
    memory.write32(table + 0x21 * 4, (0x60 << 12) | 3);
    for (let k = 0; k < 16; k++) memory.write8(0x10ff0 + k, 0x10 + k);
    for (let k = 0; k < 48; k++) memory.write8(0x50000 + k, 0x80 + k);
    writeCr3(cpu, directory);
    writeCr0(cpu, cpu.cr0 | 0x80000000);
    expect(cpu.run(1000)).toBe(Exit.Halt);
    const copied = [...memory.readBytes(0x20ffc, 4), ...memory.readBytes(0x60000, 60)];
    expect(copied).toEqual([...Array.from({ length: 16 }, (_, k) => 0x10 + k), ...Array.from({ length: 48 }, (_, k) => 0x80 + k)]);
  });

  it("see a copy onto code that has run as self-modifying code", () => {
    const code = [
      0xe8, ...le32(0x3000 - 0x1005), // call 0x3000
      0x89, 0xc3, // mov ebx, eax
      0xbe, ...le32(0x2000), 0xbf, ...le32(0x3000), 0xb9, ...le32(6), 0xf3, 0xa4, // rep movsb the new code over it
      0xe8, ...le32(0x3000 - 0x101d), // call 0x3000
      0xf4,
    ];
    const { cpu, memory } = machine(jit, code);
    memory.writeBytes(0x3000, new Uint8Array([0xb8, 1, 0, 0, 0, 0xc3])); // mov eax, 1; ret
    memory.writeBytes(0x2000, new Uint8Array([0xb8, 2, 0, 0, 0, 0xc3])); // mov eax, 2; ret
    expect(cpu.run(1000)).toBe(Exit.Halt);
    expect(cpu.r32[3]).toBe(1);
    expect(cpu.r32[0]).toBe(2);
  });
});
