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
 * Memory operands, pushes and pops go straight to the RAM array after one
 * masked compare of the TLB entry (see inline-memory.ts); anything else
 * calls the CPU's accessors. The blocks of a page are compiled together
 * into region functions that branch from block to block without leaving
 * the function, and enter the region of another page (or another region of
 * the same page) through `cpu.jitChain` instead of the run loop.
 *
 * Contract with the run loop: on a normal exit the function has set
 * `cpu.eip` to the next instruction and added the retired instructions to
 * `cpu.instructionCount`. The count is brought up to date before every
 * hand-written handler (which may read the clock through a port, as a
 * calibration loop does) and at the end of every block or loop iteration;
 * `cpu.jitCounted` says how many instructions of the current block are
 * already counted. Before every instruction that can fault (and every
 * hand-written handler) `cpu.eip` holds its address, from which the run
 * loop counts what retired; instructions that cannot fault do not store it.
 *
 * Where `new Function` is not allowed (a strict Content-Security-Policy), the
 * compiler reports itself unavailable and blocks stay interpreted.
 */
import { type Block, MAX_REGION_BLOCKS } from "../code-cache";
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
import { type MemoryLocals, inlineMemory, memoryDeclarations, memoryRefresh } from "./inline-memory";

export type CompiledBlock = (cpu: Cpu) => void;
/** A region function: returns 1 when it left only because the next EIP is none of its blocks, 0 when the run loop must look. */
export type RegionRun = (cpu: Cpu) => number;

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
 * interpreted, far slower than separate blocks. Generated code of 50,000
 * characters still optimises in Node 20, 100,000 does not.
 */
const MAX_REGION_SOURCE = 12_000;

