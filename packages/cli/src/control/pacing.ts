/**
 * Running the hypervisor in slices from Node's event loop.
 *
 * `Hypervisor.run(ns)` is synchronous, so the CLI runs it a slice at a time
 * and yields between slices (sockets, signals and timers are served then).
 * With the host clock (`hostNowMs`), guest time never falls behind host
 * time, but when every domain is blocked the monitor skips idle time ahead
 * of it; the pacer then says how long to sleep so that guest time and host
 * time stay together.
 */
import type { Hypervisor } from "@xeno86/hypervisor";

/**
 * Guest time run between two turns of the event loop. The CPU's budget for
 * a slice is counted in instructions at 1 ns each, and the emulator runs
 * some tens of millions of instructions per second, so a slice of guest
 * time lasts tens of times longer on the host. Deterministic runs take long
 * slices (less overhead); runs tied to the host's clock take short ones, so
 * that sockets, timers and Ctrl-C are served within some tens of ms.
 */
export const DETERMINISTIC_SLICE_NS = 2_000_000;
export const REAL_TIME_SLICE_NS = 1_000_000;

export class Pacer {
  private readonly startHostMs: number;
  private readonly startGuestNs: number;

  constructor(
    private readonly hypervisor: Hypervisor,
    private readonly hostNowMs: (() => number) | undefined,
  ) {
    this.startHostMs = hostNowMs?.() ?? 0;
    this.startGuestNs = hypervisor.now();
  }

  get realTime(): boolean {
    return this.hostNowMs !== undefined;
  }

  /** How much guest time to run before yielding. */
  get sliceNs(): number {
    return this.hostNowMs === undefined ? DETERMINISTIC_SLICE_NS : REAL_TIME_SLICE_NS;
  }

  /** Host milliseconds to wait before running more guest time (0 when deterministic or not ahead). */
  aheadMs(): number {
    if (this.hostNowMs === undefined) return 0;
    const hostNs = (this.hostNowMs() - this.startHostMs) * 1e6;
    const ahead = this.hypervisor.now() - this.startGuestNs - hostNs;
    return ahead > 1e6 ? ahead / 1e6 : 0;
  }
}

export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Sleeps `ms`, or less when `signal` aborts or `wake` is called. */
export function sleep(ms: number, signal?: AbortSignal): { promise: Promise<void>; wake: () => void } {
  let wake = () => {};
  const promise = new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    wake = done;
    if (signal?.aborted) done();
    else signal?.addEventListener("abort", done, { once: true });
  });
  return { promise, wake };
}
