/**
 * Hardware task switches through a TSS (SDM vol. 3, 7.3): by JMP or CALL to a
 * TSS or task gate, by an interrupt through a task gate (Linux uses one for
 * double faults), and by IRET with NT set (back to the previous task).
 *
 * Order: check the new TSS descriptor; save the current state into the old
 * TSS; update busy bits and the back link; load TR, CR3 and the registers
 * from the new TSS; then load LDTR and the segment registers, whose faults
 * (#TS and friends) are taken in the context of the new task.
 */
import type { Cpu } from "./cpu";
import { Flag } from "./eflags";
import { Vector, selectorErrorCode } from "./exceptions";
import { Seg } from "./registers";
import {
  SegmentAttr,
  SystemType,
  attrDpl,
  descriptorAttr,
  descriptorBase,
  descriptorLimit,
  markAccessed,
  readDescriptor,
  setRealModeSegment,
  setSegmentCache,
  setSegmentFromDescriptor,
} from "./segmentation";
import { writeCr3 } from "./control-registers";

export const TaskSwitchReason = { Jump: 0, CallOrInterrupt: 1, Iret: 2 } as const;

/** 32-bit TSS field offsets. */
const TSS32 = { BACKLINK: 0, CR3: 0x1c, EIP: 0x20, EFLAGS: 0x24, EAX: 0x28, ES: 0x48, LDT: 0x60, TRAP: 0x64, MIN_LIMIT: 0x67 };
/** 16-bit TSS field offsets. */
const TSS16 = { BACKLINK: 0, IP: 0x0e, FLAGS: 0x10, AX: 0x12, ES: 0x22, LDT: 0x2a, MIN_LIMIT: 0x2b };

/**
 * Switches to the task of `selector`. `returnEip` is saved as the outgoing task's EIP;
 * `cpu.eip` is left alone until the switch commits, so a fault raised before that
 * reports the instruction (or event) that asked for the switch.
 */
export function taskSwitch(cpu: Cpu, selector: number, reason: number, external: boolean, returnEip: number): void {
  const ext = external ? 1 : 0;
  const mmu = cpu.mmu;
  if ((selector & 4) !== 0 || (selector & 0xfffc) === 0) cpu.raiseGP(selectorErrorCode(selector) | ext);
  const descriptorAddress = readDescriptor(cpu, selector);
  if (descriptorAddress < 0) cpu.raiseGP(selectorErrorCode(selector) | ext);
  const low = cpu.descriptor[0];
  const high = cpu.descriptor[1];
  const attr = descriptorAttr(high);
  const type = attr & 0x1f;
  const wantBusy = reason === TaskSwitchReason.Iret;
  const validType = wantBusy
    ? type === SystemType.TSS32_BUSY || type === SystemType.TSS16_BUSY
    : type === SystemType.TSS32_AVAILABLE || type === SystemType.TSS16_AVAILABLE;
  if (!validType) {
    if (reason === TaskSwitchReason.Iret) cpu.raise(Vector.TS, selectorErrorCode(selector) | ext);
    cpu.raiseGP(selectorErrorCode(selector) | ext);
  }
  if ((attr & SegmentAttr.PRESENT) === 0) cpu.raise(Vector.NP, selectorErrorCode(selector) | ext);
  const new32 = (type & 8) !== 0;
  const newBase = descriptorBase(low, high);
  const newLimit = descriptorLimit(low, high);
  if (newLimit >>> 0 < (new32 ? TSS32.MIN_LIMIT : TSS16.MIN_LIMIT)) cpu.raise(Vector.TS, selectorErrorCode(selector) | ext);

  // Read everything from the new TSS first (a page fault here leaves the old task intact).
  const image = readTaskImage(cpu, newBase, new32);

  // ---- save the outgoing task ----
  let eflags = cpu.getEflags();
  if (reason === TaskSwitchReason.Iret) eflags &= ~Flag.NT;
  const oldBase = cpu.trBase;
  if ((cpu.trType & 8) !== 0) {
    mmu.writeSupervisor32((oldBase + TSS32.EIP) | 0, returnEip);
    mmu.writeSupervisor32((oldBase + TSS32.EFLAGS) | 0, eflags);
    for (let r = 0; r < 8; r++) mmu.writeSupervisor32((oldBase + TSS32.EAX + r * 4) | 0, cpu.r32[r]);
    for (let s = 0; s < 6; s++) mmu.writeSupervisor16((oldBase + TSS32.ES + s * 4) | 0, cpu.segSelector[s]);
  } else {
    mmu.writeSupervisor16((oldBase + TSS16.IP) | 0, returnEip);
    mmu.writeSupervisor16((oldBase + TSS16.FLAGS) | 0, eflags);
    for (let r = 0; r < 8; r++) mmu.writeSupervisor16((oldBase + TSS16.AX + r * 2) | 0, cpu.r32[r]);
    for (let s = 0; s < 4; s++) mmu.writeSupervisor16((oldBase + TSS16.ES + s * 2) | 0, cpu.segSelector[s]);
  }

  // ---- busy bits and back link ----
  if (reason !== TaskSwitchReason.CallOrInterrupt) setBusy(cpu, cpu.trSelector, false);
  if (reason === TaskSwitchReason.CallOrInterrupt) {
    mmu.writeSupervisor16(newBase, cpu.trSelector);
    image.eflags |= Flag.NT;
  }
  if (reason !== TaskSwitchReason.Iret) setBusy(cpu, selector, true);

  // ---- load the incoming task ----
  cpu.trSelector = selector;
  cpu.trBase = newBase;
  cpu.trLimit = newLimit;
  cpu.trType = new32 ? SystemType.TSS32_BUSY : SystemType.TSS16_BUSY;
  cpu.cr0 |= 8; // TS: the FPU state belongs to the previous task
  if (new32 && (cpu.cr0 & 0x80000000) !== 0) writeCr3(cpu, image.cr3);
  cpu.eip = image.eip;
  cpu.nextEip = image.eip;
  cpu.lazyMask = 0;
  cpu.storedFlags = (image.eflags & 0x3f7fd7) | Flag.FIXED1;
  for (let r = 0; r < 8; r++) {
    if (new32) cpu.r32[r] = image.regs[r];
    else cpu.r16[r << 1] = image.regs[r];
  }
  // Selectors are loaded raw first so that a fault below reports in the new task.
  for (let s = 0; s < 6; s++) cpu.segSelector[s] = image.segments[s];

  loadTaskLdt(cpu, image.ldt, ext);
  if ((cpu.storedFlags & Flag.VM) !== 0) {
    for (let s = 0; s < 6; s++) setRealModeSegment(cpu, s, image.segments[s], 0xffff, SegmentAttr.DATA_RW_PRESENT | 0x60);
    cpu.setCpl(3);
  } else {
    loadTaskSegments(cpu, image.segments, ext);
  }
  cpu.updateAllSegmentChecks();
  cpu.updateCodeSize();
  if (cpu.segLimit[Seg.CS] !== -1 && (cpu.eip >>> 0) > cpu.segLimit[Seg.CS] >>> 0) cpu.raiseGP(0);
}

