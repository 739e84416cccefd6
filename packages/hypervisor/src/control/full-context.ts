/**
 * The full execution context of dom0_op (2516 bytes): what GETDOMAININFO
 * reports about a domain and what BUILDDOMAIN installs in a domain that a
 * builder in dom0 has filled.
 *
 * BUILDDOMAIN follows Xen 1.2's final_setup_guestos, with the checks every
 * hypercall makes, because here a bad context must be refused, not trusted:
 * - the target must be created and not yet built (else -EINVAL);
 * - pt_base is the machine address of a frame of the target that validates
 *   as its page directory (an L2 of its own frames, tables read-only);
 * - CS must be a guest ring-1 code selector naming a DPL-1 code segment and
 *   SS an RPL-1 writable data segment of the target's GDT or LDT; DS/ES/FS/GS are loaded on the first
 *   schedule-in like any saved selector (the failsafe callback catches a bad
 *   one);
 * - trap table entry i is vector i (entries with address 0 are empty), its
 *   selector a guest code selector; the fast trap is 0x20-0x2F or 0x80 and
 *   does not mask events; the callbacks likewise; the debug
 *   registers pass set_debugreg's checks; GDT frames and the LDT pass
 *   set_gdt and SET_LDT (the LDT is looked up through pt_base);
 * - EFLAGS keeps the arithmetic, trap and direction flags; IF is set and
 *   IOPL is the domain's.
 * Any refusal leaves the domain unbuilt with no typed references taken.
 */
import { Reg, Seg, descriptorAttr, descriptorBase, descriptorLimit } from "@xeno86/cpu-x86";
import { ECF_I387_VALID, FULL_EXECUTION_CONTEXT, field, readStruct, writeStruct } from "@xeno86/guest-abi";
import { Errno, TRAP_FLAG_MASK_EVENTS } from "../abi";
import { GuestContext } from "../cpu-state/guest-context";
import { decodeFsaveImage, encodeFsaveImage } from "../cpu-state/fsave-image";
import { isGuestCodeSelector } from "../cpu-state/descriptors";
import type { Domain } from "../domain/domain";
import { debugRegisterSet } from "../hypercalls/debug-registers";
import { setGdtFrames, setLdt } from "../hypercalls/descriptor-tables";
import { installTrap, setFastTrap } from "../hypercalls/traps";
import type { Hypervisor } from "../hypervisor";
import { FrameType } from "../memory/frame-table";
import { DEFAULT_GDT_ENTRIES } from "../layout";
import { readGuestDescriptor } from "../traps/bounce";

export const FULL_CONTEXT_SIZE = FULL_EXECUTION_CONTEXT.size;
const FPU_CONTEXT = field(FULL_EXECUTION_CONTEXT, "fpu_ctxt").offset;

/** The register words of execution_context_t in order (A.6), as GuestContext indexes them. */
const GENERAL_REGISTERS = [
  ["ebx", Reg.EBX],
  ["ecx", Reg.ECX],
  ["edx", Reg.EDX],
  ["esi", Reg.ESI],
  ["edi", Reg.EDI],
  ["ebp", Reg.EBP],
  ["eax", Reg.EAX],
] as const;
const DATA_SEGMENTS = [
  ["ds", Seg.DS],
  ["es", Seg.ES],
  ["fs", Seg.FS],
  ["gs", Seg.GS],
] as const;

/** EFLAGS bits a context may set: CF PF AF ZF SF TF DF OF. */
const EFLAGS_FROM_CONTEXT = 0x0dd5;
const EFLAGS_ALWAYS = 0x0202;
const DESCRIPTOR_PRESENT = 0x80;
const DESCRIPTOR_WRITABLE_DATA = 0x12; // non-system, data, writable
const DESCRIPTOR_CODE = 0x18; // non-system, code, not conforming

