/** Segment-register moves, pushes, pops and far-pointer loads (LDS, LES, LFS, LGS, LSS). */
import type { Cpu } from "../cpu";
import type { Instr } from "../instruction";
import { Seg } from "../registers";

/** The segment register each push/pop/load opcode names. */
function segmentOfOpcode(opcode: number): number {
  switch (opcode) {
    case 0x06:
    case 0x07:
    case 0xc4:
      return Seg.ES;
    case 0x0e:
      return Seg.CS;
    case 0x16:
    case 0x17:
    case 0x1b2:
      return Seg.SS;
    case 0x1e:
    case 0x1f:
    case 0xc5:
      return Seg.DS;
    case 0x1a0:
    case 0x1a1:
    case 0x1b4:
      return Seg.FS;
    default:
      return Seg.GS;
  }
}

/** MOV r/m16, Sreg: a register destination gets the selector zero-extended to the operand size. */
export function movFromSegment(cpu: Cpu, i: Instr): void {
  if (i.reg > 5) cpu.raiseUD();
  const selector = cpu.segSelector[i.reg];
  if (i.memory) cpu.write16(i.segment, cpu.ea(i), selector);
  else if (i.operand16) cpu.r16[(i.modrm & 7) << 1] = selector;
  else cpu.r32[i.modrm & 7] = selector;
}

/** MOV Sreg, r/m16. CS cannot be loaded this way; loading SS holds off interrupts for one instruction. */
export function movToSegment(cpu: Cpu, i: Instr): void {
  if (i.reg > 5 || i.reg === Seg.CS) cpu.raiseUD();
  const selector = i.memory ? cpu.read16(i.segment, cpu.ea(i)) : cpu.r16[(i.modrm & 7) << 1];
  cpu.loadSegment(i.reg, selector);
  if (i.reg === Seg.SS) {
    cpu.interruptShadow = true;
    cpu.debugShadow = true;
  }
}

export function pushSegment(cpu: Cpu, i: Instr): void {
  cpu.pushSized(cpu.segSelector[segmentOfOpcode(i.opcode)], i.operand16);
}

export function popSegment(cpu: Cpu, i: Instr): void {
  const seg = segmentOfOpcode(i.opcode);
  const selector = i.operand16 ? cpu.peek16() : cpu.peek32() & 0xffff;
  cpu.loadSegment(seg, selector);
  cpu.adjustStack(i.operand16 ? 2 : 4);
  if (seg === Seg.SS) {
    cpu.interruptShadow = true;
    cpu.debugShadow = true;
  }
}

/** LDS/LES/LFS/LGS/LSS r, m16:16/m16:32. */
export function loadFarPointer(cpu: Cpu, i: Instr): void {
  const offsetAddress = cpu.ea(i);
  const selectorAddress = i.address16 ? (offsetAddress + (i.operand16 ? 2 : 4)) & 0xffff : (offsetAddress + (i.operand16 ? 2 : 4)) | 0;
  const offset = i.operand16 ? cpu.read16(i.segment, offsetAddress) : cpu.read32(i.segment, offsetAddress);
  const selector = cpu.read16(i.segment, selectorAddress);
  const seg = segmentOfOpcode(i.opcode);
  cpu.loadSegment(seg, selector);
  if (i.operand16) cpu.r16[i.reg] = offset;
  else cpu.r32[i.reg] = offset;
  if (seg === Seg.SS) cpu.interruptShadow = true;
}
