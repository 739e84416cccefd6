/**
 * Named, versioned CPU state: everything architectural plus the few pieces
 * of execution state (halted, interrupt shadow, NMI blocking, clock) needed
 * for a restored CPU to continue exactly where the saved one was.
 */
import { applyPagingMode } from "./control-registers";
import type { Cpu } from "./cpu";
import { REG32_NAMES, SEGMENT_NAMES } from "./registers";
import { setSegmentCache } from "./segmentation";

export const CPU_STATE_VERSION = 1;

export interface SegmentState {
  selector: number;
  base: number;
  limit: number;
  attributes: number;
}

export interface CpuState {
  version: number;
  registers: Record<(typeof REG32_NAMES)[number], number>;
  eip: number;
  eflags: number;
  segments: Record<(typeof SEGMENT_NAMES)[number], SegmentState>;
  cpl: number;
  control: { cr0: number; cr2: number; cr3: number; cr4: number };
  debug: number[];
  gdt: { base: number; limit: number };
  idt: { base: number; limit: number };
  ldt: { selector: number; base: number; limit: number };
  task: { selector: number; base: number; limit: number; type: number };
  msrs: Record<string, [number, number]>;
  fpu: unknown;
  execution: {
    halted: boolean;
    interruptShadow: boolean;
    nmiPending: boolean;
    nmiBlocked: boolean;
    instructionCount: number;
    tscPerInstruction: number;
    tscOffset: number;
  };
}

export function saveCpuState(cpu: Cpu): CpuState {
  const registers = {} as CpuState["registers"];
  REG32_NAMES.forEach((name, index) => {
    registers[name] = cpu.r32[index] >>> 0;
  });
  const segments = {} as CpuState["segments"];
  SEGMENT_NAMES.forEach((name, index) => {
    segments[name] = {
      selector: cpu.segSelector[index],
      base: cpu.segBase[index] >>> 0,
      limit: cpu.segLimit[index] >>> 0,
      attributes: cpu.segAttr[index],
    };
  });
  return {
    version: CPU_STATE_VERSION,
    registers,
    eip: cpu.eip >>> 0,
    eflags: cpu.getEflags() >>> 0,
    segments,
    cpl: cpu.cpl,
    control: { cr0: cpu.cr0 >>> 0, cr2: cpu.cr2 >>> 0, cr3: cpu.cr3 >>> 0, cr4: cpu.cr4 >>> 0 },
    debug: Array.from(cpu.dr, (value) => value >>> 0),
    gdt: { base: cpu.gdtBase >>> 0, limit: cpu.gdtLimit },
    idt: { base: cpu.idtBase >>> 0, limit: cpu.idtLimit },
    ldt: { selector: cpu.ldtSelector, base: cpu.ldtBase >>> 0, limit: cpu.ldtLimit >>> 0 },
    task: { selector: cpu.trSelector, base: cpu.trBase >>> 0, limit: cpu.trLimit >>> 0, type: cpu.trType },
    msrs: cpu.msr.save(),
    fpu: jsonSafe(cpu.fpu.getState()),
    execution: {
      halted: cpu.halted,
      interruptShadow: cpu.interruptShadow,
      nmiPending: cpu.nmiPending,
      nmiBlocked: cpu.nmiBlocked,
      instructionCount: cpu.instructionCount,
      tscPerInstruction: cpu.tscPerInstruction,
      tscOffset: cpu.tscOffset,
    },
  };
}

export function restoreCpuState(cpu: Cpu, state: CpuState): void {
  if (typeof state !== "object" || state === null || state.version !== CPU_STATE_VERSION) {
    throw new Error(`unsupported CPU state version ${(state as { version?: unknown })?.version} (this CPU reads version ${CPU_STATE_VERSION})`);
  }
  REG32_NAMES.forEach((name, index) => {
    cpu.r32[index] = state.registers[name];
  });
  cpu.cr0 = state.control.cr0 | 0;
  cpu.cr2 = state.control.cr2 | 0;
  cpu.cr3 = state.control.cr3 | 0;
  cpu.cr4 = state.control.cr4 | 0;
  cpu.lazyMask = 0;
  cpu.storedFlags = state.eflags | 0;
  SEGMENT_NAMES.forEach((name, index) => {
    const s = state.segments[name];
    setSegmentCache(cpu, index, s.selector, s.base | 0, s.limit | 0, s.attributes);
  });
  cpu.setCpl(state.cpl);
  cpu.eip = state.eip | 0;
  cpu.nextEip = cpu.eip;
  state.debug.forEach((value, index) => {
    cpu.dr[index] = value;
  });
  cpu.gdtBase = state.gdt.base | 0;
  cpu.gdtLimit = state.gdt.limit;
  cpu.idtBase = state.idt.base | 0;
  cpu.idtLimit = state.idt.limit;
  cpu.ldtSelector = state.ldt.selector;
  cpu.ldtBase = state.ldt.base | 0;
  cpu.ldtLimit = state.ldt.limit | 0;
  cpu.trSelector = state.task.selector;
  cpu.trBase = state.task.base | 0;
  cpu.trLimit = state.task.limit | 0;
  cpu.trType = state.task.type;
  cpu.msr.restore(state.msrs);
  cpu.fpu.setState(fromJsonSafe(state.fpu) as Parameters<Cpu["fpu"]["setState"]>[0]);
  const e = state.execution;
  cpu.halted = e.halted;
  cpu.interruptShadow = e.interruptShadow;
  cpu.nmiPending = e.nmiPending;
  cpu.nmiBlocked = e.nmiBlocked;
  cpu.instructionCount = e.instructionCount;
  cpu.tscPerInstruction = e.tscPerInstruction;
  cpu.tscOffset = e.tscOffset;
  cpu.mmu.setCr3(cpu.cr3);
  applyPagingMode(cpu);
  cpu.mmu.flushAll();
  cpu.codeCache.clear();
  cpu.updateAllSegmentChecks();
  cpu.attention = 1;
}

/** FPU registers as plain number arrays, so a saved state survives JSON. */
function jsonSafe(fpu: ReturnType<Cpu["fpu"]["getState"]>): unknown {
  return { ...fpu, st: fpu.st.map((bytes) => Array.from(bytes)) };
}

function fromJsonSafe(fpu: unknown): unknown {
  const state = fpu as { st: ArrayLike<number>[] };
  return { ...state, st: state.st.map((bytes) => Uint8Array.from(bytes)) };
}
