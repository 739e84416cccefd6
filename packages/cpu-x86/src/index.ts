export { Cpu, type CpuOptions } from "./cpu";
export {
  Exit,
  EXIT_NAMES,
  EventKind,
  ExitInfo,
  type ExitCode,
  type IoBus,
  type InterruptAcknowledge,
  type FpuErrorPins,
  type TraceHook,
} from "./interfaces";
export { Flag, ARITH_FLAGS } from "./eflags";
export { Vector } from "./exceptions";
export { Reg, Seg, REG32_NAMES, REG16_NAMES, REG8_NAMES, SEGMENT_NAMES } from "./registers";
export { SegmentAttr, SystemType, setSegmentCache, descriptorBase, descriptorLimit, descriptorAttr } from "./segmentation";
export { type X87State } from "./x87/x87";
export { Cr0, Cr4, writeCr0, writeCr3, writeCr4 } from "./control-registers";
export { CpuidFeature, CPU_SIGNATURE } from "./cpuid";
export { MsrIndex } from "./msr";
export { OPCODE_FORMS, type OpcodeForm } from "./opcode-table";
export { ConformanceHarness, type CaseResult } from "./conformance/harness";
export { checkCaseShape, type ConformanceCase } from "./conformance/vector-format";
export { saveCpuState, restoreCpuState, CPU_STATE_VERSION, type CpuState, type SegmentState } from "./snapshot";
export { disassemble, disassembleOne, type DisassembledInstruction } from "./disassembler";
export { PageFault } from "@xeno86/mmu";
