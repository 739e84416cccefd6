/**
 * How a kernel declares itself a xeno86 paravirtual kernel: an ELF32 i386
 * executable with a section named `__xen_guest` holding a NUL-terminated
 * string of comma-separated KEY=VALUE pairs (the Xen 2.0 form):
 * GUEST_OS=<name> (or LOADER=generic), XEN_VER=xeno86-1.2, and optionally
 * VIRT_BASE=0x... (else the lowest loadable address).
 */
export const GUEST_IMAGE_SECTION = "__xen_guest";
export const GUEST_ABI_VERSION = "xeno86-1.2";

export class GuestDeclarationError extends Error {}

/** Parses the section's text into its pairs; refuses what is not KEY=VALUE. */
export function parseGuestDeclarations(text: string): Record<string, string> {
  const declarations: Record<string, string> = {};
  for (const pair of text.split(",")) {
    if (pair.trim() === "") continue;
    const equals = pair.indexOf("=");
    if (equals <= 0) throw new GuestDeclarationError(`${GUEST_IMAGE_SECTION}: "${pair}" is not KEY=VALUE`);
    declarations[pair.slice(0, equals).trim()] = pair.slice(equals + 1).trim();
  }
  return declarations;
}

/** The section text for a kernel (without the NUL). */
export function formatGuestDeclarations(declarations: Record<string, string>): string {
  return Object.entries(declarations)
    .map(([key, value]) => {
      if (/[,=\0]/.test(key) || /[,\0]/.test(value)) throw new GuestDeclarationError(`${key}=${value} cannot be written as a declaration`);
      return `${key}=${value}`;
    })
    .join(",");
}
