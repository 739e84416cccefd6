/**
 * System instructions: descriptor-table registers, control and debug
 * registers, MSRs and the TSC, SYSENTER/SYSEXIT, CPUID, HLT, and the x87
 * escape into the FPU. Privileged ones raise #GP(0) unless CPL is 0; the
 * protected-mode-only ones raise #UD in real and virtual-8086 mode.
 */
import { writeCr0, writeCr3, writeCr4 } from "../control-registers";
import type { Cpu } from "../cpu";
import { cpuidLeaf } from "../cpuid";
import { Flag } from "../eflags";
import { Vector, selectorErrorCode } from "../exceptions";
import type { Instr } from "../instruction";
import { MsrIndex } from "../msr";
import { Seg } from "../registers";
import {
  SegmentAttr,
  SystemType,
  attrDpl,
  descriptorAttr,
  descriptorBase,
  descriptorLimit,
  readDescriptor,
  setSegmentCache,
} from "../segmentation";
import { setBusy } from "../task-switch";

function requireCpl0(cpu: Cpu): void {
  if (cpu.cpl !== 0 || cpu.v86Mode) cpu.raiseGP(0);
}

function requireProtectedMode(cpu: Cpu): void {
  if ((cpu.cr0 & 1) === 0 || cpu.v86Mode) cpu.raiseUD();
}

export function ud(cpu: Cpu): void {
  cpu.raiseUD();
}

export function hlt(cpu: Cpu): void {
  requireCpl0(cpu);
  cpu.halted = true;
}

export function invd(cpu: Cpu): void {
  requireCpl0(cpu);
}

export function clts(cpu: Cpu): void {
  requireCpl0(cpu);
  cpu.cr0 &= ~8;
}

export function fwait(cpu: Cpu): void {
  if ((cpu.cr0 & 0xa) === 0xa) cpu.raise(Vector.NM); // TS with MP
  if (cpu.fpu.pendingException) cpu.signalFpuError();
}

/** D8-DF: #NM/#MF checks, then the FPU executes with the operand's linear address. */
export function fpuEscape(cpu: Cpu, i: Instr): void {
  const noWait = cpu.fpu.isNoWait(i.opcode, i.modrm);
  cpu.checkFpuAvailable(!noWait);
  const context = cpu.fpu.context;
  context.cs = cpu.segSelector[Seg.CS];
  context.eip = cpu.eip;
  context.operandSize32 = !i.operand16;
  context.protectedMode = (cpu.cr0 & 1) !== 0 && !cpu.v86Mode;
  let address = 0;
  if (i.memory) {
    const offset = cpu.ea(i);
    address = cpu.readLinear(i.segment, offset, 1);
    context.dataSelector = cpu.segSelector[i.segment];
    context.dataOffset = offset;
  }
  if (!cpu.fpu.execute(i.opcode, i.modrm, address)) cpu.raiseUD();
}

// ---- descriptor-table registers ----

function storeTableRegister(cpu: Cpu, i: Instr, limit: number, base: number): void {
  const offset = cpu.ea(i);
  const next = i.address16 ? (offset + 2) & 0xffff : (offset + 2) | 0;
  cpu.writeLinear(i.segment, offset, 6);
  cpu.write16(i.segment, offset, limit);
  cpu.write32(i.segment, next, i.operand16 ? base & 0x00ffffff : base);
}

function loadTableRegister(cpu: Cpu, i: Instr, into: Int32Array): void {
  const offset = cpu.ea(i);
  const next = i.address16 ? (offset + 2) & 0xffff : (offset + 2) | 0;
  into[0] = cpu.read16(i.segment, offset);
  const base = cpu.read32(i.segment, next);
  into[1] = i.operand16 ? base & 0x00ffffff : base;
}

export function sgdt(cpu: Cpu, i: Instr): void {
  storeTableRegister(cpu, i, cpu.gdtLimit, cpu.gdtBase);
}

export function sidt(cpu: Cpu, i: Instr): void {
  storeTableRegister(cpu, i, cpu.idtLimit, cpu.idtBase);
}

export function lgdt(cpu: Cpu, i: Instr): void {
  requireCpl0(cpu);
  loadTableRegister(cpu, i, cpu.wide);
  cpu.gdtLimit = cpu.wide[0];
  cpu.gdtBase = cpu.wide[1];
}

export function lidt(cpu: Cpu, i: Instr): void {
  requireCpl0(cpu);
  loadTableRegister(cpu, i, cpu.wide);
  cpu.idtLimit = cpu.wide[0];
  cpu.idtBase = cpu.wide[1];
}

