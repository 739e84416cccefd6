/**
 * The hypercall table (0-21 numbering) and the entry path: `int 0x82` with
 * the number in EAX (only its low 8 bits count, as in Xen's 256-slot
 * table) and arguments in EBX, ECX, EDX, ESI, EDI. Empty slots answer
 * -ENOSYS.
 */
import { Reg } from "@xeno86/cpu-x86";
import { Errno, Hypercall } from "../abi";
import type { Domain } from "../domain/domain";
import type { Hypervisor } from "../hypervisor";
import { consoleWrite, kbdOp } from "./console";
import { debugRegisterGet, debugRegisterSet } from "./debug-registers";
import { setGdt, updateDescriptor } from "./descriptor-tables";
import { dom0Op } from "./dom0-op";
import { eventChannelOp } from "./event-channel";
import { domMemOp, mmuUpdate, updateVaMapping } from "./memory";
import { multicall } from "./multicall";
import { schedOp, setDomTimer } from "./scheduling";
import { fpuTaskSwitch, setCallbacks, setFastTrap, setTrapTable, stackSwitch } from "./traps";
import { NO_RESULT, type HypercallHandler } from "./types";

/** The network and block calls arrive with the virtual devices. */
const notYet: HypercallHandler = () => -Errno.ENOSYS;

export const HYPERCALL_TABLE: ReadonlyArray<HypercallHandler | undefined> = (() => {
  const table: Array<HypercallHandler | undefined> = new Array(256).fill(undefined);
  table[Hypercall.set_trap_table] = setTrapTable;
  table[Hypercall.mmu_update] = mmuUpdate;
  table[Hypercall.console_write] = consoleWrite;
  table[Hypercall.set_gdt] = setGdt;
  table[Hypercall.stack_switch] = stackSwitch;
  table[Hypercall.set_callbacks] = setCallbacks;
  table[Hypercall.net_io_op] = notYet;
  table[Hypercall.fpu_taskswitch] = fpuTaskSwitch;
  table[Hypercall.sched_op] = schedOp;
  table[Hypercall.set_dom_timer] = setDomTimer;
  table[Hypercall.dom0_op] = dom0Op;
  table[Hypercall.network_op] = notYet;
  table[Hypercall.block_io_op] = notYet;
  table[Hypercall.set_debugreg] = debugRegisterSet;
  table[Hypercall.get_debugreg] = debugRegisterGet;
  table[Hypercall.update_descriptor] = updateDescriptor;
  table[Hypercall.set_fast_trap] = setFastTrap;
  table[Hypercall.dom_mem_op] = domMemOp;
  table[Hypercall.multicall] = multicall;
  table[Hypercall.kbd_op] = kbdOp;
  table[Hypercall.update_va_mapping] = updateVaMapping;
  table[Hypercall.event_channel_op] = eventChannelOp;
  return table;
})();

/** Runs one hypercall by number; used by the trap path and by multicall. */
export function callHypercall(hv: Hypervisor, domain: Domain, number: number, a1: number, a2: number, a3: number, a4: number, a5: number): number {
  const handler = HYPERCALL_TABLE[number & 0xff];
  domain.accounts.hypercalls++;
  if (handler === undefined) return -Errno.ENOSYS;
  return handler(hv, domain, a1, a2, a3, a4, a5);
}

export function dispatchHypercall(hv: Hypervisor, domain: Domain): void {
  const r = hv.cpu.r32;
  const result = callHypercall(hv, domain, r[Reg.EAX], r[Reg.EBX], r[Reg.ECX], r[Reg.EDX], r[Reg.ESI], r[Reg.EDI]);
  if (result !== NO_RESULT && domain.alive && hv.current === domain) r[Reg.EAX] = result | 0;
}
