/**
 * One decoded instruction. The decoder fills it once; the interpreter runs it
 * many times from the decoded-instruction cache. Every field is a number or a
 * boolean and the shape never changes, so handlers see one hidden class.
 *
 * Register operands are stored already mapped to the index of the view that
 * matches their size (`REG8_BYTE_INDEX` for bytes, `reg << 1` for words,
 * `reg` for dwords), so a handler indexes `r8`, `r16` or `r32` directly.
 */
import type { Cpu } from "./cpu";
import { ZERO_REG } from "./registers";

export type Handler = (cpu: Cpu, i: Instr) => void;

export class Instr {
  /** The specialised handler chosen at decode time (size, register or memory form). */
  handler: Handler = unreachableHandler;
  /** Index of the form in the opcode table (for the disassembler and statistics). */
  form = 0;
  /** Instruction length in bytes, prefixes included. */
  length = 0;
  /** Opcode: 0x000-0x0ff one-byte, 0x100-0x1ff after 0x0f. */
  opcode = 0;
  /** The ModRM byte (x87 instructions use it whole). */
  modrm = 0;
  /** ModRM.reg as a view index for the G operand, or the raw reg field for groups. */
  reg = 0;
  /** Register operand from ModRM.rm or the opcode's low bits, as a view index. */
  rm = 0;
  /** True for the memory form of an E operand. */
  memory = false;

  // Effective address: base + (index << scale) + displacement, in the segment `segment`.
  base = ZERO_REG;
  index = ZERO_REG;
  scale = 0;
  displacement = 0;
  /** 16-bit addressing (0x67 in 32-bit code, or 16-bit code without it). */
  address16 = false;
  segment = 3;
  /** A segment-override prefix was present (string instructions' DS source honours it). */
  segmentOverride = false;

  /** 16-bit operand size (after 0x66). */
  operand16 = false;
  immediate = 0;
  /** Second immediate: ENTER's nesting level, a far pointer's selector. */
  immediate2 = 0;
  /** 0 none, 1 REP/REPE (F3), 2 REPNE (F2). */
  repeat = 0;
  lock = false;
  /**
   * The handler is the form's generated template (not a hand-written handler,
   * nor a #UD/#GP stand-in chosen by the decoder); the block compiler inlines it.
   */
  templated = false;
  /** Ends a translated block (a branch, a mode change, an interrupt-state change). */
  endsBlock = false;
}

function unreachableHandler(): void {
  throw new Error("instruction handler not set (decoder bug)");
}
