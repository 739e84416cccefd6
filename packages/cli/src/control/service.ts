/**
 * What `xeno86 up` serves: one hypervisor, driven in slices tied to host
 * time, and the control requests (create, list, console, pause, unpause,
 * destroy, sched-bvt, top) answered between slices. Transport-free: the
 * socket adapter (`server.ts`) hands it decoded requests and a session to
 * stream events on, so tests can drive it directly.
 */
import { BuildError, ControlError, DomainControl, Hypervisor, type DomainInfo } from "@xeno86/hypervisor";
import { ImageFormatError } from "@xeno86/pc";
import { MAX_COMMAND_LINE, MAX_MCU_ADVANCE, MAX_MEMORY_MIB, MAX_NAME_LENGTH, MAX_WARP, MAX_WARP_MS } from "../domain-config/parse";
import { Pacer, nextTurn, sleep } from "./pacing";
import {
  PROTOCOL_VERSION,
  type ConsoleResult,
  type DomainSpec,
  type HelloResult,
  type ListResult,
  type Request,
  type Response,
  type SchedulingResult,
  type TopDomain,
  type TopResult,
} from "./protocol";

/** Where a request came from: how to stream events back, and what to undo when it goes away. */
export interface Session {
  send(message: object): void;
  onClose(cleanup: () => void): void;
}

export interface ServiceOptions {
  memoryMiB: number;
  /** Compile hot guest code (default true). */
  jit?: boolean;
  /** The host clock (ms); guest time follows it. */
  hostNowMs: () => number;
  /** Notices: domains created, ended, killed. */
  log: (message: string) => void;
  /** Every console line of every domain, if wanted (`xeno86 up --console`). */
  onConsole?: (id: number, name: string, line: string) => void;
}

/** How many dead domains are remembered (for `list --all` and `console` of a dead domain). */
const DEAD_DOMAINS_KEPT = 32;
const SAMPLE_EVERY_NS = 250_000_000;
const SAMPLES_KEPT = 16;
const TOP_INTERVAL_NS = 1_000_000_000;
/** How long the loop sleeps when no domain can run (a create or unpause wakes it sooner). */
const IDLE_WAIT_MS = 50;

interface Sample {
  timeNs: number;
  perDomain: Map<number, { cpu: number; events: number; hypercalls: number }>;
}

/** A refused request: its message goes back to the client. */
class RequestError extends Error {}

export class HypervisorService {
  readonly hypervisor: Hypervisor;
  readonly control: DomainControl;
  private readonly pacer: Pacer;
  private readonly consoleListeners = new Map<number, Set<{ send: (line: string) => void; end: (reason: string) => void }>>();
  private readonly samples: Sample[] = [];
  private wakeLoop: () => void = () => {};

  constructor(private readonly options: ServiceOptions) {
    this.hypervisor = new Hypervisor({
      memoryMiB: options.memoryMiB,
      jit: options.jit,
      hostNowMs: options.hostNowMs,
      log: options.log,
      onConsole: (domain, line) => {
        options.onConsole?.(domain.id, domain.name, line);
        const listeners = this.consoleListeners.get(domain.id);
        if (listeners !== undefined) for (const listener of listeners) listener.send(line);
      },
    });
    this.control = new DomainControl(this.hypervisor);
    this.pacer = new Pacer(this.hypervisor, options.hostNowMs);
    this.sample();
  }

  /** Runs the hypervisor until `signal` aborts, yielding to the event loop between slices. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const ahead = this.pacer.aheadMs();
      if (ahead > 0) {
        await this.pause(Math.min(ahead, IDLE_WAIT_MS), signal);
        continue;
      }
      const stop = this.hypervisor.run(this.pacer.sliceNs);
      this.afterSlice();
      if (stop.reason === "no-domains" || stop.reason === "idle") await this.pause(IDLE_WAIT_MS, signal);
      else await nextTurn();
    }
  }

  private async pause(ms: number, signal: AbortSignal): Promise<void> {
    const { promise, wake } = sleep(ms, signal);
    this.wakeLoop = wake;
    await promise;
    this.wakeLoop = () => {};
  }

  /** Bookkeeping between slices: statistics samples, ended console streams, forgetting old dead domains. */
  afterSlice(): void {
    const now = this.hypervisor.now();
    const last = this.samples[this.samples.length - 1];
    if (last === undefined || now - last.timeNs >= SAMPLE_EVERY_NS) this.sample();
    for (const [id, listeners] of this.consoleListeners) {
      const domain = this.hypervisor.domain(id);
      if (domain !== undefined && domain.alive) continue;
      const reason = domain === undefined ? "the domain is gone" : describeDeath(domain.deathReason, domain.killed);
      for (const listener of [...listeners]) listener.end(reason);
      this.consoleListeners.delete(id);
    }
    const dead = [...this.hypervisor.domains.values()].filter((domain) => !domain.alive && !this.consoleListeners.has(domain.id));
    for (const domain of dead.slice(0, Math.max(0, dead.length - DEAD_DOMAINS_KEPT))) this.hypervisor.domains.delete(domain.id);
  }

