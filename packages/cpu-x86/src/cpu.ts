/**
 * The i686 CPU: architectural state, the memory and stack accessors every
 * instruction uses, and the run loop over cached decoded blocks.
 *
 * Faults leave an instruction through one door: `raise()` throws the CPU's
 * preallocated `CpuException` (or the MMU throws its preallocated
 * `PageFault`), and `run()` catches it once and delivers it. Handlers commit
 * architectural state only after everything that can fault, so a fault
 * leaves the registers as they were before the instruction.
 */
import { type Mmu, PageFault } from "@xeno86/mmu";
import { CodeCache, type Block, type Region } from "./code-cache";
import { CPU_SIGNATURE } from "./cpuid";
import { decodeInstruction } from "./decoder";
import { BlockCompiler, type CompiledBlock } from "./jit/block-compiler";
import { Flag } from "./eflags";
import { CpuException, Vector } from "./exceptions";
import { Instr } from "./instruction";
import {
  EventKind,
  Exit,
  type ExitCode,
  ExitInfo,
  type FpuErrorPins,
  type InterruptAcknowledge,
  type IoBus,
  type TraceHook,
} from "./interfaces";
import { deliverEvent } from "./interrupts";
import { LazyFlags } from "./lazy-flags";
import { MsrFile } from "./msr";
import { RegisterFile, Seg } from "./registers";
import { SegmentAttr, loadSegment, setRealModeSegment, setSegmentCache } from "./segmentation";
import type { FpuHost, FpuMemory } from "./x87/fpu-host";
import { X87 } from "./x87/x87";

export interface CpuOptions {
  mmu: Mmu;
  /** Compile hot blocks to JavaScript (default true; off where `new Function` is forbidden). */
  jit?: boolean;
  /** Interpreted executions of a block before it is compiled (default 1000). */
  jitThreshold?: number;
  io?: IoBus;
  interrupts?: InterruptAcknowledge;
  fpuPins?: FpuErrorPins;
}

/** Ports read as all ones and writes vanish when no bus is attached. */
const NO_IO: IoBus = {
  in8: () => 0xff,
  in16: () => 0xffff,
  in32: () => -1,
  out8: () => {},
  out16: () => {},
  out32: () => {},
};

/** `serviceEvents` ran one instruction itself. */
const STEPPED = -2;

/** Regions entered one from another before control goes back through the run loop (JavaScript stack depth). */
const MAX_CHAIN_DEPTH = 16;

/**
 * Interpreted executions of a block before it is compiled. Generating and
 * optimising JavaScript costs about as much as interpreting a block some
 * thousands of times (a new function also runs slowly until the engine has
 * optimised it): code that runs less (boot, fork and exec paths) is better
 * interpreted. On the Linux bench 1000 beat 40, 200 and 500, and 5000 beat
 * 1000 (100 fork+exec: 5.3 s against 10 s) while loops still compile early
 * enough; 10000 and more slow the shell loop down again.
 */
const DEFAULT_JIT_THRESHOLD = 5000;

/** Blocks end after this many instructions so interrupts are checked often enough. */
const MAX_BLOCK_INSTRUCTIONS = 64;

export class Cpu extends LazyFlags {
  readonly mmu: Mmu;
  io: IoBus;
  interrupts: InterruptAcknowledge | null;
  fpuPins: FpuErrorPins | null;

  // ---- general registers (views on one buffer; slot 8 is always zero) ----
  readonly registers = new RegisterFile();
  readonly r32: Int32Array = this.registers.r32;
  readonly r16: Uint16Array = this.registers.r16;
  readonly r8: Uint8Array = this.registers.r8;

  /** Offset in CS of the instruction being executed. */
  eip = 0;
  /** Where execution continues after this instruction; branches overwrite it. */
  nextEip = 0;

  // ---- segment registers and their descriptor caches, indexed by `Seg` ----
  readonly segSelector = new Uint16Array(6);
  readonly segBase = new Int32Array(6);
  /** Byte-granular limit (unsigned, stored as int32). */
  readonly segLimit = new Int32Array(6);
  /** Access byte (bits 0-7) and the G/D/L/AVL nibble (bits 8-11); see `SegmentAttr`. */
  readonly segAttr = new Uint16Array(6);
  /** Bit n set: reads through segment n need the slow checks (limit, type, null). */
  segSlowRead = 0;
  segSlowWrite = 0;

  cpl = 0;
  /** CS.D: 32-bit default operand and address size. */
  code32 = false;
  /** SS.B: 32-bit stack pointer. */
  stack32 = false;

  // ---- system registers ----
  cr0 = 0x60000010;
  cr2 = 0;
  cr3 = 0;
  cr4 = 0;
  readonly dr = new Int32Array(8);
  gdtBase = 0;
  gdtLimit = 0xffff;
  idtBase = 0;
  idtLimit = 0x3ff;
  ldtSelector = 0;
  ldtBase = 0;
  ldtLimit = 0xffff;
  trSelector = 0;
  trBase = 0;
  trLimit = 0xffff;
  /** Type of the loaded TSS descriptor (0xb busy 32-bit, 0x3 busy 16-bit). */
  trType = 0xb;
  readonly msr: MsrFile;
  /** Scratch for 64-bit results: [low, high]. */
  readonly wide = new Int32Array(2);
  /** Scratch for CPUID's four registers. */
  readonly wide4 = new Int32Array(4);
  /** Scratch for POPA. */
  readonly wide8 = new Int32Array(8);
  /** Scratch for the descriptor being examined: [low word, high word]. */
  readonly descriptor = new Int32Array(2);
  readonly fpu: X87;

