/**
 * Borrowed Virtual Time scheduling (Duda & Cheriton, SOSP '99), as Xen 1.x
 * used it.
 *
 * Each domain accumulates actual virtual time (avt) while it runs:
 * ceil(ran / MCU) * mcu_advance, with MCU = 100 µs, so mcu_advance is the
 * inverse of its weight. The runnable domain with the lowest effective
 * virtual time (evt = avt - warp while warped) runs next, until its evt
 * would pass the next-lowest one by more than the context-switch allowance.
 * A domain that wakes up has its avt raised to at least the system virtual
 * time (svt, the lowest avt among runnable domains), so sleeping earns no
 * credit, and it may warp (run with a lower evt, for latency) for at most
 * `warpl`, then must run unwarped for `warpu` before warping again.
 *
 * Times here are nanoseconds of the machine's virtual clock.
 */

/** Minimum charging unit: 100 µs. */
export const MCU_NS = 100_000;
export const DEFAULT_MCU_ADVANCE = 10;
/** Context-switch allowance (BVTCTL), default 5 ms. */
export const DEFAULT_CONTEXT_ALLOWANCE_NS = 5_000_000;

export interface BvtParameters {
  mcuAdvance: number;
  /** Virtual-time bonus while warped (in the same units as avt). */
  warp: number;
  /** Longest time it may stay warped, in ns (0 = no limit). */
  warpLimit: number;
  /** How long it must run unwarped before warping again, in ns. */
  unwarpRequirement: number;
}

export class BvtEntity {
  avt = 0;
  /** Warping is allowed for this domain (its warp > 0) and it woke up recently. */
  warped = false;
  warpedSince = 0;
  unwarpedSince = 0;
  runnable = false;
  /** Total CPU time received, ns (accounting). */
  cpuTime = 0;
  params: BvtParameters;

  constructor(
    readonly id: number,
    params: Partial<BvtParameters> = {},
  ) {
    this.params = {
      mcuAdvance: params.mcuAdvance ?? DEFAULT_MCU_ADVANCE,
      warp: params.warp ?? 0,
      warpLimit: params.warpLimit ?? 0,
      unwarpRequirement: params.unwarpRequirement ?? 0,
    };
  }

  get evt(): number {
    return this.warped ? this.avt - this.params.warp : this.avt;
  }
}

export interface SchedulingDecision {
  /** The entity to run, or null when none is runnable (idle). */
  next: BvtEntity | null;
  /** How long it may run before the scheduler is asked again, ns. */
  slice: number;
}

export class BvtScheduler {
  contextAllowance = DEFAULT_CONTEXT_ALLOWANCE_NS;
  private readonly entities: BvtEntity[] = [];

  add(entity: BvtEntity): void {
    this.entities.push(entity);
  }

  remove(entity: BvtEntity): void {
    const index = this.entities.indexOf(entity);
    if (index >= 0) this.entities.splice(index, 1);
  }

  get all(): readonly BvtEntity[] {
    return this.entities;
  }

  /** System virtual time: the lowest avt among runnable entities (0 when none). */
  systemVirtualTime(): number {
    let svt = Number.POSITIVE_INFINITY;
    for (const e of this.entities) if (e.runnable && e.avt < svt) svt = e.avt;
    return svt === Number.POSITIVE_INFINITY ? 0 : svt;
  }

  /** Charges `ran` ns of CPU to `entity` and ends an expired warp. */
  charge(entity: BvtEntity, ran: number, now: number): void {
    entity.cpuTime += ran;
    entity.avt += Math.ceil(ran / MCU_NS) * entity.params.mcuAdvance;
    if (entity.warped && entity.params.warpLimit > 0 && now - entity.warpedSince >= entity.params.warpLimit) {
      entity.warped = false;
      entity.unwarpedSince = now;
    }
  }

  /** A blocked entity becomes runnable: no credit for sleeping; warp if allowed. */
  wake(entity: BvtEntity, now: number): void {
    if (entity.runnable) return;
    const svt = this.systemVirtualTime();
    entity.runnable = true;
    if (entity.avt < svt) entity.avt = svt;
    if (entity.params.warp > 0 && now - entity.unwarpedSince >= entity.params.unwarpRequirement) {
      entity.warped = true;
      entity.warpedSince = now;
    }
  }

  block(entity: BvtEntity, now: number): void {
    if (!entity.runnable) return;
    entity.runnable = false;
    if (entity.warped) {
      entity.warped = false;
      entity.unwarpedSince = now;
    }
  }

  /**
   * Picks the runnable entity with the lowest evt; its slice lasts until its
   * evt passes the runner-up's, plus the context-switch allowance, converted
   * back to time through its mcu_advance. Ties go to the earlier entity, so
   * the order of `add` breaks them deterministically.
   */
  schedule(): SchedulingDecision {
    let best: BvtEntity | null = null;
    let second: BvtEntity | null = null;
    for (const e of this.entities) {
      if (!e.runnable) continue;
      if (best === null || e.evt < best.evt) {
        second = best;
        best = e;
      } else if (second === null || e.evt < second.evt) {
        second = e;
      }
    }
    if (best === null) return { next: null, slice: 0 };
    if (second === null) return { next: best, slice: 10 * this.contextAllowance };
    const lead = second.evt - best.evt;
    const slice = Math.ceil(lead / best.params.mcuAdvance) * MCU_NS + this.contextAllowance;
    return { next: best, slice };
  }

  /** Shifts every avt down together, keeping differences (the overflow guard). */
  normalize(): void {
    const svt = this.systemVirtualTime();
    if (svt < 1e12) return;
    for (const e of this.entities) e.avt = Math.max(0, e.avt - svt);
  }
}
