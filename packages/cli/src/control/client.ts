/** The client side of the control socket, for the verbs that talk to `xeno86 up`. */
import { createConnection, type Socket } from "node:net";
import { UsageError } from "../usage-error";
import { LineSplitter, PROTOCOL_VERSION, encode, type Response, type StreamEvent, type Verb } from "./protocol";

/** Responses and events are small; a line this long means the other end is not a xeno86 hypervisor. */
const MAX_RESPONSE_BYTES = 64 << 20;

export function noHypervisorMessage(path: string): string {
  return `no hypervisor at ${path}; start one with \`xeno86 up\``;
}

export class ControlClient {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve: (result: unknown) => void; reject: (error: Error) => void }>();
  private readonly listeners = new Map<number, (event: StreamEvent) => void>();
  private failure: Error | null = null;

  private constructor(
    private readonly socket: Socket,
    readonly path: string,
  ) {
    const splitter = new LineSplitter((line) => this.receive(line), MAX_RESPONSE_BYTES);
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      if (!splitter.push(chunk)) this.fail(new UsageError(`the hypervisor at ${path} sent a line longer than ${MAX_RESPONSE_BYTES} bytes`, 1));
    });
    socket.on("error", (error) => this.fail(new UsageError(`lost the hypervisor at ${path}: ${error.message}`, 1)));
    socket.on("close", () => this.fail(new UsageError(`the hypervisor at ${path} closed the connection`, 1)));
  }

  /** Connects, or says clearly that nothing is listening (exit status 1). */
  static connect(path: string): Promise<ControlClient> {
    if (!path.startsWith("\\\\") && Buffer.byteLength(path) > (process.platform === "darwin" ? 103 : 107)) {
      return Promise.reject(new UsageError(`the socket path ${path} is too long for a Unix socket (give a shorter --socket)`));
    }
    return new Promise((resolve, reject) => {
      const socket = createConnection(path);
      socket.once("connect", () => {
        socket.removeAllListeners("error");
        resolve(new ControlClient(socket, path));
      });
      socket.once("error", (error: NodeJS.ErrnoException) => {
        if (error.code === "ENOENT" || error.code === "ECONNREFUSED") reject(new UsageError(noHypervisorMessage(path), 1));
        else if (error.code === "EACCES" || error.code === "EPERM") reject(new UsageError(`cannot connect to ${path}: permission denied`, 1));
        else if (error.code === "ENOTSOCK") reject(new UsageError(`${path} is not a socket; ${noHypervisorMessage(path)}`, 1));
        else reject(new UsageError(`cannot connect to ${path}: ${error.message}`, 1));
      });
    });
  }

  /** Sends a request and waits for its response; an error response becomes a `UsageError` (exit 1) with the server's message. */
  request<T>(verb: Verb, args: Record<string, unknown> = {}, onEvent?: (event: StreamEvent) => void): Promise<T> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const id = this.nextId++;
    if (onEvent !== undefined) this.listeners.set(id, onEvent);
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (result: unknown) => void, reject });
      this.socket.write(encode({ version: PROTOCOL_VERSION, id, verb, args }));
    });
  }

  /** Resolves when the connection ends (the server went away), with the reason. */
  closed(): Promise<Error> {
    if (this.failure !== null) return Promise.resolve(this.failure);
    return new Promise((resolve) => this.socket.once("close", () => resolve(this.failure ?? new UsageError(`the hypervisor at ${this.path} closed the connection`, 1))));
  }

  close(): void {
    this.failure ??= new UsageError("connection closed", 1);
    this.socket.destroy();
  }

  private receive(line: string): void {
    let message: Record<string, unknown>;
    try {
      message = JSON.parse(line) as Record<string, unknown>;
    } catch {
      this.fail(new UsageError(`the process at ${this.path} does not speak the xeno86 control protocol`, 1));
      return;
    }
    if (typeof message !== "object" || message === null) return;
    if (message.version !== PROTOCOL_VERSION) {
      this.fail(new UsageError(`the hypervisor at ${this.path} speaks protocol version ${JSON.stringify(message.version ?? null)}; this xeno86 speaks ${PROTOCOL_VERSION}`, 1));
      return;
    }
    const id = typeof message.id === "number" ? message.id : null;
    if (typeof message.event === "string") {
      if (id !== null) this.listeners.get(id)?.(message as unknown as StreamEvent);
      return;
    }
    const response = message as unknown as Response;
    const waiter = id === null ? undefined : this.waiting.get(id);
    if (waiter === undefined) {
      if (!response.ok) this.fail(new UsageError(`the hypervisor refused a request: ${response.error}`, 1));
      return;
    }
    this.waiting.delete(id!);
    if (response.ok) waiter.resolve(response.result);
    else {
      this.listeners.delete(id!);
      waiter.reject(new UsageError(response.error, 1));
    }
  }

  private fail(error: Error): void {
    if (this.failure !== null) return;
    this.failure = error;
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
    this.socket.destroy();
  }
}