interface TaskImage {
  cr3: number;
  eip: number;
  eflags: number;
  regs: Int32Array;
  segments: number[];
  ldt: number;
}

function readTaskImage(cpu: Cpu, base: number, tss32: boolean): TaskImage {
  const mmu = cpu.mmu;
  const regs = new Int32Array(8);
  const segments = [0, 0, 0, 0, 0, 0];
  if (tss32) {
    for (let r = 0; r < 8; r++) regs[r] = mmu.readSupervisor32((base + TSS32.EAX + r * 4) | 0);
    for (let s = 0; s < 6; s++) segments[s] = mmu.readSupervisor16((base + TSS32.ES + s * 4) | 0);
    return {
      cr3: mmu.readSupervisor32((base + TSS32.CR3) | 0),
      eip: mmu.readSupervisor32((base + TSS32.EIP) | 0),
      eflags: mmu.readSupervisor32((base + TSS32.EFLAGS) | 0),
      regs,
      segments,
      ldt: mmu.readSupervisor16((base + TSS32.LDT) | 0),
    };
  }
  for (let r = 0; r < 8; r++) regs[r] = mmu.readSupervisor16((base + TSS16.AX + r * 2) | 0);
  for (let s = 0; s < 4; s++) segments[s] = mmu.readSupervisor16((base + TSS16.ES + s * 2) | 0);
  return {
    cr3: cpu.cr3,
    eip: mmu.readSupervisor16((base + TSS16.IP) | 0),
    eflags: mmu.readSupervisor16((base + TSS16.FLAGS) | 0) | (cpu.storedFlags & 0xffff0000),
    regs,
    segments,
    ldt: mmu.readSupervisor16((base + TSS16.LDT) | 0),
  };
}

/** Sets or clears the busy bit (type bit 1) of a TSS descriptor in the GDT. */
export function setBusy(cpu: Cpu, selector: number, busy: boolean): void {
  const address = (cpu.gdtBase + (selector & 0xfff8) + 5) | 0;
  const access = cpu.mmu.readSupervisor8(address);
  cpu.mmu.writeSupervisor8(address, busy ? access | 2 : access & ~2);
}

