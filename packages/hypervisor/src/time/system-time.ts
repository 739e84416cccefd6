/**
 * The time fields of shared_info (Xen 1.2): system time (ns since the
 * hypervisor started), the TSC value it was taken at (so a guest
 * interpolates with RDTSC between updates), the wall clock, and the
 * domain's own virtual time (CPU time it has received). The update is
 * bracketed by the two version counters: time_version1 before, then
 * time_version2 after, so a guest that reads version2, the fields, then
 * version1 and finds them equal has a consistent copy.
 */
import { SharedInfo } from "../abi";
import type { Domain } from "../domain/domain";
import type { Hypervisor } from "../hypervisor";

/** The TSC bits N..N+31 kept in tsc_timestamp: xeno86 keeps the low 32 bits. */
export const RDTSC_BITSHIFT = 0;

export function updateSystemTime(hv: Hypervisor, domain: Domain): void {
  if (domain.sharedInfoFrame < 0) return;
  const memory = hv.memory;
  const base = domain.sharedInfoFrame * 4096;
  const version = (memory.read32(base + SharedInfo.time_version1) + 1) | 0;
  memory.write32(base + SharedInfo.time_version1, version);

  const cpu = hv.cpu;
  const clock = hv.machine.clock;
  const now = Math.floor(clock.now());
  cpu.readTsc(cpu.wide);
  const cpuHz = Math.round((1e9 * cpu.tscPerInstruction) / clock.nsPerInstruction);
  memory.write32(base + SharedInfo.rdtsc_bitshift, RDTSC_BITSHIFT);
  writeU64(hv, base + SharedInfo.cpu_freq, cpuHz);
  memory.write32(base + SharedInfo.tsc_timestamp, cpu.wide[0]);
  writeU64(hv, base + SharedInfo.system_time, now);
  const wallNs = hv.startTimeMs * 1e6 + now;
  const seconds = Math.floor(wallNs / 1e9);
  memory.write32(base + SharedInfo.wc_sec, seconds);
  memory.write32(base + SharedInfo.wc_usec, Math.floor((wallNs - seconds * 1e9) / 1000));
  writeU64(hv, base + SharedInfo.domain_time, Math.floor(domain.bvt.cpuTime));

  memory.write32(base + SharedInfo.time_version2, version);
}

function writeU64(hv: Hypervisor, address: number, value: number): void {
  hv.memory.write32(address, value % 4294967296);
  hv.memory.write32(address + 4, Math.floor(value / 4294967296));
}