/** The 16-bit r/m operand of the 0F 00 / 0F 01 groups. */
function readWordOperand(cpu: Cpu, i: Instr): number {
  return i.memory ? cpu.read16(i.segment, cpu.ea(i)) : cpu.r16[i.rm];
}

/** SLDT/STR/SMSW: a register destination takes the operand size, memory is always 16 bits. */
function storeWordOperand(cpu: Cpu, i: Instr, value: number): void {
  if (i.memory) cpu.write16(i.segment, cpu.ea(i), value);
  else if (i.operand16) cpu.r16[i.rm] = value;
  else cpu.r32[i.rm >> 1] = value;
}

export function sldt(cpu: Cpu, i: Instr): void {
  requireProtectedMode(cpu);
  storeWordOperand(cpu, i, cpu.ldtSelector);
}

export function str(cpu: Cpu, i: Instr): void {
  requireProtectedMode(cpu);
  storeWordOperand(cpu, i, cpu.trSelector);
}

export function smsw(cpu: Cpu, i: Instr): void {
  storeWordOperand(cpu, i, i.memory || i.operand16 ? cpu.cr0 & 0xffff : cpu.cr0);
}

export function lmsw(cpu: Cpu, i: Instr): void {
  requireCpl0(cpu);
  const value = readWordOperand(cpu, i);
  // LMSW sets PE, MP, EM, TS; it cannot clear PE.
  writeCr0(cpu, (cpu.cr0 & ~0xe) | (value & 0xf) | (cpu.cr0 & 1));
}

export function lldt(cpu: Cpu, i: Instr): void {
  requireProtectedMode(cpu);
  requireCpl0(cpu);
  const selector = readWordOperand(cpu, i);
  if ((selector & 0xfffc) === 0) {
    cpu.ldtSelector = selector;
    cpu.ldtBase = 0;
    cpu.ldtLimit = 0;
    return;
  }
  if ((selector & 4) !== 0) cpu.raiseGP(selectorErrorCode(selector));
  const address = readDescriptor(cpu, selector);
  if (address < 0) cpu.raiseGP(selectorErrorCode(selector));
  const attr = descriptorAttr(cpu.descriptor[1]);
  if ((attr & 0x1f) !== SystemType.LDT) cpu.raiseGP(selectorErrorCode(selector));
  if ((attr & SegmentAttr.PRESENT) === 0) cpu.raise(Vector.NP, selectorErrorCode(selector));
  cpu.ldtSelector = selector;
  cpu.ldtBase = descriptorBase(cpu.descriptor[0], cpu.descriptor[1]);
  cpu.ldtLimit = descriptorLimit(cpu.descriptor[0], cpu.descriptor[1]);
}

export function ltr(cpu: Cpu, i: Instr): void {
  requireProtectedMode(cpu);
  requireCpl0(cpu);
  const selector = readWordOperand(cpu, i);
  if ((selector & 0xfffc) === 0) cpu.raiseGP(0);
  if ((selector & 4) !== 0) cpu.raiseGP(selectorErrorCode(selector));
  const address = readDescriptor(cpu, selector);
  if (address < 0) cpu.raiseGP(selectorErrorCode(selector));
  const attr = descriptorAttr(cpu.descriptor[1]);
  const type = attr & 0x1f;
  if (type !== SystemType.TSS32_AVAILABLE && type !== SystemType.TSS16_AVAILABLE) cpu.raiseGP(selectorErrorCode(selector));
  if ((attr & SegmentAttr.PRESENT) === 0) cpu.raise(Vector.NP, selectorErrorCode(selector));
  cpu.trSelector = selector;
  cpu.trBase = descriptorBase(cpu.descriptor[0], cpu.descriptor[1]);
  cpu.trLimit = descriptorLimit(cpu.descriptor[0], cpu.descriptor[1]);
  cpu.trType = type | 2;
  setBusy(cpu, selector, true);
}

/** Is a selector's descriptor visible at this CPL/RPL for VERR/VERW/LAR/LSL? Leaves it in `cpu.descriptor`. */
function visibleDescriptor(cpu: Cpu, selector: number, systemTypesAllowed: readonly number[]): boolean {
  if ((selector & 0xfffc) === 0) return false;
  if (readDescriptor(cpu, selector) < 0) return false;
  const attr = descriptorAttr(cpu.descriptor[1]);
  if ((attr & SegmentAttr.NON_SYSTEM) === 0) {
    if (!systemTypesAllowed.includes(attr & 0xf)) return false;
  } else if ((attr & (SegmentAttr.CODE | SegmentAttr.CONFORMING)) === (SegmentAttr.CODE | SegmentAttr.CONFORMING)) {
    return true; // conforming code: no privilege check
  }
  const dpl = attrDpl(attr);
  return dpl >= cpu.cpl && dpl >= (selector & 3);
}

