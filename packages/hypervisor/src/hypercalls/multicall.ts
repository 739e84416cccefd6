/**
 * multicall(list, count): runs the entries in order (op at offset 0, five
 * arguments at 4-20; 32 bytes each). Results are not written back; the call
 * returns 0, or -EFAULT when an entry cannot be read (the entries before it
 * have run). A multicall inside a multicall does nothing.
 *
 * A long list must not hold the CPU forever: after a batch of entries the
 * call is restarted later with the rest (the guest's EBX and ECX advanced,
 * EIP back on the `int 0x82`), the way later Xen continues long hypercalls.
 */
import { Reg } from "@xeno86/cpu-x86";
import { Errno, Hypercall, MULTICALL_ENTRY_SIZE } from "../abi";
import { callHypercall } from "./dispatch";
import { NO_RESULT, type HypercallHandler } from "./types";

const ENTRIES_PER_BATCH = 1024;
const HYPERCALL_INSTRUCTION_LENGTH = 2;

export const multicall: HypercallHandler = (hv, domain, list, count) => {
  const entry = new Int32Array(6);
  const total = count >>> 0;
  for (let i = 0; i < total; i++) {
    if (i === ENTRIES_PER_BATCH) {
      const cpu = hv.cpu;
      cpu.r32[Reg.EAX] = Hypercall.multicall;
      cpu.r32[Reg.EBX] = (list + i * MULTICALL_ENTRY_SIZE) | 0;
      cpu.r32[Reg.ECX] = (total - i) | 0;
      cpu.eip = (cpu.eip - HYPERCALL_INSTRUCTION_LENGTH) | 0;
      cpu.nextEip = cpu.eip;
      hv.rescheduleRequested = true;
      return NO_RESULT;
    }
    if (!hv.guestMemory.readWords(list + i * MULTICALL_ENTRY_SIZE, 6, entry)) return -Errno.EFAULT;
    const op = entry[0] & 0xff;
    if (op === Hypercall.multicall) continue;
    callHypercall(hv, domain, op, entry[1], entry[2], entry[3], entry[4], entry[5]);
    if (!domain.alive || hv.current !== domain) return NO_RESULT;
  }
  return 0;
};
