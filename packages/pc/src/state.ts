/**
 * Named, versioned device state. Every device saves an object with a
 * `version` and named fields; `restore` refuses a version it does not read.
 */

/** Checks that `state` is a saved state of `device` with exactly `version`, and returns it typed. */
export function checkState<T extends { version: number }>(state: unknown, device: string, version: number): T {
  if (typeof state !== "object" || state === null) {
    throw new Error(`cannot restore ${device}: the state is not an object`);
  }
  const found = (state as { version?: unknown }).version;
  if (found !== version) {
    throw new Error(`cannot restore ${device}: unsupported state version ${String(found)} (this ${device} reads version ${version})`);
  }
  return state as T;
}

/** Copies a byte array into a plain array for a saved state. */
export function bytesToArray(bytes: Uint8Array): number[] {
  return Array.from(bytes);
}

/** Copies saved bytes back, checking the length. */
export function arrayToBytes(into: Uint8Array, values: readonly number[], device: string, field: string): void {
  if (!Array.isArray(values) || values.length !== into.length) {
    throw new Error(`cannot restore ${device}: field "${field}" must hold ${into.length} bytes`);
  }
  for (let i = 0; i < into.length; i++) into[i] = values[i]! & 0xff;
}
