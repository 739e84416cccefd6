/** Spawning the few host tools we lean on (`xz`, `gpgv`, `dpkg-deb`), with errors a user can act on. */
import { spawn, spawnSync } from "node:child_process";
import type { Readable } from "node:stream";
import { HostToolError } from "./errors";

const INSTALL_HINT: Record<string, string> = {
  xz: "install it with `apt-get install xz-utils`",
  gpgv: "install it with `apt-get install gpgv`",
  "dpkg-deb": "it comes with dpkg, on Debian and Ubuntu",
  zstd: "install it with `apt-get install zstd`",
};

/** Whether `command` can be started (looked up on PATH). */
export function hasHostTool(command: string): boolean {
  const result = spawnSync(command, ["--version"], { stdio: "ignore" });
  return result.error === undefined;
}

function missingTool(command: string, error: unknown): HostToolError {
  const hint = INSTALL_HINT[command];
  return new HostToolError(`cannot run \`${command}\`: it is not installed or not on PATH${hint !== undefined ? ` (${hint})` : ""}`, { cause: error });
}

/**
 * Runs `command args`, feeds it `input` (a buffer or a stream), and hands every
 * chunk of its standard output to `onData`. Resolves when it exits with status 0.
 */
export function pipeThrough(command: string, args: readonly string[], input: Uint8Array | Readable, onData: (chunk: Buffer) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "pipe"] });
    let settled = false;
    const stderr: Buffer[] = [];
    const finish = (error?: unknown): void => {
      if (settled) return;
      settled = true;
      if (error !== undefined) {
        child.kill("SIGKILL");
        reject(error);
      } else resolve();
    };
    child.on("error", (error: NodeJS.ErrnoException) => finish(error.code === "ENOENT" ? missingTool(command, error) : new HostToolError(`\`${command}\` failed to start: ${error.message}`, { cause: error })));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.stdout.on("data", (chunk: Buffer) => {
      if (settled) return;
      try {
        onData(chunk);
      } catch (error) {
        finish(error);
      }
    });
    // A consumer that stops early closes our end; the tool then sees EPIPE, which is not its fault.
    child.stdin.on("error", () => undefined);
    child.on("close", (code, signal) => {
      if (code === 0) finish();
      else {
        const message = Buffer.concat(stderr).toString("utf8").trim();
        finish(new HostToolError(`\`${command} ${args.join(" ")}\` ${signal !== null ? `was killed by ${signal}` : `exited with status ${code}`}${message !== "" ? `: ${message}` : ""}`));
      }
    });
    if (input instanceof Uint8Array) child.stdin.end(input);
    else {
      input.on("error", (error) => finish(error));
      input.pipe(child.stdin);
    }
  });
}

/** Runs `command args` on `input` and returns its whole standard output. */
export async function filterThrough(command: string, args: readonly string[], input: Uint8Array | Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  await pipeThrough(command, args, input, (chunk) => chunks.push(chunk));
  return Buffer.concat(chunks);
}

/** Decompresses an xz (or lzma) buffer with the host's `xz -dc`. */
export function xzDecompress(data: Uint8Array): Promise<Buffer> {
  return filterThrough("xz", ["-dc"], data);
}
