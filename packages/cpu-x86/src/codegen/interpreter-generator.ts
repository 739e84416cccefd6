/**
 * Writes the interpreter's specialised handlers from the opcode table.
 *
 * Each templated form becomes up to four functions: 16/32-bit operand size
 * times register/memory form, with operand reads and writes inlined, so a
 * handler only computes. Hand-written ("custom") forms are referenced by
 * name. The output is committed as `src/generated/handlers.ts`; a test
 * checks that it matches what this generator produces from the table.
 */
import { OPCODE_FORMS, type OpcodeForm, type TemplateContext } from "../opcode-table";
import { type OperandSpec, isOperandSized, parseOperands } from "../operand-spec";

const SIZE_INDEX: Record<number, string> = { 8: "0", 16: "1", 32: "2" };

/** The hand-written handler modules the generated code may reference. */
export const HANDLER_MODULES = ["alu", "bcd", "bits", "control", "flags", "io", "misc", "muldiv", "segments", "shift", "stack", "strings", "system"] as const;

function bitsOf(spec: OperandSpec, operandBits: 16 | 32): 8 | 16 | 32 {
  switch (spec.size) {
    case "b":
      return 8;
    case "w":
      return 16;
    case "d":
      return 32;
    default:
      return operandBits;
  }
}

/** Which operand sizes a form needs handlers for. */
export function formOperandSizes(form: OpcodeForm): Array<16 | 32> {
  const specs = parseOperands(form.operands);
  if (form.operandSized || specs.length === 0 || isOperandSized(specs) || specs.some((s) => s.kind === "J")) return [16, 32];
  return [32];
}

/** Does the form have an E/O operand whose register and memory forms differ? */
export function formHasMemoryVariant(form: OpcodeForm): boolean {
  return parseOperands(form.operands).some((s) => s.kind === "E" || s.kind === "M");
}

/** Operand size in bits of a form's main operand (what `o.bits` is in its template). */
export function formMainBits(form: OpcodeForm, operand16: boolean): 8 | 16 | 32 {
  return mainBits(parseOperands(form.operands), operand16 ? 16 : 32);
}

function mainBits(specs: OperandSpec[], operandBits: 16 | 32): 8 | 16 | 32 {
  const sized = specs.find((s) => s.size === "v" || s.size === "bs");
  if (sized) return operandBits;
  if (specs.length === 0) return operandBits;
  const first = specs[0];
  if (first.kind === "J") return operandBits;
  return bitsOf(first, operandBits);
}

function registerView(bits: number): string {
  return `cpu.r${bits}`;
}

/** Builds the template context for one variant. */
function context(form: OpcodeForm, operandBits: 16 | 32, memory: boolean, rmwLinear: boolean): TemplateContext {
  const specs = parseOperands(form.operands);
  const bits = mainBits(specs, operandBits);
  const operandBitsOf = (n: number) => bitsOf(specs[n], operandBits);
  const get = (n: number): string => {
    const spec = specs[n];
    if (spec === undefined) throw new Error(`${form.mnemonic} ${form.operands}: no operand ${n}`);
    const b = operandBitsOf(n);
    switch (spec.kind) {
      case "E":
      case "O":
        if (spec.kind === "E" && !memory) return `${registerView(b)}[i.rm]`;
        if (n === 0 && rmwLinear) return `cpu.mmu.read${b}(lin)`;
        return `cpu.read${b}(i.segment, ${spec.kind === "O" ? "i.displacement" : "cpu.ea(i)"})`;
      case "G":
        return `${registerView(b)}[i.reg]`;
      case "Z":
        return `${registerView(b)}[i.rm]`;
      case "M":
        return "cpu.ea(i)";
      case "I":
        return "i.immediate";
      case "fixed":
        switch (spec.name) {
          case "AL":
            return "cpu.r8[0]";
          case "eAX":
            return `${registerView(b)}[0]`;
          case "CL":
            return "cpu.r8[4]";
          case "DX":
            return "cpu.r16[4]";
          case "1":
            return "1";
          default:
            break;
        }
        break;
      default:
        break;
    }
    throw new Error(`${form.mnemonic} ${form.operands}: cannot read operand kind ${spec.kind}`);
  };
  const set = (n: number, value: string): string => {
    const spec = specs[n];
    const b = operandBitsOf(n);
    switch (spec.kind) {
      case "E":
      case "O":
        if (spec.kind === "E" && !memory) return `${registerView(b)}[i.rm] = ${value};`;
        if (n === 0 && rmwLinear) return `cpu.mmu.write${b}(lin, ${value});`;
        return `cpu.write${b}(i.segment, ${spec.kind === "O" ? "i.displacement" : "cpu.ea(i)"}, ${value});`;
      case "G":
        return `${registerView(b)}[i.reg] = ${value};`;
      case "Z":
        return `${registerView(b)}[i.rm] = ${value};`;
      case "fixed":
        if (spec.name === "AL") return `cpu.r8[0] = ${value};`;
        if (spec.name === "eAX") return `${registerView(b)}[0] = ${value};`;
        break;
      default:
        break;
    }
    throw new Error(`${form.mnemonic} ${form.operands}: cannot write operand kind ${spec.kind}`);
  };
  return { get, set, size: SIZE_INDEX[bits], bits, cc: form.opcode & 0xf, memory, operandBits };
}

