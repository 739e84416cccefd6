/**
 * dom0_op MSR and DEBUG: the machine-level operations of a privileged
 * domain.
 *
 * MSR (write 0, cpu_mask 4, msr 8, in1 12, in2 16; out1 20, out2 24) reads
 * or writes a model-specific register on the CPUs in cpu_mask; this machine
 * has CPU 0 only, so a mask without bit 0 does nothing. Where Xen 1.2 ran
 * RDMSR/WRMSR blindly (an absent MSR faulted inside Xen), an MSR the CPU
 * does not have answers -EINVAL, and the SYSENTER MSRs, which would send
 * ring-3 code into ring 0 at an address of dom0's choosing, cannot be
 * written (-EPERM). The TSC reads as the guests see it and is not writable.
 *
 * DEBUG (opcode 0 as a character, domain 4, in1 8, in2 12; status 16, out1
 * 20, out2 24) is Xen 1.2's pervasive-debugger entry: 'c' lets a stopped
 * domain continue, 's' stops it, 'r' reads in2 bytes (at most 4096) at
 * linear address in1 of the domain's address space into the hypervisor log,
 * the first eight of them also into out1/out2. status: 0 done, 1 unknown
 * opcode or an address that is not mapped, 2 no such domain (Xen's value).
 * The call itself returns 0, as in Xen.
 */
import { MsrIndex } from "@xeno86/cpu-x86";
import { Errno } from "../abi";
import type { Hypervisor } from "../hypervisor";

export type PayloadWord = (offset: number) => number;
export type PayloadPut = (offset: number, value: number) => void;

const PROTECTED_MSRS: ReadonlySet<number> = new Set([MsrIndex.SYSENTER_CS, MsrIndex.SYSENTER_ESP, MsrIndex.SYSENTER_EIP, MsrIndex.TSC]);
const MAX_DEBUG_READ = 4096;

export function msrOperation(hv: Hypervisor, word: PayloadWord, put: PayloadPut): number {
  const write = word(0) !== 0;
  if ((word(4) & 1) === 0) return 0;
  const index = word(8);
  const cpu = hv.cpu;
  if (write) {
    if (PROTECTED_MSRS.has(index)) return -Errno.EPERM;
    return cpu.msr.write(index, word(12), word(16)) ? 0 : -Errno.EINVAL;
  }
  const value = new Int32Array(2);
  if (index === MsrIndex.TSC) cpu.readTsc(value);
  else if (!cpu.msr.read(index, value)) return -Errno.EINVAL;
  put(20, value[0]);
  put(24, value[1]);
  return 0;
}

const Status = { DONE: 0, FAILED: 1, NO_DOMAIN: 2 } as const;

export function debugOperation(hv: Hypervisor, opcode: number, word: PayloadWord, put: PayloadPut): number {
  const domain = hv.domain(word(4));
  if (domain === undefined || !domain.alive) {
    put(16, Status.NO_DOMAIN);
    return 0;
  }
  let status: number = Status.DONE;
  switch (String.fromCharCode(opcode)) {
    case "c":
      if (domain.state === "built" || domain.state === "paused") hv.startDomain(domain);
      break;
    case "s":
      hv.pauseDomain(domain);
      break;
    case "r": {
      const bytes = readDomainBytes(hv, domain.pageDirectory, word(8), Math.min(word(12), MAX_DEBUG_READ));
      if (bytes === null) {
        status = Status.FAILED;
        break;
      }
      hv.log(`debug: domain ${domain.id} at 0x${word(8).toString(16)}: ${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join(" ")}`);
      const first = new Uint8Array(8);
      first.set(bytes.subarray(0, 8));
      const view = new DataView(first.buffer);
      put(20, view.getUint32(0, true));
      put(24, view.getUint32(4, true));
      break;
    }
    default:
      status = Status.FAILED;
  }
  put(16, status);
  return 0;
}

/** Reads through a domain's page tables, running or not; null if any byte is unmapped. */
function readDomainBytes(hv: Hypervisor, directory: number, linear: number, length: number): Uint8Array | null {
  if (directory === 0) return null;
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const address = hv.guestMemory.translateIn(directory, (linear + i) >>> 0);
    if (address < 0) return null;
    bytes[i] = hv.memory.read8(address);
  }
  return bytes;
}
