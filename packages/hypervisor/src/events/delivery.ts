/**
 * Event delivery on the way back to a guest (Xen 1.2): if the master enable
 * (events_mask bit 31) is set and some pending event is enabled, the
 * hypervisor clears the delivered bits and the master bit in events_mask
 * (not in events: the guest reads and clears those itself) and enters the
 * guest's event callback through a bounce frame, as if interrupted.
 */
import { EVENTS_MASTER_ENABLE, SharedInfo } from "../abi";
import type { Domain } from "../domain/domain";
import type { Hypervisor } from "../hypervisor";
import { bounceToGuest } from "../traps/bounce";

export function deliverPendingEvents(hv: Hypervisor, domain: Domain): void {
  if (domain.sharedInfoFrame < 0 || domain.eventCallbackCs === 0) return;
  const memory = hv.memory;
  const base = domain.sharedInfoFrame * 4096;
  const mask = memory.read32(base + SharedInfo.events_mask);
  if ((mask & EVENTS_MASTER_ENABLE) === 0) return;
  const deliver = memory.read32(base + SharedInfo.events) & mask & ~EVENTS_MASTER_ENABLE;
  if (deliver === 0) return;
  memory.write32(base + SharedInfo.events_mask, mask & ~deliver & ~EVENTS_MASTER_ENABLE);
  bounceToGuest(hv, domain, {
    handlerCs: domain.eventCallbackCs,
    handlerEip: domain.eventCallbackEip,
    extraWords: [],
    what: "event callback",
  });
}
