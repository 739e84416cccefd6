/**
 * The PC: CPU + MMU + board + virtual clock, wired the way an AT-class
 * machine with a PCI host bridge is.
 *
 * Time: the clock is driven by the CPU's retired instructions (deterministic)
 * or, when a host clock is given, by whichever runs ahead. The CPU runs in
 * slices that end at the next timer deadline, so device interrupts arrive on
 * time; while the CPU is halted with interrupts enabled, the clock skips to
 * the next deadline (and the TSC skips with it).
 *
 * Board wiring: PIC pair (INTR → CPU, INTA ← CPU), PIT on IRQ 0 with its
 * channel 2 behind port 0x61, RTC/CMOS on IRQ 8, COM1/COM2 on IRQ 4/3, the
 * 8042 with its reset line, port 0x92, port 0xCF9, PCI configuration
 * mechanism 1 with an i440FX host bridge and a PIIX3 ISA bridge, FERR# on
 * IRQ 13. The A20 line is reported but not enforced: the 32-bit boot paths
 * never depend on address wrap at 1 MiB.
 */
import { Cpu, Exit, saveCpuState, restoreCpuState, Seg, SegmentAttr, type CpuState } from "@xeno86/cpu-x86";
import { Mmu, PhysicalMemory } from "@xeno86/mmu";
import { VirtualClock } from "./clock";
import { FpuErrorLatch } from "./fpu-error";
import type { Logger, ResetSource } from "./interfaces";
import { PortBus } from "./io-bus";
import { KeyboardController } from "./keyboard-controller";
import { IgnoredPorts, PostCodePort } from "./legacy-ports";
import { type BootEntry, ImageFormatError } from "./loaders/boot-entry";
import { loadElf32 } from "./loaders/elf";
import { loadLinux, type LinuxLoadOptions } from "./loaders/linux";
import { loadMultiboot, type MultibootModule } from "./loaders/multiboot";
import { PciHost } from "./pci";
import { plugChipset } from "./pci-chipset";
import { Pic } from "./pic";
import { Pit } from "./pit";
import { Rtc } from "./rtc";
import { A20Gate, ResetControl, SystemControlA, SystemControlB } from "./system-control";
import { COM1, COM2, Uart16550 } from "./uart";

export interface MachineOptions {
  /** RAM in MiB (default 128). */
  memoryMiB?: number;
  /** Compile hot guest code to JavaScript (default true). */
  jit?: boolean;
  /** Executions of a block before it is compiled (the CPU's default when absent). */
  jitThreshold?: number;
  /** Wall-clock time of the RTC at virtual time 0 (default a fixed date: deterministic). */
  startTime?: number | Date;
  /** A monotonic host clock in milliseconds: ties virtual time to real time (interactive use). */
  hostNowMs?: () => number;
  /** Bytes the guest writes to COM1 (the console); `port` 1 is COM2. */
  onSerialOutput?: (byte: number, port: 0 | 1) => void;
  /** Diagnostics: unknown ports, resets. */
  log?: Logger;
}

/** Why `Machine.run` returned. */
export type MachineStopReason =
  | "halted" // HLT with interrupts off (how Linux ends after `poweroff`): the machine is done
  | "reset" // the guest asked for a reset (keyboard controller, port 0x92, port 0xCF9) or a triple fault without resetOnTripleFault
  | "triple-fault"
  | "timeout" // the virtual-time limit passed
  | "stopped"; // `stop()` was called

export interface MachineStop {
  reason: MachineStopReason;
  /** For resets: which path asked. */
  resetSource?: ResetSource;
  /** CS:EIP where the CPU stopped. */
  cs: number;
  eip: number;
  /** Virtual time at the stop, in nanoseconds. */
  timeNs: number;
  instructions: number;
}

/** Longest CPU slice between clock polls, in instructions, when no timer is due sooner. */
const MAX_SLICE = 4_000_000;

