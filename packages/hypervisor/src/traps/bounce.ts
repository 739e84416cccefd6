/**
 * Bounce frames: how the hypervisor enters a guest's ring-1 handler (a
 * trap, an event callback, the failsafe callback) as the hardware would
 * have, had the guest owned the IDT.
 *
 * The frame goes on the guest's ring-1 stack: the stack registered with
 * stack_switch when the guest was in ring 3 (the frame then ends with the
 * ring-3 ESP and SS), otherwise the current stack. From the lowest address:
 *
 *     [extra words]  EIP  CS  EFLAGS  [ESP  SS]
 *
 * where the extra words are CR2 and the error code for a page fault, the
 * error code for the exceptions that have one, and DS ES FS GS for the
 * failsafe callback. The guest leaves with an ordinary IRET after popping
 * the extra words.
 *
 * The frame is written with the guest kernel's own rights. If it cannot be
 * written (the stack is unmapped, read-only, or its segment is unfit) or the
 * handler's code segment is unusable, the guest cannot be entered at all
 * and the domain is killed, as Xen did.
 */
import { Reg, Seg, descriptorAttr, descriptorBase, descriptorLimit, setSegmentCache } from "@xeno86/cpu-x86";
import { EVENTS_MASTER_ENABLE, SharedInfo } from "../abi";
import type { Domain } from "../domain/domain";
import { hex, type Hypervisor } from "../hypervisor";

export interface BounceRequest {
  handlerCs: number;
  handlerEip: number;
  /** Words below EIP on the frame (lowest address first). */
  extraWords: number[];
  /** Clear the master event enable on entry (an interrupt-gate style trap, or the event callback). */
  maskEvents?: boolean;
  /** EIP to return to, when it is not the CPU's current EIP. */
  returnEip?: number;
  /** For messages: "trap 14", "event callback", ... */
  what: string;
}

/** EFLAGS bits a gate clears on entry: TF, NT, RF, VM. */
const GATE_CLEARS = 0x100 | 0x4000 | 0x10000 | 0x20000;

/** Returns false (after killing the domain) when the guest could not be entered. */
export function bounceToGuest(hv: Hypervisor, domain: Domain, request: BounceRequest): boolean {
  const cpu = hv.cpu;
  const descriptor = hv.descriptorScratch;
  const fromRing3 = cpu.cpl === 3;
  const eflags = cpu.getEflags();
  let stackSelector: number;
  let stackBase: number;
  let stackLimit: number;
  let stackAttr: number;
  let esp: number;
  if (fromRing3) {
    stackSelector = domain.ring1Ss;
    if (!readGuestDescriptor(hv, domain, stackSelector, descriptor) || !isRing1StackSegment(stackSelector, descriptor)) {
      hv.killDomain(domain, `${request.what}: ring-1 stack segment ${hex(stackSelector)} (from stack_switch) is unusable`);
      return false;
    }
    stackBase = descriptorBase(descriptor[0], descriptor[1]);
    stackLimit = descriptorLimit(descriptor[0], descriptor[1]);
    stackAttr = descriptorAttr(descriptor[1]);
    esp = domain.ring1Esp;
  } else {
    stackSelector = cpu.segSelector[Seg.SS];
    stackBase = cpu.segBase[Seg.SS];
    stackLimit = cpu.segLimit[Seg.SS];
    stackAttr = cpu.segAttr[Seg.SS];
    esp = cpu.r32[Reg.ESP];
  }
  const words = [...request.extraWords, request.returnEip ?? cpu.eip, cpu.segSelector[Seg.CS], eflags];
  if (fromRing3) words.push(cpu.r32[Reg.ESP], cpu.segSelector[Seg.SS]);
  const bytes = words.length * 4;
  const top = esp >>> 0;
  const newEsp = (top - bytes) >>> 0;
  if (top < bytes || (stackAttr & EXPAND_DOWN) !== 0 || top - 1 > stackLimit >>> 0) {
    hv.killDomain(domain, `${request.what}: no room for a ${bytes}-byte frame below ESP ${hex(top)} in stack segment ${hex(stackSelector)}`);
    return false;
  }
  const linear = (stackBase + newEsp) >>> 0;
  for (let i = 0; i < words.length; i++) {
    if (!hv.guestMemory.write32(linear + i * 4, words[i])) {
      hv.killDomain(domain, `${request.what}: the ring-1 stack at ${hex(linear + i * 4)} cannot be written`);
      return false;
    }
  }
  if (!readGuestDescriptor(hv, domain, request.handlerCs, descriptor) || !isRing1CodeSegment(request.handlerCs, descriptor)) {
    hv.killDomain(domain, `${request.what}: handler code segment ${hex(request.handlerCs)} is unusable`);
    return false;
  }
  setSegmentCache(cpu, Seg.CS, request.handlerCs, descriptorBase(descriptor[0], descriptor[1]), descriptorLimit(descriptor[0], descriptor[1]), descriptorAttr(descriptor[1]));
  if (fromRing3) setSegmentCache(cpu, Seg.SS, stackSelector, stackBase, stackLimit, stackAttr);
  cpu.setCpl(1);
  cpu.r32[Reg.ESP] = newEsp | 0;
  cpu.eip = request.handlerEip | 0;
  cpu.nextEip = cpu.eip;
  cpu.writeEflags(eflags & ~GATE_CLEARS, -1);
  if (request.maskEvents) {
    const mask = domain.sharedInfoFrame * 4096 + SharedInfo.events_mask;
    if (domain.sharedInfoFrame >= 0) hv.memory.write32(mask, hv.memory.read32(mask) & ~EVENTS_MASTER_ENABLE);
  }
  return true;
}

const PRESENT = 0x80;
const NON_SYSTEM = 0x10;
const CODE = 0x08;
const WRITABLE = 0x02;
const CONFORMING = 0x04;
const EXPAND_DOWN = 0x04;

function dplOf(attr: number): number {
  return (attr >>> 5) & 3;
}

function isRing1StackSegment(selector: number, descriptor: Int32Array): boolean {
  const attr = descriptorAttr(descriptor[1]);
  return (
    (selector & 3) === 1 &&
    (attr & PRESENT) !== 0 &&
    (attr & (NON_SYSTEM | CODE | WRITABLE)) === (NON_SYSTEM | WRITABLE) &&
    dplOf(attr) === 1
  );
}

function isRing1CodeSegment(selector: number, descriptor: Int32Array): boolean {
  const attr = descriptorAttr(descriptor[1]);
  return (selector & 3) === 1 && (attr & PRESENT) !== 0 && (attr & (NON_SYSTEM | CODE | CONFORMING)) === (NON_SYSTEM | CODE) && dplOf(attr) === 1;
}

/** Reads a descriptor of the domain's GDT or LDT (the hypervisor's validated copies). */
export function readGuestDescriptor(hv: Hypervisor, domain: Domain, selector: number, into: Int32Array): boolean {
  const tables = domain.tables;
  if (tables === null || (selector & 0xfffc) === 0) return false;
  const index = selector >>> 3;
  if ((selector & 4) !== 0) {
    if (index >= domain.ldtEntries) return false;
    tables.readLdt(index, into);
    return true;
  }
  if (index >= domain.gdtEntries) return false;
  tables.readGdt(index, into);
  return true;
}
