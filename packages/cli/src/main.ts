/** The `xeno86` command: dispatches to the verbs. */
import { bootCommand } from "./commands/boot";
import { CONFORMANCE_USAGE, conformanceCommand } from "./commands/conformance";
import { imagesCommand } from "./debian/index";
import { UsageError } from "./usage-error";

type Command = (argv: string[], out: NodeJS.WritableStream) => Promise<number>;

const COMMANDS: Record<string, { run: Command; summary: string }> = {
  boot: { run: (argv, out) => bootCommand(argv, out), summary: "boot a kernel on the emulated PC (COM1 is the console)" },
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
    return await command.run(rest, out);
  } catch (error) {
    if (error instanceof UsageError) {
      (error.exitCode === 0 ? out : err).write(`${error.exitCode === 0 ? "" : "xeno86: "}${error.message}\n`);
      return error.exitCode;
    }
    throw error;
  }
}

export { CONFORMANCE_USAGE };
