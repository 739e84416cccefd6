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
 * `cpu.instructionCount`. The count is brought up to date before every
 * hand-written handler (which may read the clock through a port, as a
 * calibration loop does) and at the end of every block or loop iteration;
 * `cpu.jitCounted` says how many instructions of the current block are
 * already counted. When an instruction faults, `cpu.eip` holds its address,
 * from which the run loop counts what retired.
 *
 * Where `new Function` is not allowed (a strict Content-Security-Policy), the
 * compiler reports itself unavailable and blocks stay interpreted.
 */
import type { Block } from "../code-cache";
import { formMainBits, variantBody } from "../codegen/interpreter-generator";
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

/**
 * Source characters per region function. JavaScript engines stop optimising
 * functions past a bytecode size (V8: 60 KiB); a region that big would run
 * interpreted, far slower than separate blocks.
 */
const MAX_REGION_SOURCE = 20_000;

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

/** The kind of flag-recording operation a templated form performs, for condition fusion. */
type WriterKind = "sub" | "add" | "logic" | "incdec";

function writerKindOf(mnemonic: string): WriterKind | null {
  switch (mnemonic) {
    case "SUB":
    case "CMP":
    case "NEG":
      return mnemonic === "NEG" ? null : "sub";
    case "ADD":
    case "XADD":
      return "add";
    case "AND":
    case "OR":
    case "XOR":
    case "TEST":
      return "logic";
    case "INC":
    case "DEC":
      return "incdec";
    default:
      return null;
  }
}

/**
 * A condition computed straight from the last flag-setting operation of the
 * block (known kind and size): `cmp a, b; jl` becomes a signed compare of the
 * recorded operands. Null when only the general evaluation will do.
 */
