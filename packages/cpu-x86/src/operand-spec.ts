/**
 * Parsing the opcode table's operand notation into what the decoder, the
 * interpreter generator and the disassembler need to know.
 */

export type OperandKind =
  | "E" // ModRM r/m (register or memory)
  | "G" // ModRM reg
  | "M" // ModRM memory only
  | "R" // ModRM register only (mod ignored)
  | "S" // segment register in ModRM reg
  | "C" // control register in ModRM reg
  | "D" // debug register in ModRM reg
  | "Z" // register in the opcode's low three bits
  | "I" // immediate
  | "J" // relative branch offset
  | "O" // absolute offset (moffs)
  | "A" // far pointer immediate
  | "X" // string source DS:eSI
  | "Y" // string destination ES:eDI
  | "F" // x87 ModRM (the FPU decodes it)
  | "fixed"; // AL, eAX, CL, DX, 1, a segment register

/** b/w/d fixed sizes; v by operand size; bs = byte sign-extended to v; p/a/s/q memory shapes. */
export type OperandSize = "b" | "w" | "d" | "v" | "z" | "bs" | "p" | "a" | "s" | "q" | "x" | "";

export interface OperandSpec {
  readonly kind: OperandKind;
  readonly size: OperandSize;
  /** For fixed operands: the name (AL, eAX, CL, DX, 1, ES...). */
  readonly name: string;
}

const FIXED = new Set(["AL", "eAX", "CL", "DX", "1", "ES", "CS", "SS", "DS", "FS", "GS"]);

export function parseOperands(text: string): OperandSpec[] {
  if (text === "") return [];
  return text.split(",").map(parseOperand);
}

export function parseOperand(text: string): OperandSpec {
  if (FIXED.has(text)) return { kind: "fixed", size: text === "AL" || text === "CL" ? "b" : text === "eAX" ? "v" : "w", name: text };
  const kind = text[0] as OperandKind;
  const size = text.slice(1) as OperandSize;
  if (!"EGMRSCDZIJOAXYF".includes(kind)) throw new Error(`unknown operand kind in "${text}"`);
  return { kind, size: (size === "z" ? "v" : size) as OperandSize, name: text };
}

/** Does the operand list need a ModRM byte? */
export function needsModrm(specs: readonly OperandSpec[]): boolean {
  return specs.some((s) => "EGMRSCDF".includes(s.kind) && s.kind !== "fixed");
}

/** Does any operand's size depend on the operand-size attribute? */
export function isOperandSized(specs: readonly OperandSpec[]): boolean {
  return specs.some((s) => s.size === "v" || s.size === "bs" || s.size === "p" || s.size === "a");
}

/** Operand size in bits for a spec, given the instruction's operand size. */
export function operandBits(spec: OperandSpec, operand16: boolean): 8 | 16 | 32 {
  switch (spec.size) {
    case "b":
      return 8;
    case "w":
      return 16;
    case "d":
      return 32;
    default:
      return operand16 ? 16 : 32;
  }
}
