/**
 * Multiboot (version 0.6.96) kernels: the header in the first 8 KiB, the
 * image loaded from its address fields (flag 16) or as ELF, modules placed
 * page-aligned after it, and the information structure with memory sizes,
 * command line, modules and a memory map. The kernel starts in flat
 * protected mode with EAX = 0x2BADB002 and EBX = the information structure.
 */
import { type FlatProtectedEntry, ImageFormatError, type LoadTarget, writeFlatGdt } from "./boot-entry";
import { pcMemoryMap } from "./e820";
import { loadElf32 } from "./elf";

const HEADER_MAGIC = 0x1badb002;
const BOOTLOADER_MAGIC = 0x2badb002;
const SEARCH_BYTES = 8192;
const GDT_ADDRESS = 0x6000;
const INFO_ADDRESS = 0x7000;
const STRINGS_ADDRESS = 0x8000;
const MODULE_LIST_ADDRESS = 0x7800;
const MEMORY_MAP_ADDRESS = 0x7c00;

const Flag = { PAGE_ALIGN: 1 << 0, MEMORY_INFO: 1 << 1, VIDEO_MODE: 1 << 2, ADDRESS_FIELDS: 1 << 16 } as const;
const InfoFlag = { MEMORY: 1 << 0, COMMAND_LINE: 1 << 2, MODULES: 1 << 3, MEMORY_MAP: 1 << 6, LOADER_NAME: 1 << 9 } as const;

export interface MultibootModule {
  readonly bytes: Uint8Array;
  readonly commandLine?: string;
}

export interface MultibootHeader {
  readonly offset: number;
  readonly flags: number;
  readonly headerAddress: number;
  readonly loadAddress: number;
  readonly loadEndAddress: number;
  readonly bssEndAddress: number;
  readonly entryAddress: number;
}

/** Finds the Multiboot header; null if the image has none. */
export function findMultibootHeader(image: Uint8Array): MultibootHeader | null {
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const limit = Math.min(image.length - 12, SEARCH_BYTES - 12);
  for (let offset = 0; offset <= limit; offset += 4) {
    if (view.getUint32(offset, true) !== HEADER_MAGIC) continue;
    const flags = view.getUint32(offset + 4, true);
    const checksum = view.getUint32(offset + 8, true);
    if (((HEADER_MAGIC + flags + checksum) >>> 0) !== 0) continue;
    const field = (n: number) => (offset + 12 + n * 4 + 4 <= image.length ? view.getUint32(offset + 12 + n * 4, true) : 0);
    return {
      offset,
      flags,
      headerAddress: field(0),
      loadAddress: field(1),
      loadEndAddress: field(2),
      bssEndAddress: field(3),
      entryAddress: field(4),
    };
  }
  return null;
}

export function loadMultiboot(
  target: LoadTarget,
  image: Uint8Array,
  options: { commandLine?: string; modules?: readonly MultibootModule[] } = {},
): FlatProtectedEntry {
  const header = findMultibootHeader(image);
  if (header === null) throw new ImageFormatError("not a Multiboot kernel: no valid header in the first 8 KiB");
  // Bits 0-15 are requirements the loader must meet; only page alignment, memory info and video mode exist.
  if ((header.flags & 0xffff & ~(Flag.PAGE_ALIGN | Flag.MEMORY_INFO | Flag.VIDEO_MODE)) !== 0) {
    throw new ImageFormatError(`Multiboot header asks for unsupported features (flags 0x${header.flags.toString(16)})`);
  }

  let entry: number;
  let imageEnd: number;
  if ((header.flags & Flag.ADDRESS_FIELDS) !== 0) {
    const fileStart = header.offset - (header.headerAddress - header.loadAddress);
    if (fileStart < 0) throw new ImageFormatError("Multiboot address fields put the load address after the header");
    const loadEnd = header.loadEndAddress === 0 ? header.loadAddress + (image.length - fileStart) : header.loadEndAddress;
    const bssEnd = Math.max(header.bssEndAddress, loadEnd);
    if (bssEnd > target.ramBytes) throw new ImageFormatError("the Multiboot kernel does not fit in RAM");
    const bytes = new Uint8Array(bssEnd - header.loadAddress);
    bytes.set(image.subarray(fileStart, fileStart + (loadEnd - header.loadAddress)));
    target.writeBytes(header.loadAddress, bytes);
    entry = header.entryAddress;
    imageEnd = bssEnd;
  } else {
    const elf = loadElf32(target, image);
    entry = elf.entry;
    imageEnd = elf.end;
  }

  // Modules go page-aligned after the kernel; their list, strings and the memory map below 64 KiB.
  const encoder = new TextEncoder();
  let stringCursor = STRINGS_ADDRESS;
  const writeString = (text: string): number => {
    const bytes = encoder.encode(`${text}\0`);
    const at = stringCursor;
    target.writeBytes(at, bytes);
    stringCursor += bytes.length;
    return at;
  };
  const modules = options.modules ?? [];
  const moduleList = new Uint8Array(modules.length * 16);
  const moduleView = new DataView(moduleList.buffer);
  let cursor = Math.ceil(imageEnd / 4096) * 4096;
  modules.forEach((module, n) => {
    if (cursor + module.bytes.length > target.ramBytes) throw new ImageFormatError(`Multiboot module ${n} does not fit in RAM`);
    target.writeBytes(cursor, module.bytes);
    moduleView.setUint32(n * 16, cursor, true);
    moduleView.setUint32(n * 16 + 4, cursor + module.bytes.length, true);
    moduleView.setUint32(n * 16 + 8, writeString(module.commandLine ?? ""), true);
    cursor = Math.ceil((cursor + module.bytes.length) / 4096) * 4096;
  });
  target.writeBytes(MODULE_LIST_ADDRESS, moduleList);

  const regions = pcMemoryMap(target.ramBytes);
  const map = new Uint8Array(regions.length * 24);
  const mapView = new DataView(map.buffer);
  regions.forEach((region, n) => {
    mapView.setUint32(n * 24, 20, true);
    mapView.setUint32(n * 24 + 4, region.base, true);
    mapView.setUint32(n * 24 + 12, region.length, true);
    mapView.setUint32(n * 24 + 20, region.type, true);
  });
  target.writeBytes(MEMORY_MAP_ADDRESS, map);

  const info = new Uint8Array(88);
  const infoView = new DataView(info.buffer);
  infoView.setUint32(0, InfoFlag.MEMORY | InfoFlag.COMMAND_LINE | InfoFlag.MODULES | InfoFlag.MEMORY_MAP | InfoFlag.LOADER_NAME, true);
  infoView.setUint32(4, 639, true);
  infoView.setUint32(8, Math.floor((target.ramBytes - 0x100000) / 1024), true);
  infoView.setUint32(16, writeString(options.commandLine ?? ""), true);
  infoView.setUint32(20, modules.length, true);
  infoView.setUint32(24, MODULE_LIST_ADDRESS, true);
  infoView.setUint32(44, map.length, true);
  infoView.setUint32(48, MEMORY_MAP_ADDRESS, true);
  infoView.setUint32(64, writeString("xeno86"), true);
  target.writeBytes(INFO_ADDRESS, info);

  const gdt = writeFlatGdt(target, GDT_ADDRESS, 0x08, 0x10);
  return {
    mode: "protected",
    eip: entry,
    gdtBase: gdt.base,
    gdtLimit: gdt.limit,
    codeSelector: 0x08,
    dataSelector: 0x10,
    registers: { eax: BOOTLOADER_MAGIC, ebx: INFO_ADDRESS },
  };
}
