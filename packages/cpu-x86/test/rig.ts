/**
 * A tiny machine for system-level tests: RAM, the MMU, the CPU, an I/O bus
 * with a few ports of its own and one MMIO page.
 *
 * - Port 0xE9 (the Bochs/QEMU debug console): every byte written is recorded;
 *   the programs in test/programs report 32-bit values as four byte writes,
 *   low byte first (REPORT in programs/sys.inc), so `values` groups the bytes by four.
 *   The same binaries run unchanged under QEMU with `-device isa-debugcon`.
 * - Port 0xF4 (QEMU's isa-debug-exit): a write ends the run with `Exit.Stopped`
 *   and records the value as the exit status.
 * - Port 0xE1: a write pauses the run (`Exit.Stopped`, no exit status), so a
 *   test can change something and call `run()` again.
 * - Port 0xE0: a write sets the CPU's INTR line to (value != 0), a read
 *   asserts it (and returns 1); the interrupt-acknowledge stub answers
 *   `irqVector` and counts acknowledges.
 * - Physical page 0xFED00000 (`TRIGGER_ADDRESS`, MMIO): a read asserts INTR
 *   and returns `triggerValue`, so an instruction can raise an interrupt in
 *   the middle of its own execution (`mov ss, [TRIGGER_ADDRESS]`).
 *
 * Programs are flat binaries (NASM `-f bin`) committed with a symbol map
 * (`[map symbols ...]`) so tests can name the addresses they expect.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Mmu, PhysicalMemory } from "@xeno86/mmu";
import { Cpu, Exit, type ExitCode, type InterruptAcknowledge, type IoBus } from "../src/index";

export { Exit };

export const DEBUG_PORT = 0xe9;
export const EXIT_PORT = 0xf4;
export const IRQ_PORT = 0xe0;
export const PAUSE_PORT = 0xe1;
export const TRIGGER_ADDRESS = 0xfed00000;

export interface RigOptions {
  ramBytes?: number;
  jit?: boolean;
  jitThreshold?: number;
}

export class Rig {
  readonly memory: PhysicalMemory;
  readonly mmu: Mmu;
  readonly cpu: Cpu;
  /** Bytes written to port 0xE9, in order. */
  readonly bytes: number[] = [];
  /** Value written to port 0xF4, or null while the program runs. */
  exitStatus: number | null = null;
  /** Vector the interrupt controller answers on INTA. */
  irqVector = 0x50;
  /** Interrupt-acknowledge cycles so far. */
  acknowledges = 0;
  /** What a read of the trigger page returns. */
  triggerValue = 0x10;
  /** Every port access other than the rig's own: [direction, port, size, value]. */
  readonly otherPorts: Array<[string, number, number, number]> = [];

  constructor(options: RigOptions = {}) {
    this.memory = new PhysicalMemory(options.ramBytes ?? 16 << 20);
    this.mmu = new Mmu(this.memory);
    const rig = this;
    const io: IoBus = {
      in8: (port) => rig.input(port, 1),
      in16: (port) => rig.input(port, 2),
      in32: (port) => rig.input(port, 4),
      out8: (port, value) => rig.output(port, 1, value & 0xff),
      out16: (port, value) => rig.output(port, 2, value & 0xffff),
      out32: (port, value) => rig.output(port, 4, value >>> 0),
    };
    const interrupts: InterruptAcknowledge = {
      acknowledge: () => {
        rig.acknowledges++;
        return rig.irqVector;
      },
    };
    const cpuOptions: ConstructorParameters<typeof Cpu>[0] = { mmu: this.mmu, io, interrupts, jit: options.jit ?? false };
    if (options.jitThreshold !== undefined) cpuOptions.jitThreshold = options.jitThreshold;
    this.cpu = new Cpu(cpuOptions);
    this.memory.addMmio(TRIGGER_ADDRESS, 0x1000, {
      read: () => {
        rig.cpu.setInterruptLine(true);
        return rig.triggerValue;
      },
      write: () => {},
    });
  }

  private input(port: number, size: number): number {
    if (port === IRQ_PORT) {
      this.cpu.setInterruptLine(true);
      return 1;
    }
    this.otherPorts.push(["in", port, size, 0]);
    return size === 1 ? 0xff : size === 2 ? 0xffff : -1;
  }

  private output(port: number, size: number, value: number): void {
    if (port === DEBUG_PORT) {
      for (let b = 0; b < size; b++) this.bytes.push((value >>> (8 * b)) & 0xff);
    } else if (port === EXIT_PORT) {
      this.exitStatus = value;
      this.cpu.requestStop();
    } else if (port === IRQ_PORT) {
      this.cpu.setInterruptLine(value !== 0);
    } else if (port === PAUSE_PORT) {
      this.cpu.requestStop();
    } else {
      this.otherPorts.push(["out", port, size, value]);
    }
  }

  /** The 32-bit values reported so far (four bytes each, low byte first). */
  get values(): number[] {
    const out: number[] = [];
    for (let i = 0; i + 3 < this.bytes.length; i += 4) {
      out.push((this.bytes[i] | (this.bytes[i + 1] << 8) | (this.bytes[i + 2] << 16) | (this.bytes[i + 3] << 24)) >>> 0);
    }
    return out;
  }

  /** Copies a flat binary to a physical address. */
  load(image: Uint8Array, physical: number): void {
    this.memory.writeBytes(physical, image);
  }

  /** Starts in real mode at CS:IP (as a boot sector is entered). */
  startReal(cs: number, ip: number): void {
    this.cpu.loadRealModeEntry(cs, ip);
  }

  /** Runs until the program writes port 0xF4, or something else stops the CPU. */
  run(budget = 5_000_000): ExitCode {
    return this.cpu.run(budget);
  }

  read32(physical: number): number {
    return this.memory.read32(physical) >>> 0;
  }
}