  // ---- execution state ----
  halted = false;
  /** The INTR line from the interrupt controller. */
  intrLine = false;
  nmiPending = false;
  /** NMIs are blocked from an NMI's delivery until the next IRET. */
  nmiBlocked = false;
  /** Interrupts are inhibited until after the next instruction (STI, MOV SS, POP SS). */
  interruptShadow = false;
  /** Debug traps (single-step) are inhibited until after the next instruction (MOV SS, POP SS). */
  debugShadow = false;
  /** Retired instructions: the deterministic clock. A double holds integers exactly to 2^53. */
  instructionCount = 0;
  /** TSC = instructionCount * tscPerInstruction + tscOffset (both set by the embedder). */
  tscPerInstruction = 1;
  tscOffset = 0;

  /**
   * Intercept bitmap: bit v set means vector v leaves `run()` with
   * `Exit.Intercept` instead of going through the IDT. Covers exceptions,
   * software interrupts and (if `interceptExternal`) external interrupts.
   */
  readonly intercept = new Uint32Array(8);
  interceptExternal = false;
  readonly exitInfo = new ExitInfo();

  readonly exception = new CpuException();
  readonly pageFault: PageFault;
  /** INT n/INT3/INTO compare the gate's DPL with CPL; INT1 (ICEBP) does not. */
  softwareInterruptChecksDpl = true;
  /** Vector being delivered (for the double-fault rules), or -1. */
  deliveringVector = -1;

  readonly codeCache: CodeCache;
  readonly blockCompiler: BlockCompiler;
  jitEnabled: boolean;
  jitThreshold: number;
  /** Instructions of the running compiled block (or loop iteration) already added to `instructionCount`. */
  jitCounted = 0;
  /** Which block of a compiled region is running, and the EIP it started at (fault accounting). */
  jitBlockIndex = -1;
  jitBlockStart = 0;
  /** The blocks of the innermost region running (what `jitBlockIndex` indexes). */
  jitBlocks: readonly Block[] = [];
  /** Regions entered from other regions (see jitChain). */
  jitDepth = 0;
  /** Non-zero when something outside the instruction stream needs the run loop (interrupt line, stop, reset). */
  attention = 0;
  /** `instructionCount` at which the current `run()` ends. */
  budgetEnd = 0;
  /** Set when a write hit the page of the block being executed: the block stops after this instruction. */
  codeModified = false;

  private traceHook: TraceHook | null = null;
  private readonly breakpoints = new Set<number>();
  private stopRequested = false;
  private resetRequested = false;
  private readonly scratchInstr = new Instr();

  /** The x87's view of the CPU (memory at the current privilege, EFLAGS, AX). */
  private readonly fpuHost: FpuHost;

  constructor(options: CpuOptions) {
    super();
    this.mmu = options.mmu;
    this.io = options.io ?? NO_IO;
    this.interrupts = options.interrupts ?? null;
    this.fpuPins = options.fpuPins ?? null;
    this.pageFault = this.mmu.fault;
    this.msr = new MsrFile();
    this.codeCache = new CodeCache(this.mmu.memory);
    this.blockCompiler = new BlockCompiler();
    this.jitEnabled = options.jit !== false && this.blockCompiler.available;
    this.jitThreshold = options.jitThreshold ?? DEFAULT_JIT_THRESHOLD;
    this.mmu.memory.setCodeWriteListener((page) => {
      this.codeCache.invalidatePage(page);
      this.codeModified = true;
    });
    const mmu = this.mmu;
    const memory: FpuMemory = {
      read8: (a) => mmu.read8(a),
      read16: (a) => mmu.read16(a),
      read32: (a) => mmu.read32(a),
      write8: (a, v) => mmu.write8(a, v),
      write16: (a, v) => mmu.write16(a, v),
      write32: (a, v) => mmu.write32(a, v),
      probeWrite: (a, length) => mmu.probeWrite(a, length),
    };
    this.fpuHost = {
      memory,
      readEflags: () => this.getEflags(),
      setComparisonFlags: (zf, pf, cf) => {
        this.setArithFlags((zf ? Flag.ZF : 0) | (pf ? Flag.PF : 0) | (cf ? Flag.CF : 0));
      },
      writeAx: (value) => {
        this.r16[0] = value;
      },
    };
    this.fpu = new X87(this.fpuHost);
    this.reset();
  }

  // ======================================================================
  // Reset and mode bookkeeping
  // ======================================================================