  private sample(): void {
    const perDomain = new Map<number, { cpu: number; events: number; hypercalls: number }>();
    for (const info of this.control.list()) perDomain.set(info.id, { cpu: info.cpuTimeNs, events: info.events, hypercalls: info.hypercalls });
    this.samples.push({ timeNs: this.hypervisor.now(), perDomain });
    if (this.samples.length > SAMPLES_KEPT) this.samples.shift();
  }

  /** Answers one request; `console` also streams on the session. */
  handle(request: Request, session: Session): Response {
    try {
      return { version: PROTOCOL_VERSION, id: request.id, ok: true, result: this.dispatch(request, session) };
    } catch (error) {
      if (error instanceof RequestError || error instanceof ControlError || error instanceof BuildError || error instanceof ImageFormatError) {
        return { version: PROTOCOL_VERSION, id: request.id, ok: false, error: error.message };
      }
      if (error instanceof RangeError) return { version: PROTOCOL_VERSION, id: request.id, ok: false, error: error.message };
      this.options.log(`internal error answering ${request.verb}: ${(error as Error).stack ?? String(error)}`);
      return { version: PROTOCOL_VERSION, id: request.id, ok: false, error: `internal error: ${(error as Error).message}` };
    }
  }

  private dispatch(request: Request, session: Session): unknown {
    const args = request.args;
    switch (request.verb) {
      case "hello":
        return { server: "xeno86", pid: process.pid, memoryMiB: this.options.memoryMiB, timeNs: this.hypervisor.now() } satisfies HelloResult;
      case "create":
        return this.create(args.domain);
      case "list": {
        const all = optionalBoolean(args, "all");
        const domains = this.control.list().filter((info) => all || info.state !== "dead");
        return { timeNs: this.hypervisor.now(), domains } satisfies ListResult;
      }
      case "console":
        return this.console(request.id, this.resolve(args.domain), session);
      case "pause": {
        const id = this.resolveLive(args.domain);
        this.control.pause(id);
        return this.control.info(id);
      }
      case "unpause": {
        const id = this.resolveLive(args.domain);
        this.control.unpause(id);
        this.wakeLoop();
        return this.control.info(id);
      }
      case "destroy": {
        const id = this.resolveLive(args.domain);
        this.control.destroy(id);
        this.afterSlice();
        return this.control.info(id);
      }
      case "sched-bvt":
        return this.schedBvt(args);
      case "top":
        return this.top();
    }
  }

  private create(value: unknown): DomainInfo {
    const spec = checkSpec(value);
    const clash = [...this.hypervisor.domains.values()].find((domain) => domain.alive && domain.name === spec.name);
    if (clash !== undefined) throw new RequestError(`a domain named "${spec.name}" already exists (id ${clash.id})`);
    const scheduling: { mcuAdvance?: number; warp?: number; warpLimit?: number; unwarpRequirement?: number } = {};
    if (spec.scheduling.mcuAdvance !== undefined) scheduling.mcuAdvance = spec.scheduling.mcuAdvance;
    if (spec.scheduling.warp !== undefined) scheduling.warp = spec.scheduling.warp;
    if (spec.scheduling.warpLimitMs !== undefined) scheduling.warpLimit = spec.scheduling.warpLimitMs * 1e6;
    if (spec.scheduling.unwarpMs !== undefined) scheduling.unwarpRequirement = spec.scheduling.unwarpMs * 1e6;
    let info: DomainInfo;
    try {
      info = this.control.create({
        name: spec.name,
        memoryKiB: spec.memoryKiB,
        kernel: decodeBase64(spec.kernel, "kernel"),
        commandLine: spec.commandLine,
        module: spec.ramdisk === undefined ? undefined : decodeBase64(spec.ramdisk, "ramdisk"),
        scheduling,
      });
    } catch (error) {
      if (error instanceof RequestError) throw error;
      throw new RequestError(`cannot create ${spec.name}: ${(error as Error).message}`);
    }
    this.options.log(`domain ${info.id} (${info.name}) created: ${info.maxPages * 4} KiB${info.commandLine ? `, "${info.commandLine}"` : ""}`);
    this.wakeLoop();
    return info;
  }

