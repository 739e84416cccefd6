/**
 * The start of day as Xen 1.2 laid it out, checked in machine memory after
 * a build, and the first run of a hand-assembled kernel.
 */
import { describe, expect, it } from "vitest";
import { Reg, Seg } from "@xeno86/cpu-x86";
import { Hypervisor } from "../hypervisor";
import { DomainControl } from "../control/domain-control";
import { elf } from "../test-support/minimal-elf";
import { StartInfo } from "../abi";

const BASE = 0xc0000000;

/** console_write(message) then sched_op(exit); the message follows the code. */
function helloKernel(message: string): Uint8Array {
  const code = [0xb8, 2, 0, 0, 0, 0xbb, 0, 0, 0, 0, 0xb9, 0, 0, 0, 0, 0xcd, 0x82, 0xb8, 8, 0, 0, 0, 0xbb, 3, 0, 0, 0, 0xcd, 0x82];
  const text = BASE + code.length;
  code.splice(6, 4, text & 0xff, (text >>> 8) & 0xff, (text >>> 16) & 0xff, text >>> 24);
  code.splice(11, 4, message.length, 0, 0, 0);
  return Uint8Array.from([...code, ...Array.from(message, (c) => c.charCodeAt(0))]);
}

function setup() {
  const lines: string[] = [];
  const hv = new Hypervisor({ memoryMiB: 32, onConsole: (domain, line) => lines.push(`${domain.id}: ${line}`) });
  return { hv, control: new DomainControl(hv), lines };
}

describe("the domain builder", () => {
  it("maps every page at the load base, tables last and read-only, start_info below them", () => {
    const { hv, control } = setup();
    const info = control.create({ name: "layout", memoryKiB: 256, kernel: elf(), commandLine: "console=xen quiet", start: false });
    const domain = hv.domain(info.id)!;
    const pages = 64;
    const frames = domain.physToMachine;
    expect(frames).toHaveLength(pages);
    const memory = hv.memory;
    const directory = frames[pages - 1] * 4096;
    expect(domain.pageDirectory).toBe(directory);
    const pde = memory.read32(directory + (BASE >>> 22) * 4);
    expect(pde & 0xfff).toBe(0x067);
    expect(pde >>> 12).toBe(frames[pages - 2]);
    for (let pfn = 0; pfn < pages; pfn++) {
      const pte = memory.read32(frames[pages - 2] * 4096 + pfn * 4);
      expect(pte >>> 12, `pfn ${pfn}`).toBe(frames[pfn]);
      expect(pte & 0xfff, `pfn ${pfn}`).toBe(pfn >= pages - 2 ? 0x021 : 0x023);
      expect(memory.read32(hv.m2pFrames[0] * 4096 + frames[pfn] * 4) >>> 0).toBe(pfn >>> 0); // m2p
    }
    // start_info at N-3-nL1 for an ordinary domain.
    const startInfo = frames[pages - 4] * 4096;
    expect(memory.read32(startInfo + StartInfo.nr_pages)).toBe(pages);
    expect(memory.read32(startInfo + StartInfo.shared_info)).toBe(domain.sharedInfoFrame * 4096);
    expect(memory.read32(startInfo + StartInfo.dom_id)).toBe(info.id);
    expect(memory.read32(startInfo + StartInfo.pt_base) >>> 0).toBe(BASE + (pages - 1) * 4096);
    const commandLine = memory.readBytes(startInfo + StartInfo.cmd_line, 18);
    expect(String.fromCharCode(...commandLine)).toBe("console=xen quiet\0");
    // Registers at entry.
    const context = domain.context;
    expect(context.registers[Reg.ESI] >>> 0).toBe(BASE + (pages - 4) * 4096);
    expect(context.registers[Reg.ESP]).toBe(context.registers[Reg.ESI]);
    expect(context.eip >>> 0).toBe(BASE);
    expect(context.selector[Seg.CS]).toBe(0x0819);
    expect(context.selector[Seg.SS]).toBe(0x0821);
    expect(context.cpl).toBe(1);
  });

  it("refuses a domain too small for its kernel, and leaves nothing behind", () => {
    const { hv, control } = setup();
    const free = hv.allocator.freeCount;
    expect(() => control.create({ name: "tiny", memoryKiB: 64, kernel: elf({ memsz: 0x10000 }) })).toThrow(/too little/);
    expect(hv.allocator.freeCount).toBe(free);
    expect(control.list()).toHaveLength(0);
  });

  it("runs a kernel that prints and exits", () => {
    const { hv, control, lines } = setup();
    const info = control.create({ name: "hello", memoryKiB: 256, kernel: elf({ code: helloKernel("hello, world\n") }) });
    expect(hv.run(1e9).reason).toBe("no-domains");
    expect(lines).toEqual([`${info.id}: hello, world`]);
    expect(control.info(info.id)).toMatchObject({ state: "dead", killed: false, hypercalls: 2 });
  });

  it("kills a kernel that faults with no handler, and the other domain runs on", () => {
    const { hv, control, lines } = setup();
    const bad = control.create({ name: "bad", memoryKiB: 256, kernel: elf({ code: Uint8Array.from([0x0f, 0x0b]) }) });
    const good = control.create({ name: "good", memoryKiB: 256, kernel: elf({ code: helloKernel("still here\n") }) });
    const free = hv.allocator.freeCount;
    hv.run(1e9);
    expect(control.info(bad.id)).toMatchObject({ state: "dead", killed: true });
    expect(control.info(bad.id).deathReason).toMatch(/exception 6 with no handler/);
    expect(lines).toEqual([`${good.id}: still here`]);
    expect(hv.allocator.freeCount).toBeGreaterThan(free);
  });
});
