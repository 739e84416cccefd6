/**
 * The basic arithmetic and comparison group (FADD FMUL FCOM FCOMP FSUB
 * FSUBR FDIV FDIVR with single, double, 16/32-bit integer and register
 * operands, their popping forms, FCOMPP and the FUCOM family), and the
 * helpers other instruction modules share: finish() stores a result unless
 * an unmasked exception stopped it; compareInto() sets C3 C2 C0.
 */
import { loadDouble, loadInt32, loadSingle } from "./convert";
import { Rel } from "./core";
import { Cls, type Ext, SW_C0, SW_C1, SW_C2, SW_C3, SW_DE, SW_IE, SW_SF, SW_ZE } from "./float80";
import type { X87 } from "./x87";

export const Op = { Add: 0, Mul: 1, Com: 2, Comp: 3, Sub: 4, Subr: 5, Div: 6, Divr: 7 } as const;

/** Memory operand kinds of the arithmetic group. */
export const M32FP = 0;
export const M64FP = 1;
export const M32INT = 2;
export const M16INT = 3;

/** Reads the memory operand into fpu.b; returns true when it was a denormal single/double. */
function readOperand(fpu: X87, kind: number, address: number): boolean {
  const memory = fpu.host.memory;
  let cls: number;
  switch (kind) {
    case M32FP:
      cls = loadSingle(memory.read32(address) >>> 0, fpu.b);
      return cls === Cls.Denormal;
    case M64FP: {
      const low = memory.read32(address) >>> 0;
      const high = memory.read32((address + 4) | 0) >>> 0;
      cls = loadDouble(high, low, fpu.b);
      return cls === Cls.Denormal;
    }
    case M32INT:
      loadInt32(memory.read32(address), fpu.b);
      return false;
    default:
      loadInt32((memory.read16(address) << 16) >> 16, fpu.b);
      return false;
  }
}

/**
 * Finishes an operation whose result is in fpu.r: stores it to ST(dst) and
 * pops unless an unmasked invalid, denormal or zero-divide exception stopped it.
 */
export function finish(fpu: X87, flags: number, dst: number, pops: number): void {
  if (fpu.unmasked(flags & (SW_IE | SW_DE | SW_ZE))) {
    fpu.raise(flags);
    fpu.setC1(false);
    return;
  }
  fpu.write(dst, fpu.r);
  fpu.raise(flags);
  fpu.setC1((flags & SW_C1) !== 0);
  for (let n = 0; n < pops; n++) fpu.pop();
}

/** ST(dst) = x op y for the non-comparison operations, with fpu.a = x and fpu.b = y loaded. */
function compute(fpu: X87, op: number, denormalSource: boolean): number {
  const core = fpu.core;
  core.control(fpu.fcw);
  core.usePrecisionControl(fpu.fcw);
  core.sourceDenormal = denormalSource;
  const x = fpu.a;
  const y = fpu.b;
  const r = fpu.r;
  switch (op) {
    case Op.Add:
      return core.add(x, y, false, r);
    case Op.Mul:
      return core.mul(x, y, r);
    case Op.Sub:
      return core.add(x, y, true, r);
    case Op.Subr:
      return core.add(y, x, true, r);
    case Op.Div:
      return core.div(x, y, r);
    default:
      return core.div(y, x, r);
  }
}

/** Sets C3 C2 C0 from a relation (C1 cleared). */
export function setCompareCodes(fpu: X87, relation: number): void {
  let cc = 0;
  if (relation === Rel.Less) cc = SW_C0;
  else if (relation === Rel.Equal) cc = SW_C3;
  else if (relation === Rel.Unordered) cc = SW_C3 | SW_C2 | SW_C0;
  fpu.setConditionCodes(cc);
}

/**
 * FCOM-style comparison of x with y: condition codes (unordered on an
 * invalid operand, even unmasked), and the pops unless an exception was
 * unmasked.
 */
export function compareInto(fpu: X87, x: Ext, y: Ext, unordered: boolean, denormalSource: boolean, pops: number): void {
  const core = fpu.core;
  core.control(fpu.fcw);
  core.sourceDenormal = denormalSource;
  const flags = core.compare(x, y, unordered);
  fpu.raise(flags);
  setCompareCodes(fpu, core.relation);
  if (fpu.unmasked(flags)) return;
  for (let n = 0; n < pops; n++) fpu.pop();
}

/** Compares with an empty operand: stack underflow, unordered; pops only when masked. */
function compareUnderflow(fpu: X87, pops: number): void {
  fpu.raise(SW_IE | SW_SF);
  fpu.setConditionCodes(SW_C3 | SW_C2 | SW_C0);
  if (!fpu.ieMasked) return;
  for (let n = 0; n < pops; n++) fpu.pop();
}

/** The memory forms of D8/DA/DC/DE: ST(0) op m. */
export function memoryForm(fpu: X87, opcode: number, modrm: number, address: number, kind: number): boolean {
  const op = (modrm >>> 3) & 7;
  const denormal = readOperand(fpu, kind, address);
  fpu.noteInstruction(opcode, modrm);
  if (op === Op.Com || op === Op.Comp) {
    const pops = op === Op.Comp ? 1 : 0;
    if (fpu.isEmpty(0)) {
      compareUnderflow(fpu, pops);
      return true;
    }
    compareInto(fpu, fpu.read(0, fpu.a), fpu.b, false, denormal, pops);
    return true;
  }
  if (fpu.isEmpty(0)) {
    fpu.stackUnderflow(0, 0);
    return true;
  }
  fpu.read(0, fpu.a);
  finish(fpu, compute(fpu, op, denormal), 0, 0);
  return true;
}

/** Register forms: ST(dst) = ST(dst) op ST(src) in D8 numbering. */
export function registerForm(fpu: X87, op: number, dst: number, src: number, pops: number): void {
  if (fpu.isEmpty(dst) || fpu.isEmpty(src)) {
    fpu.stackUnderflow(dst, pops);
    return;
  }
  fpu.read(dst, fpu.a);
  fpu.read(src, fpu.b);
  finish(fpu, compute(fpu, op, false), dst, pops);
}

/** FCOM/FCOMP/FCOMPP/FUCOM* with registers: compares ST(0) with ST(i). */
export function compareRegisters(fpu: X87, i: number, unordered: boolean, pops: number): void {
  if (fpu.isEmpty(0) || fpu.isEmpty(i)) {
    compareUnderflow(fpu, pops);
    return;
  }
  compareInto(fpu, fpu.read(0, fpu.a), fpu.read(i, fpu.b), unordered, false, pops);
}
