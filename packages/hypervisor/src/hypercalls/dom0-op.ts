/**
 * dom0_op: control operations for a privileged domain (A.10). The struct
 * (2580 bytes) is copied in whole; checks in Xen's order: not privileged
 * → -EPERM (before reading anything), copy fault → -EFAULT, wrong
 * interface version → -EACCES, unknown command → -ENOSYS. Outputs are
 * written back into the caller's struct.
 *
 * CREATEDOMAIN reserves the new domain's memory at once, so a builder in
 * dom0 can list its frames (GETMEMLIST), map them with unchecked page-table
 * updates, lay out the kernel, page tables and start_info (shared_info's
 * frame comes from GETDOMAININFO) and hand over with BUILDDOMAIN (see
 * `control/full-context.ts` for what it checks). MSR and DEBUG are in
 * `dom0-machine.ts`.
 */
import { DOM0_INTERFACE_VERSION, DOM0_OP_SIZE, Dom0Op, Errno } from "../abi";
import type { Domain } from "../domain/domain";
import type { Hypervisor } from "../hypervisor";
import { FrameType } from "../memory/frame-table";
import { applyFullContext, encodeFullContext } from "../control/full-context";
import { reserveDomainMemory } from "../domain/reservation";
import { debugOperation, msrOperation } from "./dom0-machine";
import type { HypercallHandler } from "./types";

const PAYLOAD = 8;

export const dom0Op: HypercallHandler = (hv, domain, pointer) => {
  if (!domain.privileged) return -Errno.EPERM;
  const bytes = hv.guestMemory.readBytes(pointer, DOM0_OP_SIZE);
  if (bytes === null) return -Errno.EFAULT;
  const op = new DataView(bytes.buffer);
  if ((op.getUint32(4, true) | 0) !== DOM0_INTERFACE_VERSION) return -Errno.EACCES;
  const u32 = (offset: number) => op.getUint32(PAYLOAD + offset, true);
  const put = (offset: number, value: number) => op.setUint32(PAYLOAD + offset, value >>> 0, true);
  const result = run(hv, domain, op.getUint32(0, true), u32, put, bytes);
  if (result >= 0 && !hv.guestMemory.writeBytes(pointer, bytes)) return -Errno.EFAULT;
  return result;
};

