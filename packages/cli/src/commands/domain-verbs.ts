/**
 * The verbs that talk to a running `xeno86 up` over its socket: create,
 * list, console, pause, unpause, destroy, sched-bvt and top. Each takes
 * `--socket PATH`; with nothing listening they say so and exit 1.
 */
import type { DomainInfo } from "@xeno86/hypervisor";
import { ControlClient } from "../control/client";
import { formatList, formatScheduling, formatTop } from "../control/format";
import { type ConsoleResult, type DomainSpec, type ListResult, type SchedulingResult, type StreamEvent, type TopResult } from "../control/protocol";
import { defaultSocketPath } from "../control/socket-path";
import { sleep } from "../control/pacing";
import { loadDomainConfig, type LoadedDomainConfig } from "../domain-config/load";
import { parseFlags, type FlagSpec, type ParsedFlags } from "../flags";
import { UsageError } from "../usage-error";
import { intFlag, interruption, numberFlag, type CommandIo } from "./io";

const SOCKET_HELP = "  --socket PATH   the hypervisor's socket (default: the one `xeno86 up` uses)";

export const CREATE_USAGE = `usage: xeno86 create [--socket PATH] CONFIG...

Creates and starts a domain on the running hypervisor (\`xeno86 up\`) for
each config file. A config file holds one setting per line:
  name = "web"                 # default: the file's name without extension
  kernel = "images/demo.elf"   # required; relative to the config file
  ramdisk = "initrd.img"       # optional, placed after the kernel
  memory = 4                   # MiB (default 4)
  cmdline = "peer=2 forever"   # the kernel command line
  mcu_advance = 10             # BVT: the domain's weight is 1/mcu_advance
  warp = 0                     # BVT warp, in virtual-time units
  warpl = 0                    # BVT warp limit, ms (0: none)
  warpu = 0                    # BVT unwarp requirement, ms
Strings take double or single quotes; "#" starts a comment; ";" separates
settings on one line.
${SOCKET_HELP}`;

export const LIST_USAGE = `usage: xeno86 list [--all] [--socket PATH]

Lists the domains of the running hypervisor: Name, ID, Mem(KiB), State
(r running, b blocked, p paused, s ended, c killed), Time(s) of CPU, and
the hypercalls and events each has had.
  --all           include domains that have ended or been killed
${SOCKET_HELP}`;

export const CONSOLE_USAGE = `usage: xeno86 console [--no-history] [--socket PATH] ID

Prints the domain's recent console lines, then its new ones as they come,
until Ctrl-C or the domain ends. ID is a domain's id or name.
  --no-history    only new lines
${SOCKET_HELP}`;

const simpleUsage = (verb: string, what: string) => `usage: xeno86 ${verb} [--socket PATH] ID

${what} ID is a domain's id or name.
${SOCKET_HELP}`;

export const PAUSE_USAGE = simpleUsage("pause", "Stops a domain from being scheduled until `xeno86 unpause`.");
export const UNPAUSE_USAGE = simpleUsage("unpause", "Lets a paused domain run again.");
export const DESTROY_USAGE = simpleUsage("destroy", "Ends a domain at once and frees its memory.");

export const SCHED_BVT_USAGE = `usage: xeno86 sched-bvt [ID] [--mcu-advance N] [--warp N] [--warpl MS] [--warpu MS]
                        [--ctx-allow MS] [--socket PATH]

Sets a domain's Borrowed Virtual Time parameters, or the context-switch
allowance of the whole machine, then prints the parameters. With no option
it only prints them (for ID, or for every domain).
  --mcu-advance N  virtual time charged per 100 µs run: the weight is 1/N (default 10)
  --warp N         virtual-time bonus while warped (latency), in mcu_advance units
  --warpl MS       longest time a domain may stay warped (0: no limit)
  --warpu MS       unwarped time needed before warping again
  --ctx-allow MS   context-switch allowance: how far a domain may run past the next one
${SOCKET_HELP}`;

export const TOP_USAGE = `usage: xeno86 top [--once] [--socket PATH]

A live view of the running hypervisor, refreshed every second: per domain
its share of the CPU over the last second against what its weight
(1/mcu_advance) entitles it to, memory, events/s and hypercalls/s.
Ctrl-C quits.
  --once          print one view and exit
${SOCKET_HELP}`;

