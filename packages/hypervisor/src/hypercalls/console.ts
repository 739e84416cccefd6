/**
 * console_write (A.15): at most 256 bytes, copied with a fault check,
 * printed up to the first NUL; lines are prefixed with the domain's id by
 * whoever displays them. Returns 0, not a byte count.
 *
 * kbd_op: keyboard-controller pass-through for the domain that owns the
 * console (op 0 writes the output buffer port, 1 the command port, 2 reads
 * status and data).
 */
import { Errno } from "../abi";
import type { HypercallHandler } from "./types";

const MAX_CONSOLE_WRITE = 256;

export const consoleWrite: HypercallHandler = (hv, domain, buffer, count) => {
  const length = Math.min(count >>> 0, MAX_CONSOLE_WRITE);
  if (length === 0) return 0;
  const bytes = hv.guestMemory.readBytes(buffer, length);
  if (bytes === null) return -Errno.EFAULT;
  let end = bytes.indexOf(0);
  if (end < 0) end = length;
  let text = "";
  for (let i = 0; i < end; i++) text += String.fromCharCode(bytes[i]);
  hv.consoleOutput(domain, text);
  return 0;
};

const KEYBOARD_DATA = 0x60;
const KEYBOARD_COMMAND = 0x64;

export const kbdOp: HypercallHandler = (hv, domain, op, value) => {
  if (!domain.ownsConsole) return -Errno.EPERM;
  const bus = hv.machine.bus;
  switch (op & 0xff) {
    case 0:
      bus.out8(KEYBOARD_DATA, value & 0xff);
      return 0;
    case 1:
      bus.out8(KEYBOARD_COMMAND, value & 0xff);
      return 0;
    case 2: {
      const status = bus.in8(KEYBOARD_COMMAND);
      const data = (status & 1) !== 0 ? bus.in8(KEYBOARD_DATA) : 0;
      return (status << 8) | data;
    }
    default:
      return -Errno.EINVAL;
  }
};