/** Writes `domain`'s whole state as a full execution context at `offset`. */
export function encodeFullContext(hv: Hypervisor, domain: Domain, view: DataView, offset: number): void {
  const context = liveContext(hv, domain);
  const fpu = hv.fpuOwner === domain ? hv.cpu.fpu.getState() : domain.fpuState;
  const cpu: Record<string, number> = { eip: context.eip >>> 0, cs: context.selector[Seg.CS], eflags: context.eflags >>> 0 };
  for (const [name, reg] of GENERAL_REGISTERS) cpu[name] = context.registers[reg] >>> 0;
  for (const [name, seg] of DATA_SEGMENTS) cpu[name] = context.selector[seg];
  cpu.esp = context.registers[Reg.ESP] >>> 0;
  cpu.ss = context.selector[Seg.SS];
  const traps = Array.from({ length: 256 }, (_, vector) => {
    const flagsCs = domain.trapFlagsCs[vector];
    return { vector, flags: flagsCs & 0xff, cs: flagsCs >>> 16, address: domain.trapAddress[vector] >>> 0 };
  });
  const gdtFrames = domain.gdtGuestFrames.slice(0, 16);
  writeStruct(view, offset, FULL_EXECUTION_CONTEXT, {
    flags: fpu !== null ? ECF_I387_VALID : 0,
    cpu_ctxt: cpu,
    fpu_ctxt: new Uint8Array(256),
    trap_ctxt: traps,
    fast_trap_idx: domain.fastTrapVector,
    ldt_base: domain.ldtBase >>> 0,
    ldt_ents: domain.ldtEntries,
    gdt_frames: gdtFrames,
    gdt_ents: domain.gdtGuestFrames.length > 0 ? domain.gdtEntries : 0,
    ring1_ss: domain.ring1Ss,
    ring1_esp: domain.ring1Esp >>> 0,
    pt_base: domain.pageDirectory >>> 0,
    debugreg: Array.from(context.debug, (value) => value >>> 0),
    event_callback_cs: domain.eventCallbackCs,
    event_callback_eip: domain.eventCallbackEip >>> 0,
    failsafe_callback_cs: domain.failsafeCs,
    failsafe_callback_eip: domain.failsafeEip >>> 0,
  });
  const fpuOffset = offset + FPU_CONTEXT;
  if (fpu !== null) encodeFsaveImage(fpu, view, fpuOffset);
}

/** BUILDDOMAIN: installs the context at `offset` in a created domain and marks it built; 0 or -errno. */
export function applyFullContext(hv: Hypervisor, domain: Domain, view: DataView, offset: number): number {
  if (domain.state !== "created" || domain.pages === 0) return -Errno.EINVAL;
  const c = readStruct(view, offset, FULL_EXECUTION_CONTEXT);
  const directory = c.pt_base >>> 12;
  if ((c.pt_base & 0xfff) !== 0 || !hv.frames.isValidFrame(directory) || hv.frames.owner[directory] !== domain.id) return -Errno.EINVAL;
  if (!isGuestCodeSelector(c.cpu_ctxt.cs & 0xffff)) return -Errno.EINVAL;
  if (c.fast_trap_idx !== 0 && !((c.fast_trap_idx >= 0x20 && c.fast_trap_idx <= 0x2f) || c.fast_trap_idx === 0x80)) return -Errno.EINVAL;
  for (let vector = 0; vector < 256; vector++) {
    const entry = c.trap_ctxt[vector];
    if (entry.address !== 0 && !isGuestCodeSelector(entry.cs)) return -Errno.EINVAL;
  }
  if (c.fast_trap_idx !== 0 && (c.trap_ctxt[c.fast_trap_idx].flags & TRAP_FLAG_MASK_EVENTS) !== 0) return -Errno.EINVAL;

  // From here on every step can be undone by `undo`.
  if (!hv.pageTypes.getPageType(directory, domain.id, FrameType.L2)) {
    hv.log(`BUILDDOMAIN for domain ${domain.id}: the page directory was refused: ${hv.pageTypes.lastError}`);
    return -Errno.EINVAL;
  }
  domain.pageDirectory = directory * 4096;
  const undo = (errno: number) => {
    releaseTables(hv, domain);
    domain.context.debug.fill(0);
    hv.pageTypes.putPageType(directory);
    domain.pageDirectory = 0;
    return errno;
  };
  if (c.gdt_ents !== 0) {
    const result = setGdtFrames(hv, domain, c.gdt_frames.slice(0, Math.ceil(c.gdt_ents / 512)), c.gdt_ents);
    if (result !== 0) return undo(result);
  }
  if (c.ldt_ents !== 0) {
    const result = setLdt(hv, domain, c.ldt_base, c.ldt_ents, (linear) => hv.guestMemory.translateIn(domain.pageDirectory, linear));
    if (result !== 0) return undo(result);
  }
  const ss = c.cpu_ctxt.ss & 0xffff;
  const descriptor = new Int32Array(2);
  if ((ss & 3) !== 1 || !readGuestDescriptor(hv, domain, ss, descriptor) || !ring1StackSegment(descriptor[1])) return undo(-Errno.EINVAL);
  const ssDescriptor = [descriptor[0], descriptor[1]];
  const cs = c.cpu_ctxt.cs & 0xffff;
  if (!readGuestDescriptor(hv, domain, cs, descriptor) || !ring1CodeSegment(descriptor[1])) return undo(-Errno.EINVAL);
  for (let register = 0; register < 8; register++) {
    const value = c.debugreg[register];
    if ((register === 4 || register === 5) && value !== 0) return undo(-Errno.EINVAL);
    if (register !== 4 && register !== 5 && debugRegisterSet(hv, domain, register, value, 0, 0, 0) !== 0) return undo(-Errno.EPERM);
  }
  if (!optionalCodeSelector(c.event_callback_cs, c.event_callback_eip) || !optionalCodeSelector(c.failsafe_callback_cs, c.failsafe_callback_eip)) {
    return undo(-Errno.EINVAL);
  }
  if (c.ring1_ss !== 0 && (c.ring1_ss & 3) === 0) return undo(-Errno.EINVAL);

  // Everything is checked: install.
  for (let vector = 0; vector < 256; vector++) {
    const entry = c.trap_ctxt[vector];
    if (entry.address !== 0) installTrap(hv, domain, vector, entry.flags, entry.cs, entry.address);
  }
  if (c.fast_trap_idx !== 0) setFastTrap(hv, domain, c.fast_trap_idx, 0, 0, 0, 0);
  domain.ring1Ss = c.ring1_ss & 0xffff;
  domain.ring1Esp = c.ring1_esp | 0;
  domain.eventCallbackCs = c.event_callback_cs & 0xffff;
  domain.eventCallbackEip = c.event_callback_eip | 0;
  domain.failsafeCs = c.failsafe_callback_cs & 0xffff;
  domain.failsafeEip = c.failsafe_callback_eip | 0;
  const context = domain.context;
  for (const [name, reg] of GENERAL_REGISTERS) context.registers[reg] = c.cpu_ctxt[name];
  context.registers[Reg.ESP] = c.cpu_ctxt.esp;
  context.eip = c.cpu_ctxt.eip;
  context.eflags = (c.cpu_ctxt.eflags & EFLAGS_FROM_CONTEXT) | EFLAGS_ALWAYS | (domain.iopl << 12);
  context.cpl = 1;
  setCached(context, Seg.CS, cs, descriptor[0], descriptor[1]);
  setCached(context, Seg.SS, ss, ssDescriptor[0], ssDescriptor[1]);
  // Data segments: selector only; the first schedule-in loads (or failsafes) them.
  for (const [name, seg] of DATA_SEGMENTS) setCached(context, seg, c.cpu_ctxt[name] & 0xffff, 0, 0);
  if ((c.flags & ECF_I387_VALID) !== 0) domain.fpuState = decodeFsaveImage(view, offset + FPU_CONTEXT);
  domain.state = "built";
  return 0;
}

