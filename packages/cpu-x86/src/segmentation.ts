/**
 * Segment descriptors and segment-register loads (SDM vol. 3, ch. 3 and 5).
 *
 * The CPU keeps, per segment register, the selector and a descriptor cache:
 * base, byte-granular limit and an attribute word (`SegmentAttr`). Real mode
 * and virtual-8086 mode derive the base from the selector; protected mode
 * reads the descriptor from the GDT or LDT and checks type, privilege and
 * presence, with the error codes the hardware reports.
 */
import type { Cpu } from "./cpu";
import { Vector, selectorErrorCode } from "./exceptions";
import { Seg } from "./registers";

/** The attribute word: the descriptor's access byte plus its G/D/L/AVL nibble in bits 8-11. */
export const SegmentAttr = {
  ACCESSED: 0x01,
  /** Data: writable. */
  WRITABLE: 0x02,
  /** Code: readable. */
  READABLE: 0x02,
  /** Data: expand-down. */
  EXPAND_DOWN: 0x04,
  /** Code: conforming. */
  CONFORMING: 0x04,
  CODE: 0x08,
  /** Code or data (not a system descriptor). */
  NON_SYSTEM: 0x10,
  DPL_SHIFT: 5,
  DPL_MASK: 0x60,
  PRESENT: 0x80,
  AVL: 0x100,
  /** Default size: 32-bit code / 32-bit stack pointer / 4 GiB expand-down upper bound. */
  DB: 0x400,
  GRANULARITY: 0x800,
  /** Present, DPL 0, read/write data, accessed. */
  DATA_RW_PRESENT: 0x93,
  /** Present, DPL 0, readable code, accessed. */
  CODE_RX_PRESENT: 0x9b,
} as const;

/** System descriptor types (the type nibble when NON_SYSTEM is clear). */
export const SystemType = {
  TSS16_AVAILABLE: 0x1,
  LDT: 0x2,
  TSS16_BUSY: 0x3,
  CALL_GATE16: 0x4,
  TASK_GATE: 0x5,
  INTERRUPT_GATE16: 0x6,
  TRAP_GATE16: 0x7,
  TSS32_AVAILABLE: 0x9,
  TSS32_BUSY: 0xb,
  CALL_GATE32: 0xc,
  INTERRUPT_GATE32: 0xe,
  TRAP_GATE32: 0xf,
} as const;

// ---- decoding the two descriptor words ----

export function descriptorBase(low: number, high: number): number {
  return ((low >>> 16) | ((high & 0xff) << 16) | (high & 0xff000000)) | 0;
}

/** Byte-granular limit (scaled by 4 KiB when G is set). */
export function descriptorLimit(low: number, high: number): number {
  const raw = (low & 0xffff) | (high & 0xf0000);
  return (high & 0x800000) !== 0 ? ((raw << 12) | 0xfff) | 0 : raw;
}

export function descriptorAttr(high: number): number {
  return ((high >>> 8) & 0xff) | (((high >>> 20) & 0xf) << 8);
}

export function attrDpl(attr: number): number {
  return (attr & SegmentAttr.DPL_MASK) >>> SegmentAttr.DPL_SHIFT;
}

/**
 * Reads the 8-byte descriptor for `selector` from the GDT or LDT into
 * `cpu.descriptor` ([low, high]) and returns its linear address (unsigned), or -1 when
 * the index lies beyond the table's limit.
 */
export function readDescriptor(cpu: Cpu, selector: number): number {
  const local = (selector & 4) !== 0;
  const tableBase = local ? cpu.ldtBase : cpu.gdtBase;
  const tableLimit = local ? cpu.ldtLimit : cpu.gdtLimit;
  if (local && (cpu.ldtSelector & 0xfffc) === 0) return -1;
  const offset = selector & 0xfff8;
  if (offset + 7 > tableLimit >>> 0) return -1;
  // Unsigned, so a table in the upper half of the address space is not mistaken for a failure.
  const address = (tableBase + offset) >>> 0;
  cpu.descriptor[0] = cpu.mmu.readSupervisor32(address);
  cpu.descriptor[1] = cpu.mmu.readSupervisor32((address + 4) >>> 0);
  return address;
}

/** Sets the accessed bit of a code/data descriptor in memory (hardware does this on every load). */
export function markAccessed(cpu: Cpu, address: number): void {
  const high = cpu.descriptor[1];
  if ((high & 0x100) === 0) {
    cpu.descriptor[1] = high | 0x100;
    cpu.mmu.writeSupervisor8((address + 5) | 0, (high >>> 8) | 1);
  }
}

