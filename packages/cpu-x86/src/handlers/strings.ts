/**
 * String instructions with every prefix combination: REP/REPE/REPNE, 16- or
 * 32-bit addressing (SI/DI/CX or ESI/EDI/ECX), a segment override on the
 * source (the destination is always ES), and DF for the direction.
 *
 * Registers are updated after each element, so a fault part-way leaves the
 * count and pointers at the faulting element and EIP at the instruction:
 * re-executing continues where it stopped, as on hardware.
 */
import type { Cpu } from "../cpu";
import type { Instr } from "../instruction";
import { Flag } from "../eflags";
import { Seg } from "../registers";
import { sub } from "./alu";
import { checkIoPermission } from "./io";
import { bulkMovs, bulkStos } from "./string-bulk";

/** F3 on CMPS/SCAS: repeat while equal (F2: while not equal). */
const REPE = 1;

function elementSize(i: Instr, byteForm: boolean): 1 | 2 | 4 {
  return byteForm ? 1 : i.operand16 ? 2 : 4;
}

function step(cpu: Cpu, size: number): number {
  return (cpu.storedFlags & Flag.DF) !== 0 ? -size : size;
}

function sourceIndex(cpu: Cpu, i: Instr): number {
  return i.address16 ? cpu.r16[12] : cpu.r32[6];
}

function destinationIndex(cpu: Cpu, i: Instr): number {
  return i.address16 ? cpu.r16[14] : cpu.r32[7];
}

function advanceSource(cpu: Cpu, i: Instr, delta: number): void {
  if (i.address16) cpu.r16[12] = cpu.r16[12] + delta;
  else cpu.r32[6] = cpu.r32[6] + delta;
}

function advanceDestination(cpu: Cpu, i: Instr, delta: number): void {
  if (i.address16) cpu.r16[14] = cpu.r16[14] + delta;
  else cpu.r32[7] = cpu.r32[7] + delta;
}

function count(cpu: Cpu, i: Instr): number {
  return i.address16 ? cpu.r16[2] : cpu.r32[1] >>> 0;
}

function decrementCount(cpu: Cpu, i: Instr): void {
  if (i.address16) cpu.r16[2] = cpu.r16[2] - 1;
  else cpu.r32[1] = cpu.r32[1] - 1;
}

function readSized(cpu: Cpu, seg: number, offset: number, size: number): number {
  return size === 1 ? cpu.read8(seg, offset) : size === 2 ? cpu.read16(seg, offset) : cpu.read32(seg, offset);
}

function writeSized(cpu: Cpu, seg: number, offset: number, size: number, value: number): void {
  if (size === 1) cpu.write8(seg, offset, value);
  else if (size === 2) cpu.write16(seg, offset, value);
  else cpu.write32(seg, offset, value);
}

function accumulator(cpu: Cpu, size: number): number {
  return size === 1 ? cpu.r8[0] : size === 2 ? cpu.r16[0] : cpu.r32[0];
}

function setAccumulator(cpu: Cpu, size: number, value: number): void {
  if (size === 1) cpu.r8[0] = value;
  else if (size === 2) cpu.r16[0] = value;
  else cpu.r32[0] = value;
}

// ---- MOVS ----

function movsElement(cpu: Cpu, i: Instr, size: number, delta: number): void {
  const value = readSized(cpu, i.segment, sourceIndex(cpu, i), size);
  writeSized(cpu, Seg.ES, destinationIndex(cpu, i), size, value);
  advanceSource(cpu, i, delta);
  advanceDestination(cpu, i, delta);
}

function movsAll(cpu: Cpu, i: Instr, size: 1 | 2 | 4): void {
  const delta = step(cpu, size);
  if (i.repeat === 0) {
    movsElement(cpu, i, size, delta);
    return;
  }
  const bulk = !i.address16 && delta > 0;
  for (let left = count(cpu, i); left !== 0; left = count(cpu, i)) {
    if (bulk && bulkMovs(cpu, i.segment, size, left) !== 0) continue;
    movsElement(cpu, i, size, delta);
    decrementCount(cpu, i);
  }
}

export function movs8(cpu: Cpu, i: Instr): void {
  movsAll(cpu, i, 1);
}

export function movs(cpu: Cpu, i: Instr): void {
  movsAll(cpu, i, elementSize(i, false));
}

// ---- STOS ----

function stosAll(cpu: Cpu, i: Instr, size: 1 | 2 | 4): void {
  const delta = step(cpu, size);
  const value = accumulator(cpu, size);
  if (i.repeat === 0) {
    writeSized(cpu, Seg.ES, destinationIndex(cpu, i), size, value);
    advanceDestination(cpu, i, delta);
    return;
  }
  const bulk = !i.address16 && delta > 0;
  for (let left = count(cpu, i); left !== 0; left = count(cpu, i)) {
    if (bulk && bulkStos(cpu, size, value, left) !== 0) continue;
    writeSized(cpu, Seg.ES, destinationIndex(cpu, i), size, value);
    advanceDestination(cpu, i, delta);
    decrementCount(cpu, i);
  }
}