export class Machine {
  readonly memory: PhysicalMemory;
  readonly mmu: Mmu;
  readonly cpu: Cpu;
  readonly clock: VirtualClock;
  readonly bus: PortBus;
  readonly pic: Pic;
  readonly pit: Pit;
  readonly rtc: Rtc;
  readonly com1: Uart16550;
  readonly com2: Uart16550;
  readonly pci: PciHost;
  readonly keyboard: KeyboardController;
  readonly a20: A20Gate;
  private readonly systemControlA: SystemControlA;
  private readonly systemControlB: SystemControlB;
  private readonly resetControl: ResetControl;
  private readonly fpuError: FpuErrorLatch;
  private readonly log: Logger;
  private stopRequested = false;
  private resetSource: ResetSource | null = null;

  constructor(options: MachineOptions = {}) {
    const memoryMiB = options.memoryMiB ?? 128;
    if (!Number.isInteger(memoryMiB) || memoryMiB < 2 || memoryMiB > 2047) {
      throw new RangeError(`memory must be a whole number of MiB between 2 and 2047, not ${options.memoryMiB}`);
    }
    this.log = options.log ?? (() => {});
    this.memory = new PhysicalMemory(memoryMiB * 1024 * 1024);
    this.mmu = new Mmu(this.memory);
    this.bus = new PortBus({
      onUnknownPort: options.log ? (port, write) => this.log(`unclaimed port 0x${port.toString(16)} ${write ? "written" : "read"}`) : undefined,
    });
    this.pic = new Pic({ onIntr: (level) => this.cpu.setInterruptLine(level) });
    this.cpu = new Cpu({ mmu: this.mmu, io: this.bus, interrupts: this.pic, jit: options.jit, jitThreshold: options.jitThreshold });
    this.clock = new VirtualClock({ counter: this.cpu, hostNowMs: options.hostNowMs });
    this.pic.attach(this.bus);

    this.pit = new Pit({ clock: this.clock, irq: this.pic, irqLine: 0 });
    this.pit.attach(this.bus);
    this.a20 = new A20Gate({ enabled: true });
    const onReset = (source: ResetSource) => this.requestReset(source);
    this.systemControlB = new SystemControlB({ pit: this.pit, clock: this.clock });
    this.systemControlB.attach(this.bus);
    this.systemControlA = new SystemControlA({ a20: this.a20, onReset });
    this.systemControlA.attach(this.bus);
    this.resetControl = new ResetControl({ onReset });
    this.rtc = new Rtc({ clock: this.clock, irq: this.pic, irqLine: 8, startTime: options.startTime, memoryBytes: this.memory.ramBytes });
    this.rtc.attach(this.bus);
    const output = options.onSerialOutput;
    this.com1 = new Uart16550({ clock: this.clock, irq: this.pic, irqLine: COM1.irq, onTransmit: output ? (byte) => output(byte, 0) : undefined });
    this.com1.attach(this.bus, COM1.base);
    this.com2 = new Uart16550({ clock: this.clock, irq: this.pic, irqLine: COM2.irq, onTransmit: output ? (byte) => output(byte, 1) : undefined });
    this.com2.attach(this.bus, COM2.base);
    this.keyboard = new KeyboardController({ irq: this.pic, a20: this.a20, onReset });
    this.keyboard.attach(this.bus);
    this.pci = new PciHost({ irq: this.pic, resetControl: this.resetControl });
    this.pci.attach(this.bus);
    plugChipset(this.pci);
    // PCI interrupts are level-triggered: the ELCR tells the PIC which lines are.
    this.pic.setElcr(this.pci.elcrMask);
    this.fpuError = new FpuErrorLatch(this.pic, 13);
    this.fpuError.attach(this.bus);
    this.cpu.fpuPins = this.fpuError;
    new PostCodePort().attach(this.bus);
    new IgnoredPorts().attach(this.bus);
  }

  // ---------------------------------------------------------------------------
  // loading
  // ---------------------------------------------------------------------------

  /** Loads a Linux bzImage (32-bit boot protocol) and points the CPU at it. */
  loadLinux(kernel: Uint8Array, options: LinuxLoadOptions = {}): void {
    this.start(loadLinux(this.memory, kernel, options).entry);
  }

  loadMultiboot(kernel: Uint8Array, options: { commandLine?: string; modules?: readonly MultibootModule[] } = {}): void {
    this.start(loadMultiboot(this.memory, kernel, options));
  }

