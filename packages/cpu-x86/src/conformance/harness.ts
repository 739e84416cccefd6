/**
 * Runs conformance vectors (see `vector-format.ts`) on a real `Cpu`: the
 * environment of the recording (CPL 3, flat segments, paging with the code,
 * data, stack and guard pages) is built once; each case resets the pages and
 * registers, runs until the first event that would enter the kernel, and is
 * compared with the recorded final state under the recorded masks.
 *
 * The harness keeps its own supervisor structures (page tables, IDT) out of
 * the tested address space: the IDT is mapped, supervisor-only, at
 * 0xFFC00000. A vector that touches that top 4 MiB from user mode would see a
 * protection fault there instead of a not-present fault.
 */
import { Mmu, PhysicalMemory } from "@xeno86/mmu";
import { Cpu } from "../cpu";
import { Flag } from "../eflags";
import { Exit, EventKind } from "../interfaces";
import { Seg } from "../registers";
import { SegmentAttr, setSegmentCache } from "../segmentation";
import { applyPagingMode } from "../control-registers";
import { type ConformanceCase, type FpuImage, REGISTER_ORDER, bytesToHex, hexToBytes } from "./vector-format";

export const CODE_BASE = 0x10000;
export const DATA_BASE = 0x20000;
export const DATA_SIZE = 0x2000;
export const STACK_BASE = 0x28000;
export const STACK_SIZE = 0x1000;

const PAGE_DIRECTORY = 0x100000;
const LOW_PAGE_TABLE = 0x101000;
const HIGH_PAGE_TABLE = 0x102000;
const IDT_PHYSICAL = 0x103000;
const IDT_LINEAR = 0xffc00000 | 0;
/** A 32-bit TSS without an I/O bitmap (its offset lies past the limit), after the IDT in the same page. */
const TSS_OFFSET = 0x800;
const RAM_BYTES = 0x200000;
/** Generous: cases are bounded to a few hundred iterations. */
const INSTRUCTION_BUDGET = 1_000_000;

const USER_CODE = SegmentAttr.CODE_RX_PRESENT | SegmentAttr.DB | SegmentAttr.GRANULARITY | (3 << SegmentAttr.DPL_SHIFT);
const USER_DATA = SegmentAttr.DATA_RW_PRESENT | SegmentAttr.DB | SegmentAttr.GRANULARITY | (3 << SegmentAttr.DPL_SHIFT);

export interface CaseResult {
  passed: boolean;
  /** What differed, in the order checked (empty when passed). */
  mismatches: string[];
}

const hex = (value: number) => `0x${(value >>> 0).toString(16)}`;

export class ConformanceHarness {
  readonly memory = new PhysicalMemory(RAM_BYTES);
  readonly mmu = new Mmu(this.memory);
  readonly cpu: Cpu;
  private readonly codeFill = new Uint8Array(0x1000).fill(0xcc);
  private readonly dataZero = new Uint8Array(DATA_SIZE);

  /**
   * `jitThreshold` 1 compiles every block before its first execution, so the
   * vectors check the block compiler; by default they check the interpreter.
   */
  constructor(options: { jit?: boolean; jitThreshold?: number } = {}) {
    this.cpu = new Cpu({ mmu: this.mmu, jit: options.jit ?? false, jitThreshold: options.jitThreshold });
    this.buildAddressSpace();
  }

