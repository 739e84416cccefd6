/**
 * Compiles hot decoded blocks to JavaScript functions.
 *
 * A block's instructions become one function: the interpreter's own handler
 * templates (from the opcode table) with the decoded fields turned into
 * constants, the effective-address arithmetic specialised, and no dispatch
 * between instructions. A block that branches back to its own start (a tight
 * loop) becomes a JavaScript loop that leaves on another target, a pending
 * event, or the end of the instruction budget.
 *
 * Contract with the run loop: on a normal exit the function has set
 * `cpu.eip` to the next instruction and added the retired instructions to
 * `cpu.instructionCount`. When an instruction faults, `cpu.eip` holds its
 * address and `cpu.jitIterations` the completed loop iterations, from which
 * the run loop counts what retired.
 *
 * Where `new Function` is not allowed (a strict Content-Security-Policy), the
 * compiler reports itself unavailable and blocks stay interpreted.
 */
import type { Block } from "../code-cache";
import { variantBody } from "../codegen/interpreter-generator";
import type { Cpu } from "../cpu";
import * as alu from "../handlers/alu";
import * as bcd from "../handlers/bcd";
import * as bits from "../handlers/bits";
import * as control from "../handlers/control";
import * as flags from "../handlers/flags";
import * as io from "../handlers/io";
import * as misc from "../handlers/misc";
import * as muldiv from "../handlers/muldiv";
import * as segments from "../handlers/segments";
import * as shift from "../handlers/shift";
import * as stack from "../handlers/stack";
import * as strings from "../handlers/strings";
import * as system from "../handlers/system";
import type { Handler, Instr } from "../instruction";
import { OPCODE_FORMS } from "../opcode-table";
import { ZERO_REG } from "../registers";

export type CompiledBlock = (cpu: Cpu) => void;

const MODULE_NAMES = ["alu", "bcd", "bits", "control", "flags", "io", "misc", "muldiv", "segments", "shift", "stack", "strings", "system"];
const MODULES = [alu, bcd, bits, control, flags, io, misc, muldiv, segments, shift, stack, strings, system];

/** Instruction fields a template may read, made literals at compile time. */
const LITERAL_FIELDS = new Set(["rm", "reg", "immediate", "immediate2", "segment", "displacement", "operand16", "address16", "repeat", "opcode", "modrm", "memory", "length"]);

function literal(value: number | boolean): string {
  if (typeof value === "boolean") return value ? "true" : "false";
  return value < 0 ? `(${value})` : String(value);
}

/** The effective-address expression of a decoded memory operand, with its registers and displacement fixed. */
function effectiveAddress(i: Instr): string {
  if (i.address16) {
    const terms: string[] = [];
    if (i.base !== ZERO_REG) terms.push(`r16[${i.base << 1}]`);
    if (i.index !== ZERO_REG) terms.push(`r16[${i.index << 1}]`);
    if (i.displacement !== 0 || terms.length === 0) terms.push(literal(i.displacement));
    return `((${terms.join(" + ")}) & 0xffff)`;
  }
  const terms: string[] = [];
  if (i.base !== ZERO_REG) terms.push(`r32[${i.base}]`);
  if (i.index !== ZERO_REG) terms.push(i.scale === 0 ? `r32[${i.index}]` : `(r32[${i.index}] << ${i.scale})`);
  if (i.displacement !== 0 || terms.length === 0) terms.push(literal(i.displacement));
  return terms.length === 1 && i.base === ZERO_REG && i.index === ZERO_REG ? literal(i.displacement | 0) : `((${terms.join(" + ")}) | 0)`;
}

