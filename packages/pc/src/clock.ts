/**
 * Virtual time for one machine, in integer nanoseconds.
 *
 * Deterministic by default: time is the CPU's retired instruction count
 * times `nsPerInstruction` (1 by default, i.e. a 1 GHz TSC), plus a skew
 * that grows only when the machine skips idle time (`advanceTo` past the
 * instruction time, e.g. while the CPU is halted). The same inputs give the
 * same instruction count and therefore the same interrupt timing.
 *
 * With `hostNowMs` (a monotonic host clock in milliseconds, such as
 * `() => performance.now()`, given by the caller so this core stays free of
 * Node APIs) the clock runs in real-time mode: virtual time is the larger of
 * the instruction time and the host time elapsed since the clock started.
 *
 * Devices compute their registers from `now()` and schedule only the events
 * that must happen at a moment (an interrupt edge) on timers; nothing ticks.
 * A timer is created once per device and re-armed, so scheduling allocates
 * nothing. Timers fire from `advanceTo`/`poll`, in deadline order (ties in
 * the order they were armed); a callback receives its deadline.
 *
 * Times pass 2^31 ns after two seconds, and the JIT boxes a number that big
 * whenever it crosses a call it did not inline. Device hot paths therefore
 * read time through cells: `sample()` writes the current time into
 * `time[0]`, and `ticksAtCell`/`timeOfTickCell` convert between typed-array
 * cells, so a register access allocates nothing.
 */
import { checkState } from "./state";

/** Where retired instructions are counted: the CPU (`Cpu.instructionCount`). */
export interface InstructionCounter {
  readonly instructionCount: number;
}

export interface VirtualClockOptions {
  /** The instruction counter that drives time. Without one, time moves only through `advanceTo`/`advanceBy`. */
  counter?: InstructionCounter;
  /** Nanoseconds per retired instruction (default 1: one instruction per nanosecond, a 1 GHz TSC). */
  nsPerInstruction?: number;
  /** A monotonic host clock in milliseconds; turns on real-time mode. */
  hostNowMs?: () => number;
}

export type TimerCallback = (deadline: number) => void;

const NS_PER_SECOND = 1_000_000_000;

/** floor(a / b) for non-negative integers below 2^53, exact where float division could round up. */
function floorDivExact(a: number, b: number): number {
  let q = Math.floor(a / b);
  if (q * b > a) q--;
  else if ((q + 1) * b <= a) q++;
  return q;
}

/**
 * The number of whole periods of a `hz` clock (an integer below 9e6) that
 * have elapsed at `ns` nanoseconds; exact for any `ns` below 2^53.
 * (Leaf function, small enough for the JIT to inline: hot device paths call it.)
 */
export function ticksAt(ns: number, hz: number): number {
  if (ns < 0) return -ticksCeil(-ns, hz);
  const seconds = Math.floor(ns / NS_PER_SECOND);
  const scaled = (ns - seconds * NS_PER_SECOND) * hz;
  let q = Math.floor(scaled / NS_PER_SECOND);
  if (q * NS_PER_SECOND > scaled) q--;
  else if ((q + 1) * NS_PER_SECOND <= scaled) q++;
  return seconds * hz + q;
}

/** `out[outIndex] = ticksAt(ns[nsIndex], hz)`, with no double crossing a call. */
export function ticksAtCell(ns: Float64Array, nsIndex: number, hz: number, out: Float64Array, outIndex: number): void {
  const t = ns[nsIndex]!;
  if (t < 0) {
    out[outIndex] = ticksAt(t, hz);
    return;
  }
  const seconds = Math.floor(t / NS_PER_SECOND);
  const scaled = (t - seconds * NS_PER_SECOND) * hz;
  let q = Math.floor(scaled / NS_PER_SECOND);
  if (q * NS_PER_SECOND > scaled) q--;
  else if ((q + 1) * NS_PER_SECOND <= scaled) q++;
  out[outIndex] = seconds * hz + q;
}

/** `out[outIndex] = timeOfTick(ticks[tickIndex], hz)`, with no double crossing a call. */
export function timeOfTickCell(ticks: Float64Array, tickIndex: number, hz: number, out: Float64Array, outIndex: number): void {
  const tick = ticks[tickIndex]!;
  if (tick < 0) {
    out[outIndex] = timeOfTick(tick, hz);
    return;
  }
  let seconds = Math.floor(tick / hz);
  if (seconds * hz > tick) seconds--;
  else if ((seconds + 1) * hz <= tick) seconds++;
  const scaled = (tick - seconds * hz) * NS_PER_SECOND;
  let ns = Math.floor(scaled / hz);
  if (ns * hz > scaled) ns--;
  else if ((ns + 1) * hz <= scaled) ns++;
  if (ns * hz < scaled) ns++;
  out[outIndex] = seconds * NS_PER_SECOND + ns;
}