  /** Power-on / RESET state (SDM vol. 3, 9.1.1). */
  reset(): void {
    this.r32.fill(0);
    this.r32[2] = CPU_SIGNATURE; // EDX holds the CPUID signature after reset
    this.storedFlags = Flag.FIXED1;
    this.lazyMask = 0;
    this.eip = 0xfff0;
    this.nextEip = 0xfff0;
    this.cr0 = 0x60000010;
    this.cr2 = 0;
    this.cr3 = 0;
    this.cr4 = 0;
    this.dr.fill(0);
    this.dr[6] = 0xffff0ff0 | 0;
    this.dr[7] = 0x400;
    this.gdtBase = 0;
    this.gdtLimit = 0xffff;
    this.idtBase = 0;
    this.idtLimit = 0x3ff;
    this.ldtSelector = 0;
    this.ldtBase = 0;
    this.ldtLimit = 0xffff;
    this.trSelector = 0;
    this.trBase = 0;
    this.trLimit = 0xffff;
    this.trType = 0xb;
    for (let s = 0; s < 6; s++) setRealModeSegment(this, s, 0, 0xffff, SegmentAttr.DATA_RW_PRESENT);
    setRealModeSegment(this, Seg.CS, 0xf000, 0xffff, SegmentAttr.CODE_RX_PRESENT);
    this.segBase[Seg.CS] = 0xffff0000 | 0;
    this.cpl = 0;
    this.mmu.setUserMode(false);
    this.mmu.setPagingMode(false, false, false, false);
    this.mmu.setCr3(0);
    this.halted = false;
    this.nmiPending = false;
    this.nmiBlocked = false;
    this.interruptShadow = false;
    this.deliveringVector = -1;
    this.msr.reset();
    this.fpu.reset();
    this.codeCache.clear();
    this.updateCodeSize();
  }

  /** Loads a segment register with a flat 4 GiB descriptor cache (as a loader leaves it). */
  loadFlatSegment(seg: number, selector: number, attributes: number): void {
    setSegmentCache(this, seg, selector, 0, -1, attributes);
  }

  /** Real mode at CS:IP, the way a boot sector is entered. */
  loadRealModeEntry(cs: number, ip: number): void {
    this.cr0 &= ~0x80000001;
    setRealModeSegment(this, Seg.CS, cs, 0xffff, SegmentAttr.CODE_RX_PRESENT);
    this.setCpl(0);
    this.eip = ip & 0xffff;
    this.updateAllSegmentChecks();
  }

  get protectedMode(): boolean {
    return (this.cr0 & 1) !== 0;
  }

  get v86Mode(): boolean {
    return (this.storedFlags & Flag.VM) !== 0;
  }

  get iopl(): number {
    return (this.storedFlags >> 12) & 3;
  }

  setCpl(cpl: number): void {
    this.cpl = cpl;
    this.mmu.setUserMode(cpl === 3);
  }

  /** Recomputes what depends on CS.D and SS.B. */
  updateCodeSize(): void {
    this.code32 = (this.segAttr[Seg.CS] & SegmentAttr.DB) !== 0;
    this.stack32 = (this.segAttr[Seg.SS] & SegmentAttr.DB) !== 0;
  }

  /** Loads a segment register the way MOV/POP/LxS do in the current mode (checks, faults). */
  loadSegment(seg: number, selector: number): void {
    loadSegment(this, seg, selector);
  }

  /** Mask applied to EIP arithmetic: 16-bit code wraps at 64 KiB. */
  get ipMask(): number {
    return this.code32 ? -1 : 0xffff;
  }

  // ======================================================================
  // Exceptions
  // ======================================================================

  /** Leaves the current instruction with an exception. */
  raise(vector: number, errorCode = -1): never {
    const e = this.exception;
    e.vector = vector;
    e.hasErrorCode = errorCode >= 0;
    e.errorCode = errorCode >= 0 ? errorCode : 0;
    throw e;
  }

  raiseGP(errorCode = 0): never {
    return this.raise(Vector.GP, errorCode);
  }

  raiseUD(): never {
    return this.raise(Vector.UD);
  }

  isIntercepted(vector: number): boolean {
    return (this.intercept[vector >>> 5] & (1 << (vector & 31))) !== 0;
  }

  setIntercept(vector: number, on: boolean): void {
    if (on) this.intercept[vector >>> 5] |= 1 << (vector & 31);
    else this.intercept[vector >>> 5] &= ~(1 << (vector & 31));
  }

  // ======================================================================
  // Effective addresses and memory through segments
  // ======================================================================

  /** The effective address (offset in the segment) of a decoded memory operand. */
  ea(i: Instr): number {
    if (i.address16) return (this.r16[i.base << 1] + this.r16[i.index << 1] + i.displacement) & 0xffff;
    return (this.r32[i.base] + (this.r32[i.index] << i.scale) + i.displacement) | 0;
  }

  /** Linear address for a read of `size` bytes at `offset` in segment `seg` (checks the segment). */
  readLinear(seg: number, offset: number, size: number): number {
    if ((this.segSlowRead & (1 << seg)) !== 0) this.checkSegment(seg, offset, size, false);
    return (this.segBase[seg] + offset) | 0;
  }

  writeLinear(seg: number, offset: number, size: number): number {
    if ((this.segSlowWrite & (1 << seg)) !== 0) this.checkSegment(seg, offset, size, true);
    return (this.segBase[seg] + offset) | 0;
  }

  // The accessors below repeat the MMU's one-bit TLB test inline (the hot path may bind
  // the two packages concretely) so that compiled code needs one call, not three.

  read8(seg: number, offset: number): number {
    if ((this.segSlowRead & (1 << seg)) !== 0) this.checkSegment(seg, offset, 1, false);
    const linear = (this.segBase[seg] + offset) | 0;
    const mmu = this.mmu;
    const entry = mmu.tlb[linear >>> 12];
    if ((entry & mmu.fastReadBit) !== 0) return mmu.ram8[(entry & ~0xfff) | (linear & 0xfff)];
    return mmu.readSlow(linear, 1, mmu.isUserMode);
  }

