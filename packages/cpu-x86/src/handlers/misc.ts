/** CMPXCHG, CMPXCHG8B, XLAT, SAHF/LAHF, SALC. */
import type { Cpu } from "../cpu";
import type { Instr } from "../instruction";
import { Flag } from "../eflags";
import { sub } from "./alu";

/**
 * CMPXCHG: compare the accumulator with the destination (flags as CMP); equal:
 * destination = source; else accumulator = destination. A memory destination
 * is always written (the old value when unequal), as the locked cycle does.
 */
export function cmpxchg(cpu: Cpu, i: Instr): void {
  const byte = i.opcode === 0x1b0;
  const bits = byte ? 8 : i.operand16 ? 16 : 32;
  const size = byte ? 0 : i.operand16 ? 1 : 2;
  const source = bits === 8 ? cpu.r8[i.reg] : bits === 16 ? cpu.r16[i.reg] : cpu.r32[i.reg];
  const accumulator = bits === 8 ? cpu.r8[0] : bits === 16 ? cpu.r16[0] : cpu.r32[0];
  let linear = 0;
  let dest: number;
  if (i.memory) {
    linear = cpu.rmwLinear(i.segment, cpu.ea(i), bits / 8);
    dest = bits === 8 ? cpu.mmu.read8(linear) : bits === 16 ? cpu.mmu.read16(linear) : cpu.mmu.read32(linear);
  } else {
    dest = bits === 8 ? cpu.r8[i.rm] : bits === 16 ? cpu.r16[i.rm] : cpu.r32[i.rm];
  }
  sub(cpu, accumulator, dest, size);
  const equal = accumulator === dest;
  const write = equal ? source : dest;
  if (i.memory) {
    if (bits === 8) cpu.mmu.write8(linear, write);
    else if (bits === 16) cpu.mmu.write16(linear, write);
    else cpu.mmu.write32(linear, write);
  } else if (equal) {
    if (bits === 8) cpu.r8[i.rm] = write;
    else if (bits === 16) cpu.r16[i.rm] = write;
    else cpu.r32[i.rm] = write;
  }
  if (!equal) {
    if (bits === 8) cpu.r8[0] = dest;
    else if (bits === 16) cpu.r16[0] = dest;
    else cpu.r32[0] = dest;
  }
}

/** CMPXCHG8B m64: EDX:EAX against memory; ZF says which way it went. Only ZF changes. */
export function cmpxchg8b(cpu: Cpu, i: Instr): void {
  const linear = cpu.rmwLinear(i.segment, cpu.ea(i), 8);
  const low = cpu.mmu.read32(linear);
  const high = cpu.mmu.read32((linear + 4) | 0);
  const equal = low === cpu.r32[0] && high === cpu.r32[2];
  if (equal) {
    cpu.mmu.write32(linear, cpu.r32[3]);
    cpu.mmu.write32((linear + 4) | 0, cpu.r32[1]);
  } else {
    cpu.mmu.write32(linear, low);
    cpu.mmu.write32((linear + 4) | 0, high);
    cpu.r32[0] = low;
    cpu.r32[2] = high;
  }
  cpu.setArithFlags(equal ? Flag.ZF : 0, Flag.ZF);
}

export function xlat(cpu: Cpu, i: Instr): void {
  const offset = i.address16 ? (cpu.r16[6] + cpu.r8[0]) & 0xffff : (cpu.r32[3] + cpu.r8[0]) | 0;
  cpu.r8[0] = cpu.read8(i.segment, offset);
}

const SAHF_FLAGS = Flag.SF | Flag.ZF | Flag.AF | Flag.PF | Flag.CF;

export function sahf(cpu: Cpu): void {
  cpu.setArithFlags(cpu.r8[1], SAHF_FLAGS);
}

export function lahf(cpu: Cpu): void {
  cpu.r8[1] = (cpu.getEflags() & 0xff) | Flag.FIXED1;
}

/** SALC (undocumented D6): AL = CF ? 0xFF : 0. */
export function salc(cpu: Cpu): void {
  cpu.r8[0] = cpu.getCF() !== 0 ? 0xff : 0;
}
