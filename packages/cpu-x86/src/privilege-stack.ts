/**
 * Stacks for privilege changes: fetching SS:ESP for an inner ring from the
 * TSS, checking the new stack segment, and writing a frame onto a stack that
 * is not (yet) the current one. Interrupt delivery and call gates share it.
 */
import type { Cpu } from "./cpu";
import { Vector, selectorErrorCode } from "./exceptions";
import { SegmentAttr, attrDpl, descriptorAttr, descriptorBase, descriptorLimit, readDescriptor } from "./segmentation";

/** A stack being written before it becomes SS:ESP: a descriptor cache plus a moving pointer. */
export class PendingStack {
  selector = 0;
  base = 0;
  limit = 0;
  attr = 0;
  pointer = 0;
  /** 32-bit stack pointer (B bit). */
  big = true;
  user = false;
  /** Vector and error code for a limit violation while pushing. */
  faultErrorCode = 0;
  descriptorLow = 0;
  descriptorHigh = 0;
  descriptorAddress = 0;

  /** Starts from the CPU's current SS:ESP. */
  fromCurrent(cpu: Cpu): this {
    this.selector = cpu.segSelector[2];
    this.base = cpu.segBase[2];
    this.limit = cpu.segLimit[2];
    this.attr = cpu.segAttr[2];
    this.big = cpu.stack32;
    this.pointer = this.big ? cpu.r32[4] : cpu.r16[8];
    this.user = cpu.cpl === 3;
    this.faultErrorCode = 0;
    return this;
  }

  push(cpu: Cpu, value: number, size: 2 | 4): void {
    const pointer = this.big ? (this.pointer - size) | 0 : (this.pointer - size) & 0xffff;
    this.checkLimit(cpu, pointer, size);
    const linear = (this.base + pointer) | 0;
    if (size === 4) {
      if (this.user) cpu.mmu.writeSlow(linear, 4, value, true);
      else cpu.mmu.writeSupervisor32(linear, value);
    } else if (this.user) cpu.mmu.writeSlow(linear, 2, value, true);
    else cpu.mmu.writeSupervisor16(linear, value);
    this.pointer = pointer;
  }

  /** Reads `size` bytes at pointer + skip (for copying call-gate parameters from the old stack). */
  read(cpu: Cpu, skip: number, size: 2 | 4): number {
    const pointer = this.big ? (this.pointer + skip) | 0 : (this.pointer + skip) & 0xffff;
    this.checkLimit(cpu, pointer, size);
    const linear = (this.base + pointer) | 0;
    if (this.user) return cpu.mmu.readSlow(linear, size, true);
    return size === 4 ? cpu.mmu.readSupervisor32(linear) : cpu.mmu.readSupervisor16(linear);
  }

  private checkLimit(cpu: Cpu, pointer: number, size: number): void {
    const first = pointer >>> 0;
    const last = first + size - 1;
    const limit = this.limit >>> 0;
    if ((this.attr & SegmentAttr.EXPAND_DOWN) !== 0 && (this.attr & SegmentAttr.CODE) === 0) {
      const upper = (this.attr & SegmentAttr.DB) !== 0 ? 0xffffffff : 0xffff;
      if (first <= limit || last > upper) cpu.raise(Vector.SS, this.faultErrorCode);
    } else if (last > limit) {
      cpu.raise(Vector.SS, this.faultErrorCode);
    }
  }
}

/**
 * Loads the inner-ring stack for privilege level `dpl` from the current TSS
 * into `stack` and checks it the way a privilege change does (#TS for a bad
 * selector or type, #SS when not present). `external` sets EXT in error codes.
 */
export function loadInnerStack(cpu: Cpu, dpl: number, stack: PendingStack, external: boolean): void {
  const ext = external ? 1 : 0;
  const tss32 = (cpu.trType & 8) !== 0;
  const offset = tss32 ? 4 + dpl * 8 : 2 + dpl * 4;
  const size = tss32 ? 8 : 4;
  if (offset + size - 1 > cpu.trLimit >>> 0) cpu.raise(Vector.TS, selectorErrorCode(cpu.trSelector) | ext);
  let ss: number;
  let sp: number;
  if (tss32) {
    sp = cpu.mmu.readSupervisor32((cpu.trBase + offset) | 0);
    ss = cpu.mmu.readSupervisor16((cpu.trBase + offset + 4) | 0);
  } else {
    sp = cpu.mmu.readSupervisor16((cpu.trBase + offset) | 0);
    ss = cpu.mmu.readSupervisor16((cpu.trBase + offset + 2) | 0);
  }
  if ((ss & 0xfffc) === 0) cpu.raise(Vector.TS, ext);
  const address = readDescriptor(cpu, ss);
  if (address < 0) cpu.raise(Vector.TS, selectorErrorCode(ss) | ext);
  const low = cpu.descriptor[0];
  const high = cpu.descriptor[1];
  const attr = descriptorAttr(high);
  const writableData =
    (attr & (SegmentAttr.NON_SYSTEM | SegmentAttr.CODE | SegmentAttr.WRITABLE)) ===
    (SegmentAttr.NON_SYSTEM | SegmentAttr.WRITABLE);
  if ((ss & 3) !== dpl || attrDpl(attr) !== dpl || !writableData) cpu.raise(Vector.TS, selectorErrorCode(ss) | ext);
  if ((attr & SegmentAttr.PRESENT) === 0) cpu.raise(Vector.SS, selectorErrorCode(ss) | ext);
  stack.selector = ss;
  stack.base = descriptorBase(low, high);
  stack.limit = descriptorLimit(low, high);
  stack.attr = attr;
  stack.big = (attr & SegmentAttr.DB) !== 0;
  stack.pointer = stack.big ? sp : sp & 0xffff;
  stack.user = dpl === 3;
  stack.faultErrorCode = selectorErrorCode(ss) | ext;
  stack.descriptorLow = low;
  stack.descriptorHigh = high;
  stack.descriptorAddress = address;
}

/** Makes a pending stack the CPU's SS:ESP. */
export function commitStack(cpu: Cpu, stack: PendingStack): void {
  cpu.segSelector[2] = stack.selector;
  cpu.segBase[2] = stack.base;
  cpu.segLimit[2] = stack.limit;
  cpu.segAttr[2] = stack.attr;
  cpu.updateSegmentChecks(2);
  cpu.updateCodeSize();
  if (cpu.stack32) cpu.r32[4] = stack.pointer;
  else cpu.r16[8] = stack.pointer;
}
