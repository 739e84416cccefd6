/**
 * The domain builder (Xen 1.2's start of day, see guest-abi's README):
 *
 * - the domain's N pages are mapped in order at the load base L
 *   (0xC0000000 unless the image says otherwise): page i at L + i*4 KiB;
 * - the kernel's segments go to pseudo-physical (vaddr - L), the module
 *   (initrd) follows the kernel on the next page;
 * - the page directory is the last page (N-1), the L1 tables go downward
 *   from N-2; page-table pages are mapped read-only (PTE 0x021), every
 *   other page writable (0x023), directory entries are 0x067;
 * - start_info sits at N-3-nL1 (one unused page below the tables), or
 *   N-2-nL1 for the privileged domain;
 * - shared_info is a separate frame, not mapped: start_info gives its
 *   machine address;
 * - the kernel starts in ring 1 at its entry point with CS 0x0819,
 *   DS = ES = FS = GS = SS = 0x0821, ESI = ESP = the virtual address of
 *   start_info, EFLAGS 0x206, every other register 0, events masked.
 */
import { Reg, Seg, descriptorAttr, descriptorBase, descriptorLimit } from "@xeno86/cpu-x86";
import { ImageFormatError } from "@xeno86/pc";
import { MAX_CMD_LEN, StartInfo, StartInfoFlag } from "../abi";
import { reservedGdtEntries } from "../cpu-state/descriptor-tables";
import { FLAT_RING1_CS, FLAT_RING1_DS } from "../cpu-state/descriptors";
import type { Hypervisor } from "../hypervisor";
import { FrameType } from "../memory/frame-table";
import type { Domain } from "./domain";
import { parseGuestImage } from "./guest-image";
import { reserveDomainMemory } from "./reservation";

export interface BuildOptions {
  commandLine?: string;
  /** An initrd or any blob the kernel wants, placed after the kernel. */
  module?: Uint8Array;
}

const PTE_PAGE_TABLE = 0x021;
const PTE_ORDINARY = 0x023;
const PDE_FLAGS = 0x067;
const START_EFLAGS = 0x206;

export class BuildError extends Error {}