  read16(seg: number, offset: number): number {
    if ((this.segSlowRead & (1 << seg)) !== 0) this.checkSegment(seg, offset, 2, false);
    const linear = (this.segBase[seg] + offset) | 0;
    const mmu = this.mmu;
    const entry = mmu.tlb[linear >>> 12];
    if ((entry & mmu.fastReadBit) !== 0 && (linear & 0xfff) !== 0xfff) {
      const p = (entry & ~0xfff) | (linear & 0xfff);
      return mmu.ram8[p] | (mmu.ram8[p + 1] << 8);
    }
    return mmu.readSlow(linear, 2, mmu.isUserMode);
  }

  read32(seg: number, offset: number): number {
    if ((this.segSlowRead & (1 << seg)) !== 0) this.checkSegment(seg, offset, 4, false);
    const linear = (this.segBase[seg] + offset) | 0;
    const mmu = this.mmu;
    const entry = mmu.tlb[linear >>> 12];
    if ((entry & mmu.fastReadBit) !== 0 && (linear & 0xfff) <= 0xffc) {
      const p = (entry & ~0xfff) | (linear & 0xfff);
      if ((p & 3) === 0) return mmu.ram32[p >>> 2];
      const m = mmu.ram8;
      return m[p] | (m[p + 1] << 8) | (m[p + 2] << 16) | (m[p + 3] << 24);
    }
    return mmu.readSlow(linear, 4, mmu.isUserMode);
  }

  write8(seg: number, offset: number, value: number): void {
    if ((this.segSlowWrite & (1 << seg)) !== 0) this.checkSegment(seg, offset, 1, true);
    const linear = (this.segBase[seg] + offset) | 0;
    const mmu = this.mmu;
    const entry = mmu.tlb[linear >>> 12];
    if ((entry & mmu.fastWriteBit) !== 0) mmu.ram8[(entry & ~0xfff) | (linear & 0xfff)] = value;
    else mmu.writeSlow(linear, 1, value, mmu.isUserMode);
  }

  write16(seg: number, offset: number, value: number): void {
    if ((this.segSlowWrite & (1 << seg)) !== 0) this.checkSegment(seg, offset, 2, true);
    const linear = (this.segBase[seg] + offset) | 0;
    const mmu = this.mmu;
    const entry = mmu.tlb[linear >>> 12];
    if ((entry & mmu.fastWriteBit) !== 0 && (linear & 0xfff) !== 0xfff) {
      const p = (entry & ~0xfff) | (linear & 0xfff);
      mmu.ram8[p] = value;
      mmu.ram8[p + 1] = value >> 8;
    } else mmu.writeSlow(linear, 2, value, mmu.isUserMode);
  }

  write32(seg: number, offset: number, value: number): void {
    if ((this.segSlowWrite & (1 << seg)) !== 0) this.checkSegment(seg, offset, 4, true);
    const linear = (this.segBase[seg] + offset) | 0;
    const mmu = this.mmu;
    const entry = mmu.tlb[linear >>> 12];
    if ((entry & mmu.fastWriteBit) !== 0 && (linear & 0xfff) <= 0xffc) {
      const p = (entry & ~0xfff) | (linear & 0xfff);
      if ((p & 3) === 0) mmu.ram32[p >>> 2] = value;
      else {
        const m = mmu.ram8;
        m[p] = value;
        m[p + 1] = value >> 8;
        m[p + 2] = value >> 16;
        m[p + 3] = value >> 24;
      }
    } else mmu.writeSlow(linear, 4, value, mmu.isUserMode);
  }

  /**
   * Linear address for a read-modify-write of `size` bytes: checks the segment
   * for writing and probes the page for writing, so the read that follows and
   * the write cannot fault once the instruction has computed its result.
   */
  rmwLinear(seg: number, offset: number, size: number): number {
    const linear = this.writeLinear(seg, offset, size);
    const entry = this.mmu.tlb[linear >>> 12];
    if ((entry & this.mmu.fastWriteBit) === 0 || (linear & 0xfff) > 0x1000 - size) this.mmu.probeWrite(linear, size);
    return linear;
  }

  /** Slow segment checks: null selector, type, limit (expand-up and expand-down). */
  checkSegment(seg: number, offset: number, size: number, write: boolean): void {
    const faultVector = seg === Seg.SS ? Vector.SS : Vector.GP;
    const attr = this.segAttr[seg];
    const protectedNotV86 = (this.cr0 & 1) !== 0 && (this.storedFlags & Flag.VM) === 0;
    if (protectedNotV86) {
      if ((attr & SegmentAttr.PRESENT) === 0) this.raise(faultVector, 0); // null or unusable selector
      const code = (attr & SegmentAttr.CODE) !== 0;
      if (write && (code || (attr & SegmentAttr.WRITABLE) === 0)) this.raise(faultVector, 0);
      if (!write && code && (attr & SegmentAttr.READABLE) === 0) this.raise(faultVector, 0);
    }
    const limit = this.segLimit[seg] >>> 0;
    const first = offset >>> 0;
    const last = first + size - 1;
    if ((attr & (SegmentAttr.CODE | SegmentAttr.EXPAND_DOWN)) === SegmentAttr.EXPAND_DOWN) {
      const upper = (attr & SegmentAttr.DB) !== 0 ? 0xffffffff : 0xffff;
      if (first <= limit || last > upper) this.raise(faultVector, 0);
    } else if (last > limit) {
      this.raise(faultVector, 0);
    }
  }

