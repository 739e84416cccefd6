/**
 * Lazy FPU switching. A context switch sets CR0.TS unless the incoming
 * domain's FPU state is the one in the FPU; the first FPU instruction then
 * raises #NM and the monitor swaps the state in (saving the previous
 * owner's). The guest's own lazy switching rides on top: fpu_taskswitch
 * records a virtual TS, and the next #NM after it is bounced to the guest's
 * handler with TS cleared (the guest has no CLTS in ring 1), so the guest
 * can restore its process's registers.
 */
import type { Domain } from "../domain/domain";
import type { Hypervisor } from "../hypervisor";
import { bounceException } from "./exit-handler";

export function handleDeviceNotAvailable(hv: Hypervisor, domain: Domain): void {
  const fpu = hv.cpu.fpu;
  if (hv.fpuOwner !== domain) {
    if (hv.fpuOwner !== null && hv.fpuOwner.alive) hv.fpuOwner.fpuState = fpu.getState();
    if (domain.fpuState !== null) fpu.setState(domain.fpuState);
    else fpu.reset();
    hv.fpuOwner = domain;
  }
  const bounce = domain.virtualTs;
  domain.virtualTs = false;
  hv.applyTaskSwitched(domain);
  if (bounce) bounceException(hv, domain, 7, -1, -1);
}
