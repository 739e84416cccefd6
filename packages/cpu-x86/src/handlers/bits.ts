/**
 * BT/BTS/BTR/BTC, BSF/BSR, BSWAP. With a register bit offset and a memory
 * operand, BTx address a bit string: the signed offset selects a word or
 * dword relative to the effective address. BTx set only CF (ZF is kept).
 */
import type { Cpu } from "../cpu";
import type { Instr } from "../instruction";
import { Flag } from "../eflags";
import type { SizeIndex } from "../lazy-flags";

function bitCount(size: SizeIndex): number {
  return size === 1 ? 16 : 32;
}

export function bt(cpu: Cpu, value: number, offset: number, size: SizeIndex): void {
  cpu.setCF(((value >>> (offset & (bitCount(size) - 1))) & 1) !== 0);
}

export function bts(cpu: Cpu, value: number, offset: number, size: SizeIndex): number {
  const bit = offset & (bitCount(size) - 1);
  cpu.setCF(((value >>> bit) & 1) !== 0);
  return value | (1 << bit);
}

export function btr(cpu: Cpu, value: number, offset: number, size: SizeIndex): number {
  const bit = offset & (bitCount(size) - 1);
  cpu.setCF(((value >>> bit) & 1) !== 0);
  return value & ~(1 << bit);
}

export function btc(cpu: Cpu, value: number, offset: number, size: SizeIndex): number {
  const bit = offset & (bitCount(size) - 1);
  cpu.setCF(((value >>> bit) & 1) !== 0);
  return value ^ (1 << bit);
}

type BitOp = (cpu: Cpu, value: number, offset: number, size: SizeIndex) => number;

/** The register-offset forms (0F A3/AB/B3/BB): register operand or bit string in memory. */
function bitStringOperation(cpu: Cpu, i: Instr, operation: BitOp | null): void {
  const size: SizeIndex = i.operand16 ? 1 : 2;
  const offset = i.operand16 ? (cpu.r16[i.reg] << 16) >> 16 : cpu.r32[i.reg];
  if (!i.memory) {
    if (i.operand16) {
      const value = cpu.r16[i.rm];
      if (operation === null) bt(cpu, value, offset, size);
      else cpu.r16[i.rm] = operation(cpu, value, offset, size);
    } else {
      const value = cpu.r32[i.rm];
      if (operation === null) bt(cpu, value, offset, size);
      else cpu.r32[i.rm] = operation(cpu, value, offset, size);
    }
    return;
  }
  const bytes = i.operand16 ? 2 : 4;
  const unitShift = i.operand16 ? 4 : 5;
  let address = (cpu.ea(i) + (offset >> unitShift) * bytes) | 0;
  if (i.address16) address &= 0xffff;
  if (operation === null) {
    const value = i.operand16 ? cpu.read16(i.segment, address) : cpu.read32(i.segment, address);
    bt(cpu, value, offset, size);
    return;
  }
  const linear = cpu.rmwLinear(i.segment, address, bytes);
  if (i.operand16) cpu.mmu.write16(linear, operation(cpu, cpu.mmu.read16(linear), offset, size));
  else cpu.mmu.write32(linear, operation(cpu, cpu.mmu.read32(linear), offset, size));
}

export function btRegister(cpu: Cpu, i: Instr): void {
  bitStringOperation(cpu, i, null);
}

export function btsRegister(cpu: Cpu, i: Instr): void {
  bitStringOperation(cpu, i, bts);
}

export function btrRegister(cpu: Cpu, i: Instr): void {
  bitStringOperation(cpu, i, btr);
}

export function btcRegister(cpu: Cpu, i: Instr): void {
  bitStringOperation(cpu, i, btc);
}

/** BSF/BSR: ZF = source is zero. Returns true when the destination must be written. */
export function scanSource(cpu: Cpu, value: number, size: SizeIndex): boolean {
  const v = size === 1 ? value & 0xffff : value | 0;
  cpu.setArithFlags(v === 0 ? Flag.ZF : 0, Flag.ZF);
  return v !== 0;
}

export function bsf(value: number): number {
  return 31 - Math.clz32(value & -value);
}

export function bsr(value: number, size: SizeIndex): number {
  return 31 - Math.clz32(size === 1 ? value & 0xffff : value);
}

export function bswap(value: number): number {
  return ((value << 24) | ((value & 0xff00) << 8) | ((value >>> 8) & 0xff00) | (value >>> 24)) | 0;
}
