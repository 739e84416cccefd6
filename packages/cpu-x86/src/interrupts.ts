/**
 * Delivering exceptions and interrupts (SDM vol. 3, ch. 6; INT n in vol. 2).
 *
 * Order of business for one event:
 * 1. the embedder's intercept bitmap (a hypervisor takes the event itself);
 * 2. the double-fault rules when a fault arrives while another is being
 *    delivered (a fault delivering #DF is a triple fault, left to `run()`);
 * 3. real mode: the IVT; protected mode: the IDT gate (interrupt, trap or
 *    task gate) with its privilege checks, the inner stack from the TSS on a
 *    privilege change, and the V86-mode exit frame.
 * The frame is written before any register changes, so a fault while
 * writing it leaves the interrupted state intact.
 */
import type { Cpu } from "./cpu";
import { Flag } from "./eflags";
import { Vector, hasErrorCode, idtErrorCode, isDoubleFault, selectorErrorCode } from "./exceptions";
import { EventKind, Exit } from "./interfaces";
import { PendingStack, commitStack, loadInnerStack } from "./privilege-stack";
import { Seg } from "./registers";
import {
  SegmentAttr,
  SystemType,
  attrDpl,
  descriptorAttr,
  descriptorLimit,
  markAccessed,
  readDescriptor,
  setSegmentCache,
  setSegmentFromDescriptor,
} from "./segmentation";
import { taskSwitch, TaskSwitchReason } from "./task-switch";

/**
 * Delivers one event. Software interrupts return to `cpu.nextEip`; faults,
 * external interrupts and NMIs to `cpu.eip`. Sets `cpu.pendingExit` when the
 * vector is intercepted.
 */
export function deliverEvent(cpu: Cpu, vector: number, kind: number, errorCode: number, withErrorCode: boolean): void {
  // A software interrupt's own checks (V86 IOPL, IDT limit, gate DPL) come before any
  // intercept: INT n that the gate forbids is a #GP, which may itself be intercepted.
  if (kind === EventKind.Software && (cpu.cr0 & 1) !== 0) checkSoftwareInterrupt(cpu, vector);
  if (cpu.isIntercepted(vector)) {
    const info = cpu.exitInfo;
    info.vector = vector;
    info.kind = kind;
    info.hasErrorCode = withErrorCode;
    info.errorCode = errorCode;
    info.cr2 = cpu.cr2;
    if (kind === EventKind.Software) cpu.eip = cpu.nextEip;
    cpu.nextEip = cpu.eip;
    cpu.pendingExit = cpu.finishExit(Exit.Intercept);
    cpu.deliveringVector = -1;
    return;
  }

  // EXT (bit 0 of the error codes raised while delivering): set for everything but a
  // software interrupt, i.e. also for an exception being delivered (SDM vol. 3, 6.13).
  const external = kind !== EventKind.Software;
  cpu.deliveringVector = kind === EventKind.Exception ? vector : -1;
  try {
    if ((cpu.cr0 & 1) === 0) deliverReal(cpu, vector, kind);
    else deliverProtected(cpu, vector, kind, errorCode, withErrorCode && kind === EventKind.Exception, external);
  } catch (nested) {
    if (nested !== cpu.exception && nested !== cpu.pageFault) throw nested;
    const second = nested === cpu.pageFault ? Vector.PF : cpu.exception.vector;
    const current = cpu.deliveringVector;
    if (current === Vector.DF) throw nested; // fault while delivering #DF: triple fault
    if (nested === cpu.pageFault) cpu.cr2 = cpu.pageFault.linear;
    const secondCode = nested === cpu.pageFault ? cpu.pageFault.errorCode : cpu.exception.errorCode;
    const secondHasCode = nested === cpu.pageFault ? true : cpu.exception.hasErrorCode;
    cpu.deliveringVector = -1;
    if (current >= 0 && isDoubleFault(current, second)) {
      cpu.deliveringVector = Vector.DF;
      deliverEvent(cpu, Vector.DF, EventKind.Exception, 0, true);
    } else {
      deliverEvent(cpu, second, EventKind.Exception, secondCode, secondHasCode);
    }
    return;
  }
  cpu.deliveringVector = -1;
}

