/**
 * How a kernel declares itself a xeno86 paravirtual kernel (the Xen 2.0
 * form): an ELF32 i386 executable (ET_EXEC) with a section named
 * `__xen_guest` holding one NUL-terminated string of comma-separated
 * KEY=VALUE pairs, e.g.
 *
 *     GUEST_OS=demo,XEN_VER=xeno86-1.2,VIRT_BASE=0xC0000000,LOADER=generic
 *
 * GUEST_OS or LOADER must be there, XEN_VER must be `xeno86-1.2`, and
 * VIRT_BASE (a page-aligned hexadecimal address below the hypervisor's
 * hole) is optional: without it the lowest loadable address is the base.
 * Each loadable segment goes to pseudo-physical `p_vaddr - VIRT_BASE`; the
 * kernel starts at `e_entry`. Reading the ELF file is the hypervisor's job;
 * this module only knows the declarations.
 */
import { HYPERVISOR_VIRT_START, PAGE_SIZE } from "./address-space";

export const GUEST_IMAGE_SECTION = "__xen_guest";
/** The XEN_VER a xeno86 kernel declares. */
export const GUEST_ABI_VERSION = "xeno86-1.2";
/** The keys the hypervisor reads (others are kept and ignored). */
export const GuestDeclarationKey = { GUEST_OS: "GUEST_OS", XEN_VER: "XEN_VER", VIRT_BASE: "VIRT_BASE", LOADER: "LOADER" } as const;
/** The ELF header values of a guest kernel: ELFCLASS32, little-endian, ET_EXEC, EM_386. */
export const GUEST_ELF = { class: 1, data: 1, type: 2, machine: 3 } as const;

export class GuestDeclarationError extends Error {
  override name = "GuestDeclarationError";
}

/**
 * Parses the section's text (a trailing NUL and what follows it are
 * ignored) into its pairs, in order. Refuses what is not KEY=VALUE, empty
 * keys and repeated keys.
 */
export function parseGuestDeclarations(text: string): Record<string, string> {
  const nul = text.indexOf("\0");
  const body = nul >= 0 ? text.slice(0, nul) : text;
  const declarations: Record<string, string> = {};
  for (const pair of body.split(",")) {
    if (pair.trim() === "") continue;
    const equals = pair.indexOf("=");
    const key = equals < 0 ? "" : pair.slice(0, equals).trim();
    if (key === "") throw new GuestDeclarationError(`${GUEST_IMAGE_SECTION}: "${pair}" is not KEY=VALUE`);
    if (Object.hasOwn(declarations, key)) throw new GuestDeclarationError(`${GUEST_IMAGE_SECTION}: ${key} is declared twice`);
    declarations[key] = pair.slice(equals + 1).trim();
  }
  return declarations;
}

/** The section text for a kernel (add the NUL when writing it into the section). */
export function formatGuestDeclarations(declarations: Readonly<Record<string, string>>): string {
  return Object.entries(declarations)
    .map(([key, value]) => {
      if (key.trim() === "" || /[,=\0]/.test(key) || /[,\0]/.test(value)) throw new GuestDeclarationError(`${key}=${value} cannot be written as a declaration`);
      return `${key}=${value}`;
    })
    .join(",");
}

/** The declarations a xeno86 kernel must make, checked. */
export interface GuestDeclarations {
  readonly guestOs?: string;
  readonly loader?: string;
  /** Always GUEST_ABI_VERSION. */
  readonly xenVersion: string;
  /** VIRT_BASE, when declared. */
  readonly virtBase?: number;
  /** Every pair, as parsed. */
  readonly all: Readonly<Record<string, string>>;
}

/**
 * Parses and checks a kernel's declarations: GUEST_OS or LOADER present,
 * XEN_VER = xeno86-1.2, VIRT_BASE (when present) a page-aligned
 * hexadecimal address below HYPERVISOR_VIRT_START.
 */
export function readGuestDeclarations(text: string): GuestDeclarations {
  const all = parseGuestDeclarations(text);
  const { GUEST_OS: guestOs, LOADER: loader, XEN_VER: xenVersion, VIRT_BASE: base } = all;
  if (xenVersion !== GUEST_ABI_VERSION) {
    throw new GuestDeclarationError(`${GUEST_IMAGE_SECTION}: XEN_VER is ${JSON.stringify(xenVersion ?? "")}, a xeno86 kernel declares XEN_VER=${GUEST_ABI_VERSION}`);
  }
  if (guestOs === undefined && loader === undefined) throw new GuestDeclarationError(`${GUEST_IMAGE_SECTION}: neither GUEST_OS nor LOADER is declared`);
  let virtBase: number | undefined;
  if (base !== undefined) {
    if (!/^0[xX][0-9a-fA-F]{1,8}$/.test(base)) throw new GuestDeclarationError(`${GUEST_IMAGE_SECTION}: VIRT_BASE ${JSON.stringify(base)} is not a hexadecimal address (0x...)`);
    virtBase = Number.parseInt(base.slice(2), 16);
    if (virtBase % PAGE_SIZE !== 0 || virtBase >= HYPERVISOR_VIRT_START) {
      throw new GuestDeclarationError(`${GUEST_IMAGE_SECTION}: VIRT_BASE ${base} must be page-aligned and below 0x${HYPERVISOR_VIRT_START.toString(16).toUpperCase()}`);
    }
  }
  return { guestOs, loader, xenVersion, virtBase, all };
}