function setCached(context: GuestContext, seg: number, selector: number, low: number, high: number): void {
  context.selector[seg] = selector;
  context.base[seg] = descriptorBase(low, high);
  context.limit[seg] = descriptorLimit(low, high);
  context.attr[seg] = descriptorAttr(high);
}

/** A callback that is either absent (0:0) or enters a guest code selector. */
function optionalCodeSelector(cs: number, eip: number): boolean {
  return (cs === 0 && eip === 0) || isGuestCodeSelector(cs & 0xffff);
}

/** A present non-conforming code segment of DPL 1 (what CS may hold in ring 1). */
function ring1CodeSegment(high: number): boolean {
  const attr = descriptorAttr(high);
  return (attr & DESCRIPTOR_PRESENT) !== 0 && (attr & 0x1c) === DESCRIPTOR_CODE && ((attr >>> 5) & 3) === 1;
}

/** A present writable data segment of DPL 1 (what SS may hold in ring 1). */
function ring1StackSegment(high: number): boolean {
  const attr = descriptorAttr(high);
  return (attr & DESCRIPTOR_PRESENT) !== 0 && (attr & 0x1a) === DESCRIPTOR_WRITABLE_DATA && ((attr >>> 5) & 3) === 1;
}

/** Drops the GDT/LDT frames a failed BUILDDOMAIN had typed and restores the default tables. */
function releaseTables(hv: Hypervisor, domain: Domain): void {
  if (domain.ldtEntries !== 0) setLdt(hv, domain, 0, 0);
  if (domain.gdtGuestFrames.length === 0) return;
  for (const frame of domain.gdtGuestFrames) hv.pageTypes.putPageType(frame);
  domain.gdtGuestFrames = [];
  domain.gdtEntries = DEFAULT_GDT_ENTRIES;
  domain.tables?.initializeGdt();
}

function liveContext(hv: Hypervisor, domain: Domain): GuestContext {
  if (hv.current !== domain) return domain.context;
  const context = new GuestContext();
  context.save(hv.cpu);
  return context;
}


