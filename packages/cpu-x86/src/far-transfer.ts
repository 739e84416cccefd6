/**
 * Far control transfers: JMP/CALL far (to code segments, through call gates,
 * task gates or TSS descriptors), RETF and IRET in real, virtual-8086 and
 * protected mode, with the privilege checks and stack switches of SDM vol. 2
 * (the pseudo-code of CALL, JMP, RET and IRET) and vol. 3 ch. 5.
 *
 * Every check and every stack access happens before registers change; the
 * commit at the end cannot fault.
 */
import type { Cpu } from "./cpu";
import { Flag } from "./eflags";
import { Vector, selectorErrorCode } from "./exceptions";
import { PendingStack, commitStack, loadInnerStack } from "./privilege-stack";
import { Seg } from "./registers";
import {
  SegmentAttr,
  SystemType,
  attrDpl,
  descriptorAttr,
  descriptorBase,
  descriptorLimit,
  invalidateOuterSegments,
  markAccessed,
  readDescriptor,
  setRealModeSegment,
  setSegmentCache,
  setSegmentFromDescriptor,
} from "./segmentation";
import { TaskSwitchReason, taskSwitch } from "./task-switch";

const V86_ATTR = SegmentAttr.DATA_RW_PRESENT | (3 << SegmentAttr.DPL_SHIFT);

function isCode(attr: number): boolean {
  return (attr & (SegmentAttr.NON_SYSTEM | SegmentAttr.CODE)) === (SegmentAttr.NON_SYSTEM | SegmentAttr.CODE);
}

function isWritableData(attr: number): boolean {
  return (
    (attr & (SegmentAttr.NON_SYSTEM | SegmentAttr.CODE | SegmentAttr.WRITABLE)) ===
    (SegmentAttr.NON_SYSTEM | SegmentAttr.WRITABLE)
  );
}

function checkOffsetInLimit(cpu: Cpu, offset: number, limit: number): void {
  if (limit !== -1 && offset >>> 0 > limit >>> 0) cpu.raiseGP(0);
}

/** Loads CS in real or V86 mode. */
function setRealCs(cpu: Cpu, selector: number): void {
  if (cpu.v86Mode) setRealModeSegment(cpu, Seg.CS, selector, 0xffff, V86_ATTR | SegmentAttr.CODE);
  else {
    cpu.segSelector[Seg.CS] = selector & 0xffff;
    cpu.segBase[Seg.CS] = (selector & 0xffff) << 4;
    cpu.updateSegmentChecks(Seg.CS);
  }
}

/** Commits a new CS from `cpu.descriptor` with the given RPL/CPL and jumps to `offset`. */
function commitCs(cpu: Cpu, selector: number, cpl: number, offset: number): void {
  setSegmentFromDescriptor(cpu, Seg.CS, (selector & 0xfffc) | cpl);
  if (cpl !== cpu.cpl) {
    cpu.setCpl(cpl);
    cpu.updateAllSegmentChecks();
  }
  cpu.nextEip = offset;
}

// ======================================================================
// JMP far / CALL far
// ======================================================================

export function jumpFar(cpu: Cpu, selector: number, offset: number, operand16: boolean): void {
  farTransfer(cpu, selector, offset, operand16, false);
}

export function callFar(cpu: Cpu, selector: number, offset: number, operand16: boolean): void {
  farTransfer(cpu, selector, offset, operand16, true);
}