  /** Recomputes the fast-path bits for a segment after its cache changed. */
  updateSegmentChecks(seg: number): void {
    const attr = this.segAttr[seg];
    const bit = 1 << seg;
    const flat = this.segLimit[seg] === -1 && (attr & SegmentAttr.PRESENT) !== 0;
    const code = (attr & SegmentAttr.CODE) !== 0;
    const expandDown = !code && (attr & SegmentAttr.EXPAND_DOWN) !== 0;
    const realOrV86 = (this.cr0 & 1) === 0 || (this.storedFlags & Flag.VM) !== 0;
    const readable = realOrV86 || !code || (attr & SegmentAttr.READABLE) !== 0;
    const writable = realOrV86 || (!code && (attr & SegmentAttr.WRITABLE) !== 0);
    if (flat && !expandDown && readable) this.segSlowRead &= ~bit;
    else this.segSlowRead |= bit;
    if (flat && !expandDown && writable) this.segSlowWrite &= ~bit;
    else this.segSlowWrite |= bit;
  }

  /** Recomputes all segments' fast-path bits (after a mode change). */
  updateAllSegmentChecks(): void {
    for (let s = 0; s < 6; s++) this.updateSegmentChecks(s);
  }

  // ======================================================================
  // The stack
  // ======================================================================

  /** Current stack pointer (ESP or SP, by SS.B). */
  get stackPointer(): number {
    return this.stack32 ? this.r32[4] : this.r16[8];
  }

  /** Sets ESP or only SP, by SS.B. */
  setStackPointer(value: number): void {
    if (this.stack32) this.r32[4] = value;
    else this.r16[8] = value;
  }

  /** Offset of the stack top after pushing `bytes` (the push itself has not happened). */
  stackOffsetAfterPush(bytes: number): number {
    return this.stack32 ? (this.r32[4] - bytes) | 0 : (this.r16[8] - bytes) & 0xffff;
  }

  push16(value: number): void {
    const sp = this.stackOffsetAfterPush(2);
    this.write16(Seg.SS, sp, value);
    this.setStackPointer(sp);
  }

  push32(value: number): void {
    const sp = this.stackOffsetAfterPush(4);
    this.write32(Seg.SS, sp, value);
    this.setStackPointer(sp);
  }

  pushSized(value: number, operand16: boolean): void {
    if (operand16) this.push16(value);
    else this.push32(value);
  }

  /** Reads the value on top of the stack plus `skip` bytes without popping. */
  peek16(skip = 0): number {
    const sp = this.stack32 ? (this.r32[4] + skip) | 0 : (this.r16[8] + skip) & 0xffff;
    return this.read16(Seg.SS, sp);
  }

  peek32(skip = 0): number {
    const sp = this.stack32 ? (this.r32[4] + skip) | 0 : (this.r16[8] + skip) & 0xffff;
    return this.read32(Seg.SS, sp);
  }

  /** Moves the stack pointer by `bytes` (wrapping SP in a 16-bit stack). */
  adjustStack(bytes: number): void {
    if (this.stack32) this.r32[4] = (this.r32[4] + bytes) | 0;
    else this.r16[8] = (this.r16[8] + bytes) & 0xffff;
  }

  pop16(): number {
    const value = this.peek16();
    this.adjustStack(2);
    return value;
  }

  pop32(): number {
    const value = this.peek32();
    this.adjustStack(4);
    return value;
  }

  // ======================================================================
  // EFLAGS
  // ======================================================================

  /** Writes EFLAGS bits in `mask` (callers decide which bits the privilege allows). */
  writeEflags(value: number, mask: number): void {
    this.materializeFlags();
    const before = this.storedFlags;
    this.storedFlags = ((before & ~mask) | (value & mask) | Flag.FIXED1) & ~0x8028;
    if (((before ^ this.storedFlags) & Flag.VM) !== 0) this.updateAllSegmentChecks();
  }

  // ======================================================================
  // x87 glue
  // ======================================================================

  /** #NM / #MF checks before an x87 instruction: CR0.EM or CR0.TS give #NM; a pending unmasked exception #MF. */
  checkFpuAvailable(waiting: boolean): void {
    if ((this.cr0 & 0xc) !== 0) this.raise(Vector.NM);
    if (waiting && this.fpu.pendingException) this.signalFpuError();
  }

  /** An unmasked x87 exception is pending at a waiting instruction. */
  signalFpuError(): void {
    if ((this.cr0 & 0x20) !== 0) this.raise(Vector.MF);
    // CR0.NE = 0: the PC's FERR# -> IRQ13 path; the instruction proceeds (IGNNE# asserted by the board).
    this.fpuPins?.ferr(true);
  }

  // ======================================================================
  // Hooks the embedder installs
  // ======================================================================

  setTraceHook(hook: TraceHook | null): void {
    this.traceHook = hook;
    this.attention = 1;
  }

  addBreakpoint(linear: number): void {
    this.breakpoints.add(linear >>> 0);
    this.attention = 1;
  }

