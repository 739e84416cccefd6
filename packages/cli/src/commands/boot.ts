/**
 * `xeno86 boot`: boots an operating system on the bare emulated PC with the
 * first serial port as the console.
 *
 * stdout gets everything the guest writes to COM1. When stdin is a terminal
 * it is put in raw mode and keys go to the guest (Ctrl-A x quits, Ctrl-A
 * Ctrl-A sends a Ctrl-A, as QEMU users expect); when stdin is a pipe its
 * bytes are fed to the serial port. Exits 0 when the guest halts for good or
 * resets, and says why it stopped.
 */
import { readFile } from "node:fs/promises";
import { Machine, ImageFormatError, type MachineStop } from "@xeno86/pc";
import { UsageError } from "../usage-error";
import { parseFlags, type FlagSpec } from "../flags";
import { fetchImages } from "../debian/index";

/**
 * Linux flags for the emulated PC: the console on COM1; no KASLR, crypto
 * self-tests or ISA PnP scan (they only cost time); no ACPI (the PC has no
 * ACPI tables, like a pre-ACPI machine).
 */
export const DEBIAN_COMMAND_LINE = "console=ttyS0 quiet nokaslr cryptomgr.notests noisapnp acpi=off";

export const BOOT_USAGE = `usage: xeno86 boot (--kernel FILE | --debian) [--initrd FILE] [--append STRING]
                   [--memory MIB] [--timeout SECONDS] [--format linux|multiboot|elf]
                   [--deterministic] [--no-jit]

Boots a kernel on the emulated PC; COM1 is the console on stdout.
  --kernel FILE      Linux bzImage, Multiboot kernel or ELF32 executable
  --debian           Debian's i386 kernel and busybox initramfs (fetched and cached like \`xeno86 images\`)
  --initrd FILE      initial ramdisk (Linux) or first module (Multiboot)
  --append STRING    kernel command line (default "console=ttyS0")
  --memory MIB       RAM in MiB (default 256)
  --timeout SECONDS  stop after this many seconds of host time
  --format FORMAT    image format (default: detected)
  --deterministic    guest time follows executed instructions only (default when stdin is not a terminal)
  --no-jit           interpret only (no compiled code)
Keys (terminal): Ctrl-A x quits, Ctrl-A Ctrl-A sends Ctrl-A.
Exit status: 0 halted or reset, 1 triple fault, 124 timeout, 2 bad usage or image.`;

const FLAGS: readonly FlagSpec[] = [
  { name: "kernel", value: true },
  { name: "debian", value: false },
  { name: "initrd", value: true },
  { name: "append", value: true },
  { name: "memory", value: true },
  { name: "timeout", value: true },
  { name: "format", value: true },
  { name: "deterministic", value: false },
  { name: "no-jit", value: false },
  { name: "help", value: false },
];

type Format = "linux" | "multiboot" | "elf";

function detectFormat(image: Uint8Array): Format {
  if (image.length > 0x206 && image[0x202] === 0x48 && image[0x203] === 0x64 && image[0x204] === 0x72 && image[0x205] === 0x53) {
    return "linux";
  }
  const view = new DataView(image.buffer, image.byteOffset, image.byteLength);
  for (let offset = 0; offset + 12 <= Math.min(image.length, 8192); offset += 4) {
    if (view.getUint32(offset, true) === 0x1badb002) return "multiboot";
  }
  if (image[0] === 0x7f && image[1] === 0x45 && image[2] === 0x4c && image[3] === 0x46) return "elf";
  throw new UsageError("cannot tell the kernel's format: not a Linux bzImage, Multiboot kernel or ELF file (use --format)");
}

