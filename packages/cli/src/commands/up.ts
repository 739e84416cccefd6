/**
 * `xeno86 up`: a hypervisor that keeps running, tied to host time, and
 * serves the control verbs on a local socket until Ctrl-C.
 */
import { HypervisorService } from "../control/service";
import { listen } from "../control/server";
import { defaultSocketPath } from "../control/socket-path";
import { formatList } from "../control/format";
import { parseFlags, type FlagSpec } from "../flags";
import { UsageError } from "../usage-error";
import { intFlag, interruption, type CommandIo } from "./io";

export const UP_USAGE = `usage: xeno86 up [--socket PATH] [--memory MIB] [--console] [--no-jit]

Starts a hypervisor that keeps running (guest time follows host time) and
serves the domain-control verbs on a local socket until Ctrl-C:
  xeno86 create CONFIG, list, console ID, pause ID, unpause ID, destroy ID,
  sched-bvt, top
  --socket PATH   where to listen (default: $XDG_RUNTIME_DIR/xeno86-UID.sock,
                  or the same name in the temporary directory)
  --memory MIB    machine memory in MiB (default 256)
  --console       also print every domain's console lines here, as [name:id] text
  --no-jit        interpret only (no compiled code)
Exit status: 0 stopped by Ctrl-C, 1 cannot listen (one is already running),
2 bad usage.`;

const FLAGS: readonly FlagSpec[] = [
  { name: "socket", value: true },
  { name: "memory", value: true },
  { name: "console", value: false },
  { name: "no-jit", value: false },
  { name: "help", value: false },
];

export interface UpIo extends CommandIo {
  /** Called once the socket accepts connections. */
  onReady?: (path: string) => void;
}

export async function upCommand(argv: string[], io: UpIo): Promise<number> {
  const flags = parseFlags(argv, FLAGS, UP_USAGE);
  if (flags.help) throw new UsageError(UP_USAGE, 0);
  if (flags._.length > 0) throw new UsageError(`unexpected argument "${flags._[0]}"\n\n${UP_USAGE}`);
  const memoryMiB = intFlag(flags.memory, "memory", 16, 2047, 256);
  const path = typeof flags.socket === "string" ? flags.socket : defaultSocketPath();
  if (path === "") throw new UsageError("--socket needs a path");
  const { out, err } = io;

  const service = new HypervisorService({
    memoryMiB,
    jit: flags["no-jit"] !== true,
    hostNowMs: () => performance.now(),
    log: (message) => err.write(`xeno86 up: [${(service.hypervisor.now() / 1e9).toFixed(1)} s] ${message}\n`),
    onConsole: flags.console === true ? (id, name, line) => out.write(`[${name}:${id}] ${line}\n`) : undefined,
  });
  const server = await listen(path, service);
  const stop = interruption(io.signal);
  err.write(`xeno86 up: hypervisor running with ${memoryMiB} MiB, listening on ${path} (Ctrl-C stops it)\n`);
  io.onReady?.(path);
  try {
    await service.run(stop.signal);
  } finally {
    stop.dispose();
    await server.close();
  }
  const left = service.control.list().filter((info) => info.state !== "dead");
  err.write(`xeno86 up: stopped after ${(service.hypervisor.now() / 1e9).toFixed(1)} s${left.length > 0 ? `; ${left.length} domain${left.length === 1 ? "" : "s"} went with it:` : ""}\n`);
  if (left.length > 0) err.write(`${formatList(left)}\n`);
  return 0;
}
