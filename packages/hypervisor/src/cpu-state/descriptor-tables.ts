/**
 * The real x86 tables the CPU uses while a domain runs, kept per domain in
 * hypervisor frames mapped in the per-domain area of the hole:
 *
 * - the GDT: entries 0-255 and 296 up are copies of the guest's validated
 *   GDT frames (set_gdt, update_descriptor); entries 256-295 are the
 *   hypervisor's (flat ring-1/ring-3 segments, its own ring-0 segments, the
 *   TSS and LDT descriptors). Keeping a validated copy rather than mapping
 *   the guest frames has the same effect for the guest (those frames are
 *   typed GDT, so every change goes through update_descriptor) and keeps the
 *   CPU's accessed-bit writes out of guest memory.
 * - the IDT: every vector is a DPL-0 gate (so `int n` from the guest raises
 *   #GP with the vector in the error code, which the hypervisor checks
 *   against the guest's trap table), except the hypercall vector 0x82 (DPL 1:
 *   ring 1 may call, ring 3 may not), int3 and into (DPL 3, as on Linux), and
 *   the fast trap: a real trap gate straight into the guest's ring-1
 *   handler. Every vector but the fast trap is in the CPU's intercept
 *   bitmap, so no gate but that one is ever entered.
 * - the LDT shadow: validated copies of the guest's LDT pages.
 */
import type { PhysicalMemory } from "@xeno86/mmu";
import { FLAT_RING1_CS, FLAT_RING1_DS, FLAT_RING3_CS, FLAT_RING3_DS } from "./descriptors";
import { GateType, SegmentType, SystemDescriptorType, gateDescriptor, segmentDescriptor, systemDescriptor } from "./descriptor-encoding";
import {
  GDT_ENTRY_LDT,
  GDT_ENTRY_RING0_CS,
  GDT_ENTRY_RING0_DS,
  GDT_ENTRY_RING1_CS,
  GDT_ENTRY_RING1_DS,
  GDT_ENTRY_RING3_CS,
  GDT_ENTRY_RING3_DS,
  GDT_ENTRY_TSS,
  GDT_PAGES,
  LDT_VIRT,
  RING0_CS,
  TSS_VIRT,
} from "../layout";
import { HYPERCALL_VECTOR } from "../abi";

/** Guest segments end at 0xFC3FFFFF: limit 0xFC3FF pages. */
const GUEST_FLAT_LIMIT_PAGES = 0xfc3ff;
const FULL_LIMIT_PAGES = 0xfffff;
export const TSS_LIMIT = 0x67;

/** The reserved entries every domain's GDT carries, as [index, low, high]. */
export function reservedGdtEntries(): Array<[number, number, number]> {
  const entries: Array<[number, [number, number]]> = [
    [GDT_ENTRY_RING0_CS, segmentDescriptor(0, FULL_LIMIT_PAGES, SegmentType.CODE_READ, 0, true)],
    [GDT_ENTRY_RING0_DS, segmentDescriptor(0, FULL_LIMIT_PAGES, SegmentType.DATA_WRITE, 0, true)],
    [GDT_ENTRY_RING1_CS, segmentDescriptor(0, GUEST_FLAT_LIMIT_PAGES, SegmentType.CODE_READ, 1, true)],
    [GDT_ENTRY_RING1_DS, segmentDescriptor(0, GUEST_FLAT_LIMIT_PAGES, SegmentType.DATA_WRITE, 1, true)],
    [GDT_ENTRY_RING3_CS, segmentDescriptor(0, GUEST_FLAT_LIMIT_PAGES, SegmentType.CODE_READ, 3, true)],
    [GDT_ENTRY_RING3_DS, segmentDescriptor(0, GUEST_FLAT_LIMIT_PAGES, SegmentType.DATA_WRITE, 3, true)],
    [GDT_ENTRY_TSS, systemDescriptor(TSS_VIRT, TSS_LIMIT, SystemDescriptorType.TSS32_BUSY)],
  ];
  return entries.map(([index, [low, high]]) => [index, low, high]);
}

/** The ABI's flat selectors, for the test that they match the entries above. */
export const FLAT_SELECTORS = { FLAT_RING1_CS, FLAT_RING1_DS, FLAT_RING3_CS, FLAT_RING3_DS } as const;

export class DomainDescriptorTables {
  constructor(
    private readonly memory: PhysicalMemory,
    readonly idtFrame: number,
    /** Machine frames of the GDT shadow (page i holds entries 512i..512i+511); grown by the owner on demand. */
    readonly gdtFrames: number[],
    /** Machine frames of the LDT shadow, likewise. */
    readonly ldtFrames: number[] = [],
  ) {}

  /** How many GDT pages `entries` descriptors need (at most GDT_PAGES). */
  static gdtPagesFor(entries: number): number {
    return Math.min(GDT_PAGES, Math.ceil(entries / 512));
  }

  private gdtAddress(index: number): number {
    return this.gdtFrames[index >>> 9] * 4096 + (index & 511) * 8;
  }

  readGdt(index: number, into: Int32Array): void {
    const address = this.gdtAddress(index);
    into[0] = this.memory.read32(address);
    into[1] = this.memory.read32(address + 4);
  }

  writeGdt(index: number, low: number, high: number): void {
    const address = this.gdtAddress(index);
    this.memory.write32(address, low);
    this.memory.write32(address + 4, high);
  }

  writeLdt(index: number, low: number, high: number): void {
    const address = this.ldtFrames[index >>> 9] * 4096 + (index & 511) * 8;
    this.memory.write32(address, low);
    this.memory.write32(address + 4, high);
  }

  readLdt(index: number, into: Int32Array): void {
    const address = this.ldtFrames[index >>> 9] * 4096 + (index & 511) * 8;
    into[0] = this.memory.read32(address);
    into[1] = this.memory.read32(address + 4);
  }

  /** Resets the GDT to the hypervisor's default: nothing but the reserved entries. */
  initializeGdt(): void {
    for (const frame of this.gdtFrames) this.memory.ram8.fill(0, frame * 4096, frame * 4096 + 4096);
    for (const [index, low, high] of reservedGdtEntries()) this.writeGdt(index, low, high);
  }

  setLdtDescriptor(entries: number): void {
    if (entries === 0) this.writeGdt(GDT_ENTRY_LDT, 0, 0);
    else {
      const [low, high] = systemDescriptor(LDT_VIRT, entries * 8 - 1, SystemDescriptorType.LDT);
      this.writeGdt(GDT_ENTRY_LDT, low, high);
    }
  }

  /** Fills the IDT with the gates described at the top of this module. */
  initializeIdt(): void {
    for (let vector = 0; vector < 256; vector++) this.setDefaultGate(vector);
  }

  setDefaultGate(vector: number): void {
    const dpl = vector === HYPERCALL_VECTOR ? 1 : vector === 3 || vector === 4 ? 3 : 0;
    const [low, high] = gateDescriptor(RING0_CS, 0, GateType.INTERRUPT, dpl);
    this.writeIdt(vector, low, high);
  }

  setFastTrapGate(vector: number, cs: number, eip: number, dpl: number): void {
    const [low, high] = gateDescriptor(cs, eip, GateType.TRAP, dpl);
    this.writeIdt(vector, low, high);
  }

  private writeIdt(vector: number, low: number, high: number): void {
    const address = this.idtFrame * 4096 + vector * 8;
    this.memory.write32(address, low);
    this.memory.write32(address + 4, high);
  }
}