  private console(requestId: number, id: number, session: Session): ConsoleResult {
    const domain = this.hypervisor.domain(id)!;
    const result: ConsoleResult = { id, name: domain.name, history: [...domain.consoleHistory] };
    const send = (event: "console" | "end", data: object) => session.send({ version: PROTOCOL_VERSION, id: requestId, event, data });
    if (!domain.alive) {
      // The response goes out first; the end follows it.
      queueMicrotask(() => send("end", { reason: describeDeath(domain.deathReason, domain.killed) }));
      return result;
    }
    let listeners = this.consoleListeners.get(id);
    if (listeners === undefined) this.consoleListeners.set(id, (listeners = new Set()));
    const listener = {
      send: (line: string) => send("console", { line }),
      end: (reason: string) => {
        listeners.delete(listener);
        send("end", { reason });
      },
    };
    listeners.add(listener);
    session.onClose(() => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.consoleListeners.get(id) === listeners) this.consoleListeners.delete(id);
    });
    return result;
  }

  private schedBvt(args: Record<string, unknown>): SchedulingResult {
    const target = args.domain === undefined ? undefined : this.resolveLive(args.domain);
    const mcuAdvance = optionalInt(args, "mcuAdvance", 1, MAX_MCU_ADVANCE);
    const warp = optionalInt(args, "warp", 0, MAX_WARP);
    const warpLimitMs = optionalNumber(args, "warpLimitMs", 0, MAX_WARP_MS);
    const unwarpMs = optionalNumber(args, "unwarpMs", 0, MAX_WARP_MS);
    const allowanceMs = optionalNumber(args, "contextAllowanceMs", 0.001, 10_000);
    const parameters: { mcuAdvance?: number; warp?: number; warpLimit?: number; unwarpRequirement?: number } = {};
    if (mcuAdvance !== undefined) parameters.mcuAdvance = mcuAdvance;
    if (warp !== undefined) parameters.warp = warp;
    if (warpLimitMs !== undefined) parameters.warpLimit = Math.round(warpLimitMs * 1e6);
    if (unwarpMs !== undefined) parameters.unwarpRequirement = Math.round(unwarpMs * 1e6);
    if (Object.keys(parameters).length > 0) {
      if (target === undefined) throw new RequestError("BVT parameters need a domain");
      this.control.setScheduling(target, parameters);
    }
    if (allowanceMs !== undefined) this.control.setContextAllowance(Math.round(allowanceMs * 1e6));
    const domains = this.control
      .list()
      .filter((info) => info.state !== "dead" && (target === undefined || info.id === target))
      .map((info) => ({
        id: info.id,
        name: info.name,
        mcuAdvance: info.scheduling.mcuAdvance,
        warp: info.scheduling.warp,
        warpLimitNs: info.scheduling.warpLimit,
        unwarpNs: info.scheduling.unwarpRequirement,
      }));
    return { contextAllowanceNs: this.hypervisor.scheduler.contextAllowance, domains };
  }

  /** Shares and rates over the last second or so of guest time (since the start, early on). */
  top(): TopResult {
    const now = this.hypervisor.now();
    let base = this.samples[0];
    for (const sample of this.samples) if (now - sample.timeNs >= TOP_INTERVAL_NS) base = sample;
    const intervalNs = base === undefined ? 0 : now - base.timeNs;
    const live = this.control.list().filter((info) => info.state !== "dead");
    const entitled = live.filter((info) => info.state === "running" || info.state === "blocked");
    const totalWeight = entitled.reduce((sum, info) => sum + 1 / info.scheduling.mcuAdvance, 0);
    let used = 0;
    const domains = live.map((info): TopDomain => {
      const before = base?.perDomain.get(info.id) ?? { cpu: 0, events: 0, hypercalls: 0 };
      const seconds = intervalNs / 1e9;
      const cpuShare = intervalNs > 0 ? Math.min(1, (info.cpuTimeNs - before.cpu) / intervalNs) : 0;
      used += cpuShare;
      return {
        id: info.id,
        name: info.name,
        state: info.state,
        mcuAdvance: info.scheduling.mcuAdvance,
        cpuShare,
        fairShare: entitled.includes(info) && totalWeight > 0 ? 1 / info.scheduling.mcuAdvance / totalWeight : 0,
        memoryKiB: info.pages * 4,
        eventsPerSecond: seconds > 0 ? (info.events - before.events) / seconds : 0,
        hypercallsPerSecond: seconds > 0 ? (info.hypercalls - before.hypercalls) / seconds : 0,
        cpuTimeNs: info.cpuTimeNs,
      };
    });
    return {
      timeNs: now,
      intervalNs,
      idleShare: intervalNs > 0 ? Math.max(0, 1 - used) : 0,
      contextAllowanceNs: this.hypervisor.scheduler.contextAllowance,
      domains,
    };
  }

  /** A domain id from a request: a number, digits, or the name of a domain (a live one first). */
  private resolve(value: unknown): number {
    if (typeof value === "number" && Number.isSafeInteger(value)) {
      if (this.hypervisor.domain(value) === undefined) throw new RequestError(`no domain ${value}`);
      return value;
    }
    if (typeof value !== "string" || value === "") throw new RequestError("which domain? (give its id or name)");
    if (/^[0-9]+$/.test(value)) return this.resolve(Number(value));
    const domains = [...this.hypervisor.domains.values()].filter((domain) => domain.name === value);
    const domain = domains.find((candidate) => candidate.alive) ?? domains[domains.length - 1];
    if (domain === undefined) throw new RequestError(`no domain named "${value.slice(0, 80)}"`);
    return domain.id;
  }

  private resolveLive(value: unknown): number {
    const id = this.resolve(value);
    const domain = this.hypervisor.domain(id)!;
    if (!domain.alive) throw new RequestError(`domain ${id} (${domain.name}) is dead: ${describeDeath(domain.deathReason, domain.killed)}`);
    return id;
  }
}

