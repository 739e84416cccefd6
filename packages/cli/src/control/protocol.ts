/**
 * The control protocol between `xeno86 up` and the client verbs: JSON
 * objects, one per line, over a local socket.
 *
 *   request   {"version":1,"id":7,"verb":"pause","args":{"domain":"2"}}
 *   response  {"version":1,"id":7,"ok":true,"result":{...}}
 *             {"version":1,"id":7,"ok":false,"error":"no domain 9"}
 *   event     {"version":1,"id":7,"event":"console","data":{"line":"..."}}
 *             {"version":1,"id":7,"event":"end","data":{"reason":"..."}}
 *
 * Every request gets exactly one response with its id (null when the
 * request was unreadable); a `console` request is then followed by events
 * with the same id until the domain dies or the client hangs up. A server
 * answers a request of another version with an error and keeps serving.
 */
import type { DomainInfo } from "@xeno86/hypervisor";

export const PROTOCOL_VERSION = 1;

/** Longest request line accepted (a create request carries the kernel, base64). */
export const MAX_REQUEST_BYTES = 96 << 20;

export const VERBS = ["hello", "create", "list", "console", "pause", "unpause", "destroy", "sched-bvt", "top"] as const;
export type Verb = (typeof VERBS)[number];

export interface Request {
  version: number;
  id: number;
  verb: Verb;
  args: Record<string, unknown>;
}

export type Response =
  | { version: number; id: number | null; ok: true; result: unknown }
  | { version: number; id: number | null; ok: false; error: string };

export interface StreamEvent {
  version: number;
  id: number;
  event: "console" | "end";
  data: { line?: string; reason?: string };
}

/** A domain as it travels in a `create` request. Images are base64. */
export interface DomainSpec {
  name: string;
  memoryKiB: number;
  commandLine: string;
  kernel: string;
  ramdisk?: string;
  scheduling: { mcuAdvance?: number; warp?: number; warpLimitMs?: number; unwarpMs?: number };
}

export interface HelloResult {
  server: "xeno86";
  pid: number;
  memoryMiB: number;
  timeNs: number;
}

export interface ListResult {
  timeNs: number;
  domains: DomainInfo[];
}

export interface ConsoleResult {
  id: number;
  name: string;
  history: string[];
}

export interface SchedulingResult {
  contextAllowanceNs: number;
  domains: { id: number; name: string; mcuAdvance: number; warp: number; warpLimitNs: number; unwarpNs: number }[];
}

export interface TopDomain {
  id: number;
  name: string;
  state: string;
  mcuAdvance: number;
  /** Share of the CPU over the interval, 0..1. */
  cpuShare: number;
  /** What its weight entitles it to among the domains that may run, 0..1. */
  fairShare: number;
  memoryKiB: number;
  eventsPerSecond: number;
  hypercallsPerSecond: number;
  cpuTimeNs: number;
}

export interface TopResult {
  timeNs: number;
  /** The interval the shares and rates are over, ns of guest time (0 right after start). */
  intervalNs: number;
  /** CPU time that no domain used over the interval, 0..1. */
  idleShare: number;
  contextAllowanceNs: number;
  domains: TopDomain[];
}

/** The parts of a line that make a request, or an error message saying what is wrong with it. */
export function decodeRequest(line: string): Request | { error: string; id: number | null } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { error: "bad request: not valid JSON", id: null };
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { error: "bad request: not a JSON object", id: null };
  const message = value as Record<string, unknown>;
  const id = typeof message.id === "number" && Number.isSafeInteger(message.id) ? message.id : null;
  if (id === null) return { error: "bad request: no numeric id", id: null };
  if (message.version !== PROTOCOL_VERSION) {
    return { error: `protocol version ${JSON.stringify(message.version ?? null)} is not spoken here (this hypervisor speaks ${PROTOCOL_VERSION})`, id };
  }
  if (typeof message.verb !== "string" || !(VERBS as readonly string[]).includes(message.verb)) {
    return { error: `unknown verb ${JSON.stringify(message.verb ?? null)} (known: ${VERBS.join(", ")})`, id };
  }
  const args = message.args ?? {};
  if (typeof args !== "object" || args === null || Array.isArray(args)) return { error: "bad request: args must be an object", id };
  return { version: PROTOCOL_VERSION, id, verb: message.verb as Verb, args: args as Record<string, unknown> };
}

export function encode(message: object): string {
  return `${JSON.stringify(message)}\n`;
}

/**
 * Splits a byte stream into lines; calls `onLine` for each complete one.
 * Returns false (and stops) once a line grows past `maxBytes`.
 */
export class LineSplitter {
  private pending = "";

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxBytes: number,
  ) {}

  push(chunk: string): boolean {
    let start = 0;
    for (;;) {
      const newline = chunk.indexOf("\n", start);
      if (newline < 0) break;
      const line = this.pending + chunk.slice(start, newline);
      this.pending = "";
      start = newline + 1;
      if (line.length > this.maxBytes) return false;
      if (line.trim() !== "") this.onLine(line.endsWith("\r") ? line.slice(0, -1) : line);
    }
    this.pending += chunk.slice(start);
    return this.pending.length <= this.maxBytes;
  }
}
