/**
 * The guest's GDT and LDT: set_gdt, update_descriptor and the SET_LDT
 * extended command. Guest frames used as a GDT or LDT take the GDT or LDT
 * type (so they cannot be mapped writable meanwhile) and every descriptor in
 * them is checked; the CPU then uses the hypervisor's validated copies (see
 * `cpu-state/descriptor-tables.ts`).
 */
import { Errno } from "../abi";
import { checkDescriptorFrame } from "../cpu-state/descriptor-frames";
import { FIRST_RESERVED_GDT_ENTRY, LAST_RESERVED_GDT_ENTRY, checkGuestDescriptor } from "../cpu-state/descriptors";
import { reservedGdtEntries } from "../cpu-state/descriptor-tables";
import type { Domain } from "../domain/domain";
import type { Hypervisor } from "../hypervisor";
import { FrameType } from "../memory/frame-table";
import { GDT_PAGES } from "../layout";
import type { HypercallHandler } from "./types";

const MAX_GDT_ENTRIES = GDT_PAGES * 512;
const MAX_LDT_ENTRIES = 8192;
const LDT_END = 0xfc400000;

/** set_gdt(frame_list, entries): entries must be 296..8192; the frames are machine frames of the caller. */
export const setGdt: HypercallHandler = (hv, domain, frameList, entries) => {
  if (entries >>> 0 <= LAST_RESERVED_GDT_ENTRY || entries >>> 0 > MAX_GDT_ENTRIES) return -Errno.EINVAL;
  const frames = new Int32Array(Math.ceil(entries / 512));
  if (!hv.guestMemory.readWords(frameList, frames.length, frames)) return -Errno.EFAULT;
  return setGdtFrames(hv, domain, frames, entries);
};

/** set_gdt with the frame list already read: checks, types the frames GDT, fills the shadow. */
export function setGdtFrames(hv: Hypervisor, domain: Domain, frames: ArrayLike<number>, entries: number): number {
  if (entries >>> 0 <= LAST_RESERVED_GDT_ENTRY || entries >>> 0 > MAX_GDT_ENTRIES) return -Errno.EINVAL;
  const pages = Math.ceil(entries / 512);
  for (let page = 0; page < pages; page++) {
    const frame = frames[page];
    if (!hv.frames.isValidFrame(frame) || hv.frames.owner[frame] !== domain.id) return -Errno.EINVAL;
    if (checkDescriptorFrame(hv.memory, frame, page * 512) !== null) return -Errno.EINVAL;
  }
  const taken: number[] = [];
  for (let page = 0; page < pages; page++) {
    if (!hv.pageTypes.getPageType(frames[page], domain.id, FrameType.Gdt)) {
      for (const frame of taken) hv.pageTypes.putPageType(frame);
      return -Errno.EINVAL;
    }
    taken.push(frames[page]);
  }
  if (!hv.growGdtShadow(domain, entries)) {
    for (const frame of taken) hv.pageTypes.putPageType(frame);
    return -Errno.ENOMEM;
  }
  for (const frame of domain.gdtGuestFrames) hv.pageTypes.putPageType(frame);
  domain.gdtGuestFrames = taken;
  const tables = domain.tables!;
  for (let index = 0; index < pages * 512; index++) {
    if (index >= FIRST_RESERVED_GDT_ENTRY && index <= LAST_RESERVED_GDT_ENTRY) continue;
    const address = taken[index >>> 9] * 4096 + (index & 511) * 8;
    if (index < entries) tables.writeGdt(index, hv.memory.read32(address), hv.memory.read32(address + 4));
  }
  for (const [index, low, high] of reservedGdtEntries()) tables.writeGdt(index, low, high);
  tables.setLdtDescriptor(domain.ldtEntries);
  domain.gdtEntries = entries;
  if (hv.current === domain) hv.loadDescriptorTableRegisters(domain);
  return 0;
}