  removeBreakpoint(linear: number): void {
    this.breakpoints.delete(linear >>> 0);
  }

  /** Makes `run()` return `Exit.Stopped` at the next instruction boundary (e.g. from a device callback). */
  requestStop(): void {
    this.stopRequested = true;
    this.attention = 1;
  }

  /** Makes `run()` return `Exit.Reset` at the next instruction boundary (keyboard controller, port 0xCF9, ...). */
  requestReset(): void {
    this.resetRequested = true;
    this.attention = 1;
  }

  setInterruptLine(asserted: boolean): void {
    this.intrLine = asserted;
    if (asserted) this.attention = 1;
  }

  raiseNmi(): void {
    this.nmiPending = true;
    this.attention = 1;
  }

  /** The 64-bit time-stamp counter as [low, high] words. */
  readTsc(into: Int32Array): void {
    const value = this.instructionCount * this.tscPerInstruction + this.tscOffset;
    into[0] = value % 4294967296 | 0;
    into[1] = Math.floor(value / 4294967296) | 0;
  }

  // ======================================================================
  // The run loop
  // ======================================================================

  /**
   * Executes up to `budget` instructions and says why it stopped. Details of
   * intercepts and triple faults are in `exitInfo`.
   */
  run(budget: number): ExitCode {
    this.budgetEnd = this.instructionCount + budget;
    for (;;) {
      try {
        return this.runLoop();
      } catch (thrown) {
        const exit = this.handleThrown(thrown);
        if (exit >= 0) return exit as ExitCode;
      }
    }
  }

  private runLoop(): ExitCode {
    for (;;) {
      if (
        this.attention !== 0 ||
        this.intrLine ||
        this.interruptShadow ||
        this.halted ||
        this.pendingExit >= 0 ||
        (this.storedFlags & Flag.TF) !== 0
      ) {
        const exit = this.serviceEvents();
        if (exit >= 0) return exit as ExitCode;
        if (exit === STEPPED) continue;
      }
      if (this.instructionCount >= this.budgetEnd) return this.finishExit(Exit.Budget);
      this.executeBlock();
    }
  }

  /**
   * Everything other than running the next block: stop and reset requests,
   * pending exits, interrupts (after the STI/MOV SS shadow), HLT, and
   * single-stepping for the trace hook, breakpoints and TF. Returns an exit
   * code, STEPPED when it ran one instruction itself, or -1 to go on.
   */
  private serviceEvents(): number {
    this.attention = 0;
    if (this.stopRequested) {
      this.stopRequested = false;
      return this.finishExit(Exit.Stopped);
    }
    if (this.pendingExit >= 0) return this.takePendingExit();
    if (this.resetRequested) {
      this.resetRequested = false;
      return this.finishExit(Exit.Reset);
    }
    if (this.interruptShadow) {
      if (this.nmiPending || this.intrLine) {
        // Something is waiting: run exactly the one shadowed instruction, then look again.
        if (this.instructionCount >= this.budgetEnd) {
          this.attention = 1;
          return this.finishExit(Exit.Budget);
        }
        this.interruptShadow = false;
        this.executeOne();
        this.attention = 1;
        return this.takePendingExit() >= 0 ? this.finishExit(Exit.Intercept) : STEPPED;
      }
      this.interruptShadow = false;
    } else if (this.nmiPending || this.intrLine) {
      const exit = this.checkInterrupts();
      if (exit >= 0) return exit;
    }
    if (this.halted) return this.finishExit(Exit.Halt);
    // The MOV SS debug shadow matters only to a single-step about to happen.
    if ((this.storedFlags & Flag.TF) === 0) this.debugShadow = false;
    if (this.traceHook !== null || this.breakpoints.size !== 0 || (this.storedFlags & Flag.TF) !== 0) {
      this.attention = 1; // stay on this path while stepping
      if (this.instructionCount >= this.budgetEnd) return this.finishExit(Exit.Budget);
      const exit = this.stepCarefully();
      return exit >= 0 ? exit : STEPPED;
    }
    return -1;
  }

  /** Finds or builds the block at CS:EIP and runs it. */
  private executeBlock(): void {
    const linear = (this.segBase[Seg.CS] + this.eip) | 0;
    const mmu = this.mmu;
    const entry = mmu.tlb[linear >>> 12];
    let physical: number;
    if ((entry & mmu.fastReadBit) !== 0) physical = (entry & ~0xfff) | (linear & 0xfff);
    else {
      this.checkFetchLimit(this.eip, 1);
      physical = mmu.fetchAddress(linear);
      if (!this.mmu.memory.isFastReadable(physical >>> 12)) {
        this.executeOne(); // code in MMIO or ROM outside RAM: not cached
        return;
      }
    }
    const key = physical * 2 + (this.code32 ? 1 : 0);
    let block = this.codeCache.lookup(key);
    if (block === undefined) {
      const built = this.buildBlock(linear, physical, key);
      if (built === null) {
        this.executeOne();
        return;
      }
      block = built;
    }
    if (((this.eip + block.byteLength - 1) >>> 0) > (this.segLimit[Seg.CS] >>> 0) && this.segLimit[Seg.CS] !== -1) {
      this.executeOne(); // the block runs past the CS limit: go one by one so the limit fault lands right
      return;
    }
    this.runBlock(block);
  }

