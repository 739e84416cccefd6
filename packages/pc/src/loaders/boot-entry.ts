/**
 * What a loader leaves for the CPU: where to start and in which state. The
 * machine applies it (flat 32-bit protected mode with a GDT the loader wrote,
 * or real mode at CS:IP).
 */

export interface FlatProtectedEntry {
  readonly mode: "protected";
  readonly eip: number;
  /** GDT the loader placed in memory (base, limit) and the selectors to load. */
  readonly gdtBase: number;
  readonly gdtLimit: number;
  readonly codeSelector: number;
  readonly dataSelector: number;
  /** General registers by name; unnamed ones are zero. */
  readonly registers: Readonly<Partial<Record<"eax" | "ebx" | "ecx" | "edx" | "esi" | "edi" | "ebp" | "esp", number>>>;
}

export interface RealModeEntry {
  readonly mode: "real";
  readonly cs: number;
  readonly ip: number;
  readonly registers: Readonly<Partial<Record<"eax" | "ebx" | "ecx" | "edx" | "esi" | "edi" | "ebp" | "esp", number>>>;
}

export type BootEntry = FlatProtectedEntry | RealModeEntry;

/** Where loaders put bytes; `PhysicalMemory` from @xeno86/mmu satisfies it. */
export interface LoadTarget {
  readonly ramBytes: number;
  writeBytes(address: number, bytes: Uint8Array): void;
}

/** An image that cannot be loaded: the message says what is wrong with it. */
export class ImageFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ImageFormatError";
  }
}

/**
 * Writes a GDT with flat 4 GiB ring-0 code and data descriptors at the given
 * selectors (the Linux boot protocol wants code at 0x10 and data at 0x18).
 */
export function writeFlatGdt(target: LoadTarget, base: number, codeSelector: number, dataSelector: number): { base: number; limit: number } {
  const entries = Math.max(codeSelector, dataSelector) / 8 + 1;
  const gdt = new Uint8Array(entries * 8);
  const view = new DataView(gdt.buffer);
  const put = (selector: number, high: number) => {
    view.setUint32(selector, 0x0000ffff, true);
    view.setUint32(selector + 4, high, true);
  };
  put(codeSelector, 0x00cf9a00);
  put(dataSelector, 0x00cf9200);
  target.writeBytes(base, gdt);
  return { base, limit: gdt.length - 1 };
}