function loadTaskLdt(cpu: Cpu, selector: number, ext: number): void {
  cpu.ldtSelector = selector;
  if ((selector & 0xfffc) === 0) {
    cpu.ldtBase = 0;
    cpu.ldtLimit = 0;
    return;
  }
  if ((selector & 4) !== 0) cpu.raise(Vector.TS, selectorErrorCode(selector) | ext);
  cpu.ldtSelector = 0; // read from the GDT
  const address = readDescriptor(cpu, selector);
  cpu.ldtSelector = selector;
  if (address < 0) cpu.raise(Vector.TS, selectorErrorCode(selector) | ext);
  const attr = descriptorAttr(cpu.descriptor[1]);
  if ((attr & 0x1f) !== SystemType.LDT) cpu.raise(Vector.TS, selectorErrorCode(selector) | ext);
  if ((attr & SegmentAttr.PRESENT) === 0) cpu.raise(Vector.TS, selectorErrorCode(selector) | ext);
  cpu.ldtBase = descriptorBase(cpu.descriptor[0], cpu.descriptor[1]);
  cpu.ldtLimit = descriptorLimit(cpu.descriptor[0], cpu.descriptor[1]);
}

/** Loads CS, SS and the data segments of the new task with #TS checks (and their accessed bits); CPL becomes CS.RPL. */
function loadTaskSegments(cpu: Cpu, selectors: number[], ext: number): void {
  const cs = selectors[Seg.CS];
  const cpl = cs & 3;
  const fail = (selector: number): never => cpu.raise(Vector.TS, selectorErrorCode(selector) | ext);

  // CS
  let address = (cs & 0xfffc) === 0 ? -1 : readDescriptor(cpu, cs);
  if (address < 0) fail(cs);
  let attr = descriptorAttr(cpu.descriptor[1]);
  if ((attr & (SegmentAttr.NON_SYSTEM | SegmentAttr.CODE)) !== (SegmentAttr.NON_SYSTEM | SegmentAttr.CODE)) fail(cs);
  const conforming = (attr & SegmentAttr.CONFORMING) !== 0;
  if (conforming ? attrDpl(attr) > cpl : attrDpl(attr) !== cpl) fail(cs);
  if ((attr & SegmentAttr.PRESENT) === 0) cpu.raise(Vector.NP, selectorErrorCode(cs) | ext);
  markAccessed(cpu, address);
  setSegmentFromDescriptor(cpu, Seg.CS, cs);
  cpu.setCpl(cpl);

  // SS
  const ss = selectors[Seg.SS];
  address = (ss & 0xfffc) === 0 ? -1 : readDescriptor(cpu, ss);
  if (address < 0) fail(ss);
  attr = descriptorAttr(cpu.descriptor[1]);
  const writableData =
    (attr & (SegmentAttr.NON_SYSTEM | SegmentAttr.CODE | SegmentAttr.WRITABLE)) ===
    (SegmentAttr.NON_SYSTEM | SegmentAttr.WRITABLE);
  if (!writableData || (ss & 3) !== cpl || attrDpl(attr) !== cpl) fail(ss);
  if ((attr & SegmentAttr.PRESENT) === 0) cpu.raise(Vector.SS, selectorErrorCode(ss) | ext);
  markAccessed(cpu, address);
  setSegmentFromDescriptor(cpu, Seg.SS, ss);

  for (const seg of [Seg.ES, Seg.DS, Seg.FS, Seg.GS]) {
    const selector = selectors[seg];
    if ((selector & 0xfffc) === 0) {
      setSegmentCache(cpu, seg, selector, 0, 0, 0);
      continue;
    }
    address = readDescriptor(cpu, selector);
    if (address < 0) fail(selector);
    attr = descriptorAttr(cpu.descriptor[1]);
    const code = (attr & SegmentAttr.CODE) !== 0;
    if ((attr & SegmentAttr.NON_SYSTEM) === 0 || (code && (attr & SegmentAttr.READABLE) === 0)) fail(selector);
    const conformingCode = code && (attr & SegmentAttr.CONFORMING) !== 0;
    if (!conformingCode && ((selector & 3) > attrDpl(attr) || cpl > attrDpl(attr))) fail(selector);
    if ((attr & SegmentAttr.PRESENT) === 0) cpu.raise(Vector.NP, selectorErrorCode(selector) | ext);
    markAccessed(cpu, address);
    setSegmentFromDescriptor(cpu, seg, selector);
  }
}
