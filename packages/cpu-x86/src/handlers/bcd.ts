/** Decimal adjust (DAA, DAS) and ASCII adjust (AAA, AAS, AAM, AAD), per the SDM's pseudo-code. */
import type { Cpu } from "../cpu";
import type { Instr } from "../instruction";
import { Flag } from "../eflags";
import { Vector } from "../exceptions";

export function daa(cpu: Cpu): void {
  const oldAl = cpu.r8[0];
  const oldCf = cpu.getCF() !== 0;
  let al = oldAl;
  let cf = false;
  let af = false;
  if ((al & 0xf) > 9 || cpu.getAF() !== 0) {
    cf = oldCf || al + 6 > 0xff;
    al = (al + 6) & 0xff;
    af = true;
  }
  if (oldAl > 0x99 || oldCf) {
    al = (al + 0x60) & 0xff;
    cf = true;
  }
  cpu.r8[0] = al;
  cpu.recordResult(al, 0, cf ? Flag.CF : 0, af ? Flag.AF : 0, 0);
}

export function das(cpu: Cpu): void {
  const oldAl = cpu.r8[0];
  const oldCf = cpu.getCF() !== 0;
  let al = oldAl;
  let cf = false;
  let af = false;
  if ((al & 0xf) > 9 || cpu.getAF() !== 0) {
    cf = oldCf || al < 6;
    al = (al - 6) & 0xff;
    af = true;
  }
  if (oldAl > 0x99 || oldCf) {
    al = (al - 0x60) & 0xff;
    cf = true;
  }
  cpu.r8[0] = al;
  cpu.recordResult(al, 0, cf ? Flag.CF : 0, af ? Flag.AF : 0, 0);
}

export function aaa(cpu: Cpu): void {
  const adjust = (cpu.r8[0] & 0xf) > 9 || cpu.getAF() !== 0;
  if (adjust) cpu.r16[0] = cpu.r16[0] + 0x106;
  cpu.r8[0] &= 0xf;
  const bits = adjust ? Flag.CF | Flag.AF : 0;
  cpu.recordResult(cpu.r8[0], 0, bits & Flag.CF, bits & Flag.AF, 0);
}

export function aas(cpu: Cpu): void {
  const adjust = (cpu.r8[0] & 0xf) > 9 || cpu.getAF() !== 0;
  if (adjust) {
    cpu.r16[0] = cpu.r16[0] - 6;
    cpu.r8[1] = cpu.r8[1] - 1;
  }
  cpu.r8[0] &= 0xf;
  const bits = adjust ? Flag.CF | Flag.AF : 0;
  cpu.recordResult(cpu.r8[0], 0, bits & Flag.CF, bits & Flag.AF, 0);
}

export function aam(cpu: Cpu, i: Instr): void {
  const base = i.immediate & 0xff;
  if (base === 0) cpu.raise(Vector.DE);
  const al = cpu.r8[0];
  cpu.r8[1] = Math.floor(al / base);
  cpu.r8[0] = al % base;
  cpu.recordResult(cpu.r8[0], 0, 0, 0, 0);
}

export function aad(cpu: Cpu, i: Instr): void {
  const base = i.immediate & 0xff;
  const al = (cpu.r8[0] + cpu.r8[1] * base) & 0xff;
  cpu.r16[0] = al;
  cpu.recordResult(al, 0, 0, 0, 0);
}
