/**
 * Page-table and memory hypercalls: mmu_update (checked entry writes,
 * machine-to-physical updates and the extended commands), update_va_mapping
 * (the fast single-PTE path) and dom_mem_op (the balloon). Every page-table
 * change goes through `PageTypes`; a refused request answers -EINVAL and
 * leaves the earlier requests of the batch applied.
 *
 * Guests flush their own TLBs (TLB_FLUSH, INVLPG, the update_va_mapping
 * flags), as on hardware; the monitor additionally flushes whenever an
 * update may have removed a right, so a stale translation can never reach a
 * frame the domain no longer may.
 */
import { writeCr3 } from "@xeno86/cpu-x86";
import { Errno, MemoryOp, MmuCommand, MmuExtended, UVMF_FLUSH_TLB, UVMF_INVLPG } from "../abi";
import { FrameType } from "../memory/frame-table";
import type { Domain } from "../domain/domain";
import type { Hypervisor } from "../hypervisor";
import { setLdt } from "./descriptor-tables";
import type { HypercallHandler } from "./types";

const HYPERVISOR_PAGE = 0xfc000;

export const mmuUpdate: HypercallHandler = (hv, domain, requests, count) => {
  const request = new Int32Array(2);
  let flush = false;
  let result = 0;
  for (let i = 0; i < count >>> 0; i++) {
    if (!hv.guestMemory.readWords(requests + i * 8, 2, request)) {
      result = -Errno.EFAULT;
      break;
    }
    const outcome = oneUpdate(hv, domain, request[0], request[1]);
    if (outcome === FLUSH) flush = true;
    else if (outcome !== 0) {
      result = outcome;
      break;
    }
    if (!domain.alive) break;
  }
  if (flush && hv.current === domain) hv.machine.mmu.flushAll();
  return result;
};

/** Result of a request that changed a page-table entry (the TLB must be flushed). */
const FLUSH = 1;

function oneUpdate(hv: Hypervisor, domain: Domain, ptr: number, value: number): number {
  const address = (ptr & ~3) >>> 0;
  switch (ptr & 3) {
    case MmuCommand.NORMAL_PT_UPDATE:
      if (!hv.pageTypes.updateEntry(address, value, domain.id)) return refuse(hv, domain, "mmu_update");
      return FLUSH;
    case MmuCommand.UNCHECKED_PT_UPDATE: {
      if (!domain.privileged) return -Errno.EPERM;
      const frame = address >>> 12;
      if (!hv.frames.isValidFrame(frame)) return -Errno.EINVAL;
      hv.memory.write32(address, value);
      return FLUSH;
    }
    case MmuCommand.MACHPHYS_UPDATE: {
      const frame = address >>> 12;
      if (!hv.frames.isValidFrame(frame) || hv.frames.owner[frame] !== domain.id) return -Errno.EINVAL;
      hv.setMachineToPhys(frame, value);
      return 0;
    }
    default:
      return extendedCommand(hv, domain, address, value);
  }
}

function extendedCommand(hv: Hypervisor, domain: Domain, ptr: number, value: number): number {
  const command = value & 0xff;
  const frame = ptr >>> 12;
  if (command !== MmuExtended.SET_LDT && !hv.frames.isValidFrame(frame)) return -Errno.EINVAL;
  const types = hv.pageTypes;
  switch (command) {
    case MmuExtended.PIN_L1_TABLE:
      return types.pin(frame, domain.id, FrameType.L1) ? 0 : refuse(hv, domain, "pin L1");
    case MmuExtended.PIN_L2_TABLE:
      return types.pin(frame, domain.id, FrameType.L2) ? 0 : refuse(hv, domain, "pin L2");
    case MmuExtended.UNPIN_TABLE:
      if (!types.unpin(frame, domain.id)) return refuse(hv, domain, "unpin");
      return FLUSH;
    case MmuExtended.NEW_BASEPTR:
      return newBasePointer(hv, domain, frame);
    case MmuExtended.TLB_FLUSH:
      if (hv.current === domain) hv.machine.mmu.flushAll();
      return 0;
    case MmuExtended.INVLPG:
      if (hv.current === domain) hv.machine.mmu.invalidatePage(value & ~0xfff);
      return 0;
    case MmuExtended.SET_LDT:
      return setLdt(hv, domain, ptr, value >>> 8);
    default:
      // PIN_L3/PIN_L4 and unknown commands: x86-32 has two levels.
      return -Errno.EINVAL;
  }
}