/** Which GDT entry (or -1) a machine address of one of the domain's GDT frames is. */
function gdtIndexOf(domain: Domain, address: number): number {
  const page = domain.gdtGuestFrames.indexOf(address >>> 12);
  return page < 0 ? -1 : page * 512 + ((address & 0xfff) >>> 3);
}

/** update_descriptor(machine address, low, high). */
export const updateDescriptor: HypercallHandler = (hv, domain, address, low, high) => {
  address >>>= 0;
  const frame = address >>> 12;
  if ((address & 7) !== 0 || !hv.frames.isValidFrame(frame) || hv.frames.owner[frame] !== domain.id) return -Errno.EINVAL;
  const type = hv.frames.typeCount[frame] === 0 ? FrameType.None : hv.frames.type[frame];
  if (type === FrameType.L1 || type === FrameType.L2) return -Errno.EINVAL;
  const gdtIndex = type === FrameType.Gdt ? gdtIndexOf(domain, address) : -1;
  if (gdtIndex >= FIRST_RESERVED_GDT_ENTRY && gdtIndex <= LAST_RESERVED_GDT_ENTRY) return -Errno.EINVAL;
  if (checkGuestDescriptor(low, high) !== null) return -Errno.EINVAL;
  hv.memory.write32(address, low);
  hv.memory.write32(address + 4, high);
  const tables = domain.tables!;
  if (gdtIndex >= 0 && gdtIndex < domain.gdtEntries) tables.writeGdt(gdtIndex, low, high);
  if (type === FrameType.Ldt) {
    const page = domain.ldtGuestFrames.indexOf(frame);
    const index = page * 512 + ((address & 0xfff) >>> 3);
    if (page >= 0 && index < domain.ldtEntries) tables.writeLdt(index, low, high);
  }
  return 0;
};

/**
 * SET_LDT(linear base, entries): the LDT's pages are looked up through the
 * guest's page tables now, typed LDT (all their descriptors checked) and
 * copied into the shadow. 0 entries removes the LDT. `translate` walks
 * the domain's page tables (by default the ones loaded now).
 */
export function setLdt(
  hv: Hypervisor,
  domain: Domain,
  base: number,
  entries: number,
  translate: (linear: number) => number = (linear) => hv.guestMemory.translate(linear, false),
): number {
  base >>>= 0;
  if ((base & 0xfff) !== 0 || entries > MAX_LDT_ENTRIES || (entries > 0 && base + entries * 8 > LDT_END)) return -Errno.EINVAL;
  const pages = Math.ceil((entries * 8) / 4096);
  const frames: number[] = [];
  for (let page = 0; page < pages; page++) {
    const address = translate(base + page * 4096);
    if (address < 0) {
      for (const frame of frames) hv.pageTypes.putPageType(frame);
      return -Errno.EFAULT;
    }
    const frame = address >>> 12;
    if (!hv.pageTypes.getPageType(frame, domain.id, FrameType.Ldt)) {
      for (const taken of frames) hv.pageTypes.putPageType(taken);
      return -Errno.EINVAL;
    }
    frames.push(frame);
  }
  if (!hv.growLdtShadow(domain, entries)) {
    for (const frame of frames) hv.pageTypes.putPageType(frame);
    return -Errno.ENOMEM;
  }
  for (const frame of domain.ldtGuestFrames) hv.pageTypes.putPageType(frame);
  domain.ldtGuestFrames = frames;
  const tables = domain.tables!;
  for (let index = 0; index < entries; index++) {
    const address = frames[index >>> 9] * 4096 + (index & 511) * 8;
    tables.writeLdt(index, hv.memory.read32(address), hv.memory.read32(address + 4));
  }
  domain.ldtBase = base;
  domain.ldtEntries = entries;
  tables.setLdtDescriptor(entries);
  if (hv.current === domain) hv.loadDescriptorTableRegisters(domain);
  return 0;
}

