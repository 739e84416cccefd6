/**
 * xeno86 paravirtual kernel images: ELF32 i386 executables with a
 * `__xen_guest` section holding "KEY=VALUE,KEY=VALUE" (the Xen 2.0 form):
 * GUEST_OS or LOADER, XEN_VER (must be xeno86-1.2), and optionally
 * VIRT_BASE (else the lowest loadable address). Anything else is refused
 * with a message that says what is wrong.
 */
import { ImageFormatError, parseElf32, type ElfImage } from "@xeno86/pc";
import { GUEST_ABI_VERSION, GUEST_IMAGE_SECTION } from "../abi";

export interface GuestImage {
  readonly elf: ElfImage;
  readonly bytes: Uint8Array;
  readonly virtualBase: number;
  /** First and last-plus-one virtual address of the loadable segments. */
  readonly virtualStart: number;
  readonly virtualEnd: number;
  readonly entry: number;
  readonly declarations: Readonly<Record<string, string>>;
}

export function parseGuestImage(bytes: Uint8Array): GuestImage {
  const elf = parseElf32(bytes);
  const text = readGuestSection(bytes);
  if (text === null) throw new ImageFormatError(`not a xeno86 paravirtual kernel: no ${GUEST_IMAGE_SECTION} section`);
  const declarations: Record<string, string> = {};
  for (const pair of text.split(",")) {
    if (pair.trim() === "") continue;
    const equals = pair.indexOf("=");
    if (equals <= 0) throw new ImageFormatError(`${GUEST_IMAGE_SECTION}: "${pair}" is not KEY=VALUE`);
    declarations[pair.slice(0, equals).trim()] = pair.slice(equals + 1).trim();
  }
  if (declarations.XEN_VER !== GUEST_ABI_VERSION) {
    throw new ImageFormatError(`${GUEST_IMAGE_SECTION}: XEN_VER is ${JSON.stringify(declarations.XEN_VER ?? "")}, this hypervisor runs ${GUEST_ABI_VERSION} kernels`);
  }
  if (declarations.GUEST_OS === undefined && declarations.LOADER === undefined) {
    throw new ImageFormatError(`${GUEST_IMAGE_SECTION}: neither GUEST_OS nor LOADER is declared`);
  }
  let virtualStart = Number.POSITIVE_INFINITY;
  let virtualEnd = 0;
  for (const segment of elf.segments) {
    if (segment.memorySize === 0) continue;
    virtualStart = Math.min(virtualStart, segment.virtualAddress);
    virtualEnd = Math.max(virtualEnd, segment.virtualAddress + segment.memorySize);
  }
  if (virtualEnd === 0) throw new ImageFormatError("the kernel has no loadable bytes");
  let virtualBase = virtualStart;
  if (declarations.VIRT_BASE !== undefined) {
    virtualBase = Number(declarations.VIRT_BASE);
    if (!Number.isInteger(virtualBase) || virtualBase < 0 || virtualBase % 4096 !== 0) {
      throw new ImageFormatError(`${GUEST_IMAGE_SECTION}: VIRT_BASE ${declarations.VIRT_BASE} is not a page-aligned address`);
    }
  }
  if (virtualStart < virtualBase) throw new ImageFormatError(`a segment starts at 0x${virtualStart.toString(16)}, below VIRT_BASE 0x${virtualBase.toString(16)}`);
  if (virtualEnd > 0xfc000000) throw new ImageFormatError("the kernel reaches into the hypervisor's area at 0xFC000000");
  if (elf.entry < virtualStart || elf.entry >= virtualEnd) throw new ImageFormatError(`entry point 0x${elf.entry.toString(16)} is outside the kernel`);
  return { elf, bytes, virtualBase, virtualStart, virtualEnd, entry: elf.entry, declarations };
}

/** The NUL-terminated text of the __xen_guest section, or null when there is none. */
function readGuestSection(bytes: Uint8Array): string | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shoff = view.getUint32(32, true);
  const shentsize = view.getUint16(46, true);
  const shnum = view.getUint16(48, true);
  const shstrndx = view.getUint16(50, true);
  if (shoff === 0 || shnum === 0) return null;
  if (shentsize < 40 || shoff + shnum * shentsize > bytes.length || shstrndx >= shnum) {
    throw new ImageFormatError("ELF section headers lie outside the file");
  }
  const section = (index: number) => {
    const at = shoff + index * shentsize;
    return { name: view.getUint32(at, true), offset: view.getUint32(at + 16, true), size: view.getUint32(at + 20, true) };
  };
  const names = section(shstrndx);
  if (names.offset + names.size > bytes.length) throw new ImageFormatError("ELF section names lie outside the file");
  for (let index = 0; index < shnum; index++) {
    const candidate = section(index);
    if (cString(bytes, names.offset + candidate.name, names.offset + names.size) !== GUEST_IMAGE_SECTION) continue;
    if (candidate.offset + candidate.size > bytes.length) throw new ImageFormatError(`${GUEST_IMAGE_SECTION} lies outside the file`);
    return cString(bytes, candidate.offset, candidate.offset + candidate.size);
  }
  return null;
}

function cString(bytes: Uint8Array, start: number, limit: number): string {
  let text = "";
  for (let at = start; at < limit && bytes[at] !== 0; at++) text += String.fromCharCode(bytes[at]);
  return text;
}
