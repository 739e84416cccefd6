/**
 * What the monitor does with each intercepted vector.
 *
 * - `int 0x82` from ring 1: a hypercall (ring 3 cannot reach it: its gate
 *   has DPL 1, so the CPU raises #GP instead).
 * - #NM: lazy FPU switching (`fpu.ts`).
 * - #GP whose error code names an IDT vector: the guest ran `int n`, which
 *   the DPL-0 gates refuse; if the guest's trap table allows `int n` at the
 *   caller's privilege, the guest's handler runs as if the gate had been
 *   taken (return address past the 2-byte instruction), else the guest sees
 *   the #GP.
 * - int3/into (DPL-3 gates): likewise checked against the trap table.
 * - #PF: bounced with the error code and CR2.
 * - a double fault: the domain is killed.
 * - any other exception: bounced to the guest's handler for that vector,
 *   with the error code when the vector has one. A guest without a handler
 *   for an exception it raised is killed (there is nothing else to run).
 */
import { EventKind } from "@xeno86/cpu-x86";
import { HYPERCALL_VECTOR, TRAP_FLAG_MASK_EVENTS } from "../abi";
import type { Domain } from "../domain/domain";
import type { Hypervisor } from "../hypervisor";
import { dispatchHypercall } from "../hypercalls/dispatch";
import { bounceToGuest } from "./bounce";
import { handleDeviceNotAvailable } from "./fpu";

const DOUBLE_FAULT = 8;
const GENERAL_PROTECTION = 13;
const PAGE_FAULT = 14;
/** Error-code bit 1: the selector index refers to the IDT. */
const ERROR_CODE_IDT = 2;
const ERROR_CODE_EXTERNAL = 1;

export function handleIntercept(hv: Hypervisor, domain: Domain): void {
  const info = hv.cpu.exitInfo;
  if (info.kind === EventKind.External || info.kind === EventKind.Nmi) return; // the board has no interrupts for guests
  if (info.kind === EventKind.Software) {
    if (info.vector === HYPERCALL_VECTOR) {
      dispatchHypercall(hv, domain);
      return;
    }
    // int3 or into through their DPL-3 gates (EIP is past the instruction).
    softwareInterrupt(hv, domain, info.vector, instructionLength(hv, info.vector));
    return;
  }
  domain.accounts.traps++;
  switch (info.vector) {
    case 7:
      handleDeviceNotAvailable(hv, domain);
      return;
    case DOUBLE_FAULT:
      hv.killDomain(domain, "double fault");
      return;
    case GENERAL_PROTECTION:
      if ((info.errorCode & (ERROR_CODE_IDT | ERROR_CODE_EXTERNAL)) === ERROR_CODE_IDT) {
        // `int n` (CD nn) refused by a DPL-0 gate: EIP is at the instruction.
        hv.cpu.eip = (hv.cpu.eip + 2) | 0;
        softwareInterrupt(hv, domain, info.errorCode >>> 3, 2);
        return;
      }
      bounceException(hv, domain, GENERAL_PROTECTION, info.errorCode, -1);
      return;
    case PAGE_FAULT:
      bounceException(hv, domain, PAGE_FAULT, info.errorCode, info.cr2);
      return;
    default:
      bounceException(hv, domain, info.vector, info.hasErrorCode ? info.errorCode : -1, -1);
  }
}

/** `int n` with EIP already past the instruction of `length` bytes. */
function softwareInterrupt(hv: Hypervisor, domain: Domain, vector: number, length: number): void {
  const flags = domain.trapFlagsCs[vector] & 0xff;
  if (domain.trapAddress[vector] !== 0 && (flags & 3) >= hv.cpu.cpl) {
    enterTrapHandler(hv, domain, vector, [], `int ${vector}`);
    return;
  }
  // Not allowed: #GP with the IDT vector in the error code, at the instruction.
  hv.cpu.eip = (hv.cpu.eip - length) | 0;
  bounceException(hv, domain, GENERAL_PROTECTION, (vector << 3) | ERROR_CODE_IDT, -1);
}

/** Length of the instruction that raised software vector 3 or 4 (CC, CD 03, CE). */
function instructionLength(hv: Hypervisor, vector: number): number {
  if (vector !== 3) return 1;
  const cpu = hv.cpu;
  const address = hv.guestMemory.translate((cpu.segBase[1] + cpu.eip - 1) >>> 0, false);
  return address >= 0 && hv.memory.read8(address) === 0xcc ? 1 : 2;
}

export function bounceException(hv: Hypervisor, domain: Domain, vector: number, errorCode: number, cr2: number): void {
  if (domain.trapAddress[vector] === 0) {
    hv.killDomain(domain, `exception ${vector} with no handler in the trap table at ${hex(hv.cpu.segSelector[1])}:${hex(hv.cpu.eip)}${cr2 >= 0 ? ` (address ${hex(cr2)})` : ""}`);
    return;
  }
  const extra: number[] = [];
  if (cr2 >= 0) extra.push(cr2 | 0);
  if (errorCode >= 0) extra.push(errorCode | 0);
  enterTrapHandler(hv, domain, vector, extra, `trap ${vector}`);
}

function enterTrapHandler(hv: Hypervisor, domain: Domain, vector: number, extraWords: number[], what: string): void {
  const flagsCs = domain.trapFlagsCs[vector];
  bounceToGuest(hv, domain, {
    handlerCs: flagsCs >>> 16,
    handlerEip: domain.trapAddress[vector],
    extraWords,
    maskEvents: (flagsCs & TRAP_FLAG_MASK_EVENTS) !== 0,
    what,
  });
}

function hex(value: number): string {
  return `0x${(value >>> 0).toString(16)}`;
}