/** Specialises a handler template for one decoded instruction; null if it cannot be. */
function specialise(template: string, i: Instr): string | null {
  let code = template.replace(/cpu\.ea\(i\)/g, () => effectiveAddress(i));
  let failed = false;
  code = code.replace(/\bi\.(\w+)\b/g, (_match, field: string) => {
    if (!LITERAL_FIELDS.has(field)) {
      failed = true;
      return "";
    }
    return literal((i as unknown as Record<string, number | boolean>)[field]);
  });
  if (failed || /\bi\b/.test(code.replace(/\bi\./g, ""))) return null;
  return code.replace(/cpu\.r32\[/g, "r32[").replace(/cpu\.r16\[/g, "r16[").replace(/cpu\.r8\[/g, "r8[");
}

const ALL_FLAGS = 0x8d5;

/** Can this instruction raise an exception (so every flag must be exact before it)? */
function mayFault(i: Instr, body: string | null): boolean {
  if (body === null || i.memory) return true;
  return /cpu\.(read|write|push|pop|peek|rmw|raise|adjust)|muldiv\.i?div/.test(body);
}

/** Flags an instruction writes for certain (a shift by CL might write none). */
function flagsWrittenBy(i: Instr): number {
  const form = OPCODE_FORMS[i.form];
  if (!form.flagsCountDependent) return form.flagsWritten;
  const operands = form.operands.split(",");
  const count = operands[operands.length - 1];
  if (count === "1") return form.flagsWritten;
  if (count === "Ib" && (i.immediate & 0x1f) !== 0) return form.flagsWritten;
  return 0;
}

/** Replaces flag-recording helpers by their value-only twins where they exist. */
function withoutFlags(body: string): string {
  return body.replace(/\b(alu|shift|muldiv)\.(\w+)\(cpu, /g, (match, module: string, name: string) => {
    const namespace = MODULES[MODULE_NAMES.indexOf(module)] as unknown as Record<string, unknown>;
    return typeof namespace[`${name}Value`] === "function" ? `${module}.${name}Value(` : match;
  });
}

function writesMemory(code: string): boolean {
  return /cpu\.(write|mmu\.write|rmwLinear|push)/.test(code);
}

export class BlockCompiler {
  /** False where the environment forbids generating code. */
  readonly available: boolean;
  compiledCount = 0;

  constructor() {
    let available = false;
    try {
      available = new Function("return 1")() === 1;
    } catch {
      available = false;
    }
    this.available = available;
  }

  compile(block: Block, code32: boolean): CompiledBlock | null {
    if (!this.available) return null;
    const instrs = block.instrs;
    const n = instrs.length;
    const offsets = block.offsets;
    const wrap = (offset: number) => (code32 ? `(e0 + ${offset}) | 0` : `(e0 + ${offset}) & 0xffff`);
    const handlers: Handler[] = [];
    const parts: string[] = [];
    const last = instrs[n - 1];

    // A block ending in a relative branch back to its own start loops inside the function.
    const lastForm = last.form >= 0 ? OPCODE_FORMS[last.form] : undefined;
    const relativeBranch = lastForm !== undefined && /(^|,)J[bz]/.test(lastForm.operands);
    const endOffset = offsets[n];
    const selfLoop = relativeBranch && ((code32 ? (endOffset + last.immediate) | 0 : (endOffset + last.immediate) & 0xffff) === 0);

    // Specialised bodies, then flag liveness backwards: flags written and
    // overwritten before any read (or any instruction that may fault) are dead.
    const bodies: Array<string | null> = instrs.map((i) =>
      i.form >= 0 && i.templated ? specialise(variantBody(OPCODE_FORMS[i.form], i.operand16, i.memory), i) : null,
    );
    let live = ALL_FLAGS;
    for (let k = n - 1; k >= 0; k--) {
      const i = instrs[k];
      const body = bodies[k];
      if (body === null) {
        live = ALL_FLAGS;
        continue;
      }
      const form = OPCODE_FORMS[i.form];
      const written = flagsWrittenBy(i);
      if (written !== 0 && (written & live) === 0) bodies[k] = withoutFlags(body);
      live = mayFault(i, body) ? ALL_FLAGS : (live & ~written) | form.flagsRead;
    }

    for (let k = 0; k < n; k++) {
      const i = instrs[k];
      const lines: string[] = [];
      if (k > 0) lines.push(`cpu.eip = ${wrap(offsets[k])};`);
      let body = bodies[k];
      if (body === null) {
        handlers[k] = i.handler;
        lines.push(`cpu.nextEip = ${wrap(offsets[k + 1])};`);
        lines.push(`H[${k}](cpu, I[${k}]);`);
        body = "H";
      } else {
        if (body.includes("cpu.nextEip")) lines.push(`cpu.nextEip = ${wrap(offsets[k + 1])};`);
        lines.push(`{ ${body} }`);
      }
      if (k < n - 1 && (body === "H" || writesMemory(body))) {
        // Self-modifying code: stop right after the write that hit this block's page.
        lines.push(
          `if (cpu.codeModified) { cpu.eip = ${wrap(offsets[k + 1])}; cpu.instructionCount += ${selfLoop ? `it * ${n} + ` : ""}${k + 1}; return; }`,
        );
      }
      parts.push(lines.join("\n"));
    }

    const lastUsesNext = handlers[n - 1] !== undefined || parts[n - 1].includes("cpu.nextEip");
    const finish = lastUsesNext ? "cpu.eip = cpu.nextEip;" : `cpu.eip = ${wrap(endOffset)};`;
    let source: string;
    if (selfLoop) {
      source = `
const r32 = cpu.r32, r16 = cpu.r16, r8 = cpu.r8;
const e0 = cpu.eip;
let it = 0;
for (;;) {
cpu.eip = e0;
${parts.join("\n")}
it++;
if (cpu.nextEip !== e0 || cpu.attention !== 0 || cpu.instructionCount + (it + 1) * ${n} > cpu.budgetEnd) break;
cpu.jitIterations = it;
}
cpu.instructionCount += it * ${n};
${finish}`;
    } else {
      source = `
const r32 = cpu.r32, r16 = cpu.r16, r8 = cpu.r8;
const e0 = cpu.eip;
${parts.join("\n")}
cpu.instructionCount += ${n};
${finish}`;
    }
    try {
      const factory = new Function(...MODULE_NAMES, "H", "I", `"use strict"; return function compiledBlock(cpu) {${source}\n};`);
      this.compiledCount++;
      return factory(...MODULES, handlers, instrs) as CompiledBlock;
    } catch (error) {
      throw new Error(`block compiler produced invalid code: ${(error as Error).message}\n${source}`);
    }
  }
}
