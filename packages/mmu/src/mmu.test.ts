/**
 * The paging walker and TLB, against the rules of the Intel SDM vol. 3 ch. 4
 * (32-bit paging): permissions, accessed/dirty bits, 4 MiB pages, reserved
 * bits, error codes, and which flushes drop which translations.
 */
import { describe, expect, it } from "vitest";
import { Mmu, PageFault } from "./mmu";
import { PageFaultCode } from "./page-walker";
import { PhysicalMemory } from "./physical-memory";
import { TlbFlag } from "./tlb-entry";

const P = 1;
const RW = 2;
const US = 4;
const A = 0x20;
const D = 0x40;
const PS = 0x80;
const G = 0x100;
const PD = 0x100000;
const PT = 0x101000;

function setup() {
  const memory = new PhysicalMemory(16 << 20);
  const mmu = new Mmu(memory);
  memory.write32(PD, PT | P | RW | US);
  mmu.setCr3(PD);
  mmu.setPagingMode(true, true, true, true);
  const map = (linearPage: number, frame: number, flags: number) => memory.write32(PT + linearPage * 4, (frame << 12) | flags);
  return { memory, mmu, map };
}

function faultOf(action: () => unknown): PageFault {
  try {
    action();
  } catch (error) {
    if (error instanceof PageFault) return { linear: error.linear, errorCode: error.errorCode } as PageFault;
    throw error;
  }
  throw new Error("expected a page fault");
}

describe("page walk", () => {
  it("translates 4 KiB pages and sets the accessed and dirty bits when hardware does", () => {
    const { memory, mmu, map } = setup();
    map(0x10, 0x200, P | RW | US);
    memory.write32(0x200004, 0xdeadbeef);
    expect(mmu.read32(0x10004) >>> 0).toBe(0xdeadbeef);
    expect(memory.read32(PD) & A).toBe(A);
    expect(memory.read32(PT + 0x40) & (A | D)).toBe(A);
    mmu.write32(0x10008, 7);
    expect(memory.read32(PT + 0x40) & (A | D)).toBe(A | D);
    expect(memory.read32(0x200008)).toBe(7);
  });

  it("reports not-present and protection faults with exact error codes and addresses", () => {
    const { mmu, map } = setup();
    map(0x11, 0x201, P | US); // read-only user page
    map(0x12, 0x202, P | RW); // supervisor page
    expect(faultOf(() => mmu.read8(0x13000))).toEqual({ linear: 0x13000, errorCode: 0 });
    mmu.setUserMode(true);
    expect(faultOf(() => mmu.write8(0x11003, 1))).toEqual({ linear: 0x11003, errorCode: PageFaultCode.PRESENT | PageFaultCode.WRITE | PageFaultCode.USER });
    expect(faultOf(() => mmu.read32(0x12000))).toEqual({ linear: 0x12000, errorCode: PageFaultCode.PRESENT | PageFaultCode.USER });
    expect(faultOf(() => mmu.write16(0x13ffe, 1))).toEqual({ linear: 0x13ffe, errorCode: PageFaultCode.WRITE | PageFaultCode.USER });
  });

  it("lets supervisor writes through read-only pages only while CR0.WP is clear", () => {
    const { memory, mmu, map } = setup();
    map(0x11, 0x201, P | US);
    expect(faultOf(() => mmu.write8(0x11000, 1)).errorCode).toBe(PageFaultCode.PRESENT | PageFaultCode.WRITE);
    mmu.setPagingMode(true, false, true, true);
    mmu.write8(0x11000, 0x5a);
    expect(memory.read8(0x201000)).toBe(0x5a);
  });

  it("maps 4 MiB pages with CR4.PSE and faults on their reserved bits", () => {
    const { memory, mmu } = setup();
    memory.write32(PD + 4 * 4, 0x00c00000 | P | RW | PS);
    memory.write32(0xc12345, 0x01020304);
    expect(mmu.read32(0x01012345)).toBe(0x01020304);
    mmu.write8(0x01000000, 0);
    expect(memory.read32(PD + 16) & (A | D)).toBe(A | D);
    memory.write32(PD + 5 * 4, 0x00c00000 | 0x2000 | P | RW | PS);
    expect(faultOf(() => mmu.read8(0x01400000)).errorCode).toBe(PageFaultCode.PRESENT | PageFaultCode.RESERVED);
    // Without PSE the same PDE points at a page table.
    mmu.setPagingMode(true, true, false, false);
    memory.write32(0xc00000, 0x300000 | P | RW);
    memory.write32(0x300000, 0x99);
    expect(mmu.read8(0x01000000)).toBe(0x99);
  });

  it("checks both pages of a crossing write before writing either", () => {
    const { memory, mmu, map } = setup();
    map(0x20, 0x220, P | RW);
    expect(faultOf(() => mmu.write32(0x20ffe, 0x11223344)).linear).toBe(0x21000);
    expect(memory.read16(0x220ffe)).toBe(0);
  });
});

