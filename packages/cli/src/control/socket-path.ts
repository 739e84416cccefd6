/** Where `xeno86 up` listens unless told otherwise: one socket per user. */
import { tmpdir, userInfo } from "node:os";
import { join } from "node:path";

export function defaultSocketPath(env: NodeJS.ProcessEnv = process.env): string {
  let user: string;
  if (typeof process.getuid === "function") user = String(process.getuid());
  else {
    try {
      user = userInfo().username;
    } catch {
      user = "user";
    }
  }
  if (process.platform === "win32") return `\\\\.\\pipe\\xeno86-${user}`;
  const runtime = env.XDG_RUNTIME_DIR;
  return join(runtime !== undefined && runtime !== "" ? runtime : tmpdir(), `xeno86-${user}.sock`);
}
