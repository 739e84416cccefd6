/** Test support: runs the repository's guest images (guests/pv/images) on a fresh hypervisor. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { DomainControl, type DomainInfo } from "../src/control/domain-control";
import { Hypervisor, type HypervisorStop } from "../src/hypervisor";

export const IMAGES = fileURLToPath(new URL("../../../guests/pv/images/", import.meta.url));

export function image(name: string): Uint8Array {
  return new Uint8Array(readFileSync(`${IMAGES}${name}.elf`));
}

export interface GuestSpec {
  image: string;
  name?: string;
  commandLine?: string;
  memoryKiB?: number;
  privileged?: boolean;
  /** Another image, given to the kernel as its module (dom0 builds a child from it). */
  module?: string;
}

export interface GuestRun {
  hv: Hypervisor;
  control: DomainControl;
  stop: HypervisorStop;
  /** Console lines per domain id. */
  consoles: Map<number, string[]>;
  domains: DomainInfo[];
  log: string[];
  /** Free machine frames before the first domain was created. */
  freeFramesBefore: number;
}

/** Creates the domains in order (ids 1, 2, ...) and runs until they are all gone or `timeoutNs` pass. */
export function runGuests(specs: GuestSpec[], timeoutNs = 2e9, memoryMiB = 64): GuestRun {
  const consoles = new Map<number, string[]>();
  const log: string[] = [];
  const hv = new Hypervisor({
    memoryMiB,
    // XENO86_JIT=0 runs the interpreter only (for bisecting a CPU problem).
    jit: process.env.XENO86_JIT !== "0",
    onConsole: (domain, line) => {
      if (!consoles.has(domain.id)) consoles.set(domain.id, []);
      consoles.get(domain.id)!.push(line);
    },
    log: (message) => log.push(message),
  });
  const control = new DomainControl(hv);
  const freeFramesBefore = hv.allocator.freeCount;
  for (const spec of specs) {
    control.create({
      name: spec.name ?? spec.image,
      memoryKiB: spec.memoryKiB ?? 1024,
      kernel: image(spec.image),
      commandLine: spec.commandLine,
      privileged: spec.privileged,
      module: spec.module === undefined ? undefined : image(spec.module),
    });
  }
  const stop = hv.run(timeoutNs);
  return { hv, control, stop, consoles, domains: control.list(), log, freeFramesBefore };
}

/** The XTF-style result line of a domain's console. */
export function resultOf(run: GuestRun, id: number): string {
  const lines = run.consoles.get(id) ?? [];
  const results = lines.filter((line) => line.startsWith("Test result:"));
  if (results.length !== 1) return `no single result line; console: ${JSON.stringify(lines.slice(-8))}; log: ${JSON.stringify(run.log)}`;
  return results[0];
}