  /** Loads an ELF32 executable and starts it in flat 32-bit protected mode at its entry. */
  loadElf(image: Uint8Array): void {
    const elf = loadElf32(this.memory, image);
    this.start({ mode: "protected", eip: elf.entry, gdtBase: 0, gdtLimit: 0, codeSelector: 0x10, dataSelector: 0x18, registers: {} });
  }

  /** A flat boot image (a boot sector and what follows it) at 0000:7C00, entered in real mode as a BIOS would. */
  loadBootImage(image: Uint8Array): void {
    if (0x7c00 + image.length > 0x9fc00) throw new ImageFormatError(`a boot image of ${image.length} bytes does not fit below 0x9FC00`);
    this.memory.writeBytes(0x7c00, image);
    this.start({ mode: "real", cs: 0, ip: 0x7c00, registers: { edx: 0x80 } });
  }

  /** Puts the CPU in the state a loader asks for. */
  start(entry: BootEntry): void {
    const cpu = this.cpu;
    cpu.reset();
    const registers = entry.registers;
    const order = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"] as const;
    order.forEach((name, index) => {
      cpu.r32[index] = registers[name] ?? 0;
    });
    if (entry.mode === "real") {
      cpu.loadRealModeEntry(entry.cs, entry.ip);
      return;
    }
    cpu.cr0 = (cpu.cr0 | 1) & ~0x80000000;
    cpu.gdtBase = entry.gdtBase;
    cpu.gdtLimit = entry.gdtLimit;
    const code = SegmentAttr.CODE_RX_PRESENT | SegmentAttr.DB | SegmentAttr.GRANULARITY;
    const data = SegmentAttr.DATA_RW_PRESENT | SegmentAttr.DB | SegmentAttr.GRANULARITY;
    cpu.loadFlatSegment(Seg.CS, entry.codeSelector, code);
    for (const seg of [Seg.DS, Seg.ES, Seg.SS, Seg.FS, Seg.GS]) cpu.loadFlatSegment(seg, entry.dataSelector, data);
    cpu.setCpl(0);
    cpu.eip = entry.eip;
    cpu.updateAllSegmentChecks();
  }

  // ---------------------------------------------------------------------------
  // running
  // ---------------------------------------------------------------------------

  /** Bytes typed into COM1 (the console). */
  sendSerial(bytes: ArrayLike<number> | string, port: 0 | 1 = 0): void {
    const data = typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes;
    (port === 0 ? this.com1 : this.com2).receive(data);
  }

  /** Makes `run` return "stopped" at the next instruction boundary (safe from device callbacks). */
  stop(): void {
    this.stopRequested = true;
    this.cpu.requestStop();
  }

  private requestReset(source: ResetSource): void {
    this.log(`reset requested by ${source}`);
    this.resetSource = source;
    this.cpu.requestReset();
  }

  /**
   * Runs until the guest halts for good, resets, triple-faults, `stop()` is
   * called, or `timeoutNs` of virtual time have passed.
   */
  run(timeoutNs = Number.POSITIVE_INFINITY): MachineStop {
    const cpu = this.cpu;
    const clock = this.clock;
    const end = clock.now() + timeoutNs;
    this.stopRequested = false;
    for (;;) {
      const now = clock.now();
      if (now >= end) return this.stopped("timeout");
      const deadline = Math.min(clock.nextDeadline(), end);
      const budget = Math.max(1, Math.min(MAX_SLICE, clock.instructionsUntil(deadline)));
      const exit = cpu.run(budget);
      clock.poll();
      switch (exit) {
        case Exit.Budget:
          break;
        case Exit.Halt:
          if (!this.idleUntilInterrupt(end)) return this.stopped("halted");
          break;
        case Exit.TripleFault:
          return this.stopped("triple-fault");
        case Exit.Reset:
          return this.stopped("reset");
        case Exit.Stopped:
          if (this.stopRequested) return this.stopped("stopped");
          break;
        default:
          // Intercepts and breakpoints are for embedders that install them.
          return this.stopped("stopped");
      }
    }
  }