function setZf(cpu: Cpu, on: boolean): void {
  cpu.setArithFlags(on ? Flag.ZF : 0, Flag.ZF);
}

export function verr(cpu: Cpu, i: Instr): void {
  requireProtectedMode(cpu);
  const selector = readWordOperand(cpu, i);
  let ok = visibleDescriptor(cpu, selector, []);
  if (ok) {
    const attr = descriptorAttr(cpu.descriptor[1]);
    ok = (attr & SegmentAttr.NON_SYSTEM) !== 0 && ((attr & SegmentAttr.CODE) === 0 || (attr & SegmentAttr.READABLE) !== 0);
  }
  setZf(cpu, ok);
}

export function verw(cpu: Cpu, i: Instr): void {
  requireProtectedMode(cpu);
  const selector = readWordOperand(cpu, i);
  let ok = visibleDescriptor(cpu, selector, []);
  if (ok) {
    const attr = descriptorAttr(cpu.descriptor[1]);
    ok = (attr & (SegmentAttr.NON_SYSTEM | SegmentAttr.CODE | SegmentAttr.WRITABLE)) === (SegmentAttr.NON_SYSTEM | SegmentAttr.WRITABLE);
    if ((attr & SegmentAttr.CODE) !== 0) ok = false;
  }
  setZf(cpu, ok);
}

const LAR_SYSTEM_TYPES = [1, 2, 3, 4, 5, 9, 0xb, 0xc] as const;
const LSL_SYSTEM_TYPES = [1, 2, 3, 9, 0xb] as const;

export function lar(cpu: Cpu, i: Instr): void {
  requireProtectedMode(cpu);
  const selector = readWordOperand(cpu, i);
  const ok = visibleDescriptor(cpu, selector, LAR_SYSTEM_TYPES);
  setZf(cpu, ok);
  if (!ok) return;
  const rights = cpu.descriptor[1] & (i.operand16 ? 0xff00 : 0x00f0ff00);
  if (i.operand16) cpu.r16[i.reg] = rights;
  else cpu.r32[i.reg] = rights;
}

export function lsl(cpu: Cpu, i: Instr): void {
  requireProtectedMode(cpu);
  const selector = readWordOperand(cpu, i);
  const ok = visibleDescriptor(cpu, selector, LSL_SYSTEM_TYPES);
  setZf(cpu, ok);
  if (!ok) return;
  const limit = descriptorLimit(cpu.descriptor[0], cpu.descriptor[1]);
  if (i.operand16) cpu.r16[i.reg] = limit;
  else cpu.r32[i.reg] = limit;
}

export function invlpg(cpu: Cpu, i: Instr): void {
  requireCpl0(cpu);
  cpu.mmu.invalidatePage((cpu.segBase[i.segment] + cpu.ea(i)) | 0);
}

// ---- control and debug registers ----

export function movFromCr(cpu: Cpu, i: Instr): void {
  requireCpl0(cpu);
  let value: number;
  switch (i.reg) {
    case 0:
      value = cpu.cr0;
      break;
    case 2:
      value = cpu.cr2;
      break;
    case 3:
      value = cpu.cr3;
      break;
    case 4:
      value = cpu.cr4;
      break;
    default:
      return cpu.raiseUD();
  }
  cpu.r32[i.rm] = value;
}

export function movToCr(cpu: Cpu, i: Instr): void {
  requireCpl0(cpu);
  const value = cpu.r32[i.rm];
  switch (i.reg) {
    case 0:
      writeCr0(cpu, value);
      return;
    case 2:
      cpu.cr2 = value;
      return;
    case 3:
      writeCr3(cpu, value);
      return;
    case 4:
      writeCr4(cpu, value);
      return;
    default:
      cpu.raiseUD();
  }
}

/** DR4/DR5 alias DR6/DR7 (CR4.DE is not supported). */
function debugRegisterIndex(reg: number): number {
  return reg === 4 || reg === 5 ? reg + 2 : reg;
}

export function movFromDr(cpu: Cpu, i: Instr): void {
  requireCpl0(cpu);
  cpu.r32[i.rm] = cpu.dr[debugRegisterIndex(i.reg)];
}