/** Writes a segment register's selector and cache, and refreshes what depends on it. */
export function setSegmentCache(cpu: Cpu, seg: number, selector: number, base: number, limit: number, attr: number): void {
  cpu.segSelector[seg] = selector;
  cpu.segBase[seg] = base;
  cpu.segLimit[seg] = limit;
  cpu.segAttr[seg] = attr;
  cpu.updateSegmentChecks(seg);
  if (seg === Seg.CS || seg === Seg.SS) cpu.updateCodeSize();
}

/** Loads the cache from `cpu.descriptor`. */
export function setSegmentFromDescriptor(cpu: Cpu, seg: number, selector: number): void {
  const low = cpu.descriptor[0];
  const high = cpu.descriptor[1];
  setSegmentCache(cpu, seg, selector, descriptorBase(low, high), descriptorLimit(low, high), descriptorAttr(high));
}

/** Real-mode style cache (base = selector * 16), used at reset and by real-mode and V86 loads. */
export function setRealModeSegment(cpu: Cpu, seg: number, selector: number, limit: number, attr: number): void {
  setSegmentCache(cpu, seg, selector & 0xffff, (selector & 0xffff) << 4, limit, attr);
}

/** A null selector loaded into a data segment register: the register becomes unusable. */
function setNullSegment(cpu: Cpu, seg: number, selector: number): void {
  setSegmentCache(cpu, seg, selector, 0, 0, 0);
}

/**
 * MOV Sreg / POP Sreg / LDS-style loads of ES, SS, DS, FS, GS (CS only moves
 * by far transfers). Faults: #GP(selector) for a bad selector or type or
 * privilege, #NP(selector) (or #SS(selector) for SS) when not present.
 */
export function loadSegment(cpu: Cpu, seg: number, selector: number): void {
  selector &= 0xffff;
  if ((cpu.cr0 & 1) === 0) {
    // Real mode keeps the cached limit and attributes ("unreal mode").
    cpu.segSelector[seg] = selector;
    cpu.segBase[seg] = selector << 4;
    cpu.updateSegmentChecks(seg);
    return;
  }
  if (cpu.v86Mode) {
    setRealModeSegment(cpu, seg, selector, 0xffff, SegmentAttr.DATA_RW_PRESENT | (3 << SegmentAttr.DPL_SHIFT));
    return;
  }
  if (seg === Seg.CS) cpu.raiseUD();
  const rpl = selector & 3;
  const cpl = cpu.cpl;
  if ((selector & 0xfffc) === 0) {
    if (seg === Seg.SS) cpu.raiseGP(0);
    setNullSegment(cpu, seg, selector);
    return;
  }
  const address = readDescriptor(cpu, selector);
  if (address < 0) cpu.raiseGP(selectorErrorCode(selector));
  const attr = descriptorAttr(cpu.descriptor[1]);
  const dpl = attrDpl(attr);
  if ((attr & SegmentAttr.NON_SYSTEM) === 0) cpu.raiseGP(selectorErrorCode(selector));
  const code = (attr & SegmentAttr.CODE) !== 0;
  if (seg === Seg.SS) {
    if (rpl !== cpl || dpl !== cpl || code || (attr & SegmentAttr.WRITABLE) === 0) cpu.raiseGP(selectorErrorCode(selector));
    if ((attr & SegmentAttr.PRESENT) === 0) cpu.raise(Vector.SS, selectorErrorCode(selector));
  } else {
    if (code && (attr & SegmentAttr.READABLE) === 0) cpu.raiseGP(selectorErrorCode(selector));
    const conformingCode = code && (attr & SegmentAttr.CONFORMING) !== 0;
    if (!conformingCode && (rpl > dpl || cpl > dpl)) cpu.raiseGP(selectorErrorCode(selector));
    if ((attr & SegmentAttr.PRESENT) === 0) cpu.raise(Vector.NP, selectorErrorCode(selector));
  }
  markAccessed(cpu, address);
  setSegmentFromDescriptor(cpu, seg, selector);
}

/**
 * After a privilege change to an outer level (RET/IRET to a lower privilege),
 * data segment registers whose descriptors the new CPL may not use become null.
 */
export function invalidateOuterSegments(cpu: Cpu): void {
  for (const seg of [Seg.ES, Seg.DS, Seg.FS, Seg.GS]) {
    const attr = cpu.segAttr[seg];
    const dpl = attrDpl(attr);
    const code = (attr & SegmentAttr.CODE) !== 0;
    const conforming = code && (attr & SegmentAttr.CONFORMING) !== 0;
    if ((cpu.segSelector[seg] & 0xfffc) === 0 || (!conforming && dpl < cpu.cpl)) {
      setNullSegment(cpu, seg, 0);
    }
  }
}