export function buildDomain(hv: Hypervisor, domain: Domain, imageBytes: Uint8Array, options: BuildOptions = {}): void {
  if (domain.state !== "created") throw new BuildError(`domain ${domain.id} is already built`);
  const image = parseGuestImage(imageBytes);
  const pages = domain.maxPages;
  const base = image.virtualBase;
  const l1Count = Math.ceil(pages / 1024);
  const kernelPages = Math.ceil((image.virtualEnd - base) / 4096);
  const module = options.module ?? new Uint8Array(0);
  const moduleFirstPage = kernelPages;
  const moduleEndPage = moduleFirstPage + Math.ceil(module.length / 4096);
  const startInfoPage = pages - (domain.privileged ? 2 : 3) - l1Count;
  const commandLine = options.commandLine ?? "";
  if (commandLine.length >= MAX_CMD_LEN) throw new BuildError(`the command line is ${commandLine.length} bytes; at most ${MAX_CMD_LEN - 1} fit`);
  if (moduleEndPage > startInfoPage) {
    throw new BuildError(
      `${pages * 4} KiB is too little: the kernel (${kernelPages} pages), module (${moduleEndPage - moduleFirstPage} pages), start_info and ${l1Count + 1} page-table pages need ${moduleEndPage + (pages - startInfoPage)} pages`,
    );
  }
  if (base + pages * 4096 > 0xfc000000) throw new BuildError(`${pages * 4} KiB mapped at 0x${base.toString(16)} would reach the hypervisor's area`);

  try {
    reserveDomainMemory(hv, domain);
  } catch (error) {
    throw new BuildError((error as Error).message);
  }
  const frames = domain.physToMachine;
  const sharedInfo = domain.sharedInfoFrame;

  const memory = hv.memory;
  const writeAt = (pfnOffset: number, bytes: Uint8Array) => {
    for (let done = 0; done < bytes.length; ) {
      const at = pfnOffset + done;
      const chunk = Math.min(bytes.length - done, 4096 - (at & 0xfff));
      memory.writeBytes(frames[at >>> 12] * 4096 + (at & 0xfff), bytes.subarray(done, done + chunk));
      done += chunk;
    }
  };
  for (const segment of image.elf.segments) {
    writeAt(segment.virtualAddress - base, imageBytes.subarray(segment.fileOffset, segment.fileOffset + segment.fileSize));
  }
  writeAt(moduleFirstPage * 4096, module);

  // Page tables: the directory at N-1, L1 k at N-2-k.
  const directoryPfn = pages - 1;
  const isPageTable = (pfn: number) => pfn === directoryPfn || (pfn >= pages - 1 - l1Count && pfn < directoryPfn);
  const directory = frames[directoryPfn] * 4096;
  const firstSlot = base >>> 22;
  for (let k = 0; k < l1Count; k++) {
    const l1 = frames[pages - 2 - k] * 4096;
    memory.write32(directory + (firstSlot + k) * 4, (frames[pages - 2 - k] << 12) | PDE_FLAGS);
    for (let j = 0; j < 1024; j++) {
      const pfn = k * 1024 + j;
      if (pfn >= pages) break;
      memory.write32(l1 + j * 4, (frames[pfn] << 12) | (isPageTable(pfn) ? PTE_PAGE_TABLE : PTE_ORDINARY));
    }
  }

  // start_info.
  const startInfo = frames[startInfoPage] * 4096;
  memory.write32(startInfo + StartInfo.nr_pages, pages);
  memory.write32(startInfo + StartInfo.shared_info, sharedInfo * 4096);
  memory.write32(startInfo + StartInfo.dom_id, domain.id);
  memory.write32(startInfo + StartInfo.flags, (domain.privileged ? StartInfoFlag.PRIVILEGED : 0) | (domain.ownsConsole ? StartInfoFlag.CONSOLE : 0));
  memory.write32(startInfo + StartInfo.pt_base, base + directoryPfn * 4096);
  memory.write32(startInfo + StartInfo.mod_start, module.length > 0 ? base + moduleFirstPage * 4096 : 0);
  memory.write32(startInfo + StartInfo.mod_len, module.length);
  for (let i = 0; i < commandLine.length; i++) memory.write8(startInfo + StartInfo.cmd_line + i, commandLine.charCodeAt(i) & 0xff);
  domain.commandLine = commandLine;

  // The directory becomes the domain's CR3: validated (and its tables with it) as an L2.
  if (!hv.pageTypes.getPageType(frames[directoryPfn], domain.id, FrameType.L2)) {
    throw new BuildError(`the initial page tables were refused: ${hv.pageTypes.lastError}`);
  }
  domain.pageDirectory = directory;

  const context = domain.context;
  context.registers.fill(0);
  const startInfoVirtual = base + startInfoPage * 4096;
  context.registers[Reg.ESI] = startInfoVirtual | 0;
  context.registers[Reg.ESP] = startInfoVirtual | 0;
  context.eip = image.entry | 0;
  context.eflags = START_EFLAGS;
  context.cpl = 1;
  const reserved = new Map(reservedGdtEntries().map(([index, low, high]) => [index, [low, high] as const]));
  const setSegment = (seg: number, selector: number) => {
    const [low, high] = reserved.get(selector >>> 3)!;
    context.selector[seg] = selector;
    context.base[seg] = descriptorBase(low, high);
    context.limit[seg] = descriptorLimit(low, high);
    context.attr[seg] = descriptorAttr(high);
  };
  setSegment(Seg.CS, FLAT_RING1_CS);
  for (const seg of [Seg.DS, Seg.ES, Seg.FS, Seg.GS, Seg.SS]) setSegment(seg, FLAT_RING1_DS);
  domain.state = "built";
}

export { ImageFormatError };