export function stos8(cpu: Cpu, i: Instr): void {
  stosAll(cpu, i, 1);
}

export function stos(cpu: Cpu, i: Instr): void {
  stosAll(cpu, i, elementSize(i, false));
}

// ---- LODS ----

function lodsAll(cpu: Cpu, i: Instr, size: 1 | 2 | 4): void {
  const delta = step(cpu, size);
  if (i.repeat === 0) {
    setAccumulator(cpu, size, readSized(cpu, i.segment, sourceIndex(cpu, i), size));
    advanceSource(cpu, i, delta);
    return;
  }
  while (count(cpu, i) !== 0) {
    setAccumulator(cpu, size, readSized(cpu, i.segment, sourceIndex(cpu, i), size));
    advanceSource(cpu, i, delta);
    decrementCount(cpu, i);
  }
}

export function lods8(cpu: Cpu, i: Instr): void {
  lodsAll(cpu, i, 1);
}

export function lods(cpu: Cpu, i: Instr): void {
  lodsAll(cpu, i, elementSize(i, false));
}

// ---- CMPS / SCAS (REPE stops on ZF = 0, REPNE on ZF = 1) ----

function sizeIndex(size: number): 0 | 1 | 2 {
  return size === 1 ? 0 : size === 2 ? 1 : 2;
}

function cmpsElement(cpu: Cpu, i: Instr, size: number, delta: number): void {
  const a = readSized(cpu, i.segment, sourceIndex(cpu, i), size);
  const b = readSized(cpu, Seg.ES, destinationIndex(cpu, i), size);
  sub(cpu, a, b, sizeIndex(size));
  advanceSource(cpu, i, delta);
  advanceDestination(cpu, i, delta);
}

function scasElement(cpu: Cpu, i: Instr, size: number, delta: number): void {
  const b = readSized(cpu, Seg.ES, destinationIndex(cpu, i), size);
  sub(cpu, accumulator(cpu, size), b, sizeIndex(size));
  advanceDestination(cpu, i, delta);
}

function repeatCompare(cpu: Cpu, i: Instr, size: 1 | 2 | 4, element: typeof cmpsElement): void {
  const delta = step(cpu, size);
  if (i.repeat === 0) {
    element(cpu, i, size, delta);
    return;
  }
  while (count(cpu, i) !== 0) {
    element(cpu, i, size, delta);
    decrementCount(cpu, i);
    const zero = cpu.getZF() !== 0;
    if (i.repeat === REPE ? !zero : zero) break;
  }
}

export function cmps8(cpu: Cpu, i: Instr): void {
  repeatCompare(cpu, i, 1, cmpsElement);
}

export function cmps(cpu: Cpu, i: Instr): void {
  repeatCompare(cpu, i, elementSize(i, false), cmpsElement);
}

export function scas8(cpu: Cpu, i: Instr): void {
  repeatCompare(cpu, i, 1, scasElement);
}

export function scas(cpu: Cpu, i: Instr): void {
  repeatCompare(cpu, i, elementSize(i, false), scasElement);
}

// ---- INS / OUTS ----

function insElement(cpu: Cpu, i: Instr, size: 1 | 2 | 4, delta: number, port: number): void {
  // The destination is checked (and may fault) before the port is read.
  const offset = destinationIndex(cpu, i);
  const linear = cpu.writeLinear(Seg.ES, offset, size);
  cpu.mmu.probeWrite(linear, size);
  const value = size === 1 ? cpu.io.in8(port) : size === 2 ? cpu.io.in16(port) : cpu.io.in32(port);
  writeSized(cpu, Seg.ES, offset, size, value);
  advanceDestination(cpu, i, delta);
}

function outsElement(cpu: Cpu, i: Instr, size: 1 | 2 | 4, delta: number, port: number): void {
  const value = readSized(cpu, i.segment, sourceIndex(cpu, i), size);
  if (size === 1) cpu.io.out8(port, value);
  else if (size === 2) cpu.io.out16(port, value);
  else cpu.io.out32(port, value);
  advanceSource(cpu, i, delta);
}

function repeatIo(cpu: Cpu, i: Instr, size: 1 | 2 | 4, element: typeof insElement): void {
  const port = cpu.r16[4];
  checkIoPermission(cpu, port, size);
  const delta = step(cpu, size);
  if (i.repeat === 0) {
    element(cpu, i, size, delta, port);
    return;
  }
  while (count(cpu, i) !== 0) {
    element(cpu, i, size, delta, port);
    decrementCount(cpu, i);
  }
}

export function ins8(cpu: Cpu, i: Instr): void {
  repeatIo(cpu, i, 1, insElement);
}

export function ins(cpu: Cpu, i: Instr): void {
  repeatIo(cpu, i, elementSize(i, false), insElement);
}

export function outs8(cpu: Cpu, i: Instr): void {
  repeatIo(cpu, i, 1, outsElement);
}

export function outs(cpu: Cpu, i: Instr): void {
  repeatIo(cpu, i, elementSize(i, false), outsElement);
}
