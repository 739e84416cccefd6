/**
 * Events (virtual interrupts, A.7), the master enable, event channels
 * (A.8) and the timer.
 */

/** Bit numbers of shared_info.events / events_mask (0-8 in the 0-21 interface). */
export const Event = {
  /** Block responses queued. */
  BLKDEV: 0,
  /** Every TIMER_PERIOD_NS of system time, and when a set_dom_timer deadline passes. */
  TIMER: 1,
  DIE: 2,
  DEBUG: 3,
  /** A network response producer passed its *_event index. */
  NET: 4,
  PS2: 5,
  STOP: 6,
  /** See event_channel_pend / event_channel_disc. */
  EVTCHN: 7,
  /** Re-probe your virtual block devices. */
  VBD_UPD: 8,
} as const;
export type EventName = keyof typeof Event;

/** The same events as masks (`EventMask.TIMER === 0x2`). */
export const EventMask = Object.freeze(Object.fromEntries(Object.entries(Event).map(([name, bit]) => [name, 1 << bit]))) as { readonly [K in EventName]: number };

/** events_mask bit 31: the master enable, the guest's EFLAGS.IF. */
export const EVENTS_MASTER_ENABLE_BIT = 31;
export const EVENTS_MASTER_ENABLE_MASK = 0x80000000;

/** The periodic EVENT_TIMER interval: 10 ms of system time, in ns. */
export const TIMER_PERIOD_NS = 10_000_000;

/** event_channel_op commands (EBX); ECX is the target domain (open) or the local port, truncated to 16 bits. */
export const EventChannelOp = { open: 0, close: 1, send: 2, status: 3 } as const;
/** What EVTCHNOP_status returns. */
export const EventChannelStatus = { closed: 0, disconnected: 1, connected: 2 } as const;
/** Ports per domain (event_channel_pend: 32 words of 32 bits). */
export const MAX_EVENT_CHANNELS = 1024;