export function movToDr(cpu: Cpu, i: Instr): void {
  requireCpl0(cpu);
  const index = debugRegisterIndex(i.reg);
  let value = cpu.r32[i.rm];
  if (index === 6) value = (value | 0xffff0ff0) & ~0x1000;
  else if (index === 7) value = (value | 0x400) & ~0xd800;
  cpu.dr[index] = value;
}

// ---- MSRs, TSC, performance counters ----

export function rdtsc(cpu: Cpu): void {
  if ((cpu.cr4 & 4) !== 0 && cpu.cpl !== 0 && (cpu.cr0 & 1) !== 0) cpu.raiseGP(0);
  cpu.readTsc(cpu.wide);
  cpu.r32[0] = cpu.wide[0];
  cpu.r32[2] = cpu.wide[1];
}

export function rdpmc(cpu: Cpu): void {
  if ((cpu.cr4 & 0x100) === 0 && cpu.cpl !== 0 && (cpu.cr0 & 1) !== 0) cpu.raiseGP(0);
  const counter = cpu.r32[1] >>> 0;
  if (counter > 1) cpu.raiseGP(0);
  // The two P6 counters (PERFCTR0/1) hold what was written; they count nothing.
  cpu.msr.read(MsrIndex.PERFCTR0 + counter, cpu.wide);
  cpu.r32[0] = cpu.wide[0];
  cpu.r32[2] = cpu.wide[1];
}

export function rdmsr(cpu: Cpu): void {
  requireCpl0(cpu);
  const index = cpu.r32[1] >>> 0;
  if (index === MsrIndex.TSC) {
    cpu.readTsc(cpu.wide);
  } else if (!cpu.msr.read(index, cpu.wide)) {
    cpu.raiseGP(0);
  }
  cpu.r32[0] = cpu.wide[0];
  cpu.r32[2] = cpu.wide[1];
}

export function wrmsr(cpu: Cpu): void {
  requireCpl0(cpu);
  const index = cpu.r32[1] >>> 0;
  if (index === MsrIndex.TSC) {
    const wanted = (cpu.r32[2] >>> 0) * 4294967296 + (cpu.r32[0] >>> 0);
    cpu.tscOffset = wanted - cpu.instructionCount * cpu.tscPerInstruction;
    return;
  }
  if (!cpu.msr.write(index, cpu.r32[0], cpu.r32[2])) cpu.raiseGP(0);
}

// ---- fast system calls ----

const FLAT_CODE = SegmentAttr.CODE_RX_PRESENT | SegmentAttr.DB | SegmentAttr.GRANULARITY;
const FLAT_DATA = SegmentAttr.DATA_RW_PRESENT | SegmentAttr.DB | SegmentAttr.GRANULARITY;

export function sysenter(cpu: Cpu): void {
  const cs = cpu.msr.sysenterCs;
  if ((cpu.cr0 & 1) === 0 || (cs & 0xfffc) === 0) cpu.raiseGP(0);
  cpu.storedFlags &= ~(Flag.VM | Flag.IF | Flag.RF);
  setSegmentCache(cpu, Seg.CS, cs & 0xfffc, 0, -1, FLAT_CODE);
  setSegmentCache(cpu, Seg.SS, (cs + 8) & 0xfffc, 0, -1, FLAT_DATA);
  cpu.setCpl(0);
  cpu.updateAllSegmentChecks();
  cpu.r32[4] = cpu.msr.sysenterEsp;
  cpu.nextEip = cpu.msr.sysenterEip;
}

export function sysexit(cpu: Cpu): void {
  const cs = cpu.msr.sysenterCs;
  if ((cpu.cr0 & 1) === 0 || cpu.v86Mode || cpu.cpl !== 0 || (cs & 0xfffc) === 0) cpu.raiseGP(0);
  setSegmentCache(cpu, Seg.CS, ((cs + 16) & 0xfffc) | 3, 0, -1, FLAT_CODE | (3 << SegmentAttr.DPL_SHIFT));
  setSegmentCache(cpu, Seg.SS, ((cs + 24) & 0xfffc) | 3, 0, -1, FLAT_DATA | (3 << SegmentAttr.DPL_SHIFT));
  cpu.setCpl(3);
  cpu.updateAllSegmentChecks();
  cpu.r32[4] = cpu.r32[1];
  cpu.nextEip = cpu.r32[2];
}

export function cpuid(cpu: Cpu): void {
  cpuidLeaf(cpu.r32[0], cpu.wide4);
  cpu.r32[0] = cpu.wide4[0];
  cpu.r32[3] = cpu.wide4[1];
  cpu.r32[1] = cpu.wide4[2];
  cpu.r32[2] = cpu.wide4[3];
}