  private buildAddressSpace(): void {
    const m = this.memory;
    const PRESENT = 1;
    const WRITABLE = 2;
    const USER = 4;
    m.write32(PAGE_DIRECTORY, LOW_PAGE_TABLE | PRESENT | WRITABLE | USER);
    m.write32(PAGE_DIRECTORY + (IDT_LINEAR >>> 22) * 4, HIGH_PAGE_TABLE | PRESENT | WRITABLE);
    m.write32(LOW_PAGE_TABLE + (CODE_BASE >>> 12) * 4, CODE_BASE | PRESENT | USER);
    for (let page = 0; page < DATA_SIZE / 4096; page++) {
      const address = DATA_BASE + page * 4096;
      m.write32(LOW_PAGE_TABLE + (address >>> 12) * 4, address | PRESENT | WRITABLE | USER);
    }
    m.write32(LOW_PAGE_TABLE + (STACK_BASE >>> 12) * 4, STACK_BASE | PRESENT | WRITABLE | USER);
    m.write32(HIGH_PAGE_TABLE, IDT_PHYSICAL | PRESENT);
    // IDT: 32-bit interrupt gates, DPL 0 except INT3 and INTO (DPL 3), as under Linux.
    for (let vector = 0; vector < 256; vector++) {
      const dpl = vector === 3 || vector === 4 ? 3 : 0;
      m.write32(IDT_PHYSICAL + vector * 8, 0x00080000);
      m.write32(IDT_PHYSICAL + vector * 8 + 4, 0x8e00 | (dpl << 13));
    }
    m.write16(IDT_PHYSICAL + TSS_OFFSET + 0x66, 0x68);
  }

  /** Puts the CPU and the pages in the case's initial state. */
  private prepare(c: ConformanceCase): void {
    const cpu = this.cpu;
    const m = this.memory;
    m.writeBytes(CODE_BASE, this.codeFill);
    m.writeBytes(CODE_BASE, hexToBytes(c.code));
    m.writeBytes(DATA_BASE, this.dataZero);
    m.writeBytes(STACK_BASE, this.dataZero.subarray(0, STACK_SIZE));
    for (const chunk of c.init.mem) m.writeBytes(chunk.addr, hexToBytes(chunk.hex));

    cpu.reset();
    cpu.cr0 = 0x80050033 | 0; // PG, AM, WP, NE, ET, MP, PE
    cpu.cr3 = PAGE_DIRECTORY;
    this.mmu.setCr3(PAGE_DIRECTORY);
    applyPagingMode(cpu);
    setSegmentCache(cpu, Seg.CS, 0x1b, 0, -1, USER_CODE);
    for (const seg of [Seg.SS, Seg.DS, Seg.ES]) setSegmentCache(cpu, seg, 0x23, 0, -1, USER_DATA);
    for (const seg of [Seg.FS, Seg.GS]) setSegmentCache(cpu, seg, 0, 0, 0, 0);
    cpu.setCpl(3);
    cpu.idtBase = IDT_LINEAR;
    cpu.idtLimit = 0x7ff;
    cpu.trBase = (IDT_LINEAR + TSS_OFFSET) | 0;
    cpu.trLimit = 0x67;
    cpu.trType = 0xb;
    cpu.updateAllSegmentChecks();
    REGISTER_ORDER.forEach((name, index) => {
      cpu.r32[index] = c.init.regs[name];
    });
    cpu.eip = CODE_BASE;
    cpu.lazyMask = 0;
    cpu.storedFlags = (c.init.eflags | Flag.FIXED1) & ~0x8028;
    if (c.init.fpu !== undefined) cpu.fpu.setState(fpuStateOf(c.init.fpu));
    cpu.intercept.fill(0xffffffff);
  }