function farTransfer(cpu: Cpu, selector: number, offset: number, operand16: boolean, call: boolean): void {
  selector &= 0xffff;
  if (operand16) offset &= 0xffff;
  if ((cpu.cr0 & 1) === 0 || cpu.v86Mode) {
    if (call) {
      const stack = new PendingStack().fromCurrent(cpu);
      const size = operand16 ? 2 : 4;
      stack.push(cpu, cpu.segSelector[Seg.CS], size);
      stack.push(cpu, cpu.nextEip, size);
      setStackPointer(cpu, stack.pointer);
    }
    checkOffsetInLimit(cpu, offset, cpu.segLimit[Seg.CS]);
    setRealCs(cpu, selector);
    cpu.nextEip = offset;
    return;
  }

  if ((selector & 0xfffc) === 0) cpu.raiseGP(0);
  const address = readDescriptor(cpu, selector);
  if (address < 0) cpu.raiseGP(selectorErrorCode(selector));
  const attr = descriptorAttr(cpu.descriptor[1]);
  const dpl = attrDpl(attr);
  const rpl = selector & 3;
  const cpl = cpu.cpl;

  if (isCode(attr)) {
    if ((attr & SegmentAttr.CONFORMING) !== 0) {
      if (dpl > cpl) cpu.raiseGP(selectorErrorCode(selector));
    } else if (rpl > cpl || dpl !== cpl) cpu.raiseGP(selectorErrorCode(selector));
    if ((attr & SegmentAttr.PRESENT) === 0) cpu.raise(Vector.NP, selectorErrorCode(selector));
    checkOffsetInLimit(cpu, offset, descriptorLimit(cpu.descriptor[0], cpu.descriptor[1]));
    if (call) {
      const stack = new PendingStack().fromCurrent(cpu);
      const size = operand16 ? 2 : 4;
      stack.push(cpu, cpu.segSelector[Seg.CS], size);
      stack.push(cpu, cpu.nextEip, size);
      setStackPointer(cpu, stack.pointer);
    }
    markAccessed(cpu, address);
    commitCs(cpu, selector, cpl, offset);
    return;
  }

  const type = attr & 0x1f;
  switch (type) {
    case SystemType.CALL_GATE16:
    case SystemType.CALL_GATE32:
      throughCallGate(cpu, selector, call);
      return;
    case SystemType.TASK_GATE:
    case SystemType.TSS16_AVAILABLE:
    case SystemType.TSS32_AVAILABLE: {
      if (dpl < cpl || dpl < rpl) cpu.raiseGP(selectorErrorCode(selector));
      if ((attr & SegmentAttr.PRESENT) === 0) cpu.raise(Vector.NP, selectorErrorCode(selector));
      const tss = type === SystemType.TASK_GATE ? cpu.descriptor[0] >>> 16 : selector;
      taskSwitch(cpu, tss, call ? TaskSwitchReason.CallOrInterrupt : TaskSwitchReason.Jump, false, cpu.nextEip);
      cpu.nextEip = cpu.eip;
      return;
    }
    default:
      cpu.raiseGP(selectorErrorCode(selector));
  }
}

function throughCallGate(cpu: Cpu, gateSelector: number, call: boolean): void {
  const gateLow = cpu.descriptor[0];
  const gateHigh = cpu.descriptor[1];
  const gateAttr = descriptorAttr(gateHigh);
  const gateDpl = attrDpl(gateAttr);
  const cpl = cpu.cpl;
  if (gateDpl < cpl || gateDpl < (gateSelector & 3)) cpu.raiseGP(selectorErrorCode(gateSelector));
  if ((gateAttr & SegmentAttr.PRESENT) === 0) cpu.raise(Vector.NP, selectorErrorCode(gateSelector));
  const gate32 = (gateAttr & 8) !== 0;
  const target = gateLow >>> 16;
  const offset = gate32 ? (gateLow & 0xffff) | (gateHigh & 0xffff0000) : gateLow & 0xffff;
  const parameterCount = gateHigh & 0x1f;

  if ((target & 0xfffc) === 0) cpu.raiseGP(0);
  const codeAddress = readDescriptor(cpu, target);
  if (codeAddress < 0) cpu.raiseGP(selectorErrorCode(target));
  const attr = descriptorAttr(cpu.descriptor[1]);
  const dpl = attrDpl(attr);
  if (!isCode(attr) || dpl > cpl) cpu.raiseGP(selectorErrorCode(target));
  const conforming = (attr & SegmentAttr.CONFORMING) !== 0;
  if (!call && !conforming && dpl !== cpl) cpu.raiseGP(selectorErrorCode(target));
  if ((attr & SegmentAttr.PRESENT) === 0) cpu.raise(Vector.NP, selectorErrorCode(target));
  const codeLow = cpu.descriptor[0];
  const codeHigh = cpu.descriptor[1];
  checkOffsetInLimit(cpu, offset, descriptorLimit(codeLow, codeHigh));
  const size = gate32 ? 4 : 2;

  if (!call) {
    markAccessed(cpu, codeAddress);
    commitCs(cpu, target, cpl, offset);
    return;
  }

  if (!conforming && dpl < cpl) {
    // Inner privilege: new stack from the TSS, old SS:ESP and the parameters copied over.
    const inner = new PendingStack();
    loadInnerStack(cpu, dpl, inner, false);
    const outer = new PendingStack().fromCurrent(cpu);
    inner.push(cpu, cpu.segSelector[Seg.SS], size);
    inner.push(cpu, outer.pointer, size);
    for (let p = parameterCount - 1; p >= 0; p--) inner.push(cpu, outer.read(cpu, p * size, size), size);
    inner.push(cpu, cpu.segSelector[Seg.CS], size);
    inner.push(cpu, cpu.nextEip, size);
    markAccessed(cpu, inner.descriptorAddress);
    commitStack(cpu, inner);
    cpu.descriptor[0] = codeLow;
    cpu.descriptor[1] = codeHigh;
    markAccessed(cpu, codeAddress);
    commitCs(cpu, target, dpl, offset);
    return;
  }

  const stack = new PendingStack().fromCurrent(cpu);
  stack.push(cpu, cpu.segSelector[Seg.CS], size);
  stack.push(cpu, cpu.nextEip, size);
  setStackPointer(cpu, stack.pointer);
  cpu.descriptor[0] = codeLow;
  cpu.descriptor[1] = codeHigh;
  markAccessed(cpu, codeAddress);
  commitCs(cpu, target, cpl, offset);
}