// ---- the assembled programs ----

const PROGRAM_DIR = new URL("./programs/", import.meta.url);

export function programPath(name: string, extension: string): string {
  return fileURLToPath(new URL(`${name}.${extension}`, PROGRAM_DIR));
}

export interface Program {
  name: string;
  image: Uint8Array;
  /** Label → address, from the NASM map committed beside the binary. */
  symbols: Map<string, number>;
}

/** Parses the "-- Symbols --" part of a NASM map file: constants (value, name) and labels (real, virtual, name). */
export function parseNasmMap(text: string): Map<string, number> {
  const symbols = new Map<string, number>();
  let inSymbols = false;
  for (const line of text.split("\n")) {
    if (line.startsWith("-- Symbols")) inSymbols = true;
    else if (line.startsWith("-- ")) inSymbols = false;
    if (!inSymbols) continue;
    const label = /^\s*([0-9A-Fa-f]+)\s+([0-9A-Fa-f]+)\s+(\S+)\s*$/.exec(line);
    if (label !== null) symbols.set(label[3], Number.parseInt(label[2], 16));
    const constant = /^([0-9A-Fa-f]{8})\s+(\S+)\s*$/.exec(line);
    if (constant !== null) symbols.set(constant[2], Number.parseInt(constant[1], 16));
  }
  return symbols;
}

export function loadProgram(name: string): Program {
  const image = new Uint8Array(readFileSync(programPath(name, "bin")));
  const symbols = parseNasmMap(readFileSync(programPath(name, "map"), "utf8"));
  return { name, image, symbols };
}

/** Where every program is loaded and entered: 0000:7C00, like a boot sector. */
export const LOAD_ADDRESS = 0x7c00;

export interface ProgramRun {
  rig: Rig;
  exit: ExitCode;
  values: number[];
  status: number | null;
  /** Address of a label; throws for an unknown name so a typo cannot pass silently. */
  sym(name: string): number;
}

/** Loads a program at 0x7C00, enters it in real mode and runs it. `prepare` may adjust the rig first. */
export function runProgram(
  name: string,
  options: RigOptions & { budget?: number; prepare?: (rig: Rig, sym: (name: string) => number) => void } = {},
): ProgramRun {
  const program = loadProgram(name);
  const rig = new Rig(options);
  const sym = (label: string): number => {
    const address = program.symbols.get(label);
    if (address === undefined) throw new Error(`${name}: no symbol ${label}`);
    return address;
  };
  rig.load(program.image, LOAD_ADDRESS);
  rig.startReal(0, LOAD_ADDRESS);
  options.prepare?.(rig, sym);
  const exit = rig.run(options.budget ?? 5_000_000);
  return { rig, exit, values: rig.values, status: rig.exitStatus, sym };
}

/** The execution modes every program is run in: the interpreter, and the block compiler from the first execution. */
export const MODES = [
  { name: "interpreter", jit: false },
  { name: "compiled", jit: true, jitThreshold: 1 },
] as const;

export function hex(value: number): string {
  return `0x${(value >>> 0).toString(16)}`;
}

// ---- what the exception stubs of sys.inc report ----

/** Reported in place of the error code for vectors that push none. */
export const NO_ERROR_CODE = 0xffffffff;

/** The four values the stubs report for an exception: 0xEC0000vv, error code, EIP, CS. */
export function fault(vector: number, errorCode: number | null, eip: number, cs: number): number[] {
  return [(0xec000000 | vector) >>> 0, errorCode === null ? NO_ERROR_CODE : errorCode >>> 0, eip >>> 0, cs];
}

/** A page fault: the four values of `fault` and CR2. */
export function pageFault(errorCode: number, eip: number, cs: number, cr2: number): number[] {
  return [...fault(14, errorCode, eip, cs), cr2 >>> 0];
}

/** Cuts the reported values into consecutive groups of the given sizes (one per check); the rest goes last. */
export function split(values: number[], sizes: number[]): number[][] {
  const groups: number[][] = [];
  let at = 0;
  for (const size of sizes) {
    groups.push(values.slice(at, at + size));
    at += size;
  }
  groups.push(values.slice(at));
  return groups;
}
