/**
 * A domain's memory: its N pages (pseudo-physical 0..N-1, machine frames in
 * any order) and its shared_info frame, zeroed and entered in the
 * machine-to-physical table. CREATEDOMAIN reserves them at once, as Xen
 * did, so a domain builder in dom0 can read the frame list (GETMEMLIST) and
 * fill the frames before BUILDDOMAIN; the host-side builder reserves them
 * itself when nobody did.
 */
import type { Hypervisor } from "../hypervisor";
import type { Domain } from "./domain";

export class ReservationError extends Error {}

export function reserveDomainMemory(hv: Hypervisor, domain: Domain): void {
  if (domain.physToMachine.length > 0) return;
  const pages = domain.maxPages;
  const frames = hv.allocator.allocateMany(domain.id, pages + 1);
  if (frames === null) throw new ReservationError(`not enough free machine memory for ${pages * 4} KiB (${hv.allocator.freeCount * 4} KiB free)`);
  const sharedInfo = frames.pop()!;
  for (const frame of frames) hv.zeroFrame(frame);
  hv.zeroFrame(sharedInfo);
  domain.physToMachine = frames;
  domain.sharedInfoFrame = sharedInfo;
  for (let pfn = 0; pfn < pages; pfn++) hv.setMachineToPhys(frames[pfn], pfn);
}
