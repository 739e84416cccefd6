/**
 * The small system-control ports of a PC chipset:
 * - port 0x61, system control port B: counter 2's GATE (bit 0) and speaker
 *   enable (bit 1) are read/write; bit 4 toggles with every DRAM refresh
 *   request (every 15.085 µs); bit 5 is counter 2's OUT. Linux calibrates
 *   the TSC by programming counter 2 in mode 0 and polling bit 5.
 * - port 0x92, system control port A: bit 1 gates A20 ("fast A20"), a 0→1
 *   write of bit 0 resets the machine.
 * - port 0xCF9, the PIIX reset control register: writing bit 2 (RCPU) as 1
 *   resets, bit 1 (SRST) says hard (full) or soft. A `PciHost` forwards its
 *   byte accesses here; without one, `attach` claims the port itself.
 * - `A20Gate`: the A20 line is enabled when the 8042 output port or port
 *   0x92 enables it.
 */
import type { Pit } from "./pit";
import type { VirtualClock } from "./clock";
import type { PortBus } from "./io-bus";
import type { ResetHandler } from "./interfaces";
import { checkState } from "./state";

/** Period of the refresh-request toggle seen at port 0x61 bit 4, in ns. */
export const REFRESH_TOGGLE_NS = 15_085;

export interface A20State {
  version: 1;
  keyboardController: boolean;
  fastGate: boolean;
}

/** The A20 line: an OR of the 8042's output port bit 1 and port 0x92 bit 1. */
export class A20Gate {
  /** Called when the A20 line changes (map the MMU's address wrap from it). */
  onChange: ((enabled: boolean) => void) | null;
  private kbc: boolean;
  private fast = false;

  /** `enabled`: the line at power-on as a loader leaves it (default true, as the Linux boot protocol requires). */
  constructor(options: { enabled?: boolean; onChange?: (enabled: boolean) => void } = {}) {
    this.kbc = options.enabled ?? true;
    this.onChange = options.onChange ?? null;
  }

  get enabled(): boolean {
    return this.kbc || this.fast;
  }

  /** The 8042 output port's A20 bit. */
  setKeyboardController(enabled: boolean): void {
    const before = this.enabled;
    this.kbc = enabled;
    this.notify(before);
  }

  get keyboardController(): boolean {
    return this.kbc;
  }

  /** Port 0x92 bit 1. */
  setFastGate(enabled: boolean): void {
    const before = this.enabled;
    this.fast = enabled;
    this.notify(before);
  }

  get fastGate(): boolean {
    return this.fast;
  }

  save(): A20State {
    return { version: 1, keyboardController: this.kbc, fastGate: this.fast };
  }

  restore(state: unknown): void {
    const s = checkState<A20State>(state, "A20 gate", 1);
    const before = this.enabled;
    this.kbc = s.keyboardController;
    this.fast = s.fastGate;
    this.notify(before);
  }

  private notify(before: boolean): void {
    const now = this.enabled;
    if (now !== before && this.onChange !== null) this.onChange(now);
  }
}

export interface SystemControlBState {
  version: 1;
  value: number;
}

/** Port 0x61. */
export class SystemControlB {
  private value = 0;
  private readonly pit: Pit;
  private readonly clock: VirtualClock;

  private readonly readPort = (): number => this.read();
  private readonly writePort = (_port: number, value: number): void => this.write(value);

  constructor(options: { pit: Pit; clock: VirtualClock }) {
    this.pit = options.pit;
    this.clock = options.clock;
  }

  attach(bus: PortBus): void {
    bus.claim("system-control-b", 0x61, 1, { read8: this.readPort, write8: this.writePort });
  }

  read(): number {
    this.clock.sample();
    const refresh = Math.floor(this.clock.time[0]! / REFRESH_TOGGLE_NS) & 1;
    return (this.value & 0x0f) | (refresh << 4) | (this.pit.output(2) ? 0x20 : 0);
  }

  write(value: number): void {
    this.value = value & 0x0f;
    this.pit.setGate(2, (value & 1) !== 0);
  }

  /** Bit 1: the speaker follows counter 2's OUT. */
  get speakerEnabled(): boolean {
    return (this.value & 2) !== 0;
  }

  save(): SystemControlBState {
    return { version: 1, value: this.value };
  }

  restore(state: unknown): void {
    const s = checkState<SystemControlBState>(state, "system control port B", 1);
    this.value = s.value & 0x0f;
  }
}

export interface SystemControlAState {
  version: 1;
  value: number;
}

/** Port 0x92: fast A20 and fast reset. */
export class SystemControlA {
  private value = 0;
  private readonly a20: A20Gate;
  /** Called for a reset through bit 0. */
  onReset: ResetHandler | null;

  private readonly readPort = (): number => this.read();
  private readonly writePort = (_port: number, value: number): void => this.write(value);

  constructor(options: { a20: A20Gate; onReset?: ResetHandler }) {
    this.a20 = options.a20;
    this.onReset = options.onReset ?? null;
  }

  attach(bus: PortBus): void {
    bus.claim("system-control-a", 0x92, 1, { read8: this.readPort, write8: this.writePort });
  }

  read(): number {
    return (this.value & ~0x03) | (this.a20.fastGate ? 0x02 : 0);
  }

  write(value: number): void {
    this.value = value & 0xfe; // bit 0 always reads 0 after the reset pulse
    this.a20.setFastGate((value & 0x02) !== 0);
    if ((value & 0x01) !== 0 && this.onReset !== null) this.onReset("port-0x92");
  }

  save(): SystemControlAState {
    return { version: 1, value: this.value };
  }

  restore(state: unknown): void {
    const s = checkState<SystemControlAState>(state, "system control port A", 1);
    this.value = s.value & 0xfe;
  }
}

export interface ResetControlState {
  version: 1;
  value: number;
}

/** Port 0xCF9. */
export class ResetControl {
  private value = 0;
  /** Called when RCPU (bit 2) is written as 1. */
  onReset: ResetHandler | null;
  /** Whether the last reset asked for a hard reset (SRST, bit 1). */
  lastResetHard = false;

  private readonly readPort = (): number => this.read();
  private readonly writePort = (_port: number, value: number): void => this.write(value);

  constructor(options: { onReset?: ResetHandler } = {}) {
    this.onReset = options.onReset ?? null;
  }

  /** Claims 0xCF9 alone; with a `PciHost`, hand this object to it instead (0xCF8-0xCFB is the PCI address register). */
  attach(bus: PortBus): void {
    bus.claim("reset-control", 0xcf9, 1, { read8: this.readPort, write8: this.writePort });
  }

  read(): number {
    return this.value;
  }

  write(value: number): void {
    this.value = value & 0x0a; // RCPU reads back as 0
    if ((value & 0x04) !== 0) {
      this.lastResetHard = (value & 0x02) !== 0;
      if (this.onReset !== null) this.onReset("reset-control");
    }
  }

  save(): ResetControlState {
    return { version: 1, value: this.value };
  }

  restore(state: unknown): void {
    const s = checkState<ResetControlState>(state, "reset control", 1);
    this.value = s.value & 0x0a;
  }
}