function fusedCondition(cc: number, kind: WriterKind, size: number): string | null {
  const mask = size === 0 ? "0xff" : size === 1 ? "0xffff" : "-1";
  const unsigned = (x: string) => (size === 2 ? `(${x} >>> 0)` : `(${x} & ${mask})`);
  const signed = (x: string) => (size === 2 ? `(${x} | 0)` : size === 1 ? `((${x} << 16) >> 16)` : `((${x} << 24) >> 24)`);
  const zero = size === 2 ? "(cpu.lazyResult === 0)" : `((cpu.lazyResult & ${mask}) === 0)`;
  const sign = size === 2 ? "(cpu.lazyResult < 0)" : `((cpu.lazyResult & ${size === 1 ? "0x8000" : "0x80"}) !== 0)`;
  const negate = (cc & 1) !== 0;
  let test: string | null = null;
  switch (cc >> 1) {
    case 2:
      test = zero;
      break;
    case 4:
      test = sign;
      break;
    case 1:
      if (kind === "sub") test = `(${unsigned("cpu.lazyA")} < ${unsigned("cpu.lazyB")})`;
      else if (kind === "logic") test = "false";
      break;
    case 3:
      if (kind === "sub") test = `(${unsigned("cpu.lazyA")} <= ${unsigned("cpu.lazyB")})`;
      else if (kind === "logic") test = zero;
      break;
    case 6:
      if (kind === "sub") test = `(${signed("cpu.lazyA")} < ${signed("cpu.lazyB")})`;
      else if (kind === "logic") test = sign;
      break;
    case 7:
      if (kind === "sub") test = `(${signed("cpu.lazyA")} <= ${signed("cpu.lazyB")})`;
      else if (kind === "logic") test = `(${zero} || ${sign})`;
      break;
    default:
      break;
  }
  if (test === null) return null;
  return negate ? `!${test}` : test;
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

  /**
   * The statements of one block, for a function where `e0` holds the EIP of
   * the block's first instruction. They leave the next EIP in `e0`, or
   * return from the function (with `cpu.eip` set) after self-modifying code.
   * `H` and `I` name arrays of hand-written handlers and their instructions.
   */
  private blockSource(block: Block, code32: boolean, H: string, I: string, handlers: Handler[]): string {
    const instrs = block.instrs;
    const n = instrs.length;
    const offsets = block.offsets;
    const wrap = (offset: number) => (code32 ? `(e0 + ${offset}) | 0` : `(e0 + ${offset}) & 0xffff`);
    const parts: string[] = [];
    const last = instrs[n - 1];

    // A block ending in a relative branch back to its own start loops in place.
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
    const flagsDropped: boolean[] = [];
    for (let k = n - 1; k >= 0; k--) {
      const i = instrs[k];
      const body = bodies[k];
      if (body === null) {
        live = ALL_FLAGS;
        continue;
      }
      const written = flagsWrittenBy(i);
      if (written !== 0 && (written & live) === 0) {
        bodies[k] = withoutFlags(body);
        flagsDropped[k] = true;
      }
      live = mayFault(i, body) ? ALL_FLAGS : (live & ~written) | OPCODE_FORMS[i.form].flagsRead;
    }

    // Condition fusion forwards: a Jcc/SETcc/CMOVcc after a known ALU operation of this block.
    let writer: { kind: WriterKind; size: number } | null = null;
    for (let k = 0; k < n; k++) {
      const i = instrs[k];
      const body = bodies[k];
      if (body === null) {
        writer = null;
        continue;
      }
      const form = OPCODE_FORMS[i.form];
      if (writer !== null && form.flagsRead !== 0) {
        const fusion = writer;
        bodies[k] = body.replace(/cpu\.condition\((\d+)\)/g, (match, cc: string) => fusedCondition(Number(cc), fusion.kind, fusion.size) ?? match);
      }
      if (flagsWrittenBy(i) !== 0 || form.flagsCountDependent) {
        const kind = writerKindOf(form.mnemonic);
        writer = kind !== null && flagsDropped[k] !== true ? { kind, size: formMainBits(form, i.operand16) === 8 ? 0 : formMainBits(form, i.operand16) === 16 ? 1 : 2 } : null;
      }
    }

    let lastUsesNext = false;
    /** Instructions of this block already added to the count at this point of the code. */
    let counted = 0;
    const hasHandlers = bodies.some((body) => body === null);
    for (let k = 0; k < n; k++) {
      const i = instrs[k];
      const lines: string[] = [];
      if (k > 0) lines.push(`cpu.eip = ${wrap(offsets[k])};`);
      let body = bodies[k];
      if (body === null) {
        handlers[k] = i.handler;
        if (k > counted) {
          lines.push(`cpu.instructionCount += ${k - counted}; cpu.jitCounted = ${k};`);
          counted = k;
        }
        lines.push(`cpu.nextEip = ${wrap(offsets[k + 1])};`);
        lines.push(`${H}[${k}](cpu, ${I}[${k}]);`);
        body = "H";
        if (k === n - 1) lastUsesNext = true;
      } else {
        if (body.includes("cpu.nextEip")) {
          lines.push(`cpu.nextEip = ${wrap(offsets[k + 1])};`);
          if (k === n - 1) lastUsesNext = true;
        }
        lines.push(`{ ${body} }`);
      }
      if (k < n - 1 && (body === "H" || writesMemory(body))) {
        // Self-modifying code, or (after a hand-written handler such as OUT) an event
        // for the run loop: stop right after this instruction.
        const condition = body === "H" ? "cpu.codeModified || cpu.attention !== 0" : "cpu.codeModified";
        lines.push(`if (${condition}) { cpu.eip = ${wrap(offsets[k + 1])}; cpu.instructionCount += ${k + 1 - counted}; return; }`);
      }
      parts.push(lines.join("\n"));
    }
    const next = lastUsesNext ? "cpu.nextEip" : wrap(endOffset);
    const finishCount = n > counted ? `cpu.instructionCount += ${n - counted};` : "";
    const resetCounted = hasHandlers ? "cpu.jitCounted = 0;" : "";
    if (selfLoop) {
      return `for (;;) {
cpu.eip = e0;
${resetCounted}
${parts.join("\n")}
${finishCount}
if (cpu.nextEip !== e0 || cpu.attention !== 0 || cpu.instructionCount + ${n} > cpu.budgetEnd) break;
}
e0 = ${next};`;
    }
    return `${resetCounted}
${parts.join("\n")}
${finishCount}
e0 = ${next};`;
  }

  /** Ends with a hand-written handler (a far transfer, STI, a mode change...): a region must hand back to the run loop after it. */
  private static endsWithHandler(block: Block): boolean {
    return !block.instrs[block.instrs.length - 1].templated;
  }

  private build(source: string, handlers: unknown[], instrs: unknown[], name: string): CompiledBlock {
    try {
      const factory = new Function(...MODULE_NAMES, "H", "I", `"use strict"; return function ${name}(cpu) {${source}\n};`);
      this.compiledCount++;
      return factory(...MODULES, handlers, instrs) as CompiledBlock;
    } catch (error) {
      throw new Error(`block compiler produced invalid code: ${(error as Error).message}\n${source}`);
    }
  }

  compile(block: Block, code32: boolean): CompiledBlock | null {
    if (!this.available) return null;
    const handlers: Handler[] = [];
    const body = this.blockSource(block, code32, "H", "I", handlers);
    const source = `
const r32 = cpu.r32, r16 = cpu.r16, r8 = cpu.r8;
let e0 = cpu.eip;
${body}
cpu.eip = e0;`;
    return this.build(source, handlers, block.instrs, "compiledBlock");
  }

  /**
   * One function for many blocks of a page: it dispatches on the entry
   * point's offset in the page and keeps running while control stays on
   * known blocks of that linear page (same CS, flat), nothing needs the run
   * loop, and the budget lasts. It records in `cpu.jitBlockIndex` and
   * `cpu.jitBlockStart` which block is running, for fault accounting.
   */
  compileRegion(blocks: readonly Block[], code32: boolean): { run: CompiledBlock; included: Block[] } | null {
    if (!this.available || blocks.length === 0) return null;
    const handlers: Handler[][] = [];
    const instrs: Instr[][] = [];
    const cases: string[] = [];
    const seen = new Set<number>();
    let size = 0;
    const included: Block[] = [];
    blocks.forEach((block, b) => {
      const offset = block.physical & 0xfff;
      if (seen.has(offset) || size > MAX_REGION_SOURCE) return;
      seen.add(offset);
      handlers[b] = [];
      instrs[b] = block.instrs;
      const body = this.blockSource(block, code32, `H[${b}]`, `I[${b}]`, handlers[b]);
      size += body.length;
      included.push(block);
      const leave = BlockCompiler.endsWithHandler(block) ? "cpu.eip = e0; return;" : "break;";
      cases.push(`case ${offset}: {
cpu.jitBlockIndex = ${b}; cpu.jitBlockStart = e0;
${body}
${leave}
}`);
    });
    const source = `
const r32 = cpu.r32, r16 = cpu.r16, r8 = cpu.r8;
const csBase = cpu.segBase[1];
let e0 = cpu.eip;
const page = (csBase + e0) & ~0xfff;
for (;;) {
switch ((csBase + e0) & 0xfff) {
${cases.join("\n")}
default:
cpu.eip = e0;
return;
}
cpu.eip = e0;
if (cpu.attention !== 0 || cpu.instructionCount >= cpu.budgetEnd || ((csBase + e0) & ~0xfff) !== page) return;
}`;
    if (included.length < 2) return null;
    return { run: this.build(source, handlers, instrs, "compiledRegion"), included };
  }
}
