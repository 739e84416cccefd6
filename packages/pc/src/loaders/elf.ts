/**
 * ELF32 i386 executables: PT_LOAD segments copied to their physical
 * addresses (zero-filled up to p_memsz), entry at e_entry.
 */
import { ImageFormatError, type LoadTarget } from "./boot-entry";

export interface ElfSegment {
  readonly physicalAddress: number;
  readonly virtualAddress: number;
  readonly fileOffset: number;
  readonly fileSize: number;
  readonly memorySize: number;
  readonly flags: number;
}

export interface ElfImage {
  readonly entry: number;
  readonly segments: readonly ElfSegment[];
  /** Highest physical address a segment occupies (exclusive). */
  readonly end: number;
}

const PT_LOAD = 1;

export function parseElf32(image: Uint8Array): ElfImage {
  if (image.length < 52 || image[0] !== 0x7f || image[1] !== 0x45 || image[2] !== 0x4c || image[3] !== 0x46) {
    throw new ImageFormatError("not an ELF file (no \\x7fELF magic)");
  }
  if (image[4] !== 1) throw new ImageFormatError("not a 32-bit ELF file (EI_CLASS is not ELFCLASS32)");
  if (image[5] !== 1) throw new ImageFormatError("not a little-endian ELF file");
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const machine = view.getUint16(18, true);
  if (machine !== 3) throw new ImageFormatError(`ELF machine ${machine} is not i386 (3)`);
  const entry = view.getUint32(24, true);
  const phoff = view.getUint32(28, true);
  const phentsize = view.getUint16(42, true);
  const phnum = view.getUint16(44, true);
  if (phnum === 0) throw new ImageFormatError("ELF file has no program headers");
  if (phentsize < 32 || phoff + phnum * phentsize > image.length) {
    throw new ImageFormatError("ELF program headers lie outside the file");
  }
  const segments: ElfSegment[] = [];
  let end = 0;
  for (let n = 0; n < phnum; n++) {
    const at = phoff + n * phentsize;
    if (view.getUint32(at, true) !== PT_LOAD) continue;
    const segment: ElfSegment = {
      fileOffset: view.getUint32(at + 4, true),
      virtualAddress: view.getUint32(at + 8, true),
      physicalAddress: view.getUint32(at + 12, true),
      fileSize: view.getUint32(at + 16, true),
      memorySize: view.getUint32(at + 20, true),
      flags: view.getUint32(at + 24, true),
    };
    if (segment.fileSize > segment.memorySize) throw new ImageFormatError(`ELF segment ${n} has p_filesz larger than p_memsz`);
    if (segment.fileOffset + segment.fileSize > image.length) throw new ImageFormatError(`ELF segment ${n} extends past the end of the file`);
    if (segment.physicalAddress + segment.memorySize > 2 ** 32) throw new ImageFormatError(`ELF segment ${n} wraps past 4 GiB`);
    segments.push(segment);
    end = Math.max(end, segment.physicalAddress + segment.memorySize);
  }
  if (segments.length === 0) throw new ImageFormatError("ELF file has no loadable (PT_LOAD) segment");
  return { entry, segments, end };
}

/** Copies the loadable segments into memory at their physical addresses. */
export function loadElf32(target: LoadTarget, image: Uint8Array): ElfImage {
  const elf = parseElf32(image);
  for (const segment of elf.segments) {
    if (segment.physicalAddress + segment.memorySize > target.ramBytes) {
      throw new ImageFormatError(
        `ELF segment at 0x${segment.physicalAddress.toString(16)} (+0x${segment.memorySize.toString(16)}) lies beyond the machine's ${target.ramBytes / 1048576} MiB of RAM`,
      );
    }
    const bytes = new Uint8Array(segment.memorySize);
    bytes.set(image.subarray(segment.fileOffset, segment.fileOffset + segment.fileSize));
    target.writeBytes(segment.physicalAddress, bytes);
  }
  return elf;
}
