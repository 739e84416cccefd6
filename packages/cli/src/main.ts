/** The `xeno86` command: dispatches to the verbs. */
import { bootCommand } from "./commands/boot";
import { CONFORMANCE_USAGE, conformanceCommand } from "./commands/conformance";
import { imagesCommand } from "./debian/index";
import { runCommand } from "./commands/run";
import { upCommand } from "./commands/up";
import { consoleCommand, createCommand, destroyCommand, listCommand, pauseCommand, schedBvtCommand, topCommand, unpauseCommand } from "./commands/domain-verbs";
import { UsageError } from "./usage-error";

type Command = (argv: string[], out: NodeJS.WritableStream, err: NodeJS.WritableStream) => Promise<number>;

const COMMANDS: Record<string, { run: Command; summary: string }> = {
  run: { run: (argv, out, err) => runCommand(argv, { out, err }), summary: "run the hypervisor with demo domains (or CONFIG files) in the foreground" },
  up: { run: (argv, out, err) => upCommand(argv, { out, err }), summary: "start a hypervisor that serves the commands below on a local socket" },
  create: { run: (argv, out, err) => createCommand(argv, { out, err }), summary: "create and start a domain from a config file" },
  list: { run: (argv, out, err) => listCommand(argv, { out, err }), summary: "list domains (like xl list)" },
  console: { run: (argv, out, err) => consoleCommand(argv, { out, err }), summary: "follow a domain's console" },
  pause: { run: (argv, out, err) => pauseCommand(argv, { out, err }), summary: "pause a domain" },
  unpause: { run: (argv, out, err) => unpauseCommand(argv, { out, err }), summary: "unpause a domain" },
  destroy: { run: (argv, out, err) => destroyCommand(argv, { out, err }), summary: "end a domain at once" },
  "sched-bvt": { run: (argv, out, err) => schedBvtCommand(argv, { out, err }), summary: "set or show BVT scheduling parameters" },
  top: { run: (argv, out, err) => topCommand(argv, { out, err }), summary: "live CPU shares, memory, events/s and hypercalls/s per domain" },
  boot: { run: (argv, out, err) => bootCommand(argv, out, { err }), summary: "boot a kernel on the bare emulated PC (COM1 is the console)" },
  conformance: { run: conformanceCommand, summary: "run hardware-recorded CPU test vectors" },
  images: { run: (argv, out) => imagesCommand(argv, out), summary: "fetch Debian's i386 Linux kernel and busybox, build the initramfs" },
};

function usage(): string {
  const verbs = Object.entries(COMMANDS)
    .map(([name, { summary }]) => `  ${name.padEnd(14)} ${summary}`)
    .join("\n");
  return `usage: xeno86 <command> [options]\n\ncommands:\n${verbs}\n\nRun "xeno86 <command> --help" for a command's options.`;
}

export async function main(argv: string[], out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined || verb === "--help" || verb === "-h" || verb === "help") {
    out.write(`${usage()}\n`);
    return verb === undefined ? 2 : 0;
  }
  const command = COMMANDS[verb];
  if (command === undefined) {
    err.write(`xeno86: unknown command "${verb}"\n\n${usage()}\n`);
    return 2;
  }
  try {
    return await command.run(rest, out, err);
  } catch (error) {
    if (error instanceof UsageError) {
      (error.exitCode === 0 ? out : err).write(`${error.exitCode === 0 ? "" : "xeno86: "}${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}

export { CONFORMANCE_USAGE };