/**
 * Protected-mode checks of INT n/INT3/INTO before delivery: the IDT limit and
 * the gate's DPL against CPL (INT1/ICEBP skips the DPL check). The V86-mode
 * IOPL check concerns INT n only and is made by its handler (control.ts).
 */
function checkSoftwareInterrupt(cpu: Cpu, vector: number): void {
  const entry = vector * 8;
  if (entry + 7 > cpu.idtLimit >>> 0) cpu.raiseGP(idtErrorCode(vector));
  if (!cpu.softwareInterruptChecksDpl) return;
  const gateHigh = cpu.mmu.readSupervisor32((cpu.idtBase + entry + 4) | 0);
  if (attrDpl(descriptorAttr(gateHigh)) < cpu.cpl) cpu.raiseGP(idtErrorCode(vector));
}

/** Real mode: the 4-byte IVT entry; push FLAGS, CS, IP; clear IF, TF, AC. */
function deliverReal(cpu: Cpu, vector: number, kind: number): void {
  const returnIp = kind === EventKind.Software ? cpu.nextEip : cpu.eip;
  const entry = vector * 4;
  if (entry + 3 > cpu.idtLimit >>> 0) cpu.raiseGP(idtErrorCode(vector));
  const offset = cpu.mmu.readSupervisor16((cpu.idtBase + entry) | 0);
  const selector = cpu.mmu.readSupervisor16((cpu.idtBase + entry + 2) | 0);
  const stack = new PendingStack().fromCurrent(cpu);
  stack.push(cpu, cpu.getEflags() & 0xffff, 2);
  stack.push(cpu, cpu.segSelector[Seg.CS], 2);
  stack.push(cpu, returnIp & 0xffff, 2);
  if (cpu.stack32) cpu.r32[4] = stack.pointer;
  else cpu.r16[8] = stack.pointer;
  cpu.storedFlags &= ~(Flag.IF | Flag.TF | Flag.AC | Flag.RF);
  cpu.segSelector[Seg.CS] = selector;
  cpu.segBase[Seg.CS] = selector << 4;
  cpu.updateSegmentChecks(Seg.CS);
  cpu.eip = offset;
  cpu.nextEip = offset;
}