function ticksCeil(ns: number, hz: number): number {
  const whole = ticksAt(ns, hz);
  return timeOfTick(whole, hz) === ns ? whole : whole + 1;
}

/** The first nanosecond at which `ticksAt` reaches `tick` (the inverse of `ticksAt`). */
export function timeOfTick(tick: number, hz: number): number {
  if (tick < 0) return -Math.floor((-tick * NS_PER_SECOND) / hz);
  let seconds = Math.floor(tick / hz);
  if (seconds * hz > tick) seconds--;
  else if ((seconds + 1) * hz <= tick) seconds++;
  const scaled = (tick - seconds * hz) * NS_PER_SECOND;
  let ns = Math.floor(scaled / hz);
  if (ns * hz > scaled) ns--;
  else if ((ns + 1) * hz <= scaled) ns++;
  if (ns * hz < scaled) ns++; // round up
  return seconds * NS_PER_SECOND + ns;
}

/** floor((a - b) / period) style helper for signed nanosecond spans. */
export function floorDiv(a: number, b: number): number {
  if (a >= 0) return floorDivExact(a, b);
  return -floorDivExact(-a + b - 1, b);
}

/** A timer owned by one device; armed and re-armed without allocating. */
export class ClockTimer {
  /** Absolute virtual time at which the timer fires, or Infinity when idle. */
  deadline = Infinity;
  /** Arming order, for ties. */
  sequence = 0;

  constructor(
    readonly clock: VirtualClock,
    readonly name: string,
    readonly callback: TimerCallback,
  ) {}

  /** Arms (or re-arms) the timer to fire at absolute time `at` (nanoseconds). */
  schedule(at: number): void {
    this.clock.arm(this, at);
  }

  /** `schedule(cell[index])` for hot paths (no double crosses a call). */
  scheduleFromCell(cell: Float64Array, index: number): void {
    this.clock.armFromCell(this, cell, index);
  }

  cancel(): void {
    this.clock.arm(this, Infinity);
  }

  get scheduled(): boolean {
    return this.deadline !== Infinity;
  }

  /** Removes the timer from its clock for good. */
  dispose(): void {
    this.clock.dispose(this);
  }
}

export interface ClockState {
  version: 1;
  nsPerInstruction: number;
  /** Nanoseconds added to the instruction time (idle skips). */
  skewNs: number;
  /** Virtual time when saved. */
  nowNs: number;
}

export class VirtualClock {
  /** `time[0]` is the virtual time as of the last `sample()` (or `now()`). */
  readonly time = new Float64Array(1);
  /** The instruction counter driving time; may be attached after construction. */
  counter: InstructionCounter | null;
  private nsPer: number;
  private skewNs = 0;
  private readonly hostNowMs: (() => number) | null;
  private hostStartMs = 0;
  private hostBaseNs = 0;
  private lastNs = 0;
  private readonly timers: ClockTimer[] = [];
  private sequence = 0;
  private nextTimer: ClockTimer | null = null;
  private nextDirty = false;
  private readonly armScratch = new Float64Array(1);

  constructor(options: VirtualClockOptions = {}) {
    this.counter = options.counter ?? null;
    this.nsPer = options.nsPerInstruction ?? 1;
    if (!(this.nsPer > 0) || !Number.isFinite(this.nsPer)) {
      throw new RangeError(`nsPerInstruction must be a positive number, not ${this.nsPer}`);
    }
    this.hostNowMs = options.hostNowMs ?? null;
    if (this.hostNowMs !== null) this.hostStartMs = this.hostNowMs();
  }

  get nsPerInstruction(): number {
    return this.nsPer;
  }

  /** Changes the instruction rate without making time jump. */
  setNsPerInstruction(ns: number): void {
    if (!(ns > 0) || !Number.isFinite(ns)) throw new RangeError(`nsPerInstruction must be a positive number, not ${ns}`);
    const before = this.instructionTime();
    this.nsPer = ns;
    this.skewNs += before - this.instructionTime();
  }

  get realTime(): boolean {
    return this.hostNowMs !== null;
  }

  /** The current virtual time in nanoseconds (integer, never decreasing). */
  now(): number {
    this.sample();
    return this.time[0]!;
  }

  /** Writes the current virtual time into `time[0]` (what hot device paths use instead of `now()`). */
  sample(): void {
    let t = this.skewNs;
    if (this.counter !== null) t += Math.floor(this.counter.instructionCount * this.nsPer);
    if (this.hostNowMs !== null) {
      const host = this.hostBaseNs + Math.floor((this.hostNowMs() - this.hostStartMs) * 1e6);
      if (host > t) t = host;
    }
    if (t < this.lastNs) t = this.lastNs;
    else this.lastNs = t;
    this.time[0] = t;
  }

  /** Creates a timer owned by a device (not armed). */
  createTimer(name: string, callback: TimerCallback): ClockTimer {
    const timer = new ClockTimer(this, name, callback);
    this.timers.push(timer);
    return timer;
  }

