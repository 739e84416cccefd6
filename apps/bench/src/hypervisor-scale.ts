/**
 * The hypervisor at scale: many demo domains at once (does every one make
 * progress, and what does a domain cost in memory), and CPU-bound domains
 * with different BVT weights (does each get its share).
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { DomainControl, Hypervisor } from "@xeno86/hypervisor";

const DEMO = fileURLToPath(new URL("../../../guests/pv/images/demo.elf", import.meta.url));

export interface ScaleResult {
  domains: number;
  virtualSeconds: number;
  hostSeconds: number;
  /** Fewest and most heartbeat ticks printed by one domain. */
  minTicks: number;
  maxTicks: number;
  guestKiBPerDomain: number;
  hypervisorKiBPerDomain: number;
  heapKiBPerDomain: number;
}

export function measureScale(domains = 128, virtualSeconds = 1): ScaleResult {
  const kernel = new Uint8Array(readFileSync(DEMO));
  const ticks = new Map<number, number>();
  const hv = new Hypervisor({
    memoryMiB: 256,
    onConsole: (domain, line) => {
      if (line.startsWith("tick ")) ticks.set(domain.id, (ticks.get(domain.id) ?? 0) + 1);
    },
  });
  const control = new DomainControl(hv);
  const freeBefore = hv.allocator.freeCount;
  globalThis.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const ids: number[] = [];
  for (let n = 0; n < domains; n++) ids.push(control.create({ name: `demo-${n + 1}`, memoryKiB: 512, kernel, commandLine: "forever" }).id);
  globalThis.gc?.();
  const heapAfter = process.memoryUsage().heapUsed;
  const framesPerDomain = (freeBefore - hv.allocator.freeCount) / domains;
  const guestPages = control.info(ids[0]).pages;
  const start = performance.now();
  hv.run(virtualSeconds * 1e9);
  const hostSeconds = (performance.now() - start) / 1000;
  const counts = ids.map((id) => ticks.get(id) ?? 0);
  return {
    domains,
    virtualSeconds,
    hostSeconds,
    minTicks: Math.min(...counts),
    maxTicks: Math.max(...counts),
    guestKiBPerDomain: guestPages * 4,
    hypervisorKiBPerDomain: (framesPerDomain - guestPages) * 4,
    heapKiBPerDomain: Math.max(0, heapAfter - heapBefore) / domains / 1024,
  };
}

export function formatScale(result: ScaleResult): string {
  return [
    `| domains | virtual time | host time | heartbeats per domain (min-max) | guest memory | hypervisor frames | host heap |`,
    `|---|---|---|---|---|---|---|`,
    `| ${result.domains} | ${result.virtualSeconds.toFixed(1)} s | ${result.hostSeconds.toFixed(1)} s | ${result.minTicks}-${result.maxTicks} | ${result.guestKiBPerDomain} KiB | ${result.hypervisorKiBPerDomain.toFixed(0)} KiB | ${result.heapKiBPerDomain.toFixed(0)} KiB |`,
  ].join("\n");
}

export interface FairnessRow {
  name: string;
  weight: number;
  mcuAdvance: number;
  share: number;
  target: number;
}

/** CPU-bound domains with weights 1..n (mcu_advance = 840 / weight), as the paper's "8(diff)" run. */
export function measureFairness(domains = 8, virtualSeconds = 0.5): FairnessRow[] {
  const kernel = new Uint8Array(readFileSync(DEMO));
  const hv = new Hypervisor({ memoryMiB: 64 });
  const control = new DomainControl(hv);
  const weights = Array.from({ length: domains }, (_, n) => n + 1);
  const ids = weights.map((weight) => control.create({ name: `spin-w${weight}`, memoryKiB: 512, kernel, commandLine: "spin forever", scheduling: { mcuAdvance: 840 / weight } }).id);
  hv.run(virtualSeconds * 1e9);
  const times = ids.map((id) => control.info(id).cpuTimeNs);
  const total = times.reduce((a, b) => a + b, 0);
  const weightTotal = weights.reduce((a, b) => a + b, 0);
  return ids.map((id, n) => ({ name: control.info(id).name, weight: weights[n], mcuAdvance: 840 / weights[n], share: times[n] / total, target: weights[n] / weightTotal }));
}

export function formatFairness(rows: FairnessRow[]): string {
  return [
    "| domain | weight | mcu_advance | CPU share | target | off by |",
    "|---|---|---|---|---|---|",
    ...rows.map((r) => `| ${r.name} | ${r.weight} | ${r.mcuAdvance} | ${(r.share * 100).toFixed(2)} % | ${(r.target * 100).toFixed(2)} % | ${(((r.share - r.target) / r.target) * 100).toFixed(1)} % |`),
  ].join("\n");
}
