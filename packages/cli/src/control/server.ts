/**
 * The local socket adapter of `xeno86 up` (Node-only): listens on a Unix
 * socket (a named pipe on Windows), splits what clients send into lines,
 * hands requests to the service and writes back responses and events.
 * A bad line gets an error response; the connection and the server go on.
 */
import { chmodSync, existsSync, lstatSync, unlinkSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { UsageError } from "../usage-error";
import { LineSplitter, MAX_REQUEST_BYTES, PROTOCOL_VERSION, decodeRequest, encode } from "./protocol";
import type { HypervisorService, Session } from "./service";

/** A client that stops reading gets this much queued, then is dropped. */
const MAX_QUEUED_BYTES = 16 << 20;

export interface ControlServer {
  readonly path: string;
  close(): Promise<void>;
}

function isUnixPath(path: string): boolean {
  return !path.startsWith("\\\\");
}

/** True when something answers at `path`. */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(path);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Refuses to start over a running hypervisor or a file that is not a socket; removes a stale socket. */
async function claim(path: string): Promise<void> {
  if (!isUnixPath(path)) {
    if (await answers(path)) throw new UsageError(`a hypervisor is already running at ${path}`, 1);
    return;
  }
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return;
    throw new UsageError(`cannot use ${path}: ${(error as Error).message}`, 1);
  }
  if (!isSocket) throw new UsageError(`${path} exists and is not a socket; remove it or give another --socket`, 1);
  if (await answers(path)) throw new UsageError(`a hypervisor is already running at ${path} (stop it first, or give another --socket)`, 1);
  unlinkSync(path); // left behind by a hypervisor that did not shut down
}

/** sun_path holds 108 bytes on Linux, 104 on macOS, with the final NUL; a longer path is silently cut short. */
const MAX_SOCKET_PATH_BYTES = process.platform === "darwin" ? 103 : 107;

export async function listen(path: string, service: HypervisorService): Promise<ControlServer> {
  if (isUnixPath(path)) {
    const bytes = Buffer.byteLength(path);
    if (bytes > MAX_SOCKET_PATH_BYTES) throw new UsageError(`the socket path ${path} is ${bytes} bytes; a Unix socket's path may have at most ${MAX_SOCKET_PATH_BYTES} (give a shorter --socket)`);
    if (!existsSync(dirname(resolve(path)))) throw new UsageError(`cannot listen on ${path}: no such directory ${dirname(path)}`, 1);
  }
  await claim(path);
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => serve(socket, service, sockets));
  // Only this user may connect (the directory of the default path is private too when it is $XDG_RUNTIME_DIR).
  let previousMask: number | undefined;
  try {
    previousMask = process.umask(0o177);
  } catch {
    previousMask = undefined; // not allowed in worker threads; the chmod below still applies
  }
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", (error: NodeJS.ErrnoException) => {
        const reason = error.code === "ENOENT" ? "no such directory" : error.code === "EACCES" ? "permission denied" : error.message;
        reject(new UsageError(`cannot listen on ${path}: ${reason}`, 1));
      });
      server.listen(path, () => resolve());
    });
  } finally {
    if (previousMask !== undefined) process.umask(previousMask);
  }
  if (isUnixPath(path)) chmodSync(path, 0o600);
  let closed: Promise<void> | null = null;
  return {
    path,
    close() {
      closed ??= new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
        if (isUnixPath(path)) {
          try {
            if (lstatSync(path).isSocket()) unlinkSync(path);
          } catch {
            // already gone
          }
        }
      });
      return closed;
    },
  };
}

function serve(socket: Socket, service: HypervisorService, sockets: Set<Socket>): void {
  sockets.add(socket);
  const cleanups: (() => void)[] = [];
  let open = true;
  const send = (message: object) => {
    if (!open) return;
    if (socket.writableLength > MAX_QUEUED_BYTES) {
      socket.destroy();
      return;
    }
    socket.write(encode(message));
  };
  const session: Session = { send, onClose: (cleanup) => cleanups.push(cleanup) };
  const splitter = new LineSplitter((line) => {
    const request = decodeRequest(line);
    if ("error" in request) send({ version: PROTOCOL_VERSION, id: request.id, ok: false, error: request.error });
    else send(service.handle(request, session));
  }, MAX_REQUEST_BYTES);
  socket.setEncoding("utf8");
  let refused = false;
  socket.on("data", (chunk: string) => {
    if (refused) return;
    if (!splitter.push(chunk)) {
      refused = true;
      send({ version: PROTOCOL_VERSION, id: null, ok: false, error: `bad request: a line longer than ${MAX_REQUEST_BYTES} bytes` });
      socket.end();
    }
  });
  const close = () => {
    if (!open) return;
    open = false;
    sockets.delete(socket);
    for (const cleanup of cleanups.splice(0)) cleanup();
  };
  socket.on("close", close);
  socket.on("error", close);
}
