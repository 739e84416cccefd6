/**
 * sched_op (yield 0, block 1, exit 3, stop 4) and set_dom_timer (a one-shot
 * EVENT_TIMER at an absolute system time, EBX = high word, ECX = low word;
 * 0 cancels).
 */
import { Errno, SchedOp } from "../abi";
import { NO_RESULT, type HypercallHandler } from "./types";

export const schedOp: HypercallHandler = (hv, domain, command) => {
  switch (command) {
    case SchedOp.yield:
      hv.rescheduleRequested = true;
      return 0;
    case SchedOp.block:
      hv.blockDomain(domain);
      return 0;
    case SchedOp.exit:
      hv.destroyDomain(domain, "exited (sched_op exit)");
      return NO_RESULT;
    case SchedOp.stop:
      hv.pauseDomain(domain);
      return 0;
    default:
      return -Errno.ENOSYS;
  }
};

export const setDomTimer: HypercallHandler = (hv, domain, high, low) => {
  domain.timerDeadline = (high >>> 0) * 4294967296 + (low >>> 0);
  return 0;
};
