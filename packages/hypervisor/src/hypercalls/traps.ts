/**
 * The guest's virtual IDT and entry points: set_trap_table, set_callbacks,
 * stack_switch, set_fast_trap, fpu_taskswitch.
 */
import { Errno, TRAP_FLAG_MASK_EVENTS, TRAP_INFO_SIZE } from "../abi";
import { isGuestCodeSelector } from "../cpu-state/descriptors";
import type { Domain } from "../domain/domain";
import type { Hypervisor } from "../hypervisor";
import type { HypercallHandler } from "./types";

/** The array ends at the first entry whose address is 0; at most 256 entries are read. */
export const setTrapTable: HypercallHandler = (hv, domain, table) => {
  const entry = new Int32Array(2);
  for (let i = 0; i < 256; i++) {
    if (!hv.guestMemory.readWords(table + i * TRAP_INFO_SIZE, 2, entry)) return -Errno.EFAULT;
    const address = entry[1];
    if (address === 0) return 0;
    const installed = installTrap(hv, domain, entry[0] & 0xff, (entry[0] >>> 8) & 0xff, (entry[0] >>> 16) & 0xffff, address);
    if (!installed) return -Errno.EPERM; // entries before it stay installed
  }
  return 0;
};

/** One virtual IDT entry; false (nothing changed) when the handler's selector is not a guest code selector. */
export function installTrap(hv: Hypervisor, domain: Domain, vector: number, flags: number, cs: number, address: number): boolean {
  if (!isGuestCodeSelector(cs)) return false;
  domain.trapFlagsCs[vector] = (cs << 16) | flags;
  domain.trapAddress[vector] = address;
  if (vector === domain.fastTrapVector) installFastTrapGate(hv, domain);
  return true;
}

export const setCallbacks: HypercallHandler = (_hv, domain, eventCs, eventEip, failsafeCs, failsafeEip) => {
  if (!isGuestCodeSelector(eventCs & 0xffff) || !isGuestCodeSelector(failsafeCs & 0xffff)) return -Errno.EPERM;
  domain.eventCallbackCs = eventCs & 0xffff;
  domain.eventCallbackEip = eventEip;
  domain.failsafeCs = failsafeCs & 0xffff;
  domain.failsafeEip = failsafeEip;
  return 0;
};

/** No check beyond RPL: a bad stack makes the next bounce fail, which kills the domain. */
export const stackSwitch: HypercallHandler = (hv, domain, ss, esp) => {
  if ((ss & 3) === 0) return -Errno.EPERM;
  domain.ring1Ss = ss & 0xffff;
  domain.ring1Esp = esp;
  if (hv.current === domain) hv.writeRing1Stack(domain);
  return 0;
};

/** Fast traps: vectors 0x20-0x2F and 0x80, whose trap-table entry does not ask for event masking. Refusals are -1. */
export const setFastTrap: HypercallHandler = (hv, domain, vector) => {
  if (vector === 0) {
    removeFastTrapGate(hv, domain);
    return 0;
  }
  if (!((vector >= 0x20 && vector <= 0x2f) || vector === 0x80)) return -1;
  if ((domain.trapFlagsCs[vector] & TRAP_FLAG_MASK_EVENTS) !== 0) return -1;
  removeFastTrapGate(hv, domain);
  domain.fastTrapVector = vector;
  installFastTrapGate(hv, domain);
  return 0;
};

export const fpuTaskSwitch: HypercallHandler = (hv, domain) => {
  domain.virtualTs = true;
  if (hv.current === domain) hv.applyTaskSwitched(domain);
  return 0;
};

/** The fast trap's IDT entry: a real trap gate into the guest handler (checked lazily: a bad one faults in the guest). */
function installFastTrapGate(hv: Hypervisor, domain: Domain): void {
  const vector = domain.fastTrapVector;
  if (vector === 0 || domain.tables === null) return;
  const flagsCs = domain.trapFlagsCs[vector];
  domain.tables.setFastTrapGate(vector, flagsCs >>> 16, domain.trapAddress[vector], flagsCs & 3);
  if (hv.current === domain) hv.applyFastTrapIntercept(domain);
}

function removeFastTrapGate(hv: Hypervisor, domain: Domain): void {
  if (domain.fastTrapVector === 0) return;
  domain.tables?.setDefaultGate(domain.fastTrapVector);
  domain.fastTrapVector = 0;
  if (hv.current === domain) hv.applyFastTrapIntercept(domain);
}