function deliverProtected(
  cpu: Cpu,
  vector: number,
  kind: number,
  errorCode: number,
  pushErrorCode: boolean,
  external: boolean,
): void {
  const software = kind === EventKind.Software;
  const ext = external ? 1 : 0;

  const entry = vector * 8;
  if (entry + 7 > cpu.idtLimit >>> 0) cpu.raiseGP(idtErrorCode(vector, external));
  const gateLow = cpu.mmu.readSupervisor32((cpu.idtBase + entry) | 0);
  const gateHigh = cpu.mmu.readSupervisor32((cpu.idtBase + entry + 4) | 0);
  const gateAttr = descriptorAttr(gateHigh);
  const gateType = gateAttr & 0x1f; // includes the S bit: system descriptors only
  const isInterruptGate = gateType === SystemType.INTERRUPT_GATE32 || gateType === SystemType.INTERRUPT_GATE16;
  const isTrapGate = gateType === SystemType.TRAP_GATE32 || gateType === SystemType.TRAP_GATE16;
  if (!isInterruptGate && !isTrapGate && gateType !== SystemType.TASK_GATE) {
    cpu.raiseGP(idtErrorCode(vector, external));
  }
  if ((gateAttr & SegmentAttr.PRESENT) === 0) cpu.raise(Vector.NP, idtErrorCode(vector, external));

  const returnEip = software ? cpu.nextEip : cpu.eip;

  if (gateType === SystemType.TASK_GATE) {
    const tssSelector = gateLow >>> 16;
    taskSwitch(cpu, tssSelector, TaskSwitchReason.CallOrInterrupt, external, returnEip);
    if (pushErrorCode) {
      if ((cpu.trType & 8) !== 0) cpu.push32(errorCode);
      else cpu.push16(errorCode);
    }
    cpu.nextEip = cpu.eip;
    return;
  }

  const gate32 = (gateType & 8) !== 0;
  const targetSelector = gateLow >>> 16;
  const targetOffset = gate32 ? (gateLow & 0xffff) | (gateHigh & 0xffff0000) : gateLow & 0xffff;
  if ((targetSelector & 0xfffc) === 0) cpu.raiseGP(ext);
  const codeAddress = readDescriptor(cpu, targetSelector);
  if (codeAddress < 0) cpu.raiseGP(selectorErrorCode(targetSelector, external));
  const codeAttr = descriptorAttr(cpu.descriptor[1]);
  const codeDpl = attrDpl(codeAttr);
  if ((codeAttr & (SegmentAttr.NON_SYSTEM | SegmentAttr.CODE)) !== (SegmentAttr.NON_SYSTEM | SegmentAttr.CODE) || codeDpl > cpu.cpl) {
    cpu.raiseGP(selectorErrorCode(targetSelector, external));
  }
  if ((codeAttr & SegmentAttr.PRESENT) === 0) cpu.raise(Vector.NP, selectorErrorCode(targetSelector, external));
  const codeLow = cpu.descriptor[0];
  const codeHigh = cpu.descriptor[1];

  const conforming = (codeAttr & SegmentAttr.CONFORMING) !== 0;
  const fromV86 = cpu.v86Mode;
  const innerPrivilege = !conforming && codeDpl < cpu.cpl;
  if (fromV86 && (!innerPrivilege || codeDpl !== 0)) cpu.raiseGP(selectorErrorCode(targetSelector, external));

  const eflags = cpu.getEflags();
  const size = gate32 ? 4 : 2;
  const stack = new PendingStack();
  const newCpl = innerPrivilege ? codeDpl : cpu.cpl;
  if (innerPrivilege) loadInnerStack(cpu, codeDpl, stack, external);
  // The gate's offset must lie within the new code segment: #GP(EXT) before anything is pushed.
  const codeLimit = descriptorLimit(codeLow, codeHigh);
  if (codeLimit !== -1 && targetOffset >>> 0 > codeLimit >>> 0) cpu.raiseGP(ext);
  if (innerPrivilege) {
    if (fromV86) {
      stack.push(cpu, cpu.segSelector[Seg.GS], size);
      stack.push(cpu, cpu.segSelector[Seg.FS], size);
      stack.push(cpu, cpu.segSelector[Seg.DS], size);
      stack.push(cpu, cpu.segSelector[Seg.ES], size);
    }
    stack.push(cpu, cpu.segSelector[Seg.SS], size);
    stack.push(cpu, cpu.stack32 ? cpu.r32[4] : cpu.r16[8], size);
  } else {
    stack.fromCurrent(cpu);
  }
  stack.push(cpu, eflags, size);
  stack.push(cpu, cpu.segSelector[Seg.CS], size);
  stack.push(cpu, returnEip, size);
  if (pushErrorCode) stack.push(cpu, errorCode, size);

  // ---- commit ----
  if (innerPrivilege) {
    markAccessed(cpu, stack.descriptorAddress);
    commitStack(cpu, stack);
    if (fromV86) {
      for (const seg of [Seg.ES, Seg.DS, Seg.FS, Seg.GS]) setSegmentCache(cpu, seg, 0, 0, 0, 0);
    }
  } else if (cpu.stack32) cpu.r32[4] = stack.pointer;
  else cpu.r16[8] = stack.pointer;
  cpu.descriptor[0] = codeLow;
  cpu.descriptor[1] = codeHigh;
  markAccessed(cpu, codeAddress);
  let flags = cpu.storedFlags & ~(Flag.TF | Flag.NT | Flag.RF | Flag.VM);
  if (isInterruptGate) flags &= ~Flag.IF;
  cpu.storedFlags = flags;
  setSegmentFromDescriptor(cpu, Seg.CS, (targetSelector & 0xfffc) | newCpl);
  cpu.setCpl(newCpl);
  cpu.updateAllSegmentChecks();
  cpu.eip = targetOffset;
  cpu.nextEip = targetOffset;
}

/** Raises a software interrupt from an instruction (INT n, INT3, INTO, INT1). */
export function softwareInterrupt(cpu: Cpu, vector: number, checksDpl: boolean): void {
  cpu.softwareInterruptChecksDpl = checksDpl;
  try {
    deliverEvent(cpu, vector, EventKind.Software, 0, false);
  } finally {
    cpu.softwareInterruptChecksDpl = true;
  }
}

export { hasErrorCode };