  /**
   * The CPU is halted: skip virtual time to the next timer so the interrupt
   * that wakes it arrives. Returns false when nothing can ever wake it
   * (interrupts disabled, or no timer pending).
   */
  private idleUntilInterrupt(end: number): boolean {
    const cpu = this.cpu;
    if ((cpu.getEflags() & 0x200) === 0 && !cpu.nmiPending) return false;
    if (cpu.intrLine) return true;
    const before = this.clock.now();
    const deadline = this.clock.nextDeadline();
    if (deadline === Number.POSITIVE_INFINITY) return false;
    this.clock.advanceTo(Math.min(deadline, end));
    // The TSC counts time, not instructions: skipping idle time moves it too.
    cpu.tscOffset += (this.clock.now() - before) * cpu.tscPerInstruction / this.clock.nsPerInstruction;
    this.clock.poll();
    return true;
  }

  private stopped(reason: MachineStopReason): MachineStop {
    const stop: MachineStop = {
      reason,
      cs: this.cpu.segSelector[Seg.CS],
      eip: this.cpu.eip >>> 0,
      timeNs: this.clock.now(),
      instructions: this.cpu.instructionCount,
    };
    if (reason === "reset" && this.resetSource !== null) stop.resetSource = this.resetSource;
    if (reason === "triple-fault") {
      stop.cs = this.cpu.exitInfo.cs;
      stop.eip = this.cpu.exitInfo.eip >>> 0;
    }
    this.resetSource = null;
    return stop;
  }

  // ---------------------------------------------------------------------------
  // save and restore
  // ---------------------------------------------------------------------------

  /** The whole machine's state: named and versioned per component, plus RAM. */
  save(): MachineState {
    return {
      version: MACHINE_STATE_VERSION,
      memoryBytes: this.memory.ramBytes,
      ram: this.memory.ram8.slice(),
      cpu: saveCpuState(this.cpu),
      clock: this.clock.save(),
      pic: this.pic.save(),
      pit: this.pit.save(),
      rtc: this.rtc.save(),
      com1: this.com1.save(),
      com2: this.com2.save(),
      keyboard: this.keyboard.save(),
      pci: this.pci.save(),
      a20: this.a20.save(),
      systemControlA: this.systemControlA.save(),
      systemControlB: this.systemControlB.save(),
      resetControl: this.resetControl.save(),
      fpuError: this.fpuError.save(),
    };
  }

  restore(state: MachineState): void {
    if (state.version !== MACHINE_STATE_VERSION) {
      throw new Error(`machine state version ${state.version} is not ${MACHINE_STATE_VERSION}`);
    }
    if (state.memoryBytes !== this.memory.ramBytes) {
      throw new Error(`machine state has ${state.memoryBytes} bytes of RAM; this machine has ${this.memory.ramBytes}`);
    }
    this.memory.writeBytes(0, state.ram);
    restoreCpuState(this.cpu, state.cpu);
    this.clock.restore(state.clock);
    this.pic.restore(state.pic);
    this.pit.restore(state.pit);
    this.rtc.restore(state.rtc);
    this.com1.restore(state.com1);
    this.com2.restore(state.com2);
    this.keyboard.restore(state.keyboard);
    this.pci.restore(state.pci);
    this.a20.restore(state.a20);
    this.systemControlA.restore(state.systemControlA);
    this.systemControlB.restore(state.systemControlB);
    this.resetControl.restore(state.resetControl);
    this.fpuError.restore(state.fpuError);
  }
}

export const MACHINE_STATE_VERSION = 1;

export interface MachineState {
  version: number;
  memoryBytes: number;
  ram: Uint8Array;
  cpu: CpuState;
  clock: ReturnType<VirtualClock["save"]>;
  pic: ReturnType<Pic["save"]>;
  pit: ReturnType<Pit["save"]>;
  rtc: ReturnType<Rtc["save"]>;
  com1: ReturnType<Uart16550["save"]>;
  com2: ReturnType<Uart16550["save"]>;
  keyboard: ReturnType<KeyboardController["save"]>;
  pci: ReturnType<PciHost["save"]>;
  a20: ReturnType<A20Gate["save"]>;
  systemControlA: ReturnType<SystemControlA["save"]>;
  systemControlB: ReturnType<SystemControlB["save"]>;
  resetControl: ReturnType<ResetControl["save"]>;
  fpuError: ReturnType<FpuErrorLatch["save"]>;
}
