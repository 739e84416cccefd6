/**
 * `xeno86 up` and the verbs that talk to it, end to end over a real socket
 * in a temporary directory: create from config files, list, pause and
 * unpause, sched-bvt, top --once, console, destroy; bad requests get error
 * responses and the server keeps serving; bad flags exit 2; no server, 1.
 */
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { consoleCommand } from "../src/commands/domain-verbs";
import { upCommand } from "../src/commands/up";
import { main } from "../src/main";
import { capture } from "./support/streams";
import { exitKernel, tickKernel } from "./support/kernels";

const scratch = mkdtempSync(join(tmpdir(), "xeno86-up-"));
const socket = join(scratch, "xeno86.sock");
writeFileSync(join(scratch, "tick-a.elf"), tickKernel("alpha tick", 100_000));
writeFileSync(join(scratch, "tick-b.elf"), tickKernel("beta tick", 100_000));
writeFileSync(join(scratch, "hello.elf"), exitKernel("hello and goodbye"));
writeFileSync(join(scratch, "alpha.cfg"), '# the first demo domain\nname = "alpha"\nkernel = "tick-a.elf"\nmemory = 1\nmcu_advance = 10\n');
writeFileSync(join(scratch, "beta.cfg"), "name = 'beta'\nkernel = 'tick-b.elf'\nmemory = 2\nmcu_advance = 40\n");
writeFileSync(join(scratch, "brief.cfg"), 'kernel = "hello.elf"\nmemory = 1\n');

async function xeno86(...args: string[]) {
  const out = capture();
  const err = capture();
  const code = await main(args, out, err);
  return { code, out: out.text(), err: err.text() };
}

/** The row of a table whose first column is `name`, split into cells. */
function row(table: string, name: string): string[] | undefined {
  return table
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .find((cells) => cells[0] === name);
}

const upStop = new AbortController();
const upErr = capture();
let upDone: Promise<number>;

beforeAll(async () => {
  // Nothing is listening yet.
  const none = await xeno86("list", "--socket", socket);
  expect(none.code).toBe(1);
  expect(none.err).toBe(`xeno86: no hypervisor at ${socket}; start one with \`xeno86 up\`\n`);

  let ready!: () => void;
  const listening = new Promise<void>((resolve) => (ready = resolve));
  upDone = upCommand(["--socket", socket, "--memory", "32"], { out: capture(), err: upErr, signal: upStop.signal, onReady: () => ready() });
  await listening;
});

afterAll(async () => {
  upStop.abort();
  await upDone;
});

