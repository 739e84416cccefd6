/**
 * A small HTTP(S) client over node:http/node:https: follows redirects, gives
 * up on a transfer that stalls (no bytes for `stallTimeoutMs`), and turns
 * socket errors into `NetworkError`s whose messages say what went wrong.
 */
import { createHash, randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rename, rm } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import { dirname, join, basename } from "node:path";
import { ChecksumError, ImageFetchError, NetworkError } from "./errors";

export interface HttpOptions {
  /** Give up when no byte arrives for this long (connecting included). Default 30 s. */
  readonly stallTimeoutMs?: number;
  /** Redirects followed before giving up. Default 10. */
  readonly maxRedirects?: number;
  /** Called as bytes arrive: bytes so far and the total when the server said it. */
  readonly onProgress?: (received: number, total: number | undefined) => void;
}

export const DEFAULT_STALL_TIMEOUT_MS = 30_000;

/** An HTTP answer other than 2xx (after redirects). */
export class HttpStatusError extends NetworkError {
  constructor(
    readonly url: string,
    readonly status: number,
    statusText: string,
  ) {
    super(`HTTP ${status} ${statusText} from ${url}`);
    this.name = "HttpStatusError";
  }
}

const SOCKET_ERRORS: Record<string, string> = {
  ENOTFOUND: "the host name does not resolve (no DNS, or no network)",
  EAI_AGAIN: "the host name could not be resolved right now (DNS unreachable)",
  ECONNREFUSED: "the connection was refused",
  ECONNRESET: "the connection was reset",
  ENETUNREACH: "the network is unreachable",
  EHOSTUNREACH: "the host is unreachable",
  ETIMEDOUT: "the connection timed out",
  EPIPE: "the connection was closed",
  ECONNABORTED: "the connection was aborted",
};

function describeSocketError(url: string, error: unknown): ImageFetchError {
  if (error instanceof ImageFetchError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const why = code !== undefined ? (SOCKET_ERRORS[code] ?? code) : String((error as Error | undefined)?.message ?? error);
  return new NetworkError(`cannot download ${url}: ${why}${code !== undefined && SOCKET_ERRORS[code] !== undefined ? ` (${code})` : ""}`, { cause: error });
}

interface OpenResponse {
  readonly response: http.IncomingMessage;
  readonly request: http.ClientRequest;
  /** Re-arms the stall timer; call it for every chunk of the body. */
  readonly touch: () => void;
  /** Stops the stall timer (the body ended or failed). */
  readonly done: () => void;
}

/**
 * Opens `url` and resolves with the response of the final hop (status 2xx),
 * not yet flowing, plus functions that re-arm and stop the stall timer.
 */
function open(url: string, options: HttpOptions, redirectsLeft: number): Promise<OpenResponse> {
  const stallMs = options.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      reject(new NetworkError(`not a valid URL: ${url}`));
      return;
    }
    const client = parsed.protocol === "https:" ? https : parsed.protocol === "http:" ? http : undefined;
    if (client === undefined) {
      reject(new NetworkError(`unsupported URL scheme in ${url} (use http:// or https://)`));
      return;
    }
    const request = client.get(parsed, { headers: { "user-agent": "xeno86-image-fetcher", accept: "*/*" } });
    const stalled = (): void => {
      request.destroy(new NetworkError(`download of ${url} stalled: no data for ${Math.round(stallMs / 100) / 10} s (is the network or the mirror down?)`));
    };
    let timer: NodeJS.Timeout | undefined = setTimeout(stalled, stallMs);
    const disarm = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    };
    request.on("error", (error) => {
      disarm();
      reject(describeSocketError(url, error));
    });
    request.on("response", (response) => {
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && response.headers.location !== undefined) {
        disarm();
        response.resume();
        request.destroy();
        if (redirectsLeft <= 0) {
          reject(new NetworkError(`too many redirects while downloading ${url}`));
          return;
        }
        const next = new URL(response.headers.location, parsed).toString();
        open(next, options, redirectsLeft - 1).then(resolve, reject);
        return;
      }
      if (status < 200 || status >= 300) {
        disarm();
        response.resume();
        request.destroy();
        reject(new HttpStatusError(url, status, response.statusMessage ?? ""));
        return;
      }
      // Keep the stall timer armed while the body flows: the reader re-arms it on every chunk.
      const touch = (): void => {
        if (timer !== undefined) clearTimeout(timer);
        timer = setTimeout(stalled, stallMs);
      };
      touch();
      response.on("close", disarm);
      resolve({ response, request, touch, done: disarm });
    });
  });
}

