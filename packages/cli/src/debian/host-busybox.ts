/**
 * Running the i386 busybox natively on an x86-64 host, so that a program's
 * results computed by the host CPU can be compared with the same program's
 * results inside the emulator. This needs the host kernel's 32-bit
 * compatibility (CONFIG_IA32_EMULATION, and not `ia32_emulation=off`);
 * `canRunI386Natively()` says whether it is there.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HostToolError } from "./errors";

/**
 * The smallest i386 program: a static ELF32 executable whose code is
 * `mov eax,1; mov ebx,42; int 0x80` (exit(42)). 84 bytes of headers, 12 of code.
 */
export function tinyI386Executable(): Buffer {
  const base = 0x08048000;
  const code = Buffer.from([0xb8, 0x01, 0x00, 0x00, 0x00, 0xbb, 0x2a, 0x00, 0x00, 0x00, 0xcd, 0x80]);
  const elf = Buffer.alloc(52 + 32 + code.length);
  elf.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0], 0); // ELF, 32-bit, little-endian, version 1, SysV ABI
  elf.writeUInt16LE(2, 16); // e_type: ET_EXEC
  elf.writeUInt16LE(3, 18); // e_machine: EM_386
  elf.writeUInt32LE(1, 20); // e_version
  elf.writeUInt32LE(base + 84, 24); // e_entry
  elf.writeUInt32LE(52, 28); // e_phoff
  elf.writeUInt16LE(52, 40); // e_ehsize
  elf.writeUInt16LE(32, 42); // e_phentsize
  elf.writeUInt16LE(1, 44); // e_phnum
  elf.writeUInt32LE(1, 52); // p_type: PT_LOAD
  elf.writeUInt32LE(0, 56); // p_offset
  elf.writeUInt32LE(base, 60); // p_vaddr
  elf.writeUInt32LE(base, 64); // p_paddr
  elf.writeUInt32LE(elf.length, 68); // p_filesz
  elf.writeUInt32LE(elf.length, 72); // p_memsz
  elf.writeUInt32LE(5, 76); // p_flags: R+X
  elf.writeUInt32LE(0x1000, 80); // p_align
  code.copy(elf, 84);
  return elf;
}

const REFUSED =
  "the host kernel refuses i386 executables (ENOEXEC: its 32-bit emulation is off, as with the boot option ia32_emulation=off, or it was built without CONFIG_IA32_EMULATION)";

export interface NativeI386Support {
  readonly ok: boolean;
  /** Why not, when `ok` is false. */
  readonly reason?: string;
}

