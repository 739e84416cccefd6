/** POP r/m, PUSHA/POPA, PUSHF/POPF, ENTER, LEAVE. */
import type { Cpu } from "../cpu";
import type { Instr } from "../instruction";
import { Flag } from "../eflags";
import { Seg } from "../registers";

/**
 * POP r/m: the address is computed after ESP has been incremented (so
 * `pop [esp+4]` sees the new ESP); a faulting store leaves ESP unchanged.
 */
export function popToOperand(cpu: Cpu, i: Instr): void {
  const size = i.operand16 ? 2 : 4;
  const value = i.operand16 ? cpu.peek16() : cpu.peek32();
  if (!i.memory) {
    cpu.adjustStack(size);
    if (i.operand16) cpu.r16[i.rm] = value;
    else cpu.r32[i.rm] = value;
    return;
  }
  const savedEsp = cpu.r32[4];
  cpu.adjustStack(size);
  try {
    if (i.operand16) cpu.write16(i.segment, cpu.ea(i), value);
    else cpu.write32(i.segment, cpu.ea(i), value);
  } catch (fault) {
    cpu.r32[4] = savedEsp;
    throw fault;
  }
}

/** Offset `bytes` below the current stack pointer, wrapped to the stack size. */
function below(cpu: Cpu, bytes: number): number {
  return cpu.stack32 ? (cpu.r32[4] - bytes) | 0 : (cpu.r16[8] - bytes) & 0xffff;
}

export function pusha(cpu: Cpu, i: Instr): void {
  const size = i.operand16 ? 2 : 4;
  for (let r = 0; r < 8; r++) {
    const offset = below(cpu, (r + 1) * size);
    if (i.operand16) cpu.write16(Seg.SS, offset, cpu.r16[r << 1]);
    else cpu.write32(Seg.SS, offset, cpu.r32[r]);
  }
  cpu.adjustStack(-8 * size);
}

export function popa(cpu: Cpu, i: Instr): void {
  const size = i.operand16 ? 2 : 4;
  const values = cpu.wide8;
  for (let r = 0; r < 8; r++) values[7 - r] = i.operand16 ? cpu.peek16(r * size) : cpu.peek32(r * size);
  for (let r = 0; r < 8; r++) {
    if (r === 4) continue; // the saved ESP is discarded
    if (i.operand16) cpu.r16[r << 1] = values[r];
    else cpu.r32[r] = values[r];
  }
  cpu.adjustStack(8 * size);
}

export function pushf(cpu: Cpu, i: Instr): void {
  if (cpu.v86Mode && cpu.iopl < 3) cpu.raiseGP(0);
  const image = cpu.getEflags() & ~(Flag.VM | Flag.RF);
  cpu.pushSized(i.operand16 ? image & 0xffff : image, i.operand16);
}

/** Bits POPF may change at the current privilege (SDM vol. 2, POPF). */
function popfMask(cpu: Cpu): number {
  let mask = Flag.CF | Flag.PF | Flag.AF | Flag.ZF | Flag.SF | Flag.TF | Flag.DF | Flag.OF | Flag.NT | Flag.AC | Flag.ID;
  if ((cpu.cr0 & 1) === 0) return mask | Flag.IF | Flag.IOPL;
  if (cpu.v86Mode) return mask | Flag.IF;
  if (cpu.cpl <= cpu.iopl) mask |= Flag.IF;
  if (cpu.cpl === 0) mask |= Flag.IOPL;
  return mask;
}

export function popf(cpu: Cpu, i: Instr): void {
  if (cpu.v86Mode && cpu.iopl < 3) cpu.raiseGP(0);
  const value = i.operand16 ? cpu.peek16() : cpu.peek32();
  let mask = popfMask(cpu) | Flag.RF;
  if (i.operand16) mask &= 0xffff;
  cpu.adjustStack(i.operand16 ? 2 : 4);
  cpu.writeEflags(value & ~Flag.RF, mask);
}

function wrapStack(cpu: Cpu, value: number): number {
  return cpu.stack32 ? value | 0 : value & 0xffff;
}

/** ENTER size, level: all reads and writes first, then ESP and EBP. */
export function enter(cpu: Cpu, i: Instr): void {
  const size = i.operand16 ? 2 : 4;
  const frameSize = i.immediate & 0xffff;
  const level = i.immediate2 & 0x1f;
  let sp = cpu.stack32 ? cpu.r32[4] : cpu.r16[8];
  const bpRegister = i.operand16 ? cpu.r16[10] : cpu.r32[5];
  sp = wrapStack(cpu, sp - size);
  if (i.operand16) cpu.write16(Seg.SS, sp, bpRegister);
  else cpu.write32(Seg.SS, sp, bpRegister);
  const frameTemp = sp;
  if (level > 0) {
    let bp = cpu.stack32 ? cpu.r32[5] : cpu.r16[10];
    for (let n = 1; n < level; n++) {
      bp = wrapStack(cpu, bp - size);
      const value = i.operand16 ? cpu.read16(Seg.SS, bp) : cpu.read32(Seg.SS, bp);
      sp = wrapStack(cpu, sp - size);
      if (i.operand16) cpu.write16(Seg.SS, sp, value);
      else cpu.write32(Seg.SS, sp, value);
    }
    sp = wrapStack(cpu, sp - size);
    if (i.operand16) cpu.write16(Seg.SS, sp, frameTemp);
    else cpu.write32(Seg.SS, sp, frameTemp);
  }
  if (i.operand16) cpu.r16[10] = frameTemp;
  else cpu.r32[5] = frameTemp;
  cpu.setStackPointer(wrapStack(cpu, sp - frameSize));
}

export function leave(cpu: Cpu, i: Instr): void {
  const sp = cpu.stack32 ? cpu.r32[5] : cpu.r16[10];
  const value = i.operand16 ? cpu.read16(Seg.SS, sp) : cpu.read32(Seg.SS, sp);
  const size = i.operand16 ? 2 : 4;
  cpu.setStackPointer(cpu.stack32 ? (sp + size) | 0 : (sp + size) & 0xffff);
  if (i.operand16) cpu.r16[10] = value;
  else cpu.r32[5] = value;
}
