/**
 * set_debugreg / get_debugreg: DR0-DR3 must point below the end of guest
 * space; DR7 may not set GD or program an I/O breakpoint (R/W = 10b) or the
 * undefined length 10b.
 */
import { Errno } from "../abi";
import type { HypercallHandler } from "./types";

const LAST_GUEST_ADDRESS = 0xfc3ffffc;
const DR7_GENERAL_DETECT = 1 << 13;

function dr7Allowed(value: number): boolean {
  if ((value & DR7_GENERAL_DETECT) !== 0) return false;
  for (let i = 0; i < 4; i++) {
    const control = (value >>> (16 + i * 4)) & 0xf;
    if ((control & 3) === 2) return false; // R/W = 10b: I/O breakpoints
    if ((control >>> 2) === 2) return false; // LEN = 10b: undefined
  }
  return true;
}

export const debugRegisterSet: HypercallHandler = (hv, domain, register, value) => {
  switch (register) {
    case 0:
    case 1:
    case 2:
    case 3:
      if (value >>> 0 > LAST_GUEST_ADDRESS) return -Errno.EPERM;
      break;
    case 6:
      break;
    case 7:
      if (!dr7Allowed(value)) return -Errno.EPERM;
      break;
    default:
      return -Errno.EINVAL;
  }
  domain.context.debug[register] = value;
  if (hv.current === domain) hv.cpu.dr[register] = value;
  return 0;
};

export const debugRegisterGet: HypercallHandler = (hv, domain, register) => {
  const index = register & 7;
  return hv.current === domain ? hv.cpu.dr[index] : domain.context.debug[index];
};
