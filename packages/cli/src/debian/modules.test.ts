import { describe, expect, it } from "vitest";
import { ArchiveFormatError, PackageNotFoundError } from "./errors";
import { dependencyClosure, describeModule, formatModulesAlias, formatModulesDep, moduleNameFromPath, readModinfo, type ModuleInfo } from "./modules";
import { makeKernelModule } from "./test-fixtures";

describe("readModinfo", () => {
  it("reads the key=value strings of .modinfo", () => {
    const ko = makeKernelModule(["alias=pci:v000014E4d000016B3sv*sd*bc*sc*i*", "alias=pci:v000014E4d000016B7sv*sd*bc*sc*i*", "depends=libphy", "name=tg3", "vermagic=6.1.0-54-686 SMP preempt mod_unload modversions GEODE "]);
    const info = readModinfo(ko);
    expect(info.get("alias")).toHaveLength(2);
    expect(info.get("depends")).toEqual(["libphy"]);
    expect(info.get("name")).toEqual(["tg3"]);
    expect(describeModule("kernel/drivers/net/ethernet/broadcom/tg3.ko", ko)).toEqual({
      name: "tg3",
      path: "kernel/drivers/net/ethernet/broadcom/tg3.ko",
      depends: ["libphy"],
      aliases: ["pci:v000014E4d000016B3sv*sd*bc*sc*i*", "pci:v000014E4d000016B7sv*sd*bc*sc*i*"],
      vermagic: "6.1.0-54-686 SMP preempt mod_unload modversions GEODE ",
    });
  });

  it("falls back to the file name and handles an empty depends=", () => {
    const info = describeModule("kernel/drivers/net/ethernet/dec/tulip/winbond-840.ko", makeKernelModule(["depends="]));
    expect(info.name).toBe("winbond_840");
    expect(info.depends).toEqual([]);
  });

  it("refuses files that are not modules", () => {
    expect(() => readModinfo(Buffer.from("not an elf file at all, no no no no no no no no no no"))).toThrow(ArchiveFormatError);
  });

  it("names modules as the kernel does", () => {
    expect(moduleNameFromPath("kernel/drivers/net/ethernet/3com/3c59x.ko")).toBe("3c59x");
    expect(moduleNameFromPath("x/winbond-840.ko.xz")).toBe("winbond_840");
  });
});

describe("module dependencies", () => {
  const module = (name: string, depends: string[], aliases: string[] = []): ModuleInfo => ({ name, path: `kernel/${name}.ko`, depends, aliases });
  // nfs-like diamond: top needs mid and base; mid needs base and leaf.
  const all = new Map(
    [module("top", ["mid", "base"], ["pci:v1d2"]), module("mid", ["base", "leaf"]), module("base", []), module("leaf", []), module("lonely", [])].map((m) => [m.name, m]),
  );

  it("orders the closure so that every module follows its dependencies", () => {
    const loadOrder = dependencyClosure(all, ["top"]).map((m) => m.name);
    expect([...loadOrder].sort()).toEqual(["base", "leaf", "mid", "top"]);
    expect(loadOrder.indexOf("base")).toBeLessThan(loadOrder.indexOf("mid"));
    expect(loadOrder.indexOf("leaf")).toBeLessThan(loadOrder.indexOf("mid"));
    expect(loadOrder.at(-1)).toBe("top");
  });

  it("writes modules.dep as depmod does: every dependency, each before the ones it needs", () => {
    const text = formatModulesDep(dependencyClosure(all, ["top"]), all);
    const line = text.split("\n").find((l) => l.startsWith("kernel/top.ko:"));
    const listed = (line ?? "").split(":")[1].trim().split(" ");
    expect([...listed].sort()).toEqual(["kernel/base.ko", "kernel/leaf.ko", "kernel/mid.ko"]);
    // modprobe loads from the end of the list: base (needed by mid) must come after mid.
    expect(listed.indexOf("kernel/mid.ko")).toBeLessThan(listed.indexOf("kernel/base.ko"));
    expect(text).toContain("kernel/base.ko:\n");
    expect(text).not.toContain("lonely");
  });

  it("writes modules.alias", () => {
    expect(formatModulesAlias([...all.values()])).toBe("# Aliases extracted from modules themselves.\nalias pci:v1d2 top\n");
  });

  it("reports a missing dependency and a cycle", () => {
    const broken = new Map([["a", module("a", ["b"])]]);
    expect(() => dependencyClosure(broken, ["a"])).toThrow(PackageNotFoundError);
    expect(() => dependencyClosure(broken, ["a"])).toThrow(/needed by a/);
    const cyclic = new Map([module("a", ["b"]), module("b", ["a"])].map((m) => [m.name, m]));
    expect(() => dependencyClosure(cyclic, ["a"])).toThrow(/cycle/);
  });
});
