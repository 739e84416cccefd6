/**
 * Reloading a domain's data segments when it is scheduled in, as Xen did on
 * every context switch. A guest may have changed or removed a descriptor
 * (update_descriptor, set_gdt, SET_LDT) that one of its saved DS, ES, FS
 * or GS selectors still names; such a segment is loaded as null instead and
 * the guest enters its failsafe callback with the four original selectors
 * on the frame (DS lowest), so it can repair or kill the process. A guest
 * without a failsafe callback cannot be entered and is killed.
 */
import { Seg, descriptorAttr, descriptorBase, descriptorLimit, setSegmentCache } from "@xeno86/cpu-x86";
import type { Domain } from "../domain/domain";
import type { Hypervisor } from "../hypervisor";
import { bounceToGuest, readGuestDescriptor } from "./bounce";

const DATA_SEGMENTS = [Seg.DS, Seg.ES, Seg.FS, Seg.GS] as const;
const PRESENT = 0x80;
const NON_SYSTEM = 0x10;
const CODE = 0x08;
const READABLE = 0x02;
const CONFORMING = 0x04;

export function reloadDataSegments(hv: Hypervisor, domain: Domain): void {
  const cpu = hv.cpu;
  const descriptor = hv.descriptorScratch;
  const original = DATA_SEGMENTS.map((seg) => cpu.segSelector[seg]);
  let failed = false;
  for (const seg of DATA_SEGMENTS) {
    const selector = cpu.segSelector[seg];
    if ((selector & 0xfffc) === 0) continue;
    if (readGuestDescriptor(hv, domain, selector, descriptor) && loadable(selector, descriptor[1], cpu.cpl)) {
      setSegmentCache(cpu, seg, selector, descriptorBase(descriptor[0], descriptor[1]), descriptorLimit(descriptor[0], descriptor[1]), descriptorAttr(descriptor[1]));
    } else {
      setSegmentCache(cpu, seg, 0, 0, 0, 0);
      failed = true;
    }
  }
  if (!failed) return;
  if (domain.failsafeCs === 0) {
    hv.killDomain(domain, `a data segment (DS ES FS GS = ${original.map((s) => `0x${s.toString(16)}`).join(" ")}) no longer loads and there is no failsafe callback`);
    return;
  }
  bounceToGuest(hv, domain, { handlerCs: domain.failsafeCs, handlerEip: domain.failsafeEip, extraWords: original, maskEvents: true, what: "failsafe callback" });
}

/** What MOV to a data segment register would accept at this CPL. */
function loadable(selector: number, high: number, cpl: number): boolean {
  const attr = descriptorAttr(high);
  if ((attr & (PRESENT | NON_SYSTEM)) !== (PRESENT | NON_SYSTEM)) return false;
  if ((attr & CODE) !== 0 && (attr & READABLE) === 0) return false;
  const conformingCode = (attr & (CODE | CONFORMING)) === (CODE | CONFORMING);
  const dpl = (attr >>> 5) & 3;
  return conformingCode || Math.max(cpl, selector & 3) <= dpl;
}
