/**
 * Event channels (Xen 1.2 `event_channel_op`): point-to-point links between
 * two domains, at most one per pair, up to 1024 ports per domain. Each
 * operation has the same shape: check the arguments, check the state, act.
 *
 * A port is closed, waiting (opened towards a domain that has not opened its
 * end yet, or that does not exist yet), connected, or disconnected (the
 * remote end closed or died). Status reports waiting as disconnected.
 *
 * Notifications go through `EventChannelSignals`: sending on a connected
 * port sets the remote port's pending bit (and the selector bit and
 * EVENT_EVTCHN); closing sets the remote port's disconnect bit.
 */
import { Errno, EventChannelStatus, MAX_EVENT_CHANNELS } from "../abi";

export const PortState = { Closed: 0, Waiting: 1, Connected: 2, Disconnected: 3 } as const;
type PortStateValue = (typeof PortState)[keyof typeof PortState];

export class EventChannelTable {
  readonly state = new Uint8Array(MAX_EVENT_CHANNELS);
  readonly remoteDomain = new Int32Array(MAX_EVENT_CHANNELS);
  readonly remotePort = new Int32Array(MAX_EVENT_CHANNELS);

  /** The port that links to `domain`, or -1. */
  portTo(domain: number): number {
    for (let port = 0; port < MAX_EVENT_CHANNELS; port++) {
      if (this.state[port] !== PortState.Closed && this.remoteDomain[port] === domain) return port;
    }
    return -1;
  }

  firstFree(): number {
    for (let port = 0; port < MAX_EVENT_CHANNELS; port++) if (this.state[port] === PortState.Closed) return port;
    return -1;
  }

  set(port: number, state: PortStateValue, remoteDomain: number, remotePort: number): void {
    this.state[port] = state;
    this.remoteDomain[port] = remoteDomain;
    this.remotePort[port] = remotePort;
  }

  openPorts(): number {
    let count = 0;
    for (let port = 0; port < MAX_EVENT_CHANNELS; port++) if (this.state[port] !== PortState.Closed) count++;
    return count;
  }
}

/** What the channels need from the rest of the hypervisor. */
export interface EventChannelSignals {
  /** The channel table of a live domain, or null. */
  tableOf(domain: number): EventChannelTable | null;
  /** Sets `port`'s pending bit in `domain`'s shared_info and raises EVENT_EVTCHN. */
  notifyPending(domain: number, port: number): void;
  /** Sets `port`'s disconnect bit in `domain`'s shared_info and raises EVENT_EVTCHN. */
  notifyDisconnected(domain: number, port: number): void;
}

export class EventChannels {
  constructor(private readonly signals: EventChannelSignals) {}

  open(self: number, target: number): number {
    const table = this.signals.tableOf(self);
    if (table === null) return -Errno.ESRCH;
    // Xen 1.2 deadlocked on a channel to itself; refuse it instead.
    if (target === self) return -Errno.EINVAL;
    if (table.portTo(target) >= 0) return -Errno.EEXIST;
    const port = table.firstFree();
    if (port < 0) return -Errno.ENOSPC;
    const remote = this.signals.tableOf(target);
    const remotePort = remote === null ? -1 : remote.portTo(self);
    if (remote !== null && remotePort >= 0 && remote.state[remotePort] === PortState.Waiting) {
      table.set(port, PortState.Connected, target, remotePort);
      remote.set(remotePort, PortState.Connected, self, port);
      this.signals.notifyPending(target, remotePort);
      return 0;
    }
    table.set(port, PortState.Waiting, target, -1);
    return 0;
  }

  close(self: number, port: number): number {
    const table = this.signals.tableOf(self);
    if (table === null) return -Errno.ESRCH;
    if (port < 0 || port >= MAX_EVENT_CHANNELS || table.state[port] === PortState.Closed) return -Errno.EINVAL;
    this.disconnectRemote(table, port);
    table.set(port, PortState.Closed, 0, 0);
    return 0;
  }

  send(self: number, port: number): number {
    const table = this.signals.tableOf(self);
    if (table === null) return -Errno.ESRCH;
    if (port < 0 || port >= MAX_EVENT_CHANNELS || table.state[port] !== PortState.Connected) return -Errno.EINVAL;
    this.signals.notifyPending(table.remoteDomain[port], table.remotePort[port]);
    return 0;
  }

  status(self: number, port: number): number {
    const table = this.signals.tableOf(self);
    if (table === null || port < 0 || port >= MAX_EVENT_CHANNELS) return EventChannelStatus.closed;
    switch (table.state[port]) {
      case PortState.Connected:
        return EventChannelStatus.connected;
      case PortState.Waiting:
      case PortState.Disconnected:
        return EventChannelStatus.disconnected;
      default:
        return EventChannelStatus.closed;
    }
  }

  /** A dying domain's channels: every connected peer sees a disconnect. */
  closeAll(self: number): void {
    const table = this.signals.tableOf(self);
    if (table === null) return;
    for (let port = 0; port < MAX_EVENT_CHANNELS; port++) {
      if (table.state[port] === PortState.Closed) continue;
      this.disconnectRemote(table, port);
      table.set(port, PortState.Closed, 0, 0);
    }
  }

  private disconnectRemote(table: EventChannelTable, port: number): void {
    if (table.state[port] !== PortState.Connected) return;
    const remoteDomain = table.remoteDomain[port];
    const remotePort = table.remotePort[port];
    const remote = this.signals.tableOf(remoteDomain);
    if (remote !== null && remote.state[remotePort] === PortState.Connected) {
      remote.state[remotePort] = PortState.Disconnected;
      this.signals.notifyDisconnected(remoteDomain, remotePort);
    }
  }
}