async function readImage(path: string, what: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read the ${what} ${path}: ${code === "ENOENT" ? "no such file" : (error as Error).message}`);
  }
}

function describeStop(stop: MachineStop): string {
  const where = `at ${stop.cs.toString(16).padStart(4, "0")}:${stop.eip.toString(16).padStart(8, "0")}`;
  const time = `after ${(stop.timeNs / 1e9).toFixed(2)} s of guest time, ${(stop.instructions / 1e6).toFixed(0)} M instructions`;
  switch (stop.reason) {
    case "halted":
      return `guest halted (powered off) ${time}`;
    case "reset":
      return `guest reset the machine${stop.resetSource ? ` through the ${stop.resetSource}` : ""} ${time}`;
    case "triple-fault":
      return `triple fault ${where} ${time}`;
    case "timeout":
      return `timeout ${where} ${time}`;
    default:
      return `stopped ${where} ${time}`;
  }
}

export interface BootIo {
  out: NodeJS.WritableStream;
  err: NodeJS.WritableStream;
  input: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
}

export async function bootCommand(argv: string[], out: NodeJS.WritableStream, io?: Partial<BootIo>): Promise<number> {
  const flags = parseFlags(argv, FLAGS, BOOT_USAGE);
  if (flags.help) throw new UsageError(BOOT_USAGE, 0);
  let kernelPath = flags.kernel;
  let initrdPath = flags.initrd;
  let defaultAppend = "console=ttyS0";
  if (flags.debian === true) {
    if (kernelPath !== undefined) throw new UsageError("give --kernel or --debian, not both");
    const images = await fetchImages({ log: (line) => (io?.err ?? process.stderr).write(`[images] ${line}\n`) });
    kernelPath = images.kernel;
    if (initrdPath === undefined) initrdPath = images.initramfs;
    defaultAppend = DEBIAN_COMMAND_LINE;
  }
  if (typeof kernelPath !== "string") throw new UsageError(`--kernel (or --debian) is required\n\n${BOOT_USAGE}`);
  const memory = flags.memory === undefined ? 256 : Number(flags.memory);
  if (!Number.isInteger(memory) || memory < 16 || memory > 2047) throw new UsageError(`--memory must be a whole number of MiB from 16 to 2047, not "${flags.memory}"`);
  const timeout = flags.timeout === undefined ? Number.POSITIVE_INFINITY : Number(flags.timeout);
  if (!(timeout > 0)) throw new UsageError(`--timeout must be a positive number of seconds, not "${flags.timeout}"`);
  const format = flags.format;
  if (format !== undefined && format !== "linux" && format !== "multiboot" && format !== "elf") {
    throw new UsageError(`--format must be linux, multiboot or elf, not "${format}"`);
  }

  const err = io?.err ?? process.stderr;
  const input = io?.input ?? process.stdin;
  const interactive = input.isTTY === true && typeof input.setRawMode === "function";
  const deterministic = flags.deterministic === true || !interactive;

  const kernel = await readImage(kernelPath, "kernel");
  const initrd = typeof initrdPath === "string" ? await readImage(initrdPath, "initrd") : undefined;
  const commandLine = typeof flags.append === "string" ? flags.append : defaultAppend;

  const machine = new Machine({
    memoryMiB: memory,
    jit: flags["no-jit"] !== true,
    hostNowMs: deterministic ? undefined : () => performance.now(),
    onSerialOutput: (byte, port) => {
      if (port === 0) out.write(Buffer.of(byte));
    },
  });
  try {
    const kind = (format as Format | undefined) ?? detectFormat(kernel);
    if (kind === "linux") machine.loadLinux(kernel, { commandLine, initrd });
    else if (kind === "multiboot") machine.loadMultiboot(kernel, { commandLine, modules: initrd ? [{ bytes: initrd }] : [] });
    else machine.loadElf(kernel);
  } catch (error) {
    if (error instanceof ImageFormatError || error instanceof RangeError) throw new UsageError(error.message);
    throw error;
  }

  // Console input.
  let quit = false;
  let escape = false;
  const onData = (chunk: Buffer | string) => {
    const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    if (!interactive) {
      machine.sendSerial(bytes);
      return;
    }
    for (const byte of bytes) {
      if (escape) {
        escape = false;
        if (byte === 0x78 || byte === 0x58) quit = true; // x
        else if (byte === 0x01) machine.sendSerial([0x01]);
        continue;
      }
      if (byte === 0x01) escape = true;
      else machine.sendSerial([byte]);
    }
  };
  input.on("data", onData);
  if (interactive) input.setRawMode?.(true);
  input.resume?.();

  const started = performance.now();
  const sliceNs = 20_000_000;
  let stop: MachineStop;
  try {
    for (;;) {
      stop = machine.run(sliceNs);
      if (stop.reason !== "timeout") break;
      if (quit) {
        stop = { ...stop, reason: "stopped" };
        break;
      }
      if ((performance.now() - started) / 1000 >= timeout) break;
      // Let input and output flow.
      await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    input.off("data", onData);
    if (interactive) input.setRawMode?.(false);
    input.pause?.();
  }
  err.write(`\nxeno86: ${quit ? "quit by Ctrl-A x" : describeStop(stop)}\n`);
  switch (stop.reason) {
    case "halted":
    case "reset":
      return 0;
    case "triple-fault":
      return 1;
    case "timeout":
      return 124;
    default:
      return 0;
  }
}