function handlerName(index: number, bits: number, memory: boolean): string {
  return `h${index}_${bits}${memory ? "m" : "r"}`;
}

function describe(form: OpcodeForm): string {
  const opcode = form.opcode >= 0x100 ? `0F ${(form.opcode & 0xff).toString(16).padStart(2, "0")}` : form.opcode.toString(16).padStart(2, "0");
  const group = form.group >= 0 ? ` /${form.group}` : "";
  return `${opcode.toUpperCase()}${group} ${form.mnemonic} ${form.operands}`.trim();
}

/**
 * The code of one variant of a templated form, as the interpreter runs it
 * (the block compiler reuses it with the instruction's fields made constants).
 */
export function variantBody(form: OpcodeForm, operand16: boolean, memory: boolean): string {
  const sizes = formOperandSizes(form);
  const wanted = operand16 ? 16 : 32;
  const bits = sizes.includes(wanted) ? wanted : sizes[0];
  return generateBody(form, bits, formHasMemoryVariant(form) ? memory : false);
}

function generateBody(form: OpcodeForm, bits: 16 | 32, memory: boolean): string {
  const specs = parseOperands(form.operands);
  const first = specs[0];
  const rmwMemory = form.kind === "rmw" && memory && first !== undefined && (first.kind === "E" || first.kind === "O");
  const o = context(form, bits, memory, rmwMemory);
  const body = form.body!(o);
  if (!rmwMemory) return body;
  const bytes = bitsOf(first, bits) / 8;
  return `const lin = cpu.rmwLinear(i.segment, cpu.ea(i), ${bytes});\n  ${body}`;
}

export function generateInterpreter(): string {
  const out: string[] = [];
  out.push("// Generated by scripts/generate-interpreter.ts from src/opcode-table.ts. Do not edit by hand.");
  out.push("/* eslint-disable */");
  out.push('import type { Cpu } from "../cpu";');
  out.push('import type { Handler, Instr } from "../instruction";');
  for (const module of HANDLER_MODULES) out.push(`import * as ${module} from "../handlers/${module}";`);
  out.push("");
  out.push("/** #UD for a register operand where only memory is allowed (LEA r, r; LDS r, r). */");
  out.push("function memoryOnly(cpu: Cpu, i: Instr): void {\n  cpu.raiseUD();\n}");
  out.push("");

  const table: string[] = [];
  OPCODE_FORMS.forEach((form, index) => {
    const sizes = formOperandSizes(form);
    const hasMemory = formHasMemoryVariant(form);
    const specs = parseOperands(form.operands);
    const memoryOnly = specs.some((s) => s.kind === "M");
    const slots: string[] = [];
    for (const bits of [16, 32] as const) {
      const generatedBits = sizes.includes(bits) ? bits : sizes[0];
      for (const memory of [false, true]) {
        if (memoryOnly && !memory) {
          slots.push("memoryOnly");
          continue;
        }
        if (form.kind === "custom") {
          slots.push(form.handler!);
          continue;
        }
        const effectiveMemory = hasMemory ? memory : false;
        slots.push(handlerName(index, generatedBits, effectiveMemory));
      }
    }
    if (form.kind !== "custom") {
      for (const bits of sizes) {
        for (const memory of hasMemory ? [false, true] : [false]) {
          if (memoryOnly && !memory) continue;
          const sizeNote = sizes.length === 2 ? `${bits}-bit operands, ` : "";
          out.push(`/** ${describe(form)} (${sizeNote}${memory ? "memory" : "register"} form) */`);
          out.push(`function ${handlerName(index, bits, memory)}(cpu: Cpu, i: Instr): void {`);
          out.push(`  ${generateBody(form, bits, memory)}`);
          out.push("}");
        }
      }
    }
    table.push(`  /* ${index}: ${describe(form)} */ [${slots.join(", ")}],`);
  });
  out.push("");
  out.push("/** Per form of `OPCODE_FORMS`: handlers for [16-bit register, 16-bit memory, 32-bit register, 32-bit memory]. */");
  out.push("export const FORM_HANDLERS: ReadonlyArray<readonly [Handler, Handler, Handler, Handler]> = [");
  out.push(...table);
  out.push("];");
  out.push("");
  return out.join("\n");
}
