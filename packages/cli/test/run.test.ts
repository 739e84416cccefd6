/**
 * `xeno86 run` end to end, in process: domains from config files (tiny
 * hand-assembled kernels) and the default demo domains (the packaged demo
 * kernel), console lines with their prefixes, notices, the summary and the
 * exit status.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runCommand } from "../src/commands/run";
import { findDemoImage } from "../src/demo-image";
import { main } from "../src/main";
import { capture } from "./support/streams";
import { crashKernel, exitKernel, tickKernel } from "./support/kernels";

const scratch = mkdtempSync(join(tmpdir(), "xeno86-run-"));
writeFileSync(join(scratch, "hello.elf"), exitKernel("hello from a test kernel"));
writeFileSync(join(scratch, "tick.elf"), tickKernel("tick", 100_000));
writeFileSync(join(scratch, "crash.elf"), crashKernel());
const config = (name: string, body: string) => {
  const path = join(scratch, `${name}.cfg`);
  writeFileSync(path, body);
  return path;
};

async function run(args: string[]) {
  const out = capture();
  const err = capture();
  const code = await runCommand(args, { out, err });
  return { code, out: out.text(), err: err.text() };
}

describe("xeno86 run", () => {
  it("runs the domains of config files to their end, with prefixed console lines and a summary", async () => {
    const one = config("one", 'name = "one"\nkernel = "hello.elf"\nmemory = 1\n');
    const two = config("two", 'name = "two"\nkernel = "hello.elf"\nmemory = 1\n');
    const result = await run(["--memory", "32", one, two]);
    expect(result.out).toMatch(/^\[one:1\] hello from a test kernel$/m);
    expect(result.out).toMatch(/^\[two:2\] hello from a test kernel$/m);
    expect(result.err).toMatch(/domain 1 \(one\) ended/);
    expect(result.err).toMatch(/every domain has ended after/);
    expect(result.out).toMatch(/^Name\s+ID\s+State\s+CPU%\s+Pages\s+Mem\(KiB\)\s+Hypercalls\s+Events/m);
    expect(result.out).toMatch(/^one\s+1\s+ended\s+\d+\.\d\s+256\s+1024\s+[1-9]\d*\s+\d+/m);
    expect(result.code).toBe(0);
  });

  it("stops at the timeout with domains that never end (exit 124), and reports a killed one (exit 1)", async () => {
    const tick = config("tick", 'name = "ticker"\nkernel = "tick.elf"\nmemory = 1\n');
    const timedOut = await run(["--memory", "32", "--timeout", "0.01", tick]);
    expect(timedOut.out).toMatch(/^\[ticker:1\] tick$/m);
    expect(timedOut.err).toMatch(/timeout after 0\.01 s of guest time/);
    expect(timedOut.out).toMatch(/^ticker\s+1\s+running\s+(9\d|100)\.\d/m);
    expect(timedOut.code).toBe(124);

    const crash = config("crash", 'name = "crash"\nkernel = "crash.elf"\nmemory = 1\n');
    const killed = await run(["--memory", "32", "--timeout", "0.01", crash, tick]);
    expect(killed.err).toMatch(/domain 1 \(crash\) killed: /);
    expect(killed.out).toMatch(/^crash\s+1\s+killed/m);
    expect(killed.code).toBe(1);
  });

  it("stops on Ctrl-C (exit 130)", async () => {
    const tick = config("tick", 'name = "ticker"\nkernel = "tick.elf"\nmemory = 1\n');
    const controller = new AbortController();
    const out = capture();
    const err = capture();
    setTimeout(() => controller.abort(), 200);
    const code = await runCommand(["--memory", "32", tick], { out, err, signal: controller.signal });
    expect(code).toBe(130);
    expect(err.text()).toMatch(/interrupted after/);
  });

  it("refuses bad flags, configs and images with exit 2 and no stack trace", async () => {
    const bad = async (args: string[], message: RegExp) => {
      const out = capture();
      const err = capture();
      expect(await main(["run", ...args], out, err)).toBe(2);
      expect(err.text()).toMatch(message);
      expect(err.text()).not.toMatch(/\n\s+at /);
    };
    await bad(["--domains", "zero"], /--domains must be a whole number from 1 to 64, not "zero"/);
    await bad(["--domains", "0"], /--domains must be a whole number from 1 to 64/);
    await bad(["--memory", "8"], /--memory must be a whole number from 16 to 2047/);
    await bad(["--timeout", "-1"], /--timeout must be a number above 0/);
    await bad(["--timeout"], /--timeout needs a value/);
    await bad(["--fast"], /unknown option --fast/);
    await bad(["--domains", "2", config("x", 'kernel = "hello.elf"')], /give --domains or CONFIG files, not both/);
    await bad([join(scratch, "absent.cfg")], /cannot read the domain config .*absent\.cfg: no such file/);
    await bad([config("typo", 'kernel = "hello.elf"\nmemroy = 4\n')], /typo\.cfg:2: unknown key "memroy"/);
    await bad([config("nokernel", 'kernel = "nowhere.elf"\n')], /nokernel\.cfg:1: cannot read the kernel .*nowhere\.elf: no such file/);
    writeFileSync(join(scratch, "junk.elf"), Buffer.alloc(4096, 0x90));
    await bad([config("junk", 'kernel = "junk.elf"\n')], /junk\.cfg: cannot create junk: /);
    await bad([config("big", 'kernel = "hello.elf"\nmemory = 2000\n')], /big\.cfg: cannot create big: 2048000 KiB .*would reach the hypervisor's area/);
    await bad([config("same1", 'name = "same"\nkernel = "hello.elf"\n'), config("same2", 'name = "same"\nkernel = "hello.elf"\n')], /same2\.cfg: the name "same" is also used by .*same1\.cfg/);
  });

  it("runs the default demo domains: each prints, the two peers exchange events, all end", async (context) => {
    if (findDemoImage() === null) context.skip("the demo kernel guests/pv/images/demo.elf is not built yet");
    const result = await run(["--timeout", "10"]);
    expect(result.out).toMatch(/^\[demo-1:1\] .*events to domain 2: \d+ sent, [1-9]\d* received/m);
    expect(result.out).toMatch(/^\[demo-2:2\] .*events to domain 1: \d+ sent, [1-9]\d* received/m);
    expect(result.out).toMatch(/^\[demo-3:3\] /m);
    expect(result.out).not.toMatch(/^\[demo-3:3\] .*events to domain/m);
    expect(result.err).toMatch(/every domain has ended after/);
    const events = (name: string) => Number(row(result.out, name)?.[7]);
    for (const name of ["demo-1", "demo-2", "demo-3"]) expect(row(result.out, name)?.slice(2, 3)).toEqual(["ended"]);
    // Timer events come to all three; the peers also get each other's.
    expect(events("demo-1")).toBeGreaterThan(events("demo-3"));
    expect(events("demo-2")).toBeGreaterThan(events("demo-3"));
    expect(result.code).toBe(0);
  });
});

/** The summary row whose first column is `name`. */
function row(table: string, name: string): string[] | undefined {
  return table
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .find((cells) => cells[0] === name);
}
