/**
 * What a guest may put in its GDT and LDT (set_gdt, update_descriptor, LDT
 * pages), following Xen 1.2:
 *
 * - a not-present descriptor is always accepted;
 * - DPL 0 is refused (the guest kernel runs in ring 1);
 * - the only system descriptor allowed is a call gate, whose target must be
 *   a valid guest code selector and whose reserved bits 5-7 of the
 *   parameter-count byte are clear; TSS, LDT, task/interrupt/trap gates are
 *   refused;
 * - a code or data segment must not wrap around 4 GiB and must end at or
 *   below 0xFC400000 (the guest may read the machine-to-physical table at
 *   0xFC000000-0xFC3FFFFF, nothing above).
 */

/** End of what guest segments may cover (exclusive). */
export const GUEST_SEGMENT_END = 0xfc400000;

/** Reserved GDT entries 256-295 belong to the hypervisor. */
export const FIRST_RESERVED_GDT_ENTRY = 256;
export const LAST_RESERVED_GDT_ENTRY = 295;
export const FLAT_RING1_CS = 0x0819;
export const FLAT_RING1_DS = 0x0821;
export const FLAT_RING3_CS = 0x082b;
export const FLAT_RING3_DS = 0x0833;

/**
 * A selector a guest may use for its ring-1 code (trap handlers, callbacks,
 * call-gate targets): the flat ring-1 code selector, or any RPL-1 selector
 * outside the hypervisor's reserved GDT range (LDT selectors included).
 */
export function isGuestCodeSelector(selector: number): boolean {
  if (selector === FLAT_RING1_CS) return true;
  if ((selector & 3) !== 1) return false;
  if ((selector & 4) !== 0) return true;
  const index = selector >>> 3;
  return index < FIRST_RESERVED_GDT_ENTRY || index > LAST_RESERVED_GDT_ENTRY;
}

/** Returns why the descriptor (two little-endian words) is refused, or null if acceptable. */
export function checkGuestDescriptor(low: number, high: number): string | null {
  if ((high & 0x8000) === 0) return null; // not present
  const dpl = (high >>> 13) & 3;
  if (dpl === 0) return "a DPL-0 descriptor would give the guest ring 0";
  if ((high & 0x1000) === 0) {
    const type = (high >>> 8) & 0xf;
    if (type !== 0x4 && type !== 0xc) return `system descriptor type ${type} is not allowed (only call gates)`;
    const target = low >>> 16;
    if (!isGuestCodeSelector(target)) return `call gate targets selector 0x${target.toString(16)}, not a guest code selector`;
    if ((high & 0xe0) !== 0) return "call gate has reserved bits set";
    return null;
  }
  const base = ((low >>> 16) | ((high & 0xff) << 16) | (high & 0xff000000)) >>> 0;
  let limit = (low & 0xffff) | (high & 0xf0000);
  if ((high & 0x800000) !== 0) limit = limit * 4096 + 0xfff;
  const expandDownData = (high & 0x1800) === 0x1000 && (high & 0x400) !== 0;
  // An expand-down data segment covers (limit, upper]; its end is the upper bound.
  const end = expandDownData ? base + ((high & 0x400000) !== 0 ? 0xffffffff : 0xffff) : base + limit;
  if (end >= 2 ** 32) return "segment wraps around 4 GiB";
  if (end >= GUEST_SEGMENT_END) return `segment reaches 0x${end.toString(16)}, into the hypervisor's area`;
  return null;
}
