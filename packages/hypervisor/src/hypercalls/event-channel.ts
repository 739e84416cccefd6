/** event_channel_op(command, id): EBX = command, ECX = port or domain id, truncated to 16 bits (A.8). */
import { Errno, EventChannelOp } from "../abi";
import type { HypercallHandler } from "./types";

export const eventChannelOp: HypercallHandler = (hv, domain, command, id) => {
  const value = id & 0xffff;
  switch (command) {
    case EventChannelOp.open:
      return hv.channels.open(domain.id, value);
    case EventChannelOp.close:
      return hv.channels.close(domain.id, value);
    case EventChannelOp.send:
      return hv.channels.send(domain.id, value);
    case EventChannelOp.status:
      return hv.channels.status(domain.id, value);
    default:
      return -Errno.ENOSYS;
  }
};
