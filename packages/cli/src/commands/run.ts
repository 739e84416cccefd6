/**
 * `xeno86 run`: the hypervisor in the foreground, no socket. With no config
 * it starts a few domains of the demo kernel (pairs of them exchange events
 * over an event channel, `peer=N`); with CONFIG files it starts those
 * domains. Console lines go to stdout as `[name:id] text`, notices (a
 * domain ended or was killed, and why) to stderr; at the end a table of
 * what each domain got.
 */
import { readFile } from "node:fs/promises";
import { BuildError, ControlError, DomainControl, Hypervisor, type DomainConfig } from "@xeno86/hypervisor";
import { ImageFormatError } from "@xeno86/pc";
import { Pacer, nextTurn, sleep } from "../control/pacing";
import { formatSummary } from "../control/format";
import { loadDomainConfig } from "../domain-config/load";
import { DEMO_IMAGE_MISSING, findDemoImage } from "../demo-image";
import { parseFlags, type FlagSpec } from "../flags";
import { UsageError } from "../usage-error";
import { intFlag, interruption, numberFlag, type CommandIo } from "./io";

export const RUN_USAGE = `usage: xeno86 run [--domains N] [--memory MIB] [--timeout SECONDS] [--deterministic]
                  [--no-jit] [CONFIG...]

Runs the hypervisor with a few demo domains, or with the domains of the
CONFIG files (see \`xeno86 create --help\`). Each console line is printed as
[name:id] text; notices go to stderr. Stops when every domain has ended, at
the timeout, or on Ctrl-C, and prints what each domain got.
  --domains N        demo domains to start (default ${3}); pairs of them exchange events
  --memory MIB       machine memory in MiB (default 128)
  --timeout SECONDS  stop after this much guest time
  --deterministic    guest time follows executed instructions only
                     (the default unless stdout is a terminal)
  --no-jit           interpret only (no compiled code)
Exit status: 0 every domain ended, 1 a domain was killed, 124 timeout,
130 interrupted, 2 bad usage, config or image.`;

const FLAGS: readonly FlagSpec[] = [
  { name: "domains", value: true },
  { name: "memory", value: true },
  { name: "timeout", value: true },
  { name: "deterministic", value: false },
  { name: "no-jit", value: false },
  { name: "help", value: false },
];

export const DEFAULT_DEMO_DOMAINS = 3;
export const DEMO_DOMAIN_MEMORY_MIB = 4;
const MAX_DEMO_DOMAINS = 64;

type Outcome = "ended" | "idle" | "timeout" | "interrupted";

/** The demo domains' configs: demo-1 and demo-2 are peers, demo-3 and demo-4, ...; an odd one out runs alone. */
export function demoDomains(count: number, kernel: Uint8Array, firstId = 1): DomainConfig[] {
  return Array.from({ length: count }, (_, index) => {
    const id = firstId + index;
    const hasPeer = index % 2 === 1 || index + 1 < count;
    const peer = index % 2 === 0 ? id + 1 : id - 1;
    return {
      name: `demo-${index + 1}`,
      memoryKiB: DEMO_DOMAIN_MEMORY_MIB * 1024,
      kernel,
      commandLine: hasPeer ? `peer=${peer}` : "",
    };
  });
}

async function configsFromFiles(files: readonly string[]): Promise<{ file: string; config: DomainConfig }[]> {
  const result: { file: string; config: DomainConfig }[] = [];
  const names = new Map<string, string>();
  for (const file of files) {
    const { config, kernel, ramdisk } = await loadDomainConfig(file);
    const other = names.get(config.name);
    if (other !== undefined) throw new UsageError(`${file}: the name "${config.name}" is also used by ${other}`);
    names.set(config.name, file);
    const scheduling: DomainConfig["scheduling"] = {};
    if (config.scheduling.mcuAdvance !== undefined) scheduling.mcuAdvance = config.scheduling.mcuAdvance;
    if (config.scheduling.warp !== undefined) scheduling.warp = config.scheduling.warp;
    if (config.scheduling.warpLimitMs !== undefined) scheduling.warpLimit = config.scheduling.warpLimitMs * 1e6;
    if (config.scheduling.unwarpMs !== undefined) scheduling.unwarpRequirement = config.scheduling.unwarpMs * 1e6;
    result.push({
      file,
      config: { name: config.name, memoryKiB: config.memoryMiB * 1024, kernel, commandLine: config.cmdline, module: ramdisk, scheduling },
    });
  }
  return result;
}