  run(c: ConformanceCase): CaseResult {
    this.prepare(c);
    const cpu = this.cpu;
    const exit = cpu.run(INSTRUCTION_BUDGET);
    const mismatches: string[] = [];
    if (exit !== Exit.Intercept) {
      mismatches.push(`stopped with exit ${exit} at eip ${hex(cpu.eip)}, expected an exception or INT3`);
      return { passed: false, mismatches };
    }
    const info = cpu.exitInfo;
    const normalEnd = info.vector === 3 && info.kind === EventKind.Software;
    const expected = c.final.exception;
    if (normalEnd) {
      if (expected !== undefined) mismatches.push(`ended normally, expected exception ${expected.vector}`);
    } else if (expected === undefined) {
      mismatches.push(`exception ${info.vector}${info.hasErrorCode ? ` (error ${hex(info.errorCode)})` : ""}, expected a normal end`);
    } else {
      if (info.vector !== expected.vector) mismatches.push(`vector ${info.vector}, expected ${expected.vector}`);
      if (expected.errorCode !== undefined) {
        // No NX here: instruction-fetch page faults are compared without bit 4.
        const mask = expected.vector === 14 && (expected.errorCode & 0x10) !== 0 ? 0x7 : 0xffffffff;
        if (!info.hasErrorCode || ((info.errorCode ^ expected.errorCode) & mask) !== 0) {
          mismatches.push(`error code ${info.hasErrorCode ? hex(info.errorCode) : "none"}, expected ${hex(expected.errorCode)}`);
        }
      }
      if (expected.cr2 !== undefined && cpu.cr2 >>> 0 !== expected.cr2) mismatches.push(`cr2 ${hex(cpu.cr2)}, expected ${hex(expected.cr2)}`);
    }

    const final = c.final;
    if (info.eip >>> 0 !== final.eip) mismatches.push(`eip ${hex(info.eip)}, expected ${hex(final.eip)}`);
    REGISTER_ORDER.forEach((name, index) => {
      const undefinedBits = final.undefined?.regs?.[name] ?? 0;
      const mask = ~undefinedBits;
      if (((cpu.r32[index] ^ final.regs[name]) & mask) !== 0) {
        mismatches.push(`${name} ${hex(cpu.r32[index])}, expected ${hex(final.regs[name])}`);
      }
    });
    const eflags = cpu.getEflags() & ~Flag.RF;
    if (((eflags ^ final.eflags) & final.flagsMask) !== 0) {
      mismatches.push(`eflags ${hex(eflags)}, expected ${hex(final.eflags)} (mask ${hex(final.flagsMask)}, differ ${hex((eflags ^ final.eflags) & final.flagsMask)})`);
    }
    this.compareMemory(c, mismatches);
    if (final.fpu !== undefined) this.compareFpu(final.fpu, final.fswMask ?? 0xffff, mismatches);
    return { passed: mismatches.length === 0, mismatches };
  }

  private compareMemory(c: ConformanceCase, mismatches: string[]): void {
    const expected = new Map<number, number>();
    for (const chunk of c.init.mem) hexToBytes(chunk.hex).forEach((b, k) => expected.set(chunk.addr + k, b));
    for (const chunk of c.final.memChanged) hexToBytes(chunk.hex).forEach((b, k) => expected.set(chunk.addr + k, b));
    const ignored = c.final.undefined?.mem ?? [];
    const isIgnored = (address: number) => ignored.some((r) => address >= r.addr && address < r.addr + r.len);
    let reported = 0;
    const check = (base: number, size: number) => {
      for (let address = base; address < base + size; address++) {
        const actual = this.memory.ram8[address];
        const want = expected.get(address) ?? 0;
        if (actual !== want && !isIgnored(address) && reported++ < 4) {
          mismatches.push(`memory ${hex(address)} = ${hex(actual)}, expected ${hex(want)}`);
        }
      }
    };
    check(DATA_BASE, DATA_SIZE);
    check(STACK_BASE, STACK_SIZE);
  }

  private compareFpu(expected: FpuImage, fswMask: number, mismatches: string[]): void {
    const state = this.cpu.fpu.getState();
    if (state.fcw !== expected.fcw) mismatches.push(`fcw ${hex(state.fcw)}, expected ${hex(expected.fcw)}`);
    if (((state.fsw ^ expected.fsw) & fswMask) !== 0) {
      mismatches.push(`fsw ${hex(state.fsw)}, expected ${hex(expected.fsw)} (mask ${hex(fswMask)})`);
    }
    if (state.ftw !== expected.ftw) mismatches.push(`ftw ${hex(state.ftw)}, expected ${hex(expected.ftw)}`);
    for (let n = 0; n < 8; n++) {
      const actual = bytesToHex(state.st[n]);
      if (actual !== expected.st[n]) mismatches.push(`st${n} ${actual}, expected ${expected.st[n]}`);
    }
  }
}

function fpuStateOf(image: FpuImage) {
  return {
    fcw: image.fcw,
    fsw: image.fsw,
    ftw: image.ftw,
    st: image.st.map(hexToBytes),
    fip: 0,
    fcs: 0,
    fdp: 0,
    fds: 0,
    fop: 0,
  };
}
