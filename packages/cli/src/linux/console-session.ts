/**
 * An expect-style driver for a shell on a serial console: waits for text,
 * types commands, and cuts each command's output out of the console stream
 * between markers. It works on any `SerialConsole` (our emulated PC, or a
 * peer emulator in the bench).
 */

/** What the session needs from a machine with a serial console. */
export interface SerialConsole {
  /** Everything the guest has written to the console so far. */
  readonly output: string;
  /** Types bytes into the console. */
  send(text: string): void;
  /**
   * Lets the machine run a little (a slice of guest time) and returns; rejects
   * (or returns a reason string) when the machine stopped for good.
   */
  advance(): Promise<string | null>;
}

export class ConsoleTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConsoleTimeoutError";
  }
}

/** What a finished command printed, and its exit status. */
export interface CommandResult {
  readonly output: string;
  readonly status: number;
}

export class ConsoleSession {
  /** Position in `console.output` up to which text has been consumed. */
  private cursor = 0;
  /** Numbers the markers of each command. */
  private commands = 0;

  constructor(
    readonly console: SerialConsole,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Waits until `pattern` appears after the cursor; returns the text up to and including it. */
  async waitFor(pattern: string | RegExp, timeoutMs: number, what = String(pattern)): Promise<string> {
    const deadline = this.now() + timeoutMs;
    for (;;) {
      const rest = this.console.output.slice(this.cursor);
      const match = typeof pattern === "string" ? rest.indexOf(pattern) : rest.search(pattern);
      if (match >= 0) {
        const length = typeof pattern === "string" ? pattern.length : (rest.match(pattern)?.[0].length ?? 0);
        const text = rest.slice(0, match + length);
        this.cursor += match + length;
        return text;
      }
      if (this.now() > deadline) {
        throw new ConsoleTimeoutError(`waited ${timeoutMs} ms for ${what}; the console ends with:\n${rest.slice(-600)}`);
      }
      const stopped = await this.console.advance();
      if (stopped !== null) throw new ConsoleTimeoutError(`the machine stopped (${stopped}) while waiting for ${what}; the console ends with:\n${rest.slice(-600)}`);
    }
  }

  /**
   * Runs a shell command and returns what it printed (without the echoed
   * command line) and its exit status. The markers are split in the typed
   * text, so the shell's echo of the command cannot be mistaken for them.
   */
  async run(command: string, timeoutMs = 120_000): Promise<CommandResult> {
    const id = `${++this.commands}`;
    const begin = `@@B${id}@@`;
    const end = `@@E${id}@@`;
    const split = (marker: string) => `'${marker.slice(0, 3)}''${marker.slice(3)}'`;
    this.console.send(`printf '%s\\n' ${split(begin)}; ${command}\nprintf '%s %s\\n' ${split(end)} $?\n`);
    await this.waitFor(`${begin}\r\n`, timeoutMs, `the start of "${command}"`);
    const text = await this.waitFor(new RegExp(`${end} (\\d+)\\r\\n`), timeoutMs, `the end of "${command}"`);
    const status = Number(/ (\d+)\r\n$/.exec(text)?.[1] ?? -1);
    const body = text.slice(0, text.lastIndexOf(end));
    // Drop the echo of the second typed line (the end marker's printf) and normalise line ends.
    const lines = body.split("\r\n");
    const kept = lines.filter((line) => !line.includes("printf '%s %s\\n'"));
    return { output: kept.join("\n").replace(/\n$/, ""), status };
  }

  /** Types text as a user would (no markers), e.g. to test interactive input. */
  type(text: string): void {
    this.console.send(text);
  }
}