export async function runCommand(argv: string[], io: CommandIo): Promise<number> {
  const flags = parseFlags(argv, FLAGS, RUN_USAGE);
  if (flags.help) throw new UsageError(RUN_USAGE, 0);
  const files = flags._;
  if (files.length > 0 && flags.domains !== undefined) throw new UsageError("give --domains or CONFIG files, not both");
  const count = intFlag(flags.domains, "domains", 1, MAX_DEMO_DOMAINS, DEFAULT_DEMO_DOMAINS);
  const memoryMiB = intFlag(flags.memory, "memory", 16, 2047, 128);
  const timeoutSeconds = numberFlag(flags.timeout, "timeout", 0, 1e9, true) ?? Number.POSITIVE_INFINITY;
  const { out, err } = io;
  const realTime = flags.deterministic !== true && out.isTTY === true;

  let domains: { file: string; config: DomainConfig }[];
  if (files.length > 0) domains = await configsFromFiles(files);
  else {
    const path = findDemoImage();
    if (path === null) throw new UsageError(DEMO_IMAGE_MISSING, 1);
    const kernel = new Uint8Array(await readFile(path));
    domains = demoDomains(count, kernel).map((config) => ({ file: "the demo kernel", config }));
  }

  const hostNowMs = realTime ? () => performance.now() : undefined;
  // A domain whose build fails is reported once, by the error below, not also as a domain that ended.
  let creating = false;
  const hypervisor = new Hypervisor({
    memoryMiB,
    hostNowMs,
    jit: flags["no-jit"] !== true,
    onConsole: (domain, line) => out.write(`[${domain.name}:${domain.id}] ${line}\n`),
    log: (message) => {
      if (!creating) err.write(`xeno86: ${message}\n`);
    },
  });
  const control = new DomainControl(hypervisor);
  for (const [index, { file, config }] of domains.entries()) {
    creating = true;
    try {
      const { id } = control.create(config);
      // The demo's peer= arguments name the ids a fresh hypervisor gives out: 1, 2, 3, ...
      if (files.length === 0 && id !== index + 1) throw new Error(`demo domain ${config.name} got id ${id}, not ${index + 1}`);
    } catch (error) {
      if (error instanceof BuildError || error instanceof ImageFormatError || error instanceof ControlError || error instanceof RangeError) {
        throw new UsageError(`${file}: cannot create ${config.name}: ${error.message}`);
      }
      throw error;
    } finally {
      creating = false;
    }
  }

  const stop = interruption(io.signal);
  const pacer = new Pacer(hypervisor, hostNowMs);
  const startNs = hypervisor.now();
  const endNs = startNs + timeoutSeconds * 1e9;
  let outcome: Outcome;
  try {
    for (;;) {
      if (stop.signal.aborted) {
        outcome = "interrupted";
        break;
      }
      const now = hypervisor.now();
      if (now >= endNs) {
        outcome = "timeout";
        break;
      }
      const ahead = pacer.aheadMs();
      if (ahead > 0) {
        await sleep(Math.min(ahead, 50), stop.signal).promise;
        continue;
      }
      const result = hypervisor.run(Math.min(pacer.sliceNs, endNs - now));
      if (result.reason === "no-domains") {
        outcome = "ended";
        break;
      }
      if (result.reason === "idle") {
        outcome = "idle";
        break;
      }
      await nextTurn();
    }
  } finally {
    stop.dispose();
  }

  const elapsedNs = hypervisor.now() - startNs;
  const after = `after ${(elapsedNs / 1e9).toFixed(2)} s of guest time`;
  const infos = control.list();
  const killed = infos.filter((info) => info.killed).length;
  const message = {
    ended: `every domain has ended ${after}`,
    idle: `no domain can run (every one left is paused) ${after}`,
    timeout: `timeout ${after}`,
    interrupted: `interrupted ${after}`,
  }[outcome];
  err.write(`xeno86: ${message}${killed > 0 ? `; ${killed} killed` : ""}\n`);
  out.write(`\n${formatSummary(infos, elapsedNs)}\n`);
  if (killed > 0) return 1;
  return outcome === "timeout" ? 124 : outcome === "interrupted" ? 130 : 0;
}