  /** One-shot convenience: calls `callback` at `at`, then forgets it (allocates; not for hot paths). */
  schedule(at: number, callback: TimerCallback, name = "one-shot"): ClockTimer {
    const timer: ClockTimer = this.createTimer(name, (deadline) => {
      timer.dispose();
      callback(deadline);
    });
    timer.schedule(at);
    return timer;
  }

  /** The earliest armed deadline, or Infinity. */
  nextDeadline(): number {
    const next = this.findNext();
    return next === null ? Infinity : next.deadline;
  }

  /** Instructions the CPU may run before time reaches `t` (for its run budget); Infinity when `t` is. */
  instructionsUntil(t: number): number {
    if (t === Infinity) return Infinity;
    const span = t - this.now();
    return span <= 0 ? 0 : Math.ceil(span / this.nsPer);
  }

  /**
   * Moves time forward to at least `t` (skipping idle time if the
   * instructions have not got there), firing every timer due by then at its
   * own time: time stands at each deadline while its callback runs.
   */
  advanceTo(t: number): void {
    for (;;) {
      const next = this.findNext();
      if (next === null || next.deadline > t) break;
      this.skipTo(next.deadline);
      this.poll();
    }
    this.skipTo(t);
  }

  advanceBy(ns: number): void {
    this.advanceTo(this.now() + ns);
  }

  /** If a timer is armed, jumps to its deadline and fires what is due (what a halted CPU waits for). Returns false when nothing is armed. */
  skipToNextDeadline(): boolean {
    const deadline = this.nextDeadline();
    if (deadline === Infinity) return false;
    this.advanceTo(deadline);
    return true;
  }

  /** Fires every timer whose deadline is at or before `now()`, in order. Returns how many fired. */
  poll(): number {
    let fired = 0;
    for (;;) {
      const next = this.findNext();
      if (next === null) return fired;
      this.sample();
      if (next.deadline > this.time[0]!) return fired;
      const deadline = next.deadline;
      next.deadline = Infinity;
      this.nextDirty = true;
      next.callback(deadline);
      if (++fired > 1_000_000) {
        throw new Error(`virtual clock: more than a million timer events in one poll (last: "${next.name}"); a device keeps re-arming in the past`);
      }
    }
  }

  save(): ClockState {
    return { version: 1, nsPerInstruction: this.nsPer, skewNs: this.skewNs, nowNs: this.now() };
  }

  /** Restores time. Restore the CPU (its instruction count) first, then the clock, then the devices. */
  restore(state: unknown): void {
    const s = checkState<ClockState>(state, "virtual clock", 1);
    this.nsPer = s.nsPerInstruction;
    this.skewNs = s.skewNs;
    this.lastNs = s.nowNs;
    if (this.hostNowMs !== null) {
      this.hostStartMs = this.hostNowMs();
      this.hostBaseNs = s.nowNs;
    }
    for (const timer of this.timers) timer.deadline = Infinity;
    this.nextTimer = null;
    this.nextDirty = false;
  }

  /** @internal Used by ClockTimer. */
  arm(timer: ClockTimer, at: number): void {
    this.armScratch[0] = at;
    this.armFromCell(timer, this.armScratch, 0);
  }

  /** @internal Used by ClockTimer. */
  armFromCell(timer: ClockTimer, cell: Float64Array, index: number): void {
    const at = cell[index]!;
    if (at !== at) throw new RangeError(`timer "${timer.name}": deadline is NaN`);
    timer.deadline = at;
    timer.sequence = this.sequence++;
    if (timer === this.nextTimer) this.nextDirty = true;
    else if (!this.nextDirty && at < (this.nextTimer === null ? Infinity : this.nextTimer.deadline)) this.nextTimer = timer;
  }

  /** @internal Used by ClockTimer. */
  dispose(timer: ClockTimer): void {
    const index = this.timers.indexOf(timer);
    if (index >= 0) this.timers.splice(index, 1);
    timer.deadline = Infinity;
    if (timer === this.nextTimer) this.nextDirty = true;
  }

  /** Adds skew so that `now()` is at least `t`. */
  private skipTo(t: number): void {
    const now = this.now();
    if (t > now) {
      this.skewNs += t - now;
      this.lastNs = t;
    }
  }

  private instructionTime(): number {
    const counted = this.counter === null ? 0 : Math.floor(this.counter.instructionCount * this.nsPer);
    return counted + this.skewNs;
  }

  private findNext(): ClockTimer | null {
    if (this.nextDirty) {
      let best: ClockTimer | null = null;
      for (const timer of this.timers) {
        if (timer.deadline === Infinity) continue;
        if (best === null || timer.deadline < best.deadline || (timer.deadline === best.deadline && timer.sequence < best.sequence)) {
          best = timer;
        }
      }
      this.nextTimer = best;
      this.nextDirty = false;
    }
    const next = this.nextTimer;
    return next === null || next.deadline === Infinity ? null : next;
  }
}