function setStackPointer(cpu: Cpu, pointer: number): void {
  if (cpu.stack32) cpu.r32[4] = pointer;
  else cpu.r16[8] = pointer;
}

// ======================================================================
// RETF
// ======================================================================

export function returnFar(cpu: Cpu, operand16: boolean, release: number): void {
  const size = operand16 ? 2 : 4;
  const stack = new PendingStack().fromCurrent(cpu);
  let offset = stack.read(cpu, 0, size);
  const selector = stack.read(cpu, size, size) & 0xffff;
  if (operand16) offset &= 0xffff;

  if ((cpu.cr0 & 1) === 0 || cpu.v86Mode) {
    checkOffsetInLimit(cpu, offset, cpu.segLimit[Seg.CS]);
    setRealCs(cpu, selector);
    cpu.adjustStack(2 * size + release);
    cpu.nextEip = offset;
    return;
  }

  const cpl = cpu.cpl;
  const rpl = selector & 3;
  if ((selector & 0xfffc) === 0) cpu.raiseGP(0);
  const address = readDescriptor(cpu, selector);
  if (address < 0) cpu.raiseGP(selectorErrorCode(selector));
  const attr = descriptorAttr(cpu.descriptor[1]);
  const dpl = attrDpl(attr);
  if (!isCode(attr) || rpl < cpl) cpu.raiseGP(selectorErrorCode(selector));
  if ((attr & SegmentAttr.CONFORMING) !== 0 ? dpl > rpl : dpl !== rpl) cpu.raiseGP(selectorErrorCode(selector));
  if ((attr & SegmentAttr.PRESENT) === 0) cpu.raise(Vector.NP, selectorErrorCode(selector));
  const codeLow = cpu.descriptor[0];
  const codeHigh = cpu.descriptor[1];

  if (rpl === cpl) {
    checkOffsetInLimit(cpu, offset, descriptorLimit(codeLow, codeHigh));
    markAccessed(cpu, address);
    cpu.adjustStack(2 * size + release);
    commitCs(cpu, selector, cpl, offset);
    return;
  }

  // Return to an outer level: SS:ESP follow the parameters.
  const newEsp = stack.read(cpu, 2 * size + release, size);
  const newSs = stack.read(cpu, 3 * size + release, size) & 0xffff;
  const ssAddress = loadOuterStackDescriptor(cpu, newSs, rpl);
  const ssLow = cpu.descriptor[0];
  const ssHigh = cpu.descriptor[1];
  cpu.descriptor[0] = codeLow;
  cpu.descriptor[1] = codeHigh;
  checkOffsetInLimit(cpu, offset, descriptorLimit(codeLow, codeHigh));
  markAccessed(cpu, address);
  commitCs(cpu, selector, rpl, offset);
  cpu.descriptor[0] = ssLow;
  cpu.descriptor[1] = ssHigh;
  markAccessed(cpu, ssAddress);
  setSegmentFromDescriptor(cpu, Seg.SS, newSs);
  if (cpu.stack32) cpu.r32[4] = (newEsp + release) | 0;
  else cpu.r16[8] = (newEsp + release) & 0xffff;
  invalidateOuterSegments(cpu);
  cpu.updateAllSegmentChecks();
}