const SOCKET_FLAG: FlagSpec = { name: "socket", value: true };
const HELP_FLAG: FlagSpec = { name: "help", value: false };

function parse(argv: string[], flags: readonly FlagSpec[], usage: string): ParsedFlags & { socketPath: string } {
  const parsed = parseFlags(argv, [...flags, SOCKET_FLAG, HELP_FLAG], usage);
  if (parsed.help) throw new UsageError(usage, 0);
  const socket = parsed.socket;
  if (socket === "") throw new UsageError("--socket needs a path");
  return Object.assign(parsed, { socketPath: typeof socket === "string" ? socket : defaultSocketPath() });
}

function oneDomain(flags: ParsedFlags, verb: string, usage: string): string {
  if (flags._.length === 0) throw new UsageError(`${verb} needs a domain id or name\n\n${usage}`);
  if (flags._.length > 1) throw new UsageError(`${verb} takes one domain, not ${flags._.length}\n\n${usage}`);
  return flags._[0];
}

async function withClient<T>(path: string, use: (client: ControlClient) => Promise<T>): Promise<T> {
  const client = await ControlClient.connect(path);
  try {
    return await use(client);
  } finally {
    client.close();
  }
}

export async function createCommand(argv: string[], io: CommandIo): Promise<number> {
  const flags = parse(argv, [], CREATE_USAGE);
  if (flags._.length === 0) throw new UsageError(`no config file given\n\n${CREATE_USAGE}`);
  const loaded: LoadedDomainConfig[] = [];
  for (const file of flags._) loaded.push(await loadDomainConfig(file));
  return withClient(flags.socketPath, async (client) => {
    for (const { config, kernel, ramdisk } of loaded) {
      const domain: DomainSpec = {
        name: config.name,
        memoryKiB: config.memoryMiB * 1024,
        commandLine: config.cmdline,
        kernel: Buffer.from(kernel).toString("base64"),
        ...(ramdisk === undefined ? {} : { ramdisk: Buffer.from(ramdisk).toString("base64") }),
        scheduling: config.scheduling,
      };
      let info: DomainInfo;
      try {
        info = await client.request<DomainInfo>("create", { domain });
      } catch (error) {
        if (error instanceof UsageError) throw new UsageError(`${config.file}: ${error.message}`, error.exitCode);
        throw error;
      }
      io.out.write(`created domain ${info.id} (${info.name}): ${info.maxPages * 4} KiB\n`);
    }
    return 0;
  });
}

export async function listCommand(argv: string[], io: CommandIo): Promise<number> {
  const flags = parse(argv, [{ name: "all", value: false }], LIST_USAGE);
  if (flags._.length > 0) throw new UsageError(`unexpected argument "${flags._[0]}"\n\n${LIST_USAGE}`);
  const result = await withClient(flags.socketPath, (client) => client.request<ListResult>("list", { all: flags.all === true }));
  io.out.write(`${formatList(result.domains)}\n`);
  return 0;
}

export async function consoleCommand(argv: string[], io: CommandIo): Promise<number> {
  const flags = parse(argv, [{ name: "no-history", value: false }], CONSOLE_USAGE);
  const domain = oneDomain(flags, "console", CONSOLE_USAGE);
  const client = await ControlClient.connect(flags.socketPath);
  const stop = interruption(io.signal);
  try {
    let ended: (reason: string) => void = () => {};
    const end = new Promise<string>((resolve) => (ended = resolve));
    const pending: StreamEvent[] = [];
    let ready = false;
    const onEvent = (event: StreamEvent) => {
      if (!ready) {
        pending.push(event);
        return;
      }
      if (event.event === "console") io.out.write(`${event.data.line ?? ""}\n`);
      else ended(event.data.reason ?? "ended");
    };
    const result = await client.request<ConsoleResult>("console", { domain }, onEvent);
    if (flags["no-history"] !== true) for (const line of result.history) io.out.write(`${line}\n`);
    ready = true;
    for (const event of pending.splice(0)) onEvent(event);
    const aborted = new Promise<null>((resolve) => {
      if (stop.signal.aborted) resolve(null);
      stop.signal.addEventListener("abort", () => resolve(null), { once: true });
    });
    const outcome = await Promise.race([end, aborted, client.closed()]);
    if (outcome instanceof Error) throw outcome;
    if (typeof outcome === "string") io.err.write(`xeno86: domain ${result.id} (${result.name}) ${outcome}\n`);
    return 0;
  } finally {
    stop.dispose();
    client.close();
  }
}

