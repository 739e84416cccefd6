/** Tables for `list`, `top`, `sched-bvt` and the summary of `run`. */
import type { DomainInfo } from "@xeno86/hypervisor";
import type { SchedulingResult, TopResult } from "./protocol";

type Align = "left" | "right";

/** Columns padded to their widest cell; the last column is not padded. */
export function table(headers: readonly string[], rows: readonly (readonly string[])[], align: readonly Align[]): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => row[column].length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) => {
        if (column === cells.length - 1 && align[column] === "left") return cell;
        return align[column] === "right" ? cell.padStart(widths[column]) : cell.padEnd(widths[column]);
      })
      .join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)].join("\n");
}

/** The state column of `xl list`: r running, b blocked, p paused, s shut down, c crashed (killed). */
export function stateFlags(info: Pick<DomainInfo, "state" | "killed">): string {
  const flags = ["-", "-", "-", "-", "-", "-"];
  switch (info.state) {
    case "running":
      flags[0] = "r";
      break;
    case "blocked":
      flags[1] = "b";
      break;
    case "paused":
      flags[2] = "p";
      break;
    case "dead":
      flags[info.killed ? 4 : 3] = info.killed ? "c" : "s";
      break;
    default:
      break;
  }
  return flags.join("");
}

const seconds = (ns: number) => (ns / 1e9).toFixed(1);
const percent = (share: number) => (share * 100).toFixed(1);

/** `xeno86 list`: Name, ID, Mem(KiB), State, Time(s), then the hypercall and event counts. */
export function formatList(domains: readonly DomainInfo[]): string {
  const rows = domains.map((info) => [
    info.name,
    String(info.id),
    String((info.state === "dead" ? info.maxPages : info.pages) * 4),
    stateFlags(info),
    seconds(info.cpuTimeNs),
    String(info.hypercalls),
    String(info.events),
    info.state === "dead" ? `${info.killed ? "killed" : "ended"}: ${info.deathReason}` : "",
  ]);
  const out = table(["Name", "ID", "Mem(KiB)", "State", "Time(s)", "Hypercalls", "Events", ""], rows, ["left", "right", "right", "left", "right", "right", "right", "left"]);
  return out;
}

/** The end of `xeno86 run`: per domain, its state, share of the CPU, memory and counts. */
export function formatSummary(domains: readonly DomainInfo[], elapsedNs: number): string {
  const rows = domains.map((info) => [
    info.name,
    String(info.id),
    info.state === "dead" ? (info.killed ? "killed" : "ended") : info.state,
    elapsedNs > 0 ? percent(info.cpuTimeNs / elapsedNs) : "0.0",
    String(info.maxPages),
    String(info.maxPages * 4),
    String(info.hypercalls),
    String(info.events),
    info.state === "dead" ? info.deathReason : "",
  ]);
  return table(
    ["Name", "ID", "State", "CPU%", "Pages", "Mem(KiB)", "Hypercalls", "Events", "Why"],
    rows,
    ["left", "right", "left", "right", "right", "right", "right", "right", "left"],
  );
}

export function formatTop(top: TopResult): string {
  const header = `xeno86 top: ${top.domains.length} domain${top.domains.length === 1 ? "" : "s"}, guest time ${seconds(top.timeNs)} s, over the last ${(top.intervalNs / 1e9).toFixed(2)} s; idle ${percent(top.idleShare)}%; context-switch allowance ${(top.contextAllowanceNs / 1e6).toFixed(3)} ms`;
  const rows = top.domains.map((domain) => [
    domain.name,
    String(domain.id),
    stateFlags({ state: domain.state as DomainInfo["state"], killed: false }),
    percent(domain.cpuShare),
    percent(domain.fairShare),
    `1/${domain.mcuAdvance}`,
    String(domain.memoryKiB),
    domain.eventsPerSecond.toFixed(0),
    domain.hypercallsPerSecond.toFixed(0),
    seconds(domain.cpuTimeNs),
  ]);
  const body = table(
    ["Name", "ID", "State", "CPU%", "Fair%", "Weight", "Mem(KiB)", "Events/s", "Hypercalls/s", "Time(s)"],
    rows,
    ["left", "right", "left", "right", "right", "right", "right", "right", "right", "right"],
  );
  return `${header}\n${body}`;
}

export function formatScheduling(result: SchedulingResult): string {
  const rows = result.domains.map((domain) => [
    domain.name,
    String(domain.id),
    String(domain.mcuAdvance),
    `1/${domain.mcuAdvance}`,
    String(domain.warp),
    String(domain.warpLimitNs / 1e6),
    String(domain.unwarpNs / 1e6),
  ]);
  const body = table(["Name", "ID", "mcu_advance", "Weight", "warp", "warpl(ms)", "warpu(ms)"], rows, ["left", "right", "right", "right", "right", "right", "right"]);
  return `context-switch allowance: ${result.contextAllowanceNs / 1e6} ms\n${body}`;
}