/** Can this instruction raise an exception (so every flag must be exact before it)? */
function mayFault(i: Instr, body: string | null): boolean {
  if (body === null) return true;
  // LEA only computes the address of its memory operand.
  if (i.memory) return OPCODE_FORMS[i.form].mnemonic !== "LEA" || /cpu\.(read|write|raise)/.test(body);
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

/** Where a compiled block sits: alone, or as one case of its page's region function. */
interface BlockPlace {
  /** Names of the arrays of hand-written handlers and their instructions. */
  readonly H: string;
  readonly I: string;
  readonly handlers: Handler[];
  readonly locals: MemoryLocals;
  /**
   * In a region: the case of the block at a page offset (-1 if none), this
   * block's page offset, and a counter of exit sites (for jitChain's caches).
   */
  readonly region: { readonly caseAt: (pageOffset: number) => number; readonly pageOffset: number; readonly sites: { count: number } } | null;
}

/** Placeholder for the reload of the memory locals after a hand-written handler (known only once the function is built). */
const REFRESH = "/*refresh*/";

/**
 * Hand-written handlers that never change what the memory locals cache
 * (segment bases and checks, CPL, the stack size): no reload after them.
 */
const KEEPS_MEMORY_LOCALS = new Set([
  "bcd.aaa", "bcd.aad", "bcd.aam", "bcd.aas", "bcd.daa", "bcd.das",
  "bits.btRegister", "bits.btcRegister", "bits.btrRegister", "bits.btsRegister",
  "control.bound", "control.jecxz", "control.loop", "control.loope", "control.loopne",
  "flags.clc", "flags.cld", "flags.cmc", "flags.stc", "flags.std",
  "io.inDx", "io.inDx8", "io.inImmediate", "io.inImmediate8", "io.outDx", "io.outDx8", "io.outImmediate", "io.outImmediate8",
  "misc.cmpxchg", "misc.cmpxchg8b", "misc.lahf", "misc.sahf", "misc.salc", "misc.xlat",
  "segments.movFromSegment", "segments.pushSegment",
  "stack.enter", "stack.leave", "stack.popToOperand", "stack.popa", "stack.pusha", "stack.pushf",
  "strings.cmps", "strings.cmps8", "strings.ins", "strings.ins8", "strings.lods", "strings.lods8", "strings.movs", "strings.movs8",
  "strings.outs", "strings.outs8", "strings.scas", "strings.scas8", "strings.stos", "strings.stos8",
  "system.cpuid", "system.fpuEscape", "system.fwait", "system.invlpg", "system.lar", "system.lsl", "system.movFromCr", "system.movFromDr",
  "system.rdmsr", "system.rdpmc", "system.rdtsc", "system.sgdt", "system.sidt", "system.sldt", "system.smsw", "system.str", "system.verr", "system.verw",
]);

function keepsMemoryLocals(i: Instr): boolean {
  const handler = i.form >= 0 ? OPCODE_FORMS[i.form].handler : undefined;
  return handler !== undefined && i.handler.name === handler.slice(handler.indexOf(".") + 1) && KEEPS_MEMORY_LOCALS.has(handler);
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
   * the block's first instruction. Alone, they leave the next EIP in `e0`;
   * in a region they also leave in `b` the case to run next (-1: look it up
   * by EIP), or return from the function with `cpu.eip` set. They return
   * early (with `cpu.eip` set) after self-modifying code.
   */
  private blockSource(block: Block, code32: boolean, place: BlockPlace): string {
    const instrs = block.instrs;
    const n = instrs.length;
    const offsets = block.offsets;
    const wrap = (offset: number) => (offset === 0 ? "e0" : code32 ? `(e0 + ${offset}) | 0` : `(e0 + ${offset}) & 0xffff`);
    const parts: string[] = [];
    const last = instrs[n - 1];
    const inRegion = place.region !== null;

    // A block ending in a relative branch back to its own start loops in place.
    const lastForm = last.form >= 0 ? OPCODE_FORMS[last.form] : undefined;
    const relativeBranch = lastForm !== undefined && /(^|,)J[bz]/.test(lastForm.operands);
    const endOffset = offsets[n];
    const selfLoop = !inRegion && relativeBranch && ((code32 ? (endOffset + last.immediate) | 0 : (endOffset + last.immediate) & 0xffff) === 0);

    // Specialised bodies, then flag liveness backwards: flags written and
    // overwritten before any read (or any instruction that may fault) are dead.
    const bodies: Array<string | null> = instrs.map((i) =>
      i.form >= 0 && i.templated ? specialise(variantBody(OPCODE_FORMS[i.form], i.operand16, i.memory), i) : null,
    );
    const faults: boolean[] = instrs.map((i, k) => mayFault(i, bodies[k]));
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
      live = faults[k] ? ALL_FLAGS : (live & ~written) | OPCODE_FORMS[i.form].flagsRead;
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

    // How the block ends: a relative branch of 32-bit code has targets known now.
    const lastBody = bodies[n - 1];
    let staticTaken: number | null = null;
    let branchCondition: string | null = null;
    let fallsThrough = false;
    if (code32 && !selfLoop && lastBody !== null && lastForm !== undefined) {
      if (relativeBranch && !last.operand16 && (lastForm.mnemonic === "J" || lastForm.mnemonic === "JMP" || lastForm.mnemonic === "CALL")) {
        staticTaken = endOffset + last.immediate;
        if (lastForm.mnemonic === "J") {
          const match = /^if \((.*)\) cpu\.nextEip = \(cpu\.nextEip \+ [^;]*\) \| 0;$/s.exec(lastBody.trim());
          if (match !== null) {
            branchCondition = match[1];
            bodies[n - 1] = "";
          } else {
            staticTaken = null;
          }
        } else if (lastForm.mnemonic === "JMP") {
          bodies[n - 1] = "";
        }
      } else if (!last.endsBlock && !lastBody.includes("cpu.nextEip")) {
        fallsThrough = true;
      }
    }

    let lastUsesNext = false;
    /** Instructions of this block already added to the count at this point of the code. */
    let counted = 0;
    const hasHandlers = bodies.some((body) => body === null);
    for (let k = 0; k < n; k++) {
      const i = instrs[k];
      const lines: string[] = [];
      const body = bodies[k];
      if (body === null) {
        place.handlers[k] = i.handler;
        lines.push(`cpu.eip = ${wrap(offsets[k])};`);
        if (k > counted) {
          lines.push(`cpu.instructionCount += ${k - counted}; cpu.jitCounted = ${k};`);
          counted = k;
        }
        lines.push(`cpu.nextEip = ${wrap(offsets[k + 1])};`);
        lines.push(`${place.H}[${k}](cpu, ${place.I}[${k}]);`);
        if (!keepsMemoryLocals(i)) lines.push(REFRESH);
        if (k === n - 1) lastUsesNext = true;
        else {
          // Self-modifying code, or an event for the run loop (an OUT that raised INTR): stop after this instruction.
          lines.push(`if (cpu.codeModified || cpu.attention !== 0) { cpu.eip = ${wrap(offsets[k + 1])}; cpu.instructionCount += ${k + 1 - counted}; return 0; }`);
        }
      } else if (body !== "") {
        if (faults[k]) lines.push(`cpu.eip = ${wrap(offsets[k])};`);
        let code = inlineMemory(body, place.locals);
        if (code.includes("cpu.nextEip")) {
          code = code.replace(/cpu\.nextEip/g, "ne");
          lines.push(`ne = ${wrap(offsets[k + 1])};`);
          if (k === n - 1) lastUsesNext = true;
        }
        lines.push(`{ ${code} }`);
        if (k < n - 1 && writesMemory(body)) {
          lines.push(`if (cpu.codeModified) { cpu.eip = ${wrap(offsets[k + 1])}; cpu.instructionCount += ${k + 1 - counted}; return 0; }`);
        }
      }
      parts.push(lines.join("\n"));
    }
    const finishCount = n > counted ? `cpu.instructionCount += ${n - counted};` : "";
    const resetCounted = hasHandlers ? "cpu.jitCounted = 0;" : "";

    /** Continue at `offset` from the block start (static) or at the EIP in `expression` (dynamic). */
    const goTo = (offset: number | null, expression: string): string => {
      const region = place.region;
      if (region === null) return `e0 = ${expression};`;
      if (offset === null) return `e0 = ${expression}; b = -1;`;
      const pageOffset = region.pageOffset + offset;
      const target = pageOffset >= 0 && pageOffset < 0x1000 ? region.caseAt(pageOffset) : -1;
      // A known case of this region runs next; anything else is entered through jitChain, or the run loop.
      if (target >= 0) return `e0 = ${expression}; b = ${target};`;
      const site = region.sites.count++;
      return `cpu.eip = ${expression}; { const g_ = cpu.jitChain(X, XP, ${site}); if (g_ === 0) return 0; if (g_ > 0) { e0 = cpu.eip; b = -2; break; } } return 1;`;
    };
    let ending: string;
    if (branchCondition !== null && staticTaken !== null) {
      ending = `if (${branchCondition}) { ${goTo(staticTaken, wrap(staticTaken))} } else { ${goTo(endOffset, wrap(endOffset))} }`;
    } else if (staticTaken !== null) {
      ending = goTo(staticTaken, wrap(staticTaken));
    } else if (fallsThrough) {
      ending = goTo(endOffset, wrap(endOffset));
    } else if (lastUsesNext) {
      ending = goTo(null, bodies[n - 1] === null ? "cpu.nextEip" : "ne");
    } else {
      ending = goTo(endOffset, wrap(endOffset));
    }
    if (selfLoop) {
      const next = bodies[n - 1] === null ? "cpu.nextEip" : "ne";
      return `for (;;) {
${resetCounted}
${parts.join("\n")}
${finishCount}
if (${next} !== e0 || cpu.attention !== 0 || cpu.instructionCount + ${n} > cpu.budgetEnd) break;
}
e0 = ${next};`;
    }
    return `${resetCounted}
${parts.join("\n")}
${finishCount}
${ending}`;
  }

  /** Ends with a hand-written handler (a far transfer, STI, a mode change...): a region must hand back to the run loop after it. */
  private static endsWithHandler(block: Block): boolean {
    return !block.instrs[block.instrs.length - 1].templated;
  }

  private build<F>(source: string, handlers: unknown[], instrs: unknown[], name: string, region?: { map: Int8Array; blocks: Block[]; sites: number }): F {
    try {
      const factory = new Function(...MODULE_NAMES, "H", "I", "M", "IB", "X", "XP", `"use strict"; return function ${name}(cpu) {${source}\n};`);
      this.compiledCount++;
      const sites = region?.sites ?? 0;
      return factory(...MODULES, handlers, instrs, region?.map, region?.blocks, new Array<null>(sites).fill(null), new Int32Array(sites)) as F;
    } catch (error) {
      throw new Error(`block compiler produced invalid code: ${(error as Error).message}\n${source}`);
    }
  }

  /** The function's prologue and the reload after handlers, now that the memory locals it uses are known. */
  private static finish(body: string, locals: MemoryLocals): { prologue: string; body: string } {
    const refresh = memoryRefresh(locals);
    return {
      prologue: `const r32 = cpu.r32, r16 = cpu.r16, r8 = cpu.r8;\n${memoryDeclarations(locals)}\n${refresh}`,
      body: body.split(REFRESH).join(refresh),
    };
  }

  compile(block: Block, code32: boolean): CompiledBlock | null {
    if (!this.available) return null;
    const handlers: Handler[] = [];
    const locals: MemoryLocals = { segments: 0, stack: false };
    const body = this.blockSource(block, code32, { H: "H", I: "I", handlers, locals, region: null });
    const done = BlockCompiler.finish(body, locals);
    const source = `
${done.prologue}
let e0 = cpu.eip, ne = 0;
${done.body}
cpu.eip = e0;`;
    return this.build<CompiledBlock>(source, handlers, block.instrs, "compiledBlock");
  }

  /**
   * One function for many blocks of a page: it dispatches on the entry
   * point's offset in the page (through a table of cases) and keeps running
   * while control stays on known blocks of that linear page (same CS, flat),
   * nothing needs the run loop, and the budget lasts. Branches with targets
   * known at compile time go straight to their case, or through
   * `cpu.jitChain` to another region. It returns 1 when it left only because
   * the next EIP is none of its blocks (a caller region may go on from
   * there), 0 when the run loop must look (an event, the budget, a
   * hand-written handler ending a block, self-modifying code). It records in
   * `cpu.jitBlocks`, `cpu.jitBlockIndex` (an index in `included`) and
   * `cpu.jitBlockStart` which block is running, for fault accounting.
   */
  compileRegion(blocks: readonly Block[], code32: boolean): { run: RegionRun; included: Block[]; consumed: number } | null {
    if (!this.available || blocks.length === 0) return null;
    const candidates: Block[] = [];
    const map = new Int8Array(0x1000).fill(-1);
    let scanned = 0;
    for (; scanned < blocks.length && candidates.length < MAX_REGION_BLOCKS; scanned++) {
      const offset = blocks[scanned].physical & 0xfff;
      if (map[offset] >= 0) continue;
      map[offset] = candidates.length;
      candidates.push(blocks[scanned]);
    }
    if (candidates.length < 2) return null;
    const handlers: Handler[][] = [];
    const instrs: Instr[][] = [];
    const cases: string[] = [];
    const locals: MemoryLocals = { segments: 0, stack: false };
    const caseAt = (pageOffset: number) => map[pageOffset];
    const sites = { count: 0 };
    let size = 0;
    const included: Block[] = [];
    for (let b = 0; b < candidates.length && size <= MAX_REGION_SOURCE; b++) {
      const block = candidates[b];
      handlers[b] = [];
      instrs[b] = block.instrs;
      const pageOffset = block.physical & 0xfff;
      const body = this.blockSource(block, code32, { H: `H[${b}]`, I: `I[${b}]`, handlers: handlers[b], locals, region: { caseAt, pageOffset, sites } });
      size += body.length;
      included.push(block);
      const leave = BlockCompiler.endsWithHandler(block) ? "cpu.eip = e0; return 0;" : "break;";
      cases.push(`case ${b}: {
cpu.jitBlockIndex = ${b}; cpu.jitBlockStart = e0;
${body}
${leave}
}`);
    }
    // Candidates past the size limit have no case: entering one (through the table or a branch) leaves by the default case.
    if (included.length < 2) return null;
    const consumed = included.length === candidates.length ? scanned : blocks.indexOf(included[included.length - 1]) + 1;
    const done = BlockCompiler.finish(cases.join("\n"), locals);
    const refresh = memoryRefresh(locals);
    const source = `
${done.prologue}
const csBase = cpu.segBase[1];
let e0 = cpu.eip, ne = 0;
const page = (csBase + e0) & -4096;
let b = M[(csBase + e0) & 4095];
cpu.jitBlocks = IB;
for (;;) {
switch (b) {
${done.body}
default:
cpu.eip = e0;
return 1;
}
if (cpu.attention !== 0 || cpu.instructionCount >= cpu.budgetEnd) { cpu.eip = e0; return 0; }
if (b < 0) {
if (b === -2) { cpu.jitBlocks = IB; ${refresh} }
if (((csBase + e0) & -4096) !== page) { cpu.eip = e0; return 1; }
b = M[(csBase + e0) & 4095];
}
}`;
    return { run: this.build<RegionRun>(source, handlers, instrs, "compiledRegion", { map, blocks: included, sites: sites.count }), included, consumed };
  }
}
