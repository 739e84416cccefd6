/**
 * The control interface, mirroring dom0_op for code running on the host:
 * create, build, start, pause, unpause, destroy, info, list and the BVT
 * parameters. The CLI (`xeno86 create`, `list`, `sched-bvt`, ...) and the
 * bench use it; a privileged guest reaches the same operations through the
 * dom0_op hypercall.
 */
import type { Domain, DomainState } from "../domain/domain";
import { buildDomain, type BuildOptions } from "../domain/builder";
import type { CreateDomainOptions, Hypervisor } from "../hypervisor";
import type { BvtParameters } from "../scheduler/bvt";

export interface DomainInfo {
  id: number;
  name: string;
  state: DomainState;
  /** Why it died, when it did. */
  deathReason: string;
  killed: boolean;
  /** Frames the domain holds (its memory), and the most it may hold. */
  pages: number;
  maxPages: number;
  /** CPU time received, ns of virtual time. */
  cpuTimeNs: number;
  hypercalls: number;
  events: number;
  traps: number;
  contextSwitches: number;
  eventChannels: number;
  scheduling: BvtParameters;
  commandLine: string;
}

export interface DomainConfig extends CreateDomainOptions, BuildOptions {
  /** The kernel image (an ELF32 xeno86 paravirtual kernel). */
  kernel: Uint8Array;
  /** Start it right away (default true). */
  start?: boolean;
}

export class DomainControl {
  constructor(readonly hypervisor: Hypervisor) {}

  /** Creates, builds and (unless `start: false`) starts a domain; on failure nothing is left behind. */
  create(config: DomainConfig): DomainInfo {
    const hv = this.hypervisor;
    const domain = hv.createDomain(config);
    try {
      buildDomain(hv, domain, config.kernel, { commandLine: config.commandLine, module: config.module });
    } catch (error) {
      hv.discardDomain(domain, `build failed: ${(error as Error).message}`);
      throw error;
    }
    if (config.start !== false) hv.startDomain(domain);
    return this.info(domain.id);
  }

  start(id: number): void {
    this.hypervisor.startDomain(this.live(id));
  }

  pause(id: number): void {
    this.hypervisor.pauseDomain(this.live(id));
  }

  unpause(id: number): void {
    const domain = this.live(id);
    if (domain.state !== "paused") throw new ControlError(`domain ${id} is ${domain.state}, not paused`);
    this.hypervisor.unpauseDomain(domain);
  }

  destroy(id: number): void {
    this.hypervisor.destroyDomain(this.live(id), "destroyed by the control tools");
  }

  setScheduling(id: number, parameters: Partial<BvtParameters>): void {
    const domain = this.live(id);
    const next = { ...domain.bvt.params, ...parameters };
    if (!Number.isInteger(next.mcuAdvance) || next.mcuAdvance < 1) throw new ControlError("mcu_advance must be a whole number of at least 1");
    for (const key of ["warp", "warpLimit", "unwarpRequirement"] as const) {
      if (!Number.isFinite(next[key]) || next[key] < 0) throw new ControlError(`${key} must be a number of at least 0`);
    }
    domain.bvt.params = next;
  }

  /** BVTCTL: the context-switch allowance, ns. */
  setContextAllowance(ns: number): void {
    if (!Number.isFinite(ns) || ns <= 0) throw new ControlError("the context-switch allowance must be a positive number of ns");
    this.hypervisor.scheduler.contextAllowance = ns;
  }

  info(id: number): DomainInfo {
    const domain = this.hypervisor.domain(id);
    if (domain === undefined) throw new ControlError(`no domain ${id}`);
    return describe(domain);
  }

  list(): DomainInfo[] {
    return [...this.hypervisor.domains.values()].map(describe);
  }

  private live(id: number): Domain {
    const domain = this.hypervisor.domain(id);
    if (domain === undefined) throw new ControlError(`no domain ${id}`);
    if (!domain.alive) throw new ControlError(`domain ${id} is dead (${domain.deathReason})`);
    return domain;
  }
}

export class ControlError extends Error {}

function describe(domain: Domain): DomainInfo {
  return {
    id: domain.id,
    name: domain.name,
    state: domain.state,
    deathReason: domain.deathReason,
    killed: domain.killed,
    pages: domain.pages + (domain.sharedInfoFrame >= 0 ? 1 : 0),
    maxPages: domain.maxPages,
    cpuTimeNs: domain.bvt.cpuTime,
    hypercalls: domain.accounts.hypercalls,
    events: domain.accounts.events,
    traps: domain.accounts.traps,
    contextSwitches: domain.accounts.contextSwitches,
    eventChannels: domain.events.openPorts(),
    scheduling: { ...domain.bvt.params },
    commandLine: domain.commandLine,
  };
}