/** Checks the SS being returned to (RETF/IRET to an outer level); leaves it in `cpu.descriptor`. */
function loadOuterStackDescriptor(cpu: Cpu, selector: number, rpl: number): number {
  if ((selector & 0xfffc) === 0) cpu.raiseGP(0);
  const address = readDescriptor(cpu, selector);
  if (address < 0) cpu.raiseGP(selectorErrorCode(selector));
  const attr = descriptorAttr(cpu.descriptor[1]);
  if ((selector & 3) !== rpl || !isWritableData(attr) || attrDpl(attr) !== rpl) cpu.raiseGP(selectorErrorCode(selector));
  if ((attr & SegmentAttr.PRESENT) === 0) cpu.raise(Vector.SS, selectorErrorCode(selector));
  return address;
}

// ======================================================================
// IRET
// ======================================================================

export function interruptReturn(cpu: Cpu, operand16: boolean): void {
  const size = operand16 ? 2 : 4;
  if (cpu.nmiBlocked) {
    cpu.nmiBlocked = false;
    // An NMI that arrived while blocked waited for this IRET: have the run loop take it next.
    if (cpu.nmiPending) cpu.attention = 1;
  }

  if ((cpu.cr0 & 1) === 0) {
    const stack = new PendingStack().fromCurrent(cpu);
    let offset = stack.read(cpu, 0, size);
    const selector = stack.read(cpu, size, size) & 0xffff;
    const flags = stack.read(cpu, 2 * size, size);
    if (operand16) offset &= 0xffff;
    checkOffsetInLimit(cpu, offset, cpu.segLimit[Seg.CS]);
    cpu.adjustStack(3 * size);
    setRealCs(cpu, selector);
    const mask = operand16 ? 0xffff : 0x257fd5 & ~Flag.VM;
    cpu.writeEflags(flags, mask & ~(Flag.VIF | Flag.VIP));
    cpu.nextEip = offset;
    return;
  }

  if (cpu.v86Mode) {
    if (cpu.iopl < 3) cpu.raiseGP(0);
    const stack = new PendingStack().fromCurrent(cpu);
    let offset = stack.read(cpu, 0, size);
    const selector = stack.read(cpu, size, size) & 0xffff;
    const flags = stack.read(cpu, 2 * size, size);
    if (operand16) offset &= 0xffff;
    checkOffsetInLimit(cpu, offset, cpu.segLimit[Seg.CS]);
    cpu.adjustStack(3 * size);
    setRealCs(cpu, selector);
    // IOPL, VM, VIF, VIP are unchanged in V86 mode.
    const mask = (operand16 ? 0xffff : 0x3f7fd5) & ~(Flag.IOPL | Flag.VM | Flag.VIF | Flag.VIP);
    cpu.writeEflags(flags, mask);
    cpu.nextEip = offset;
    return;
  }

  if ((cpu.storedFlags & Flag.NT) !== 0) {
    const backLink = cpu.mmu.readSupervisor16(cpu.trBase);
    taskSwitch(cpu, backLink, TaskSwitchReason.Iret, false, cpu.nextEip);
    cpu.nextEip = cpu.eip;
    return;
  }

  const stack = new PendingStack().fromCurrent(cpu);
  let offset = stack.read(cpu, 0, size);
  const selector = stack.read(cpu, size, size) & 0xffff;
  const flags = stack.read(cpu, 2 * size, size);
  if (operand16) offset &= 0xffff;
  const cpl = cpu.cpl;

  if (!operand16 && (flags & Flag.VM) !== 0 && cpl === 0) {
    returnToV86(cpu, stack, offset, selector, flags);
    return;
  }

  const rpl = selector & 3;
  if ((selector & 0xfffc) === 0) cpu.raiseGP(0);
  const address = readDescriptor(cpu, selector);
  if (address < 0) cpu.raiseGP(selectorErrorCode(selector));
  const attr = descriptorAttr(cpu.descriptor[1]);
  const dpl = attrDpl(attr);
  if (!isCode(attr) || rpl < cpl) cpu.raiseGP(selectorErrorCode(selector));
  if ((attr & SegmentAttr.CONFORMING) !== 0 ? dpl > rpl : dpl !== rpl) cpu.raiseGP(selectorErrorCode(selector));
  if ((attr & SegmentAttr.PRESENT) === 0) cpu.raise(Vector.NP, selectorErrorCode(selector));
  const codeLow = cpu.descriptor[0];
  const codeHigh = cpu.descriptor[1];
  checkOffsetInLimit(cpu, offset, descriptorLimit(codeLow, codeHigh));

  const flagsMask = iretFlagsMask(cpu, operand16);
  if (rpl === cpl) {
    markAccessed(cpu, address);
    cpu.adjustStack(3 * size);
    commitCs(cpu, selector, cpl, offset);
    cpu.writeEflags(flags, flagsMask);
    return;
  }

  const newEsp = stack.read(cpu, 3 * size, size);
  const newSs = stack.read(cpu, 4 * size, size) & 0xffff;
  const ssAddress = loadOuterStackDescriptor(cpu, newSs, rpl);
  const ssLow = cpu.descriptor[0];
  const ssHigh = cpu.descriptor[1];
  cpu.descriptor[0] = codeLow;
  cpu.descriptor[1] = codeHigh;
  markAccessed(cpu, address);
  commitCs(cpu, selector, rpl, offset);
  cpu.writeEflags(flags, flagsMask);
  cpu.descriptor[0] = ssLow;
  cpu.descriptor[1] = ssHigh;
  markAccessed(cpu, ssAddress);
  setSegmentFromDescriptor(cpu, Seg.SS, newSs);
  if (cpu.stack32) cpu.r32[4] = newEsp;
  else cpu.r16[8] = newEsp;
  invalidateOuterSegments(cpu);
  cpu.updateAllSegmentChecks();
}