function lifecycleCommand(verb: "pause" | "unpause" | "destroy", usage: string, done: string) {
  return async (argv: string[], io: CommandIo): Promise<number> => {
    const flags = parse(argv, [], usage);
    const domain = oneDomain(flags, verb, usage);
    const info = await withClient(flags.socketPath, (client) => client.request<DomainInfo>(verb, { domain }));
    io.out.write(`domain ${info.id} (${info.name}) ${done}\n`);
    return 0;
  };
}

export const pauseCommand = lifecycleCommand("pause", PAUSE_USAGE, "paused");
export const unpauseCommand = lifecycleCommand("unpause", UNPAUSE_USAGE, "unpaused");
export const destroyCommand = lifecycleCommand("destroy", DESTROY_USAGE, "destroyed");

export async function schedBvtCommand(argv: string[], io: CommandIo): Promise<number> {
  const flags = parse(
    argv,
    [
      { name: "mcu-advance", value: true },
      { name: "warp", value: true },
      { name: "warpl", value: true },
      { name: "warpu", value: true },
      { name: "ctx-allow", value: true },
    ],
    SCHED_BVT_USAGE,
  );
  if (flags._.length > 1) throw new UsageError(`sched-bvt takes at most one domain, not ${flags._.length}\n\n${SCHED_BVT_USAGE}`);
  const domain = flags._[0];
  const args: Record<string, unknown> = {};
  const mcuAdvance = intFlag(flags["mcu-advance"], "mcu-advance", 1, 1_000_000);
  const warp = intFlag(flags.warp, "warp", 0, 2 ** 31 - 1);
  const warpLimitMs = numberFlag(flags.warpl, "warpl", 0, 3_600_000);
  const unwarpMs = numberFlag(flags.warpu, "warpu", 0, 3_600_000);
  const contextAllowanceMs = numberFlag(flags["ctx-allow"], "ctx-allow", 0, 10_000, true);
  if (mcuAdvance !== undefined) args.mcuAdvance = mcuAdvance;
  if (warp !== undefined) args.warp = warp;
  if (warpLimitMs !== undefined) args.warpLimitMs = warpLimitMs;
  if (unwarpMs !== undefined) args.unwarpMs = unwarpMs;
  if (Object.keys(args).length > 0 && domain === undefined) {
    throw new UsageError(`--mcu-advance, --warp, --warpl and --warpu need a domain\n\n${SCHED_BVT_USAGE}`);
  }
  if (contextAllowanceMs !== undefined) args.contextAllowanceMs = contextAllowanceMs;
  if (domain !== undefined) args.domain = domain;
  const result = await withClient(flags.socketPath, (client) => client.request<SchedulingResult>("sched-bvt", args));
  io.out.write(`${formatScheduling(result)}\n`);
  return 0;
}

/** Clears a terminal and puts the cursor home. */
const CLEAR_SCREEN = "\x1b[H\x1b[2J";
const TOP_REFRESH_MS = 1000;

export async function topCommand(argv: string[], io: CommandIo): Promise<number> {
  const flags = parse(argv, [{ name: "once", value: false }], TOP_USAGE);
  if (flags._.length > 0) throw new UsageError(`unexpected argument "${flags._[0]}"\n\n${TOP_USAGE}`);
  if (flags.once === true) {
    const top = await withClient(flags.socketPath, (client) => client.request<TopResult>("top"));
    io.out.write(`${formatTop(top)}\n`);
    return 0;
  }
  const client = await ControlClient.connect(flags.socketPath);
  const stop = interruption(io.signal);
  const terminal = io.out.isTTY === true;
  try {
    while (!stop.signal.aborted) {
      const top = await client.request<TopResult>("top");
      io.out.write(terminal ? `${CLEAR_SCREEN}${formatTop(top)}\n` : `${formatTop(top)}\n\n`);
      await sleep(TOP_REFRESH_MS, stop.signal).promise;
    }
    return 0;
  } finally {
    stop.dispose();
    client.close();
  }
}