describe("TLB", () => {
  it("keeps using a translation until INVLPG or a CR3 reload", () => {
    const { memory, mmu, map } = setup();
    map(0x30, 0x300, P | RW);
    memory.write8(0x300000, 1);
    memory.write8(0x301000, 2);
    expect(mmu.read8(0x30000)).toBe(1);
    map(0x30, 0x301, P | RW);
    expect(mmu.read8(0x30000)).toBe(1); // stale, as on hardware
    mmu.invalidatePage(0x30000);
    expect(mmu.read8(0x30000)).toBe(2);
    map(0x30, 0x300, P | RW);
    mmu.setCr3(PD);
    expect(mmu.read8(0x30000)).toBe(1);
  });

  it("keeps global pages across CR3 reloads and drops them on INVLPG or a CR4 change", () => {
    const { memory, mmu, map } = setup();
    map(0x40, 0x400, P | RW | G);
    memory.write8(0x400000, 1);
    memory.write8(0x401000, 2);
    expect(mmu.read8(0x40000)).toBe(1);
    map(0x40, 0x401, P | RW | G);
    mmu.setCr3(PD);
    expect(mmu.read8(0x40000)).toBe(1);
    mmu.invalidatePage(0x40000);
    expect(mmu.read8(0x40000)).toBe(2);
    map(0x40, 0x400, P | RW | G);
    mmu.setPagingMode(true, true, true, false);
    expect(mmu.read8(0x40000)).toBe(1);
  });

  it("drops the whole 4 MiB region on INVLPG of a large page", () => {
    const { memory, mmu } = setup();
    memory.write32(PD + 8 * 4, 0x00800000 | P | RW | PS);
    memory.write8(0x801000, 1);
    expect(mmu.read8(0x02001000)).toBe(1);
    memory.write32(PD + 8 * 4, 0x00c00000 | P | RW | PS);
    mmu.invalidatePage(0x02000000);
    memory.write8(0xc01000, 3);
    expect(mmu.read8(0x02001000)).toBe(3);
  });

  it("gives RAM pages one-bit fast paths and takes code pages off the fast write path", () => {
    const { memory, mmu, map } = setup();
    map(0x50, 0x500, P | RW | US);
    mmu.write8(0x50000, 1);
    const entry = mmu.tlb[0x50];
    expect(entry & TlbFlag.FAST_READ_USER).not.toBe(0);
    expect(entry & TlbFlag.FAST_WRITE_USER).not.toBe(0);
    memory.markCodePage(0x500);
    expect(mmu.tlb[0x50] & (TlbFlag.FAST_WRITE_USER | TlbFlag.FAST_WRITE_SUPERVISOR)).toBe(0);
    let notified = -1;
    memory.setCodeWriteListener((page) => {
      notified = page;
      memory.clearCodePage(page);
    });
    mmu.write8(0x50010, 2);
    expect(notified).toBe(0x500);
    expect(mmu.tlb[0x50] & TlbFlag.FAST_WRITE_SUPERVISOR).not.toBe(0);
  });

  it("caches a clean page for reads only, so the first write sets the dirty bit", () => {
    const { memory, mmu, map } = setup();
    map(0x60, 0x600, P | RW);
    mmu.read8(0x60000);
    expect(memory.read32(PT + 0x60 * 4) & D).toBe(0);
    mmu.write8(0x60001, 1);
    expect(memory.read32(PT + 0x60 * 4) & D).toBe(D);
  });

  it("is identity without paging and walks nothing", () => {
    const memory = new PhysicalMemory(1 << 20);
    const mmu = new Mmu(memory);
    mmu.write32(0x1234, 42);
    expect(memory.read32(0x1234)).toBe(42);
    expect(mmu.translate(0xabcdef, false, false)).toBe(0xabcdef);
  });
});
