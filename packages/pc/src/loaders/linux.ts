/**
 * Linux bzImage through the 32-bit boot protocol (Documentation/arch/x86/boot.rst):
 * the setup header is copied into a zeroed boot_params ("zero page") with an
 * E820 map, command line and initrd; the protected-mode kernel goes to 1 MiB;
 * the CPU starts at code32_start in flat protected mode with CS = 0x10,
 * DS = ES = SS = 0x18, interrupts off and ESI pointing at boot_params.
 */
import { type FlatProtectedEntry, ImageFormatError, type LoadTarget, writeFlatGdt } from "./boot-entry";
import { pcMemoryMap } from "./e820";

/** Where the loader puts its structures (all below 64 KiB, clear of the kernel). */
const GDT_ADDRESS = 0x6000;
const BOOT_PARAMS_ADDRESS = 0x7000;
const COMMAND_LINE_ADDRESS = 0x9000;
const KERNEL_ADDRESS = 0x100000;
/** The kernel's direct map ends at 896 MiB; an initrd must stay below it. */
const LOWMEM_LIMIT = 0x38000000;

const Header = {
  SETUP_SECTS: 0x1f1,
  BOOT_FLAG: 0x1fe,
  JUMP: 0x200,
  SIGNATURE: 0x202,
  VERSION: 0x206,
  TYPE_OF_LOADER: 0x210,
  LOADFLAGS: 0x211,
  CODE32_START: 0x214,
  RAMDISK_IMAGE: 0x218,
  RAMDISK_SIZE: 0x21c,
  CMD_LINE_PTR: 0x228,
  INITRD_ADDR_MAX: 0x22c,
  CMDLINE_SIZE: 0x238,
  INIT_SIZE: 0x260,
} as const;

const BootParams = { ALT_MEM_K: 0x1e0, E820_ENTRIES: 0x1e8, E820_TABLE: 0x2d0, SIZE: 0x1000 } as const;
const LOADED_HIGH = 0x01;
const KEEP_SEGMENTS = 0x40;

export interface LinuxImageInfo {
  /** Boot protocol version, e.g. 0x020f for 2.15. */
  readonly protocol: number;
  readonly setupBytes: number;
  readonly kernelBytes: number;
  readonly commandLineMax: number;
  readonly initrdAddressMax: number;
  readonly initSize: number;
}

/** Checks and describes a bzImage without loading it. */
export function inspectLinuxImage(image: Uint8Array): LinuxImageInfo {
  if (image.length < 0x1000) throw new ImageFormatError(`not a Linux bzImage: only ${image.length} bytes`);
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  if (view.getUint32(Header.SIGNATURE, true) !== 0x53726448) {
    throw new ImageFormatError('not a Linux bzImage: no "HdrS" signature at offset 0x202');
  }
  if (view.getUint16(Header.BOOT_FLAG, true) !== 0xaa55) throw new ImageFormatError("not a Linux bzImage: boot flag 0xAA55 missing");
  const protocol = view.getUint16(Header.VERSION, true);
  if (protocol < 0x0204) {
    throw new ImageFormatError(`Linux boot protocol ${protocol >> 8}.${protocol & 0xff} is too old (2.04 or later is needed)`);
  }
  if ((image[Header.LOADFLAGS] & LOADED_HIGH) === 0) throw new ImageFormatError("not a bzImage: the kernel does not load at 1 MiB (zImage)");
  const setupSectors = image[Header.SETUP_SECTS] === 0 ? 4 : image[Header.SETUP_SECTS];
  const setupBytes = (setupSectors + 1) * 512;
  if (setupBytes >= image.length) throw new ImageFormatError("truncated bzImage: no protected-mode kernel after the setup code");
  return {
    protocol,
    setupBytes,
    kernelBytes: image.length - setupBytes,
    commandLineMax: protocol >= 0x0206 ? view.getUint32(Header.CMDLINE_SIZE, true) : 255,
    initrdAddressMax: protocol >= 0x0203 ? view.getUint32(Header.INITRD_ADDR_MAX, true) : 0x37ffffff,
    initSize: protocol >= 0x020a ? view.getUint32(Header.INIT_SIZE, true) : image.length * 4,
  };
}

