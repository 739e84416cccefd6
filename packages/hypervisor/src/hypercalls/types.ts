import type { Domain } from "../domain/domain";
import type { Hypervisor } from "../hypervisor";

/**
 * One hypercall: arguments are EBX, ECX, EDX, ESI, EDI; the result goes to
 * EAX (negative errno on failure). A handler that must not return a value
 * (the domain died, or the call will be restarted) returns `NO_RESULT`.
 */
export type HypercallHandler = (hv: Hypervisor, domain: Domain, a1: number, a2: number, a3: number, a4: number, a5: number) => number;

/** Leave EAX alone (the domain is gone, or the call continues later). */
export const NO_RESULT = 0x7fffffff + 1; // not an int32: cannot be a real result