  private runBlock(block: Block): void {
    const region = block.region;
    const flat = this.segLimit[Seg.CS] === -1;
    if (region !== null && flat) {
      this.runRegion(region);
      return;
    }
    if (block.compiled === null && (region !== null || (++block.executions === this.jitThreshold && this.jitEnabled))) {
      // Hot: into a region of its page when enough blocks there are hot, else (or when CS is not flat) compiled alone.
      if (region === null) this.buildRegions(block);
      if (block.region !== null && flat) {
        this.runRegion(block.region);
        return;
      }
      block.compiled = this.blockCompiler.compile(block, this.code32);
    }
    if (block.compiled !== null) {
      this.runCompiled(block, block.compiled);
      return;
    }
    const instrs = block.instrs;
    const n = instrs.length;
    const ipMask = this.code32 ? -1 : 0xffff;
    let k = 0;
    // Instructions of this block already added to the count: hand-written handlers
    // (port I/O, RDTSC) see an exact clock, as in compiled code.
    let counted = 0;
    this.codeModified = false;
    try {
      for (; k < n; ) {
        const i = instrs[k];
        this.nextEip = (this.eip + i.length) & ipMask;
        if (!i.templated) {
          this.instructionCount += k - counted;
          counted = k;
        }
        i.handler(this, i);
        this.eip = this.nextEip;
        k++;
        // A write to code, or an event (an OUT that raised INTR): back to the run loop.
        if (this.codeModified || this.attention !== 0) break;
      }
    } finally {
      this.instructionCount += k - counted;
    }
  }

  /** Builds the regions of `block`'s page that are due now that it is hot (see CodeCache.noteCompiled). */
  private buildRegions(block: Block): void {
    let regionBlocks = this.codeCache.noteCompiled(block, this.jitThreshold >>> 2);
    while (regionBlocks !== null && regionBlocks.length >= 2) {
      const compiled = this.blockCompiler.compileRegion(regionBlocks, this.code32);
      if (compiled === null) break;
      const region: Region = { run: compiled.run, blocks: compiled.included, valid: true };
      for (const member of compiled.included) member.region = region;
      this.codeCache.noteRegion(block, region);
      // What did not fit goes into the next region.
      regionBlocks = regionBlocks.slice(compiled.consumed);
    }
  }

  private runRegion(region: Region): void {
    this.codeModified = false;
    this.jitBlockIndex = -1;
    this.jitCounted = 0;
    this.jitDepth = 0;
    try {
      region.run(this);
    } catch (fault) {
      const index = this.jitBlockIndex;
      if (index >= 0) {
        // The innermost region running (regions call each other, see jitChain).
        const block = this.jitBlocks[index];
        const offset = (this.eip - this.jitBlockStart) & (this.code32 ? -1 : 0xffff);
        let k = 0;
        while (k < block.instrs.length && block.offsets[k] !== offset) k++;
        // Blocks without hand-written handlers never touch jitCounted (it may be stale).
        const counted = block.instrs.some((i) => !i.templated) ? this.jitCounted : 0;
        this.instructionCount += k - counted;
      }
      throw fault;
    }
  }

  /**
   * Compiled code leaving its region for `cpu.eip` (a branch with a target
   * known at compile time) enters the region there directly when there is
   * one, without going back to the run loop: a guest call becomes a
   * JavaScript call, and the callee's return to the caller's page a
   * JavaScript return. `cache` and `pages` hold, per exit site, the region
   * found last time and the physical page it was found on (checked against
   * the TLB each time). Returns what the region returned (0: stop, 1: the
   * caller may go on at `cpu.eip`), or -1 when there is no region to enter.
   */
  jitChain(cache: Array<Region | null>, pages: Int32Array, site: number): number {
    if (this.jitDepth >= MAX_CHAIN_DEPTH) return -1;
    const linear = (this.segBase[Seg.CS] + this.eip) | 0;
    const mmu = this.mmu;
    const entry = mmu.tlb[linear >>> 12];
    if ((entry & mmu.fastReadBit) === 0) return -1;
    let region = cache[site];
    if (region === null || !region.valid || pages[site] !== (entry & ~0xfff)) {
      const block = this.codeCache.lookup(((entry & ~0xfff) | (linear & 0xfff)) * 2 + (this.code32 ? 1 : 0));
      region = block !== undefined ? block.region : null;
      cache[site] = region;
      pages[site] = entry & ~0xfff;
      if (region === null) return -1;
    }
    this.jitDepth++;
    const go = region.run(this);
    this.jitDepth--;
    return go;
  }

  private runCompiled(block: Block, compiled: CompiledBlock): void {
    const start = this.eip;
    this.codeModified = false;
    this.jitCounted = 0;
    try {
      compiled(this);
    } catch (fault) {
      // Count what retired before the faulting instruction (cpu.eip points at it).
      const offset = (this.eip - start) & (this.code32 ? -1 : 0xffff);
      let k = 0;
      while (k < block.instrs.length && block.offsets[k] !== offset) k++;
      this.instructionCount += k - this.jitCounted;
      throw fault;
    }
  }