export function describeDeath(reason: string, killed: boolean): string {
  return `${killed ? "killed" : "ended"}${reason ? `: ${reason}` : ""}`;
}

function optionalBoolean(args: Record<string, unknown>, key: string): boolean {
  const value = args[key];
  if (value === undefined) return false;
  if (typeof value !== "boolean") throw new RequestError(`${key} must be true or false`);
  return value;
}

function optionalNumber(args: Record<string, unknown>, key: string, min: number, max: number): number | undefined {
  const value = args[key];
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    throw new RequestError(`${key} must be a number from ${min} to ${max}, not ${JSON.stringify(value)}`);
  }
  return value;
}

function optionalInt(args: Record<string, unknown>, key: string, min: number, max: number): number | undefined {
  const value = optionalNumber(args, key, min, max);
  if (value !== undefined && !Number.isInteger(value)) throw new RequestError(`${key} must be a whole number, not ${value}`);
  return value;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

function decodeBase64(text: string, what: string): Uint8Array {
  if (text.length % 4 !== 0 || !BASE64.test(text)) throw new RequestError(`the ${what} is not base64`);
  return new Uint8Array(Buffer.from(text, "base64"));
}

/** Checks a `create` request's domain as carefully as the config parser checked the file: the client may be anyone. */
function checkSpec(value: unknown): DomainSpec {
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new RequestError("create needs a domain object");
  const spec = value as Record<string, unknown>;
  const name = spec.name;
  if (typeof name !== "string" || name.length > MAX_NAME_LENGTH || !/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(name)) {
    throw new RequestError(`the domain's name must be 1 to ${MAX_NAME_LENGTH} letters, digits, "_", "." or "-"`);
  }
  const memoryKiB = optionalInt(spec, "memoryKiB", 64, MAX_MEMORY_MIB * 1024);
  if (memoryKiB === undefined) throw new RequestError("memoryKiB is missing");
  const commandLine = spec.commandLine ?? "";
  if (typeof commandLine !== "string" || commandLine.length > MAX_COMMAND_LINE || /[^\x20-\x7e]/.test(commandLine)) {
    throw new RequestError(`the command line must be printable ASCII of at most ${MAX_COMMAND_LINE} characters`);
  }
  if (typeof spec.kernel !== "string" || spec.kernel === "") throw new RequestError("the kernel is missing");
  if (spec.ramdisk !== undefined && typeof spec.ramdisk !== "string") throw new RequestError("the ramdisk must be base64");
  const scheduling = spec.scheduling ?? {};
  if (typeof scheduling !== "object" || scheduling === null || Array.isArray(scheduling)) throw new RequestError("scheduling must be an object");
  const s = scheduling as Record<string, unknown>;
  const checked: DomainSpec["scheduling"] = {};
  const mcuAdvance = optionalInt(s, "mcuAdvance", 1, MAX_MCU_ADVANCE);
  const warp = optionalInt(s, "warp", 0, MAX_WARP);
  const warpLimitMs = optionalInt(s, "warpLimitMs", 0, MAX_WARP_MS);
  const unwarpMs = optionalInt(s, "unwarpMs", 0, MAX_WARP_MS);
  if (mcuAdvance !== undefined) checked.mcuAdvance = mcuAdvance;
  if (warp !== undefined) checked.warp = warp;
  if (warpLimitMs !== undefined) checked.warpLimitMs = warpLimitMs;
  if (unwarpMs !== undefined) checked.unwarpMs = unwarpMs;
  return {
    name,
    memoryKiB,
    commandLine,
    kernel: spec.kernel,
    ...(typeof spec.ramdisk === "string" ? { ramdisk: spec.ramdisk } : {}),
    scheduling: checked,
  };
}
