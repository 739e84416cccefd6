/**
 * Debian's own i386 Linux kernel boots on the emulated PC to a busybox shell,
 * and programs run there print exactly what busybox prints when the host's
 * CPU runs it. Images come from Debian's archive (cached). Without network
 * the test is skipped with the reason, except in CI, where it must run.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { readFile } from "node:fs/promises";
import { fetchImages, referenceBusybox, type ImageSet, type ReferenceBusybox } from "../src/debian/index";
import { DEBIAN_COMMAND_LINE } from "../src/commands/boot";
import { BUSYBOX_CHECKS, runCheckOnHost } from "../src/linux/busybox-checks";
import { ConsoleSession } from "../src/linux/console-session";
import { MachineConsole } from "../src/linux/machine-console";

const COMMAND_LINE = DEBIAN_COMMAND_LINE;
const inCi = process.env.CI === "true";

let images: ImageSet | undefined;
let reference: ReferenceBusybox | undefined;
let unavailable = "";
let console_: MachineConsole;
let session: ConsoleSession;

beforeAll(async () => {
  try {
    images = await fetchImages();
    reference = await referenceBusybox(images);
  } catch (error) {
    if (inCi) throw error;
    unavailable = `Debian images unavailable: ${(error as Error).message}`;
    return;
  }
  console_ = new MachineConsole({ memoryMiB: 256 });
  console_.machine.loadLinux(new Uint8Array(await readFile(images.kernel)), {
    initrd: new Uint8Array(await readFile(images.initramfs)),
    commandLine: COMMAND_LINE,
  });
  session = new ConsoleSession(console_);
}, 600_000);

describe("Debian Linux on the emulated PC", () => {
  it("boots to a busybox shell prompt", async (context) => {
    if (unavailable) context.skip(unavailable);
    await session.waitFor("XENO86-READY", 600_000, "the init script's marker");
    await session.waitFor("# ", 120_000, "the shell prompt");
    const result = await session.run("cd /tmp && uname -sr");
    expect(result.status).toBe(0);
    expect(result.output).toMatch(/^Linux 6\.1\.\d+-\d+-686$/);
  }, 900_000);

  it.each(BUSYBOX_CHECKS)("$name: output equals the host CPU's", async (check, context) => {
    if (unavailable) context.skip(unavailable);
    const host = runCheckOnHost(reference!.path, check);
    const guest = await session.run(`{ ${check.script}\n} 2>&1`, 300_000);
    expect(guest.status).toBe(host.status);
    expect(guest.output).toBe(host.output);
  }, 600_000);

  it("echoes what is typed and runs it", async (context) => {
    if (unavailable) context.skip(unavailable);
    session.type("echo typed-$((6*7))\n");
    await session.waitFor("echo typed-$((6*7))", 60_000, "the echo of the typed line");
    await session.waitFor("typed-42", 60_000, "the typed command's output");
  }, 120_000);

  it("logs no warnings or errors during boot", async (context) => {
    if (unavailable) context.skip(unavailable);
    const { output } = await session.run("dmesg");
    const problems = output.split("\n").filter((line) => /warn|error|fail|bug|oops|call trace|taint/i.test(line));
    expect(problems, output).toEqual([]);
  }, 120_000);

  it("powers off with poweroff -f (the machine halts for good)", async (context) => {
    if (unavailable) context.skip(unavailable);
    session.type("poweroff -f\n");
    for (;;) {
      const stopped = await console_.advance();
      if (stopped !== null) {
        expect(stopped).toBe("halted");
        break;
      }
    }
  }, 120_000);
});