describe("xeno86 up and the domain-control verbs", () => {
  it("creates domains from config files and lists them like xl list", async () => {
    const created = await xeno86("create", "--socket", socket, join(scratch, "alpha.cfg"), join(scratch, "beta.cfg"));
    expect(created.err).toBe("");
    expect(created.out).toBe("created domain 1 (alpha): 1024 KiB\ncreated domain 2 (beta): 2048 KiB\n");
    expect(created.code).toBe(0);

    const list = await xeno86("list", "--socket", socket);
    expect(list.code).toBe(0);
    expect(list.out.split("\n")[0]).toMatch(/^Name\s+ID\s+Mem\(KiB\)\s+State\s+Time\(s\)\s+Hypercalls\s+Events$/);
    expect(row(list.out, "alpha")?.slice(0, 3)).toEqual(["alpha", "1", "1028"]);
    expect(row(list.out, "beta")?.slice(0, 3)).toEqual(["beta", "2", "2052"]);
    expect(row(list.out, "alpha")?.[3]).toMatch(/^(r-----|-b----)$/);

    const clash = await xeno86("create", "--socket", socket, join(scratch, "alpha.cfg"));
    expect(clash.code).toBe(1);
    expect(clash.err).toMatch(/alpha\.cfg: a domain named "alpha" already exists \(id 1\)/);
  });

  it("pause and unpause change the state; they take ids or names", async () => {
    const paused = await xeno86("pause", "--socket", socket, "1");
    expect(paused.out).toBe("domain 1 (alpha) paused\n");
    expect(row((await xeno86("list", "--socket", socket)).out, "alpha")?.[3]).toBe("--p---");
    const unpaused = await xeno86("unpause", "--socket", socket, "alpha");
    expect(unpaused.out).toBe("domain 1 (alpha) unpaused\n");
    expect(row((await xeno86("list", "--socket", socket)).out, "alpha")?.[3]).not.toBe("--p---");
    const again = await xeno86("unpause", "--socket", socket, "alpha");
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/domain 1 is (running|blocked), not paused/);
  });

  it("top --once shows CPU shares against the weights", async () => {
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const top = await xeno86("top", "--once", "--socket", socket);
    expect(top.code).toBe(0);
    expect(top.out).toMatch(/^xeno86 top: 2 domains, guest time [\d.]+ s, over the last [\d.]+ s/);
    const alpha = row(top.out, "alpha")!;
    const beta = row(top.out, "beta")!;
    // Name ID State CPU% Fair% Weight Mem(KiB) Events/s Hypercalls/s Time(s)
    expect(alpha.slice(4, 7)).toEqual(["80.0", "1/10", "1028"]);
    expect(beta.slice(4, 7)).toEqual(["20.0", "1/40", "2052"]);
    expect(Number(alpha[3])).toBeGreaterThan(Number(beta[3]));
    expect(Number(alpha[3]) + Number(beta[3])).toBeGreaterThan(90);
    expect(Number(alpha[8])).toBeGreaterThan(0);
  });

  it("sched-bvt changes a domain's weight and the context-switch allowance", async () => {
    const changed = await xeno86("sched-bvt", "--socket", socket, "beta", "--mcu-advance", "10", "--warp", "5", "--warpl", "2", "--warpu", "3");
    expect(changed.code).toBe(0);
    expect(row(changed.out, "beta")).toEqual(["beta", "2", "10", "1/10", "5", "2", "3"]);
    const allowance = await xeno86("sched-bvt", "--socket", socket, "--ctx-allow", "2.5");
    expect(allowance.out).toMatch(/^context-switch allowance: 2.5 ms$/m);
    expect(row(allowance.out, "alpha")?.slice(2, 4)).toEqual(["10", "1/10"]);
    const top = await xeno86("top", "--once", "--socket", socket);
    expect(row(top.out, "alpha")?.slice(4, 6)).toEqual(["50.0", "1/10"]);
    expect(row(top.out, "beta")?.slice(4, 6)).toEqual(["50.0", "1/10"]);
  });

  it("console prints a domain's history, then streams its new lines", async () => {
    const withHistory = capture();
    const stop = new AbortController();
    const following = consoleCommand(["--socket", socket, "beta"], { out: withHistory, err: capture(), signal: stop.signal });
    for (let tries = 0; tries < 100 && !withHistory.text().includes("beta tick"); tries++) await new Promise((resolve) => setTimeout(resolve, 20));
    stop.abort();
    expect(await following).toBe(0);
    expect(withHistory.text()).toMatch(/^(beta tick\n)+$/);

    const fresh = capture();
    const stop2 = new AbortController();
    const streaming = consoleCommand(["--no-history", "--socket", socket, "2"], { out: fresh, err: capture(), signal: stop2.signal });
    for (let tries = 0; tries < 200 && !fresh.text().includes("beta tick\n"); tries++) await new Promise((resolve) => setTimeout(resolve, 20));
    stop2.abort();
    expect(await streaming).toBe(0);
    expect(fresh.text()).toMatch(/^(beta tick\n)+$/);
  });

  it("console of a domain that ends prints its lines and says how it ended", async () => {
    const created = await xeno86("create", "--socket", socket, join(scratch, "brief.cfg"));
    expect(created.out).toMatch(/^created domain 3 \(brief\)/);
    for (let tries = 0; tries < 100 && row((await xeno86("list", "--all", "--socket", socket)).out, "brief")?.[3] !== "---s--"; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const out = capture();
    const err = capture();
    expect(await consoleCommand(["--socket", socket, "brief"], { out, err })).toBe(0);
    expect(out.text()).toBe("hello and goodbye\n");
    expect(err.text()).toBe("xeno86: domain 3 (brief) ended: exited (sched_op exit)\n");
  });

  it("destroy removes a domain from the list (list --all still shows it)", async () => {
    const destroyed = await xeno86("destroy", "--socket", socket, "alpha");
    expect(destroyed.out).toBe("domain 1 (alpha) destroyed\n");
    const list = await xeno86("list", "--socket", socket);
    expect(row(list.out, "alpha")).toBeUndefined();
    expect(row(list.out, "beta")).toBeDefined();
    const all = await xeno86("list", "--all", "--socket", socket);
    expect(row(all.out, "alpha")?.[3]).toBe("---s--");
    expect(all.out).toMatch(/^alpha .* ended: destroyed by the control tools$/m);
    const gone = await xeno86("pause", "--socket", socket, "alpha");
    expect(gone.code).toBe(1);
    expect(gone.err).toMatch(/domain 1 \(alpha\) is dead: ended: destroyed by the control tools/);
    expect(upErr.text()).toMatch(/domain 1 \(alpha\) ended: destroyed by the control tools/);
  });

  it("answers bad requests with errors and keeps serving", async () => {
    const replies = await new Promise<string[]>((resolve, reject) => {
      const client = createConnection(socket);
      let text = "";
      client.setEncoding("utf8");
      client.on("data", (chunk: string) => {
        text += chunk;
        const lines = text.split("\n").filter(Boolean);
        if (lines.length === 9) {
          client.destroy();
          resolve(lines);
        }
      });
      client.on("error", reject);
      client.write("this is not json\n");
      client.write("[1, 2]\n");
      client.write('{"version":1,"verb":"list"}\n');
      client.write('{"version":2,"id":4,"verb":"list"}\n');
      client.write('{"version":1,"id":5,"verb":"reboot"}\n');
      client.write('{"version":1,"id":6,"verb":"pause","args":{"domain":"999"}}\n');
      client.write('{"version":1,"id":7,"verb":"create","args":{"domain":{"name":"x","memoryKiB":1024,"kernel":"***"}}}\n');
      client.write('{"version":1,"id":8,"verb":"sched-bvt","args":{"domain":2,"mcuAdvance":-1}}\n');
      client.write('{"version":1,"id":9,"verb":"list","args":{}}\r\n');
    });
    const responses = replies.map((line) => JSON.parse(line) as { id: number | null; ok: boolean; error?: string; result?: { domains: unknown[] } });
    expect(responses.slice(0, 8).every((response) => response.ok === false)).toBe(true);
    expect(responses.map((response) => response.error ?? "ok")).toEqual([
      "bad request: not valid JSON",
      "bad request: not a JSON object",
      "bad request: no numeric id",
      "protocol version 2 is not spoken here (this hypervisor speaks 1)",
      "unknown verb \"reboot\" (known: hello, create, list, console, pause, unpause, destroy, sched-bvt, top)",
      "no domain 999",
      "the kernel is not base64",
      "mcuAdvance must be a number from 1 to 1000000, not -1",
      "ok",
    ]);
    expect(responses[8]).toMatchObject({ id: 9, ok: true });
    expect(responses[8].result?.domains.length).toBeGreaterThan(0);
    expect((await xeno86("list", "--socket", socket)).code).toBe(0);
  });

  it("refuses bad flags with exit 2, and a second hypervisor on the same socket with exit 1", async () => {
    const usage = async (args: string[], message: RegExp) => {
      const result = await xeno86(...args);
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.err).toMatch(message);
      expect(result.err).not.toMatch(/\n\s+at /);
    };
    await usage(["pause", "--socket", socket], /pause needs a domain id or name/);
    await usage(["destroy", "--socket", socket, "1", "2"], /destroy takes one domain, not 2/);
    await usage(["console", "--socket"], /--socket needs a value/);
    await usage(["sched-bvt", "--socket", socket, "beta", "--mcu-advance", "0"], /--mcu-advance must be a whole number from 1 to 1000000, not "0"/);
    await usage(["sched-bvt", "--socket", socket, "--warp", "3"], /need a domain/);
    await usage(["sched-bvt", "--socket", socket, "--ctx-allow", "0"], /--ctx-allow must be a number above 0/);
    await usage(["top", "--socket", socket, "--fast"], /unknown option --fast/);
    await usage(["list", "--socket", socket, "extra"], /unexpected argument "extra"/);
    await usage(["create", "--socket", socket], /no config file given/);
    await usage(["create", "--socket", socket, join(scratch, "missing.cfg")], /cannot read the domain config .*missing\.cfg: no such file/);
    await usage(["up", "--memory", "1"], /--memory must be a whole number from 16 to 2047/);
    await usage(["up", "--socket", join(scratch, `${"s".repeat(120)}.sock`)], /a Unix socket's path may have at most \d+ \(give a shorter --socket\)/);
    const nowhere = await xeno86("up", "--socket", join(scratch, "no-such-dir", "s.sock"));
    expect(nowhere.code).toBe(1);
    expect(nowhere.err).toMatch(/cannot listen on .*s\.sock: no such directory .*no-such-dir/);
    const second = await xeno86("up", "--socket", socket);
    expect(second.code).toBe(1);
    expect(second.err).toMatch(/a hypervisor is already running at /);
    const help = await xeno86("sched-bvt", "--help");
    expect(help.code).toBe(0);
    expect(help.out).toMatch(/^usage: xeno86 sched-bvt/);
  });

  it("stops on Ctrl-C, removes its socket, and the verbs then say no hypervisor runs", async () => {
    upStop.abort();
    expect(await upDone).toBe(0);
    expect(existsSync(socket)).toBe(false);
    expect(upErr.text()).toMatch(/stopped after [\d.]+ s; 1 domain went with it:/);
    const after = await xeno86("top", "--once", "--socket", socket);
    expect(after.code).toBe(1);
    expect(after.err).toMatch(/no hypervisor at .*; start one with `xeno86 up`/);
  });
});
