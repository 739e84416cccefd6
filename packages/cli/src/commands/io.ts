/** What the long-running commands share: their streams, and stopping on Ctrl-C. */
import { UsageError } from "../usage-error";

export interface CommandIo {
  out: NodeJS.WritableStream & { isTTY?: boolean };
  err: NodeJS.WritableStream;
  /** Stops the command as Ctrl-C would (for embedders and tests). */
  signal?: AbortSignal;
}

/** An AbortSignal that fires on Ctrl-C (SIGINT), SIGTERM, or when `outer` aborts; `dispose` removes the handlers. */
export function interruption(outer?: AbortSignal): { signal: AbortSignal; interrupted: () => boolean; dispose: () => void } {
  const controller = new AbortController();
  let interrupted = false;
  const onSignal = () => {
    interrupted = true;
    controller.abort();
  };
  const onOuter = () => controller.abort();
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  if (outer?.aborted) controller.abort();
  outer?.addEventListener("abort", onOuter, { once: true });
  return {
    signal: controller.signal,
    interrupted: () => interrupted || (outer?.aborted ?? false),
    dispose: () => {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      outer?.removeEventListener("abort", onOuter);
    },
  };
}

/** A whole number within [min, max] from a flag, or a usage error that says what was wrong. */
export function intFlag(value: string | true | undefined, name: string, min: number, max: number, fallback: number): number;
export function intFlag(value: string | true | undefined, name: string, min: number, max: number): number | undefined;
export function intFlag(value: string | true | undefined, name: string, min: number, max: number, fallback?: number): number | undefined {
  if (value === undefined) return fallback;
  const number = typeof value === "string" && /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(number) || number < min || number > max) {
    throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, not "${value === true ? "" : value}"`);
  }
  return number;
}

/** A number within [min, max] (min excluded when `exclusiveMin`) from a flag. */
export function numberFlag(value: string | true | undefined, name: string, min: number, max: number, exclusiveMin = false): number | undefined {
  if (value === undefined) return undefined;
  const number = typeof value === "string" && /^[0-9]*\.?[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(number) || number < min || (exclusiveMin && number === min) || number > max) {
    throw new UsageError(`--${name} must be a number ${exclusiveMin ? "above" : "from"} ${min}${exclusiveMin ? ` and at most ${max}` : ` to ${max}`}, not "${value === true ? "" : value}"`);
  }
  return number;
}