/** Whether this host runs i386 Linux executables natively, and if not, why. */
export function i386NativeSupport(): NativeI386Support {
  if (process.platform !== "linux") return { ok: false, reason: `the host is ${process.platform}, not Linux` };
  if (process.arch !== "x64" && process.arch !== "ia32") return { ok: false, reason: `the host CPU is ${process.arch}, not x86` };
  const directory = mkdtempSync(join(tmpdir(), "xeno86-i386-"));
  try {
    const program = join(directory, "exit42");
    writeFileSync(program, tinyI386Executable());
    chmodSync(program, 0o755);
    const result = spawnSync(program, [], { stdio: "ignore", timeout: 10_000 });
    // execvp() retries a file the kernel refuses (ENOEXEC) as a shell script, which then fails with 126 or 127.
    if ((result.error as NodeJS.ErrnoException | undefined)?.code === "ENOEXEC" || result.status === 126 || result.status === 127) {
      return { ok: false, reason: REFUSED };
    }
    if (result.error !== undefined) {
      const code = (result.error as NodeJS.ErrnoException).code;
      if (code === "EACCES") return { ok: false, reason: `the temporary directory ${tmpdir()} does not allow executing files (mounted noexec?)` };
      return { ok: false, reason: `starting an i386 program failed: ${result.error.message}` };
    }
    if (result.status !== 42) return { ok: false, reason: `an i386 test program exited with ${result.status ?? result.signal}, not 42` };
    return { ok: true };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** Whether this host runs i386 Linux executables natively. */
export function canRunI386Natively(): boolean {
  return i386NativeSupport().ok;
}

export interface HostBusyboxOptions {
  readonly args?: readonly string[];
  readonly stdin?: string | Uint8Array;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Kill it after this long. Default 30 s. */
  readonly timeoutMs?: number;
}

export interface HostBusyboxResult {
  readonly stdout: Buffer;
  readonly stderr: Buffer;
  /** Exit status, or null when a signal ended it. */
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * Runs `busybox <applet> <args...>` natively and returns its output. Throws
 * `HostToolError` when the program cannot be started at all (for instance
 * because the host has no 32-bit support; see `i386NativeSupport`).
 */
export function runHostBusybox(busyboxPath: string, applet: string, options: HostBusyboxOptions = {}): HostBusyboxResult {
  const result = spawnSync(busyboxPath, [applet, ...(options.args ?? [])], {
    input: options.stdin ?? "",
    cwd: options.cwd,
    env: options.env ?? { PATH: "/usr/bin:/bin", LC_ALL: "C" },
    timeout: options.timeoutMs ?? 30_000,
    maxBuffer: 256 * 1024 * 1024,
  });
  if ((result.status === 126 || result.status === 127) && result.stdout.length === 0) {
    // Perhaps the kernel refused the file and execvp() handed it to /bin/sh: say so rather than print the shell's complaint.
    const support = i386NativeSupport();
    if (!support.ok) throw new HostToolError(`cannot run ${busyboxPath} natively: ${support.reason}`);
  }
  if (result.error !== undefined) {
    const code = (result.error as NodeJS.ErrnoException).code;
    if (code === "ENOEXEC") throw new HostToolError(`cannot run ${busyboxPath} natively: ${i386NativeSupport().reason ?? "the host refuses i386 executables"}`, { cause: result.error });
    if (code === "ENOENT") throw new HostToolError(`${busyboxPath} does not exist (run \`xeno86 images\` first)`, { cause: result.error });
    if (code === "ETIMEDOUT") throw new HostToolError(`busybox ${applet} did not finish within ${options.timeoutMs ?? 30_000} ms`, { cause: result.error });
    throw new HostToolError(`cannot run ${busyboxPath}: ${result.error.message}`, { cause: result.error });
  }
  return { stdout: result.stdout, stderr: result.stderr, status: result.status, signal: result.signal };
}

/**
 * The names of the applets a busybox binary provides. They come from the
 * applet name table inside the binary, so the answer does not depend on
 * whether this host can run i386 programs; `busybox --list` is asked only if
 * the table cannot be found.
 */
export function busyboxApplets(busyboxPath: string, binary: Uint8Array): string[] {
  try {
    return appletNamesFromBinary(binary);
  } catch (error) {
    if (!canRunI386Natively()) throw error;
    const result = runHostBusybox(busyboxPath, "--list");
    const names = result.stdout
      .toString("utf8")
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== "");
    if (result.status !== 0 || names.length === 0) throw error;
    return names;
  }
}

/**
 * Finds busybox's `applet_names` table in the binary: the applet names,
 * sorted, NUL-separated, starting with `[` and `[[` and ending with an empty
 * string. Throws when the binary has no such table.
 */
export function appletNamesFromBinary(binary: Uint8Array): string[] {
  const bytes = Buffer.from(binary.buffer, binary.byteOffset, binary.length);
  const marker = Buffer.from("\0[\0[[\0", "latin1");
  const start = bytes.indexOf(marker);
  if (start < 0) throw new HostToolError("cannot find the applet table in the busybox binary (not busybox?)");
  const names: string[] = [];
  let offset = start + 1;
  for (;;) {
    const end = bytes.indexOf(0, offset);
    if (end < 0 || end === offset) break;
    const name = bytes.toString("latin1", offset, end);
    if (!/^[\x21-\x7e]+$/.test(name) || name.length > 64) break;
    names.push(name);
    offset = end + 1;
  }
  if (names.length < 10) throw new HostToolError("the applet table in the busybox binary looks wrong (fewer than 10 applets)");
  return names;
}