function contentLength(response: http.IncomingMessage): number | undefined {
  const header = response.headers["content-length"];
  return header !== undefined && /^\d+$/.test(header) ? Number(header) : undefined;
}

/** Downloads `url` into memory. */
export async function fetchBuffer(url: string, options: HttpOptions = {}): Promise<Buffer> {
  const { response, request, touch, done } = await open(url, options, options.maxRedirects ?? 10);
  const total = contentLength(response);
  const chunks: Buffer[] = [];
  let received = 0;
  return new Promise((resolve, reject) => {
    response.on("data", (chunk: Buffer) => {
      touch();
      chunks.push(chunk);
      received += chunk.length;
      options.onProgress?.(received, total);
    });
    response.on("end", () => {
      done();
      if (total !== undefined && received !== total) reject(new NetworkError(`download of ${url} ended early: ${received} of ${total} bytes`));
      else resolve(Buffer.concat(chunks));
    });
    response.on("error", (error) => reject(describeSocketError(url, error)));
    request.on("error", (error) => reject(describeSocketError(url, error)));
  });
}

export interface ExpectedFile {
  readonly sha256: string;
  readonly size: number;
}

/** Checks a buffer against a size and a SHA256; throws `ChecksumError` naming `what`. */
export function verifyBuffer(data: Uint8Array, expected: ExpectedFile, what: string): void {
  if (data.length !== expected.size) throw new ChecksumError(`${what}: size is ${data.length} bytes, the archive index says ${expected.size}`);
  const actual = createHash("sha256").update(data).digest("hex");
  if (actual !== expected.sha256) throw new ChecksumError(`${what}: SHA256 is ${actual}, the archive index says ${expected.sha256} (corrupt download or tampered mirror)`);
}

/**
 * Downloads `url` to `destination`: the bytes go to a temporary name in the
 * same directory while their SHA256 is computed, and only a file with the
 * expected size and hash is renamed into place.
 */
export async function downloadFile(url: string, destination: string, expected: ExpectedFile, options: HttpOptions = {}): Promise<void> {
  await mkdir(dirname(destination), { recursive: true });
  const temporary = join(dirname(destination), `.${basename(destination)}.${process.pid}.${randomBytes(4).toString("hex")}.part`);
  try {
    const { response, request, touch, done } = await open(url, options, options.maxRedirects ?? 10);
    const total = contentLength(response) ?? expected.size;
    const hash = createHash("sha256");
    let received = 0;
    await new Promise<void>((resolve, reject) => {
      const file = createWriteStream(temporary);
      let failed = false;
      const fail = (error: unknown): void => {
        if (failed) return;
        failed = true;
        response.destroy();
        file.destroy();
        reject(error instanceof ImageFetchError ? error : describeSocketError(url, error));
      };
      file.on("error", (error) => {
        if (failed) return;
        failed = true;
        response.destroy();
        reject(error);
      });
      request.on("error", fail);
      response.on("error", fail);
      response.on("data", (chunk: Buffer) => {
        touch();
        hash.update(chunk);
        received += chunk.length;
        if (received > expected.size) {
          fail(new ChecksumError(`${url}: the server sent more than the ${expected.size} bytes the archive index promises`));
          return;
        }
        options.onProgress?.(received, total);
        if (!file.write(chunk)) {
          response.pause();
          file.once("drain", () => response.resume());
        }
      });
      response.on("end", () => {
        done();
        if (failed) return;
        file.end(() => resolve());
      });
      response.on("aborted", () => fail(new NetworkError(`download of ${url} was cut off after ${received} bytes`)));
    });
    if (received !== expected.size) throw new ChecksumError(`${url}: got ${received} bytes, the archive index says ${expected.size}`);
    const actual = hash.digest("hex");
    if (actual !== expected.sha256) throw new ChecksumError(`${url}: SHA256 is ${actual}, the archive index says ${expected.sha256} (corrupt download or tampered mirror)`);
    await rename(temporary, destination);
  } finally {
    await rm(temporary, { force: true });
  }
}