function run(
  hv: Hypervisor,
  caller: Domain,
  command: number,
  u32: (offset: number) => number,
  put: (offset: number, value: number) => void,
  bytes: Uint8Array,
): number {
  const target = () => {
    const domain = hv.domain(u32(0));
    return domain !== undefined && domain.alive ? domain : null;
  };
  switch (command) {
    case Dom0Op.CREATEDOMAIN: {
      const name = readName(bytes, PAYLOAD + 4);
      let created: Domain;
      try {
        created = hv.createDomain({ name, memoryKiB: u32(0) });
      } catch {
        return -Errno.ENOMEM;
      }
      try {
        reserveDomainMemory(hv, created);
      } catch {
        hv.discardDomain(created, "not enough memory to create it");
        return -Errno.ENOMEM;
      }
      put(20, created.id);
      return 0;
    }
    case Dom0Op.DESTROYDOMAIN: {
      const domain = target();
      if (domain === null) return -Errno.ESRCH;
      if (domain === caller) return -Errno.EINVAL;
      hv.destroyDomain(domain, `destroyed by domain ${caller.id}`);
      return 0;
    }
    case Dom0Op.STARTDOMAIN: {
      const domain = target();
      if (domain === null) return -Errno.ESRCH;
      if (domain.state !== "built" && domain.state !== "paused") return -Errno.EINVAL;
      hv.startDomain(domain);
      return 0;
    }
    case Dom0Op.STOPDOMAIN: {
      const domain = target();
      if (domain === null) return -Errno.ESRCH;
      hv.pauseDomain(domain);
      return 0;
    }
    case Dom0Op.GETDOMAININFO: {
      const domain = hv.domain(u32(0));
      if (domain === undefined) return -Errno.ESRCH;
      writeName(bytes, PAYLOAD + 4, domain.name);
      put(20, 0);
      put(24, hv.current === domain ? 1 : 0);
      put(28, domain.state === "running" || domain.state === "blocked" ? 0 : 1);
      put(32, 0);
      put(36, domain.bvt.params.mcuAdvance);
      put(40, domain.pages);
      const cpuTime = Math.floor(domain.bvt.cpuTime);
      put(44, cpuTime % 4294967296);
      put(48, Math.floor(cpuTime / 4294967296));
      put(52, domain.sharedInfoFrame >= 0 ? domain.sharedInfoFrame : 0);
      if (domain.alive) encodeFullContext(hv, domain, new DataView(bytes.buffer), PAYLOAD + 56);
      return 0;
    }
    case Dom0Op.BUILDDOMAIN: {
      const domain = target();
      if (domain === null) return -Errno.ESRCH;
      return applyFullContext(hv, domain, new DataView(bytes.buffer), PAYLOAD + 8);
    }
    case Dom0Op.MSR:
      return msrOperation(hv, u32, put);
    case Dom0Op.DEBUG:
      return debugOperation(hv, bytes[PAYLOAD], u32, put);
    case Dom0Op.GETMEMLIST: {
      const domain = target();
      if (domain === null) return -Errno.ESRCH;
      const max = u32(4);
      const buffer = u32(8);
      let count = 0;
      for (const frame of domain.physToMachine) {
        if (count >= max) break;
        if (!hv.guestMemory.write32(buffer + count * 4, frame)) return -Errno.EFAULT;
        count++;
      }
      put(12, count);
      return 0;
    }
    case Dom0Op.BVTCTL:
      hv.scheduler.contextAllowance = u32(0);
      return 0;
    case Dom0Op.ADJUSTDOM: {
      const domain = target();
      if (domain === null) return -Errno.ESRCH;
      const mcuAdvance = u32(4);
      if (mcuAdvance === 0) return -Errno.EINVAL;
      domain.bvt.params = { mcuAdvance, warp: u32(8), warpLimit: u32(12), unwarpRequirement: u32(16) };
      return 0;
    }
    case Dom0Op.IOPL: {
      const domain = target();
      if (domain === null) return -Errno.ESRCH;
      const iopl = u32(4);
      if (iopl > 3) return -Errno.EINVAL;
      setIopl(hv, domain, iopl);
      return 0;
    }
    case Dom0Op.SETTIME:
      hv.setWallClock(u32(0), u32(4), u32(8) + u32(12) * 4294967296);
      return 0;
    case Dom0Op.GETPAGEFRAMEINFO: {
      const frame = u32(0);
      if (!hv.frames.isValidFrame(frame) || hv.frames.owner[frame] !== u32(4)) return -Errno.EINVAL;
      const type = hv.frames.typeCount[frame] === 0 ? FrameType.None : hv.frames.type[frame];
      put(8, type === FrameType.L1 ? 1 : type === FrameType.L2 ? 2 : 0);
      return 0;
    }
    case Dom0Op.READCONSOLE: {
      const text = Uint8Array.from(hv.consoleText(), (char) => char.charCodeAt(0) & 0xff);
      const count = Math.min(u32(4), text.length);
      if (!hv.guestMemory.writeBytes(u32(0), text.subarray(text.length - count))) return -Errno.EFAULT;
      return count;
    }
    case Dom0Op.PINCPUDOMAIN: {
      const cpu = u32(4) | 0;
      return cpu === 0 || cpu === -1 ? 0 : -Errno.EINVAL;
    }
    default:
      return -Errno.ENOSYS;
  }
}

function setIopl(hv: Hypervisor, domain: Domain, iopl: number): void {
  domain.iopl = iopl;
  if (hv.current === domain) hv.cpu.writeEflags(iopl << 12, 0x3000);
  else domain.context.eflags = (domain.context.eflags & ~0x3000) | (iopl << 12);
}

function readName(bytes: Uint8Array, offset: number): string {
  let name = "";
  for (let i = 0; i < 16 && bytes[offset + i] !== 0; i++) name += String.fromCharCode(bytes[offset + i]);
  return name;
}

function writeName(bytes: Uint8Array, offset: number, name: string): void {
  for (let i = 0; i < 16; i++) bytes[offset + i] = i < 15 && i < name.length ? name.charCodeAt(i) & 0x7f : 0;
}