/** Which EFLAGS bits a protected-mode IRET/POPF may change at the current CPL and IOPL. */
function iretFlagsMask(cpu: Cpu, operand16: boolean): number {
  let mask = Flag.CF | Flag.PF | Flag.AF | Flag.ZF | Flag.SF | Flag.TF | Flag.DF | Flag.OF | Flag.NT | Flag.RF | Flag.AC | Flag.ID;
  if (cpu.cpl <= cpu.iopl) mask |= Flag.IF;
  if (cpu.cpl === 0) mask |= Flag.IOPL | Flag.IF | Flag.VIF | Flag.VIP;
  return operand16 ? mask & 0xffff : mask;
}

function returnToV86(cpu: Cpu, stack: PendingStack, offset: number, selector: number, flags: number): void {
  const esp = stack.read(cpu, 12, 4);
  const ss = stack.read(cpu, 16, 4);
  const es = stack.read(cpu, 20, 4);
  const ds = stack.read(cpu, 24, 4);
  const fs = stack.read(cpu, 28, 4);
  const gs = stack.read(cpu, 32, 4);
  cpu.writeEflags(flags, 0x3f7fd5);
  setRealModeSegment(cpu, Seg.CS, selector, 0xffff, V86_ATTR | SegmentAttr.CODE);
  setRealModeSegment(cpu, Seg.SS, ss, 0xffff, V86_ATTR);
  setRealModeSegment(cpu, Seg.ES, es, 0xffff, V86_ATTR);
  setRealModeSegment(cpu, Seg.DS, ds, 0xffff, V86_ATTR);
  setRealModeSegment(cpu, Seg.FS, fs, 0xffff, V86_ATTR);
  setRealModeSegment(cpu, Seg.GS, gs, 0xffff, V86_ATTR);
  cpu.r32[4] = esp;
  cpu.setCpl(3);
  cpu.updateAllSegmentChecks();
  cpu.nextEip = offset & 0xffff;
}

export { descriptorBase, setSegmentCache };
