/**
 * The `xeno86` command as a user meets it: usage, bad flags and bad files
 * give clear errors (no stack traces) and exit codes; `conformance` reports
 * per family and form; `boot` runs a kernel to its end and says why it stopped.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { bootCommand } from "../src/commands/boot";
import { main } from "../src/main";
import { capture } from "./support/streams";

async function run(args: string[]) {
  const out = capture();
  const err = capture();
  const code = await main(args, out, err);
  return { code, out: out.text(), err: err.text() };
}

const scratch = mkdtempSync(join(tmpdir(), "xeno86-cli-"));

describe("xeno86", () => {
  it("prints usage without a command and refuses unknown ones", async () => {
    const none = await run([]);
    expect(none.code).toBe(2);
    expect(none.out).toMatch(/usage: xeno86 <command>/);
    const unknown = await run(["frobnicate"]);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toMatch(/unknown command "frobnicate"/);
  });

  it("conformance: runs a vector file, reports per family and form, and counts", async () => {
    // Two passing cases (ADD) and one whose recorded result is wrong, plus a malformed line.
    const good = {
      name: "ADD r/m32, r32 (reg)",
      code: "01c8",
      init: { regs: { eax: 1, ecx: 2, edx: 0, ebx: 0, esp: 0x28f00, ebp: 0, esi: 0, edi: 0 }, eflags: 0x202, mem: [] },
      final: { regs: { eax: 3, ecx: 2, edx: 0, ebx: 0, esp: 0x28f00, ebp: 0, esi: 0, edi: 0 }, eip: 0x10003, eflags: 0x206, flagsMask: 0xffffffff, memChanged: [] },
    };
    const bad = { ...good, name: "ADD (wrong expectation)", final: { ...good.final, regs: { ...good.final.regs, eax: 4 } } };
    const file = join(scratch, "mini.jsonl.gz");
    writeFileSync(file, gzipSync([JSON.stringify(good), JSON.stringify(good), JSON.stringify(bad), "{not json"].join("\n")));
    const result = await run(["conformance", file]);
    expect(result.code).toBe(1);
    expect(result.out).toMatch(/^mini\s+2 passed\s+2 failed$/m);
    expect(result.out).toMatch(/ADD \(wrong expectation\): 1 of 1 failed; first: .*eax 0x3, expected 0x4/);
    expect(result.out).toMatch(/not valid JSON/);
    expect(result.out).toMatch(/^2 passed, 2 failed/m);
  });

  it("conformance: a missing file or no file is a usage error", async () => {
    const missing = await run(["conformance", join(scratch, "nope.jsonl")]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/cannot read .*nope\.jsonl: no such file/);
    expect((await run(["conformance"])).err).toMatch(/no vector files given/);
    expect((await run(["conformance", "--fast"])).err).toMatch(/unknown option --fast/);
  });

  it("boot: bad flags and files give clear errors", async () => {
    expect((await run(["boot"])).err).toMatch(/--kernel \(or --debian\) is required/);
    expect((await run(["boot", "--kernel"])).err).toMatch(/--kernel needs a value/);
    expect((await run(["boot", "--kernel", "x", "--memory", "lots"])).err).toMatch(/--memory must be a whole number/);
    expect((await run(["boot", "--kernel", join(scratch, "absent")])).err).toMatch(/cannot read the kernel .*absent: no such file/);
    const junk = join(scratch, "junk.bin");
    writeFileSync(junk, Buffer.alloc(4096, 0x90));
    const result = await run(["boot", "--kernel", junk]);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(/cannot tell the kernel's format/);
    expect(result.err).not.toMatch(/\n\s+at /);
  });

  it("boot: runs a Multiboot kernel, prints its serial output, feeds piped input, and exits 0 when it halts", async () => {
    // A Multiboot kernel (address fields) that echoes one byte from COM1 back and halts with interrupts off.
    const code = [
      0xba, 0xfd, 0x03, 0x00, 0x00, // mov edx, 0x3fd (LSR)
      0xec, //                         wait: in al, dx
      0xa8, 0x01, //                   test al, 1
      0x74, 0xfb, //                   jz wait
      0xba, 0xf8, 0x03, 0x00, 0x00, // mov edx, 0x3f8
      0xec, //                         in al, dx
      0xee, //                         out dx, al  (echo)
      0xb0, 0x21, //                   mov al, '!'
      0xee, //                         out dx, al
      0xfa, //                         cli
      0xf4, //                         hlt
    ];
    const image = Buffer.alloc(0x200);
    const flags = 0x00010000;
    image.writeUInt32LE(0x1badb002, 0);
    image.writeUInt32LE(flags, 4);
    image.writeUInt32LE((-(0x1badb002 + flags)) >>> 0, 8);
    image.writeUInt32LE(0x100000, 12); // header_addr
    image.writeUInt32LE(0x100000, 16); // load_addr
    image.writeUInt32LE(0, 20); // load_end: whole file
    image.writeUInt32LE(0, 24); // bss_end
    image.writeUInt32LE(0x100040, 28); // entry
    Buffer.from(code).copy(image, 0x40);
    const kernel = join(scratch, "echo.mb");
    writeFileSync(kernel, image);
    const input = new PassThrough();
    input.end("Z");
    const out = capture();
    const err = capture();
    const status = await bootCommand(["--kernel", kernel, "--memory", "16"], out, { err, input });
    expect(out.text()).toBe("Z!");
    expect(err.text()).toMatch(/guest halted/);
    expect(status).toBe(0);
  });
});