  /** Decodes a block starting at a RAM address; null if even its first instruction cannot be cached. */
  private buildBlock(linear: number, physical: number, key: number): Block | null {
    const instrs: Instr[] = [];
    let offset = 0;
    const pageRemaining = 0x1000 - (physical & 0xfff);
    while (instrs.length < MAX_BLOCK_INSTRUCTIONS && offset < pageRemaining) {
      const instr = new Instr();
      const maxBytes = pageRemaining - offset;
      if (!this.decodeAt((linear + offset) | 0, instr, maxBytes)) break; // crosses the page: stop before it
      instrs.push(instr);
      offset += instr.length;
      if (instr.endsBlock) break;
    }
    if (instrs.length === 0) return null;
    this.mmu.memory.markCodePage(physical >>> 12);
    return this.codeCache.insert(key, physical, instrs, offset);
  }

  /**
   * Decodes at `linear`; false if the instruction does not fit in `maxBytes`
   * (it crosses into the next page and is run uncached).
   */
  private decodeAt(linear: number, into: Instr, maxBytes: number): boolean {
    return decodeInstruction(this.mmu, linear, into, this.code32, maxBytes);
  }

  /** Decodes and runs one instruction without caching (page-crossing, MMIO code, single-stepping). */
  executeOne(): void {
    const i = this.scratchInstr;
    this.checkFetchLimit(this.eip, 1);
    if (!decodeInstruction(this.mmu, (this.segBase[Seg.CS] + this.eip) | 0, i, this.code32, 16)) this.raiseGP(0);
    this.checkFetchLimit(this.eip, i.length);
    this.nextEip = (this.eip + i.length) & (this.code32 ? -1 : 0xffff);
    const trapAfter = (this.storedFlags & Flag.TF) !== 0;
    this.debugShadow = false;
    i.handler(this, i);
    this.eip = this.nextEip;
    this.instructionCount++;
    // After MOV SS / POP SS the trap waits for the next instruction (SDM vol. 3, 6.8.3).
    if (trapAfter && !this.debugShadow) {
      this.dr[6] |= 0x4000; // BS: single-step
      deliverEvent(this, Vector.DB, EventKind.Exception, 0, false);
    }
  }

  /** One instruction with the trace hook, breakpoints and TF honoured. */
  private stepCarefully(): number {
    const linear = (this.segBase[Seg.CS] + this.eip) >>> 0;
    if (this.breakpoints.size !== 0 && this.breakpoints.has(linear) && !this.resumeFromBreakpoint) {
      this.resumeFromBreakpoint = true;
      return this.finishExit(Exit.Breakpoint);
    }
    this.resumeFromBreakpoint = false;
    this.traceHook?.(this.segSelector[Seg.CS], this.eip, linear);
    this.executeOne();
    return this.takePendingExit();
  }

  private resumeFromBreakpoint = false;
  /** Set by event delivery when an intercepted vector must leave `run()`. */
  pendingExit = -1;

  private checkFetchLimit(eip: number, length: number): void {
    const limit = this.segLimit[Seg.CS];
    if (limit !== -1 && ((eip >>> 0) + length - 1) > limit >>> 0) this.raiseGP(0);
  }

  /** Delivers NMI or INTR if they may be taken now. Returns an exit code, or -1 to go on. */
  private checkInterrupts(): number {
    if (this.nmiPending && !this.nmiBlocked) {
      this.nmiPending = false;
      this.halted = false;
      this.nmiBlocked = true;
      deliverEvent(this, Vector.NMI, EventKind.Nmi, 0, false);
      return this.takePendingExit();
    }
    if (this.intrLine && (this.storedFlags & Flag.IF) !== 0) {
      this.halted = false;
      if (this.interceptExternal) {
        this.exitInfo.kind = EventKind.External;
        return this.finishExit(Exit.Intercept);
      }
      const vector = this.interrupts !== null ? this.interrupts.acknowledge() & 0xff : 0xff;
      deliverEvent(this, vector, EventKind.External, 0, false);
      return this.takePendingExit();
    }
    return -1;
  }

  private takePendingExit(): number {
    const exit = this.pendingExit;
    this.pendingExit = -1;
    return exit;
  }

  /** Turns a thrown fault into a delivered exception; returns an exit code or -1 to continue. */
  private handleThrown(thrown: unknown): number {
    let vector: number;
    let errorCode: number;
    let withCode: boolean;
    if (thrown === this.exception) {
      vector = this.exception.vector;
      errorCode = this.exception.errorCode;
      withCode = this.exception.hasErrorCode;
    } else if (thrown === this.pageFault) {
      vector = Vector.PF;
      errorCode = this.pageFault.errorCode;
      withCode = true;
      this.cr2 = this.pageFault.linear;
    } else {
      throw thrown;
    }
    this.pendingExit = -1;
    try {
      deliverEvent(this, vector, EventKind.Exception, errorCode, withCode);
    } catch (nested) {
      // A fault while delivering: the double-fault rules live in deliverEvent;
      // reaching here means delivering #DF itself faulted.
      if (nested === this.exception || nested === this.pageFault) {
        return this.finishExit(Exit.TripleFault);
      }
      throw nested;
    }
    return this.takePendingExit();
  }

  /** Records the CS:EIP of an exit and returns its code. */
  finishExit(reason: ExitCode): ExitCode {
    const info = this.exitInfo;
    info.reason = reason;
    info.cs = this.segSelector[Seg.CS];
    info.eip = this.eip;
    return reason;
  }
}
