import { describe, expect, it } from "vitest";
import { Errno, EventChannelStatus } from "../abi";
import { EventChannelTable, EventChannels } from "./event-channels";

function setup(domains: number[]) {
  const tables = new Map(domains.map((id) => [id, new EventChannelTable()]));
  const pending: Array<[number, number]> = [];
  const disconnected: Array<[number, number]> = [];
  const channels = new EventChannels({
    tableOf: (id) => tables.get(id) ?? null,
    notifyPending: (id, port) => pending.push([id, port]),
    notifyDisconnected: (id, port) => disconnected.push([id, port]),
  });
  return { tables, channels, pending, disconnected };
}

describe("event channels", () => {
  it("connect when both ends open, then carry notifications to the remote port", () => {
    const { channels, pending } = setup([1, 2]);
    expect(channels.open(1, 2)).toBe(0);
    expect(channels.status(1, 0)).toBe(EventChannelStatus.disconnected);
    expect(channels.send(1, 0)).toBe(-Errno.EINVAL);
    expect(channels.open(2, 1)).toBe(0);
    expect(pending).toEqual([[1, 0]]);
    expect(channels.status(1, 0)).toBe(EventChannelStatus.connected);
    expect(channels.status(2, 0)).toBe(EventChannelStatus.connected);
    expect(channels.send(2, 0)).toBe(0);
    expect(channels.send(1, 0)).toBe(0);
    expect(pending).toEqual([[1, 0], [1, 0], [2, 0]]);
  });

  it("refuse a second channel to the same domain, a channel to itself, and bad ports", () => {
    const { channels } = setup([1, 2]);
    expect(channels.open(1, 2)).toBe(0);
    expect(channels.open(1, 2)).toBe(-Errno.EEXIST);
    expect(channels.open(1, 1)).toBe(-Errno.EINVAL);
    expect(channels.close(1, 7)).toBe(-Errno.EINVAL);
    expect(channels.send(1, 5000)).toBe(-Errno.EINVAL);
    expect(channels.status(1, 5000)).toBe(EventChannelStatus.closed);
  });

  it("wait for a domain that does not exist yet", () => {
    const { channels, tables } = setup([1]);
    expect(channels.open(1, 999)).toBe(0);
    expect(channels.status(1, 0)).toBe(EventChannelStatus.disconnected);
    tables.set(999, new EventChannelTable());
    expect(channels.open(999, 1)).toBe(0);
    expect(channels.status(1, 0)).toBe(EventChannelStatus.connected);
  });

  it("tell the remote end when a port closes or its domain dies", () => {
    const { channels, disconnected } = setup([1, 2, 3]);
    channels.open(1, 2);
    channels.open(2, 1);
    channels.open(1, 3);
    channels.open(3, 1);
    expect(channels.close(2, 0)).toBe(0);
    expect(disconnected).toEqual([[1, 0]]);
    expect(channels.status(1, 0)).toBe(EventChannelStatus.disconnected);
    channels.closeAll(1);
    expect(disconnected).toEqual([[1, 0], [3, 0]]);
    expect(channels.status(3, 0)).toBe(EventChannelStatus.disconnected);
  });

  it("run out of ports at 1024", () => {
    const { channels, tables } = setup([1]);
    for (let id = 2; id < 1026; id++) {
      tables.set(id, new EventChannelTable());
      expect(channels.open(1, id)).toBe(0);
    }
    tables.set(2000, new EventChannelTable());
    expect(channels.open(1, 2000)).toBe(-Errno.ENOSPC);
  });
});