export interface LinuxLoadOptions {
  commandLine?: string;
  initrd?: Uint8Array;
}

export interface LinuxLoadResult {
  readonly entry: FlatProtectedEntry;
  readonly info: LinuxImageInfo;
  readonly initrdAddress: number;
}

export function loadLinux(target: LoadTarget, image: Uint8Array, options: LinuxLoadOptions = {}): LinuxLoadResult {
  const info = inspectLinuxImage(image);
  const ramBytes = target.ramBytes;
  const kernelEnd = KERNEL_ADDRESS + Math.max(info.initSize, info.kernelBytes);
  if (kernelEnd > ramBytes) {
    throw new ImageFormatError(`the kernel needs ${Math.ceil(kernelEnd / 1048576)} MiB of RAM to decompress; the machine has ${ramBytes / 1048576} MiB`);
  }

  const commandLine = new TextEncoder().encode(options.commandLine ?? "");
  if (commandLine.length > info.commandLineMax) {
    throw new ImageFormatError(`command line of ${commandLine.length} bytes exceeds the kernel's limit of ${info.commandLineMax}`);
  }

  let initrdAddress = 0;
  const initrd = options.initrd;
  if (initrd !== undefined && initrd.length > 0) {
    const ceiling = Math.min(info.initrdAddressMax + 1, ramBytes, LOWMEM_LIMIT);
    initrdAddress = Math.floor((ceiling - initrd.length) / 4096) * 4096;
    if (initrdAddress < kernelEnd) {
      throw new ImageFormatError(
        `the initrd (${Math.ceil(initrd.length / 1048576)} MiB) does not fit between the kernel and the end of RAM; give the machine more memory`,
      );
    }
    target.writeBytes(initrdAddress, initrd);
  }

  const params = new Uint8Array(BootParams.SIZE);
  const view = new DataView(params.buffer);
  // The setup header runs from 0x1F1 to 0x202 + the byte at 0x201 (the jump's length).
  const headerEnd = Math.min(0x202 + image[0x201], 0x290);
  params.set(image.subarray(Header.SETUP_SECTS, headerEnd), Header.SETUP_SECTS);
  params[Header.TYPE_OF_LOADER] = 0xff;
  params[Header.LOADFLAGS] = (params[Header.LOADFLAGS] | LOADED_HIGH) & ~KEEP_SEGMENTS;
  view.setUint32(Header.CODE32_START, KERNEL_ADDRESS, true);
  view.setUint32(Header.CMD_LINE_PTR, COMMAND_LINE_ADDRESS, true);
  view.setUint32(Header.RAMDISK_IMAGE, initrdAddress, true);
  view.setUint32(Header.RAMDISK_SIZE, initrd?.length ?? 0, true);
  view.setUint32(BootParams.ALT_MEM_K, Math.floor((ramBytes - 0x100000) / 1024), true);
  const regions = pcMemoryMap(ramBytes);
  params[BootParams.E820_ENTRIES] = regions.length;
  regions.forEach((region, n) => {
    const at = BootParams.E820_TABLE + n * 20;
    view.setUint32(at, region.base, true);
    view.setUint32(at + 8, region.length, true);
    view.setUint32(at + 16, region.type, true);
  });

  const commandLineBytes = new Uint8Array(commandLine.length + 1);
  commandLineBytes.set(commandLine);
  target.writeBytes(COMMAND_LINE_ADDRESS, commandLineBytes);
  target.writeBytes(BOOT_PARAMS_ADDRESS, params);
  target.writeBytes(KERNEL_ADDRESS, image.subarray(info.setupBytes));
  const gdt = writeFlatGdt(target, GDT_ADDRESS, 0x10, 0x18);
  return {
    info,
    initrdAddress,
    entry: {
      mode: "protected",
      eip: KERNEL_ADDRESS,
      gdtBase: gdt.base,
      gdtLimit: gdt.limit,
      codeSelector: 0x10,
      dataSelector: 0x18,
      registers: { esi: BOOT_PARAMS_ADDRESS },
    },
  };
}