/** NEW_BASEPTR: the new directory takes an L2 reference for as long as it is CR3. */
function newBasePointer(hv: Hypervisor, domain: Domain, frame: number): number {
  if (!hv.pageTypes.getPageType(frame, domain.id, FrameType.L2)) return refuse(hv, domain, "new base pointer");
  const old = domain.pageDirectory >>> 12;
  domain.pageDirectory = frame * 4096;
  if (hv.current === domain) writeCr3(hv.cpu, domain.pageDirectory);
  hv.pageTypes.putPageType(old);
  return 0;
}

function refuse(hv: Hypervisor, domain: Domain, what: string): number {
  hv.log(`domain ${domain.id}: ${what} refused: ${hv.pageTypes.lastError}`);
  return -Errno.EINVAL;
}

/**
 * update_va_mapping(page, pte, flags): the checked write of the PTE that
 * maps virtual page `page` in the current address space.
 */
export const updateVaMapping: HypercallHandler = (hv, domain, page, value, flags) => {
  if (page >>> 0 >= HYPERVISOR_PAGE) return -Errno.EINVAL;
  const pde = hv.memory.read32(domain.pageDirectory + (page >>> 10) * 4);
  if ((pde & 1) === 0) return -Errno.EFAULT;
  // Validated directories only hold L1 tables or the directory itself (read-only); updateEntry checks which.
  const entry = (pde & ~0xfff) + (page & 0x3ff) * 4;
  if (!hv.pageTypes.updateEntry(entry >>> 0, value, domain.id)) return refuse(hv, domain, "update_va_mapping");
  if (hv.current === domain) {
    const mmu = hv.machine.mmu;
    // The changed page is always dropped (a right may have gone); the flags ask for more.
    if ((flags & UVMF_FLUSH_TLB) !== 0) mmu.flushAll();
    else mmu.invalidatePage((page << 12) >>> 0);
    if ((flags & UVMF_INVLPG) !== 0) mmu.invalidatePage((page << 12) >>> 0);
  }
  return 0;
};

/**
 * dom_mem_op: op at 0, size at 4, pointer to an array of machine frame
 * numbers at 8. Increase allocates zeroed frames up to the domain's limit
 * and returns how many it got; decrease gives frames back (each must be the
 * caller's and unused) and stops with -EINVAL at the first bad one.
 */
export const domMemOp: HypercallHandler = (hv, domain, pointer) => {
  const header = new Int32Array(3);
  if (!hv.guestMemory.readWords(pointer, 3, header)) return -Errno.EFAULT;
  const [op, size, list] = header;
  const count = size >>> 0;
  switch (op) {
    case MemoryOp.RESERVATION_INCREASE: {
      let done = 0;
      while (done < count && domain.pages < domain.maxPages) {
        const frame = hv.allocator.allocate(domain.id);
        if (frame < 0) break;
        hv.zeroFrame(frame);
        if (!hv.guestMemory.write32(list + done * 4, frame)) {
          hv.allocator.release(frame);
          return done > 0 ? done : -Errno.EFAULT;
        }
        domain.physToMachine.push(frame);
        done++;
      }
      return done;
    }
    case MemoryOp.RESERVATION_DECREASE: {
      for (let i = 0; i < count; i++) {
        const frame = hv.guestMemory.read32(list + i * 4);
        if (frame === undefined) return -Errno.EFAULT;
        const table = hv.frames;
        if (!table.isValidFrame(frame) || table.owner[frame] !== domain.id || table.totalCount[frame] !== 0 || table.typeCount[frame] !== 0 || frame === domain.sharedInfoFrame) {
          return -Errno.EINVAL;
        }
        const index = domain.physToMachine.indexOf(frame);
        if (index >= 0) domain.physToMachine[index] = -1;
        hv.setMachineToPhys(frame, -1);
        hv.allocator.release(frame);
      }
      domain.physToMachine = domain.physToMachine.filter((frame) => frame >= 0);
      if (hv.current === domain) hv.machine.mmu.flushAll();
      return count;
    }
    default:
      return -Errno.ENOSYS;
  }
};
