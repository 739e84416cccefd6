/**
 * The real thing: Debian's kernel and busybox from the archive (or the cache).
 * Without network access this file skips, saying why, except under CI
 * (CI=true), where a failed fetch fails the run.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { beforeAll, describe, expect, it, type TestContext } from "vitest";
import { NetworkError } from "./errors";
import { fetchImages, NIC_MODULES, type ImageSet } from "./fetch-images";
import { appletNamesFromBinary, i386NativeSupport, runHostBusybox } from "./host-busybox";
import { readModinfo } from "./modules";
import { readCpioForTest } from "./test-fixtures";

const inCi = process.env.CI === "true";
let set: ImageSet | undefined;
let unavailable: string | undefined;

beforeAll(async () => {
  const started = Date.now();
  try {
    set = await fetchImages({ log: (line) => process.stderr.write(`[images] ${line}\n`) });
    process.stderr.write(`[images] ready in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  } catch (error) {
    if (error instanceof NetworkError && !inCi) unavailable = `the Debian archive is unreachable: ${error.message}`;
    else throw error;
  }
}, 900_000);

function images(context: TestContext): ImageSet {
  if (set === undefined) context.skip(unavailable ?? "no image set");
  return set as ImageSet;
}

describe("Debian images (network)", () => {
  it("has a bzImage kernel with boot protocol 2.10 or later", (context) => {
    const { kernel, kernelVersion } = images(context);
    expect(kernelVersion).toMatch(/^\d+\.\d+\.\d+-\d+-686$/);
    const image = readFileSync(kernel);
    expect(image.toString("latin1", 0x202, 0x206)).toBe("HdrS");
    expect(image.readUInt16LE(0x206)).toBeGreaterThanOrEqual(0x020a);
    expect(image.length).toBeGreaterThan(1 << 20);
  });

  it("has busybox as a static ELF32 i386 executable", (context) => {
    const elf = readFileSync(images(context).busybox);
    expect(elf.readUInt32BE(0)).toBe(0x7f454c46);
    expect(elf[4]).toBe(1); // ELFCLASS32
    expect(elf[5]).toBe(1); // little-endian
    expect(elf.readUInt16LE(16)).toBe(2); // ET_EXEC
    expect(elf.readUInt16LE(18)).toBe(3); // EM_386
    const phoff = elf.readUInt32LE(28);
    const phentsize = elf.readUInt16LE(42);
    const types = Array.from({ length: elf.readUInt16LE(44) }, (_, index) => elf.readUInt32LE(phoff + index * phentsize));
    expect(types).toContain(1); // PT_LOAD
    expect(types).not.toContain(3); // PT_INTERP: a dynamic executable would name its loader
    expect(types).not.toContain(2); // PT_DYNAMIC
  });

  it("has an initramfs with /init, busybox, device nodes and the NIC modules", (context) => {
    const { initramfs, busybox, kernelVersion } = images(context);
    const records = new Map(readCpioForTest(gunzipSync(readFileSync(initramfs))).map((record) => [record.path, record]));
    expect(records.get("init")?.data.toString()).toMatch(/^#!\/bin\/sh\n[\s\S]*XENO86-READY/);
    expect(records.get("bin/busybox")?.data.equals(readFileSync(busybox))).toBe(true);
    expect(records.get("dev/console")).toMatchObject({ mode: 0o020600, rdevMajor: 5, rdevMinor: 1 });
    expect(records.get("dev/ttyS0")).toMatchObject({ rdevMajor: 4, rdevMinor: 64 });
    expect(records.get("sbin")?.data.toString()).toBe("bin"); // so /sbin/modprobe, the kernel's helper, exists
    const paths = [...records.keys()];
    for (const applet of ["sh", "mount", "setsid", "cttyhack", "modprobe", "md5sum"]) {
      expect(paths.some((path) => path.endsWith(`bin/${applet}`) && records.get(path)?.data.toString() === "/bin/busybox"), applet).toBe(true);
    }
    const modulePaths = paths.filter((path) => path.startsWith(`lib/modules/${kernelVersion}/`) && path.endsWith(".ko"));
    for (const name of NIC_MODULES) expect(modulePaths.some((path) => path.endsWith(`/${name}.ko`)), name).toBe(true);
    expect(records.has(`lib/modules/${kernelVersion}/modules.dep`)).toBe(true);
    expect(records.has(`lib/modules/${kernelVersion}/modules.alias`)).toBe(true);
  });

  it("has modules for this kernel with a modules.dep naming their dependencies", (context) => {
    const { modulesDir, kernelVersion, modules } = images(context);
    const dep = readFileSync(join(modulesDir, "modules.dep"), "utf8");
    for (const line of dep.trim().split("\n")) {
      const [module, deps] = line.split(":");
      for (const path of [module, ...deps.trim().split(" ").filter((p) => p !== "")]) expect(existsSync(join(modulesDir, path)), path).toBe(true);
      const info = readModinfo(readFileSync(join(modulesDir, module)), module);
      expect(info.get("vermagic")?.[0]?.startsWith(`${kernelVersion} `)).toBe(true);
    }
    expect(modules).toEqual(expect.arrayContaining([...NIC_MODULES]));
    expect(readFileSync(join(modulesDir, "modules.alias"), "utf8")).toMatch(/^alias pci:v00008086d0000100Esv\*sd\*bc\*sc\*i\* e1000$/m);
  });

  it("runs the i386 busybox natively: md5sum of a known string", (context) => {
    const { busybox } = images(context);
    const support = i386NativeSupport();
    if (!support.ok) context.skip(`this host cannot run i386 programs: ${support.reason}`);
    const input = "xeno86 runs Debian's busybox\n";
    const result = runHostBusybox(busybox, "md5sum", { stdin: input });
    expect(result.status).toBe(0);
    expect(result.stdout.toString()).toBe(`${createHash("md5").update(input).digest("hex")}  -\n`);
  });

  it("finds the same applets in the binary as `busybox --list` prints", (context) => {
    const { busybox } = images(context);
    const support = i386NativeSupport();
    if (!support.ok) context.skip(`this host cannot run i386 programs: ${support.reason}`);
    const listed = runHostBusybox(busybox, "--list").stdout.toString().trim().split("\n");
    expect(appletNamesFromBinary(readFileSync(busybox)).sort()).toEqual(listed.sort());
  });
});
