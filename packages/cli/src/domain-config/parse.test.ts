/**
 * The domain config parser: what xl users write parses to what they mean,
 * and every mistake or hostile input is refused with FILE:LINE and a
 * message that says what is wrong, never a crash or a guess.
 */
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, parseDomainConfig } from "./parse";

const BASE = join("/", "srv", "domains");
const parse = (text: string, file = "web.cfg") => parseDomainConfig(text, { file, baseDir: BASE });

function refusal(text: string, file = "web.cfg"): string {
  try {
    parse(text, file);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("the config was accepted");
}

describe("domain config files", () => {
  it("parses every key, with comments, both quotes, escapes, hex and ';'", () => {
    const config = parse(
      [
        "# a web server",
        'name = "web"',
        "kernel = 'images/demo.elf'   # relative to this file",
        'ramdisk = "/boot/initrd.img"',
        "memory = 8",
        'cmdline = "peer=2 forever msg=\\"hi\\" path=C:\\\\x"',
        "mcu_advance = 20; warp = 0x10",
        "warpl=5",
        "  warpu   =   7  ",
        "",
      ].join("\n"),
    );
    expect(config).toMatchObject({
      file: "web.cfg",
      name: "web",
      kernel: join(BASE, "images", "demo.elf"),
      ramdisk: join("/", "boot", "initrd.img"),
      memoryMiB: 8,
      cmdline: 'peer=2 forever msg="hi" path=C:\\x',
      scheduling: { mcuAdvance: 20, warp: 16, warpLimitMs: 5, unwarpMs: 7 },
    });
    expect(config.lines).toEqual({ name: 2, kernel: 3, ramdisk: 4, memory: 5, cmdline: 6, mcu_advance: 7, warp: 7, warpl: 8, warpu: 9 });
  });

  it("needs only a kernel: the name comes from the file, memory defaults to 4 MiB", () => {
    const config = parse('kernel = "k.elf"', join("configs", "db-1.cfg"));
    expect(config.name).toBe("db-1");
    expect(config.memoryMiB).toBe(4);
    expect(config.cmdline).toBe("");
    expect(config.scheduling).toEqual({});
    expect(config.ramdisk).toBeUndefined();
  });

  it("accepts CRLF line ends, a byte-order mark, tabs, and no final newline", () => {
    const config = parse('\uFEFFname\t=\t"crlf"\r\nkernel = "k.elf"\r\nmemory = 2');
    expect(config).toMatchObject({ name: "crlf", memoryMiB: 2 });
  });

  it("refuses what is not there: no kernel, unknown keys (with hints for xl's), lists", () => {
    expect(refusal('name = "web"\n# no kernel\n')).toBe('web.cfg: no kernel given (add kernel = "path/to/kernel.elf")');
    expect(refusal('kernel = "k"\nmemroy = 4\n')).toMatch(/^web\.cfg:2: unknown key "memroy"; the keys are name, kernel, ramdisk, memory, cmdline, mcu_advance, warp, warpl, warpu$/);
    expect(refusal('kernel = "k"\nextra = "console=hvc0"\n')).toMatch(/^web\.cfg:2: unknown key "extra" \(the kernel command line is "cmdline" here\)/);
    expect(refusal('kernel = "k"\nvif = [ "bridge=xenbr0" ]\n')).toMatch(/^web\.cfg:2: unknown key "vif" \(virtual network interfaces/);
    expect(refusal('kernel = [ "k" ]\n')).toBe("web.cfg:1: lists are not supported: every setting takes one value");
  });

  it("refuses values of the wrong kind or out of range, on their line", () => {
    expect(refusal('kernel = "k"\nmemory = "4"')).toBe('web.cfg:2: memory must be a whole number without quotes (MiB), not "4"');
    expect(refusal('kernel = "k"\nmemory = 4M')).toBe('web.cfg:2: memory must be a whole number of MiB, not "4M"');
    expect(refusal('kernel = "k"\nmemory = 4.5')).toBe('web.cfg:2: memory must be a whole number of MiB, not "4.5"');
    expect(refusal('kernel = "k"\nmemory = -4')).toBe('web.cfg:2: memory must be a whole number of MiB, not "-4"');
    expect(refusal('kernel = "k"\nmemory = 0')).toBe("web.cfg:2: memory must be from 1 to 2047 MiB, not 0");
    expect(refusal('kernel = "k"\nmemory = 99999999999999999999999')).toMatch(/^web\.cfg:2: memory must be from 1 to 2047 MiB/);
    expect(refusal('kernel = "k"\nmemory = 010')).toBe('web.cfg:2: memory must be a whole number of MiB, not "010"');
    expect(refusal('kernel = "k"\nmcu_advance = 0')).toBe("web.cfg:2: mcu_advance must be from 1 to 1000000, not 0");
    expect(refusal('kernel = "k"\nwarpl = 1e3')).toBe('web.cfg:2: warpl must be a whole number of ms, not "1e3"');
    expect(refusal("kernel = k.elf")).toBe("web.cfg:1: kernel must be a string in quotes (the kernel image's path), not k.elf");
    expect(refusal('kernel = ""')).toBe("web.cfg:1: kernel is an empty path");
    expect(refusal('kernel = "k"\nname = "my web"')).toMatch(/^web\.cfg:2: name must be 1 to 64 letters, digits/);
    expect(refusal('kernel = "k"\nname = ""')).toMatch(/^web\.cfg:2: name must be/);
    expect(refusal(`kernel = "k"\nname = "${"a".repeat(65)}"`)).toMatch(/^web\.cfg:2: name must be 1 to 64/);
    expect(refusal('kernel = "k"', "my config.cfg")).toMatch(/^my config\.cfg: no name given, and the file's name "my config" is not usable as one/);
    expect(refusal(`kernel = "k"\n\ncmdline = "${"x".repeat(256)}"`)).toBe("web.cfg:3: cmdline is 256 characters; a domain's command line holds at most 255");
    expect(refusal('kernel = "k"\ncmdline = "tab\\there"')).toBe('web.cfg:2: cmdline must be printable ASCII; it holds "\\x09"');
    expect(refusal('kernel = "k"\ncmdline = "caf\u00e9"')).toBe('web.cfg:2: cmdline must be printable ASCII; it holds "\u00e9"');
  });

  it("refuses malformed settings: no '=', no value, two values, twice, bad strings", () => {
    expect(refusal('kernel "k"')).toBe('web.cfg:1: expected "=" after kernel, found "k"');
    expect(refusal("kernel =\n")).toBe("web.cfg:1: kernel has no value");
    expect(refusal("kernel = = 1")).toBe("web.cfg:1: kernel has no value");
    expect(refusal('kernel = "a" "b"')).toBe('web.cfg:1: unexpected "b" after the value of kernel (one setting per line, or separate them with ";")');
    expect(refusal('kernel = "a"\nmemory = 1\nkernel = "b"')).toBe("web.cfg:3: kernel is set twice (first on line 1)");
    expect(refusal('kernel = "abc\n"')).toBe("web.cfg:1: the string starting with \" is not closed on this line");
    expect(refusal("kernel = 'abc")).toBe("web.cfg:1: the string starting with ' is not closed on this line");
    expect(refusal('kernel = "a\\qb"')).toBe('web.cfg:1: unknown escape "\\q" in a string (use \\\\ for a backslash)');
    expect(refusal('= "k"')).toBe('web.cfg:1: expected a setting (key = value), found "="');
    expect(refusal('"kernel" = "k"')).toBe('web.cfg:1: expected a setting (key = value), found "kernel"');
    expect(refusal("9lives = 1")).toBe('web.cfg:1: expected a setting (key = value), found "9lives"');
    expect(refusal('kernel = "k"\n{ memory = 4 }')).toBe('web.cfg:2: unexpected character "{"');
  });

  it("refuses hostile input without crashing: binary junk, NULs, control characters, prototype keys, huge lines", () => {
    expect(refusal("\x7fELF\x01\x01\x01\0\0\0")).toMatch(/^web\.cfg:1: unexpected character "\\x7f"/);
    expect(refusal('kernel = "k"\n\0')).toBe("web.cfg:2: the file holds a NUL byte: is it a text file?");
    expect(refusal('kernel = "a\0b"')).toBe("web.cfg:1: a string holds a NUL byte");
    expect(refusal('kernel = "k"\n\x1b[31m')).toBe('web.cfg:2: unexpected character "\\x1b"');
    expect(refusal('kernel = "k"\n__proto__ = 1')).toMatch(/^web\.cfg:2: unknown key "__proto__"/);
    expect(refusal('kernel = "k"\nconstructor = 1')).toMatch(/^web\.cfg:2: unknown key "constructor"/);
    expect(refusal('kernel = "k"\nhasOwnProperty = 1')).toMatch(/^web\.cfg:2: unknown key "hasOwnProperty"/);
    expect(refusal(`kernel = "k"\nmemory = ${"9".repeat(100_000)}`)).toMatch(/^web\.cfg:2: memory must be from 1 to 2047 MiB, not 9{10}/);
    expect(refusal(`${"\n".repeat(100_000)}memory = 1`)).toBe("web.cfg: no kernel given (add kernel = \"path/to/kernel.elf\")");
    expect(refusal(`${"# comment\n".repeat(1000)}kernel`)).toBe('web.cfg:1001: expected "=" after kernel, found the end of the file');
    expect(refusal('kernel = "k"\nmemory = 4 # four\nname = "x"; oops = 1; ]')).toMatch(/^web\.cfg:3: unknown key "oops"/);
    // Random bytes never crash the parser: it either accepts or refuses with a ConfigError.
    let seed = 12345;
    const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const alphabet = 'kernelmory=;#"\'\\\n\r\t 0x9[{\0\u00e9';
    for (let round = 0; round < 500; round++) {
      const text = Array.from({ length: Math.floor(random() * 60) }, () => alphabet[Math.floor(random() * alphabet.length)]).join("");
      try {
        parse(text);
      } catch (error) {
        expect(error).toBeInstanceOf(ConfigError);
      }
    }
  });
});
