/**
 * The Intel 8254 programmable interval timer at 0x40-0x43, clocked at
 * 1.193182 MHz. Counter 0 drives IRQ0; counter 2's gate and output belong to
 * port 0x61 (see `SystemControlB`); counter 1 (DRAM refresh) only counts.
 *
 * Nothing ticks: every counter keeps the clock tick at which its counting
 * element was loaded and the value it had then, and reads compute the
 * counter and OUT from the virtual clock. Counter 0 arms one clock timer at
 * its next rising OUT edge, which is all the (edge-triggered) IRQ0 needs.
 *
 * Modes, as the 8254 datasheet describes them (N = initial count, 0 meaning
 * 2^16 in binary or 10^4 in BCD; the count is loaded into the counting
 * element on the first CLK after it is written):
 * - 0, interrupt on terminal count: OUT low from the control word; goes high
 *   when the counter reaches 0 and stays high; the counter wraps and goes on.
 *   GATE low suspends counting. A new count restarts the cycle.
 * - 1, retriggerable one-shot: a GATE rising edge loads N on the next CLK and
 *   drives OUT low until the counter reaches 0.
 * - 2, rate generator: OUT goes low for one CLK when the counter reaches 1,
 *   then the counter reloads: period N. GATE low stops counting and forces
 *   OUT high; a GATE rising edge reloads.
 * - 3, square wave: the counter decrements by two; OUT is high for ceil(N/2)
 *   CLKs and low for floor(N/2). GATE as in mode 2.
 * - 4, software-triggered strobe: OUT goes low for one CLK when the counter
 *   reaches 0. GATE low suspends counting.
 * - 5, hardware-triggered strobe: as mode 4, started by a GATE rising edge.
 * In modes 2 and 3 a count written while counting takes effect at the end
 * of the current period (the datasheet loads mode 3's at the end of the
 * half-cycle; this model waits for the full period).
 *
 * Access modes: LSB only, MSB only, LSB then MSB (a flip-flop for reads and
 * another for writes). The counter-latch command freezes the value until
 * read; the read-back command latches count and/or status (OUT, null count,
 * access, mode, BCD) of any counters, status first.
 */
import { type ClockTimer, type VirtualClock, ticksAtCell, timeOfTickCell } from "./clock";
import type { IrqSink } from "./interfaces";
import type { PortBus } from "./io-bus";
import { checkState } from "./state";

/** The PIT's input clock in Hz. */
export const PIT_HZ = 1_193_182;

const enum Access {
  Latch = 0,
  Lsb = 1,
  Msb = 2,
  Word = 3,
}

function toBcd(value: number): number {
  return (value % 10) | (((value / 10) % 10 | 0) << 4) | (((value / 100) % 10 | 0) << 8) | (((value / 1000) % 10 | 0) << 12);
}

function fromBcd(value: number): number {
  return (value & 0xf) + ((value >> 4) & 0xf) * 10 + ((value >> 8) & 0xf) * 100 + ((value >> 12) & 0xf) * 1000;
}

export interface PitChannelState {
  mode: number;
  access: number;
  bcd: boolean;
  gate: boolean;
  countRegister: number;
  reload: number;
  writeMsbNext: boolean;
  pendingLsb: number;
  readMsbNext: boolean;
  latchedCount: number;
  latchedMsbNext: boolean;
  latchedStatus: number;
  programmed: boolean;
  running: boolean;
  startTick: number;
  startValue: number;
  done: boolean;
  frozen: boolean;
  frozenOut: boolean;
  loadTick: number;
  nextReload: number;
  /** -1: no pending reload. */
  switchTick: number;
}

/** Cells of the shared tick array. */
const NOW = 0; // the tick being evaluated
const EDGE = 1; // result of findRisingEdge
const NS = 2; // scratch nanoseconds
const SAMPLE = 3; // scratch tick

/** One counter of the 8254. Its methods work at the tick in `ticks[0]`. */
export class PitChannel {
  mode = 3;
  access: number = Access.Word;
  bcd = false;
  gate = true;
  /** The 16-bit count last written (raw, BCD-coded when `bcd`). */
  countRegister = 0;
  /** N, the effective initial count (1..65536, or 1..10000 in BCD). */
  reload = 0x10000;
  writeMsbNext = false;
  pendingLsb = 0;
  readMsbNext = false;
  /** Latched count (-1: none). */
  latchedCount = -1;
  latchedMsbNext = false;
  /** Latched status byte (-1: none). */
  latchedStatus = -1;
  /** A count has been written since the control word. */
  programmed = false;
  /** The counting element holds a count and counts (modes 1/5: triggered). */
  running = false;
  /** At `startTick` the counter held `startValue`; it counts from there. */
  startTick = 0.5;
  startValue = 0;
  /** Modes 0/1/4/5: the terminal count has been reached in this cycle. */
  done = false;
  /** Gate low in modes 0, 2, 3, 4: counting is suspended with the counter at `startValue`. */
  frozen = false;
  frozenOut = false;
  /** Tick at which the last written count reaches the counting element (null count clears). */
  loadTick = 0.5;
  /** Modes 2/3: a count written while counting, loaded at `switchTick` (-1: none). */
  nextReload = 0;
  switchTick = -1.5;

  /** `ticks[0]` is the tick every method works at; `ticks[1]` receives `findRisingEdge`'s answer. */
  constructor(
    readonly index: number,
    private readonly ticks: Float64Array,
  ) {
    // (The odd initial values give the tick fields a double representation from the start.)
    this.startTick = 0;
    this.loadTick = 0;
    this.switchTick = -1;
  }

  private get modulus(): number {
    return this.bcd ? 10000 : 0x10000;
  }

  /** Applies a pending mode-2/3 reload whose time has come. */
  private settle(): void {
    if (this.switchTick >= 0 && this.ticks[NOW]! >= this.switchTick) {
      this.startTick = this.switchTick;
      this.startValue = this.nextReload;
      this.reload = this.nextReload;
      this.switchTick = -1;
    }
  }

  /** The counter as the chip would show it now (binary, 0..65535 or 0..9999). */
  counterAt(): number {
    this.settle();
    const tick = this.ticks[NOW]!;
    const m = this.modulus;
    if (!this.running || this.frozen || tick < this.startTick) return this.startValue % m;
    const e = tick - this.startTick;
    let v: number;
    switch (this.mode) {
      case 2:
        v = this.reload - (e % this.reload);
        break;
      case 3: {
        const n = this.reload;
        const p = e % n;
        if ((n & 1) === 0) {
          const half = n >> 1;
          v = p < half ? n - 2 * p : n - 2 * (p - half);
        } else {
          const high = (n + 1) >> 1;
          v = p < high ? n - 1 - 2 * p : n - 1 - 2 * (p - high);
        }
        break;
      }
      default:
        v = (this.startValue - e) % m;
        if (v < 0) v += m;
    }
    return v % m;
  }

  /** The OUT pin now. */
  outAt(): boolean {
    this.settle();
    if (!this.programmed) return this.mode !== 0;
    if (this.frozen) return this.frozenOut;
    const tick = this.ticks[NOW]!;
    if (!this.running || tick < this.startTick) {
      // Waiting for the load (or the trigger): OUT as the control word left it, or as the last cycle ended.
      return this.mode === 0 ? this.done : true;
    }
    const e = tick - this.startTick;
    switch (this.mode) {
      case 0:
        return this.done || e >= this.startValue;
      case 1:
        return e >= this.startValue;
      case 2:
        return e % this.reload !== this.reload - 1;
      case 3:
        return e % this.reload < (this.reload + 1) >> 1;
      default: // 4, 5: low for the one CLK at terminal count
        return this.done || e !== this.startValue;
    }
  }

  /** Finds the first tick after now at which OUT rises: true with it in `ticks[1]`, or false. */
  findRisingEdge(): boolean {
    this.settle();
    if (!this.programmed || !this.running || this.frozen) return false;
    const tick = this.ticks[NOW]!;
    const e = tick - this.startTick;
    let edge: number;
    switch (this.mode) {
      case 0:
      case 1:
        if (this.done && this.mode === 0) return false;
        edge = this.startTick + this.startValue;
        break;
      case 2:
      case 3:
        edge = e < 0 ? this.startTick + this.reload : this.startTick + (Math.floor(e / this.reload) + 1) * this.reload;
        if (this.switchTick >= 0 && edge > this.switchTick) edge = this.switchTick;
        break;
      default:
        if (this.done) return false;
        edge = this.startTick + this.startValue + 1;
    }
    if (edge <= tick) return false;
    this.ticks[EDGE] = edge;
    return true;
  }

  /** The status byte of the read-back command. */
  status(): number {
    const tick = this.ticks[NOW]!;
    const nullCount =
      !this.programmed ||
      tick < this.loadTick ||
      (this.switchTick >= 0 && tick < this.switchTick) ||
      ((this.mode === 1 || this.mode === 5) && !this.running);
    return (this.outAt() ? 0x80 : 0) | (nullCount ? 0x40 : 0) | (this.access << 4) | (this.mode << 1) | (this.bcd ? 1 : 0);
  }

  /** A control word for this counter (not latch, not read-back). */
  control(value: number): void {
    this.settleDone();
    this.access = (value >> 4) & 3;
    let mode = (value >> 1) & 7;
    if (mode > 5) mode -= 4; // 6 and 7 are 2 and 3
    this.mode = mode;
    this.bcd = (value & 1) !== 0;
    this.programmed = false;
    this.running = false;
    this.frozen = false;
    this.done = false;
    this.switchTick = -1;
    this.writeMsbNext = false;
    this.readMsbNext = false;
    this.latchedCount = -1;
    this.latchedStatus = -1;
  }

  /** The counter-latch command (ignored while a latched count is unread). */
  latch(): void {
    if (this.latchedCount >= 0) return;
    this.latchedCount = this.displayed();
    this.latchedMsbNext = false;
  }

  latchStatus(): void {
    if (this.latchedStatus >= 0) return;
    this.latchedStatus = this.status();
  }

  /** A read of the counter's port. */
  read(): number {
    if (this.latchedStatus >= 0) {
      const s = this.latchedStatus;
      this.latchedStatus = -1;
      return s;
    }
    if (this.latchedCount >= 0) {
      const c = this.latchedCount;
      switch (this.access) {
        case Access.Lsb:
          this.latchedCount = -1;
          return c & 0xff;
        case Access.Msb:
          this.latchedCount = -1;
          return c >> 8;
        default:
          if (this.latchedMsbNext) {
            this.latchedCount = -1;
            this.latchedMsbNext = false;
            return c >> 8;
          }
          this.latchedMsbNext = true;
          return c & 0xff;
      }
    }
    const c = this.displayed();
    switch (this.access) {
      case Access.Lsb:
        return c & 0xff;
      case Access.Msb:
        return c >> 8;
      default:
        this.readMsbNext = !this.readMsbNext;
        return this.readMsbNext ? c & 0xff : c >> 8;
    }
  }

  /** A write of the counter's port. */
  write(value: number): void {
    switch (this.access) {
      case Access.Lsb:
        this.loadCount(value);
        return;
      case Access.Msb:
        this.loadCount(value << 8);
        return;
      default:
        if (!this.writeMsbNext) {
          this.pendingLsb = value;
          this.writeMsbNext = true;
          if (this.mode === 0) {
            // Mode 0: writing the first byte stops counting and drives OUT low at once.
            const current = this.counterAt();
            this.running = false;
            this.frozen = false;
            this.done = false;
            this.programmed = true;
            this.startValue = current;
          }
          return;
        }
        this.writeMsbNext = false;
        this.loadCount(this.pendingLsb | (value << 8));
    }
  }

  /** Drives GATE. */
  setGate(level: boolean): void {
    if (level === this.gate) return;
    this.settle();
    this.settleDone();
    this.gate = level;
    if (!this.programmed) return;
    switch (this.mode) {
      case 0:
      case 4:
        if (!this.running) return;
        if (!level) {
          this.freeze(false);
        } else if (this.frozen) {
          this.frozen = false;
          this.startTick = this.ticks[NOW]!; // resumes on the next CLK
        }
        return;
      case 2:
      case 3:
        if (!level) {
          if (this.running) this.freeze(true);
        } else {
          this.frozen = false;
          this.switchTick = -1;
          this.start(this.reload);
        }
        return;
      default: // 1, 5: a rising edge triggers
        if (level) {
          this.done = false;
          this.start(this.reload);
        }
    }
  }

  save(): PitChannelState {
    return {
      mode: this.mode,
      access: this.access,
      bcd: this.bcd,
      gate: this.gate,
      countRegister: this.countRegister,
      reload: this.reload,
      writeMsbNext: this.writeMsbNext,
      pendingLsb: this.pendingLsb,
      readMsbNext: this.readMsbNext,
      latchedCount: this.latchedCount,
      latchedMsbNext: this.latchedMsbNext,
      latchedStatus: this.latchedStatus,
      programmed: this.programmed,
      running: this.running,
      startTick: this.startTick,
      startValue: this.startValue,
      done: this.done,
      frozen: this.frozen,
      frozenOut: this.frozenOut,
      loadTick: this.loadTick,
      nextReload: this.nextReload,
      switchTick: this.switchTick,
    };
  }

  restore(s: PitChannelState): void {
    this.mode = s.mode;
    this.access = s.access;
    this.bcd = s.bcd;
    this.gate = s.gate;
    this.countRegister = s.countRegister;
    this.reload = s.reload;
    this.writeMsbNext = s.writeMsbNext;
    this.pendingLsb = s.pendingLsb;
    this.readMsbNext = s.readMsbNext;
    this.latchedCount = s.latchedCount;
    this.latchedMsbNext = s.latchedMsbNext;
    this.latchedStatus = s.latchedStatus;
    this.programmed = s.programmed;
    this.running = s.running;
    this.startTick = s.startTick;
    this.startValue = s.startValue;
    this.done = s.done;
    this.frozen = s.frozen;
    this.frozenOut = s.frozenOut;
    this.loadTick = s.loadTick;
    this.nextReload = s.nextReload;
    this.switchTick = s.switchTick;
  }

  /** The counter value in the chip's coding (BCD when programmed so). */
  private displayed(): number {
    const v = this.counterAt();
    return this.bcd ? toBcd(v) : v;
  }

  /** Records that a one-shot cycle has reached its terminal count, before the timeline is changed. */
  private settleDone(): void {
    const tick = this.ticks[NOW]!;
    if (!this.running || this.frozen || tick < this.startTick) return;
    const e = tick - this.startTick;
    if (this.mode === 0 || this.mode === 1) {
      if (e >= this.startValue) this.done = true;
    } else if (this.mode >= 4 && e > this.startValue) {
      this.done = true;
    }
  }

  private freeze(forceHigh: boolean): void {
    const value = this.counterAt();
    this.frozenOut = forceHigh ? true : this.outAt();
    this.settleDone();
    this.frozen = true;
    // Keep the remaining distance to terminal count while it has not been reached.
    const elapsed = this.ticks[NOW]! - this.startTick;
    this.startValue = this.done || this.mode === 2 || this.mode === 3 ? value : this.startValue - (elapsed > 0 ? elapsed : 0);
  }

  /** Loads `value` into the counting element on the next CLK. */
  private start(value: number): void {
    this.running = true;
    this.frozen = false;
    this.startTick = this.ticks[NOW]! + 1;
    this.startValue = value;
  }

  private loadCount(raw: number): void {
    raw &= 0xffff;
    this.countRegister = raw;
    let n = this.bcd ? fromBcd(raw) : raw;
    if (n === 0) n = this.modulus;
    this.loadTick = this.ticks[NOW]! + 1;
    const wasProgrammed = this.programmed;
    this.programmed = true;
    switch (this.mode) {
      case 0:
      case 4:
        this.reload = n;
        this.done = false;
        this.switchTick = -1;
        this.start(n);
        if (!this.gate) {
          this.frozen = true;
          this.frozenOut = this.mode === 4;
        }
        return;
      case 2:
      case 3:
        if (wasProgrammed && this.running && !this.frozen) {
          // Takes effect when the current period ends.
          this.nextReload = n;
          this.switchTick = this.findRisingEdge() ? this.ticks[EDGE]! : this.ticks[NOW]! + 1;
          this.loadTick = this.switchTick;
          return;
        }
        this.reload = n;
        this.switchTick = -1;
        if (this.gate) {
          this.start(n);
        } else {
          this.running = true;
          this.frozen = true;
          this.frozenOut = true;
          this.startValue = n;
        }
        return;
      default: // 1, 5: wait for a trigger
        this.reload = n;
        if (!wasProgrammed) {
          this.running = false;
          this.startValue = n;
        }
    }
  }
}

export interface PitOptions {
  clock: VirtualClock;
  /** Where counter 0's OUT goes (IRQ 0 of the PIC). */
  irq?: IrqSink;
  irqLine?: number;
}

export interface PitState {
  version: 1;
  channels: PitChannelState[];
  irqLevel: boolean;
}

/** The 8254 with its three counters; counter 0 drives IRQ0. */
export class Pit {
  /** Tick cells shared with the counters: now, found edge, scratch ns, scratch tick. */
  private readonly ticks = new Float64Array(4);
  readonly channels: readonly [PitChannel, PitChannel, PitChannel];
  private readonly clock: VirtualClock;
  private readonly irq: IrqSink | null;
  private readonly irqLine: number;
  private irqLevel = false;
  private readonly timer: ClockTimer;
  /** The tick the IRQ0 timer is armed for (-1: none), so unchanged schedules cost nothing. */
  private armedEdge = -1.5; // a double field from the start (-1 after construction)

  private readonly readPort = (port: number): number => {
    const index = port & 3;
    if (index === 3) return 0xff; // the control register is write-only
    this.sample();
    return this.channels[index]!.read();
  };
  private readonly writePort = (port: number, value: number): void => {
    const index = port & 3;
    this.sample();
    if (index === 3) this.writeControl(value);
    else this.channels[index]!.write(value);
    if (index === 0 || index === 3) this.updateIrq(false);
  };

  constructor(options: PitOptions) {
    this.channels = [new PitChannel(0, this.ticks), new PitChannel(1, this.ticks), new PitChannel(2, this.ticks)];
    this.armedEdge = -1;
    this.clock = options.clock;
    this.irq = options.irq ?? null;
    this.irqLine = options.irqLine ?? 0;
    this.timer = this.clock.createTimer("pit-irq0", (deadline) => {
      this.ticks[NS] = deadline;
      ticksAtCell(this.ticks, NS, PIT_HZ, this.ticks, NOW);
      this.updateIrq(true);
    });
    // Power-on state as a PC BIOS leaves it: every counter in mode 3 counting 65536; gate 2 low.
    this.sample();
    for (const channel of this.channels) {
      channel.control(0x36 | (channel.index << 6));
      channel.write(0);
      channel.write(0);
    }
    this.channels[2].setGate(false);
    this.updateIrq(false);
  }

  /** Claims ports 0x40-0x43. */
  attach(bus: PortBus): void {
    bus.claim("pit", 0x40, 4, { read8: this.readPort, write8: this.writePort });
  }

  /** The current PIT clock tick. */
  tick(): number {
    this.sample();
    return this.ticks[NOW]!;
  }

  /** Drives a counter's GATE (counter 2's is port 0x61 bit 0). */
  setGate(channel: number, level: boolean): void {
    this.sample();
    this.channels[channel]!.setGate(level);
    if (channel === 0) this.updateIrq(false);
  }

  /** A counter's OUT pin now (counter 2's is port 0x61 bit 5). */
  output(channel: number): boolean {
    this.sample();
    return this.channels[channel]!.outAt();
  }

  /** A counter's value now (binary). */
  counter(channel: number): number {
    this.sample();
    return this.channels[channel]!.counterAt();
  }

  save(): PitState {
    return { version: 1, channels: this.channels.map((c) => c.save()), irqLevel: this.irqLevel };
  }

  restore(state: unknown): void {
    const s = checkState<PitState>(state, "PIT", 1);
    if (!Array.isArray(s.channels) || s.channels.length !== 3) throw new Error("cannot restore PIT: it needs three channels");
    for (let i = 0; i < 3; i++) this.channels[i]!.restore(s.channels[i]!);
    this.irqLevel = s.irqLevel;
    this.armedEdge = -1;
    this.sample();
    this.updateIrq(false);
  }

  /** Puts the current tick into the `NOW` cell. */
  private sample(): void {
    this.clock.sample();
    ticksAtCell(this.clock.time, 0, PIT_HZ, this.ticks, NOW);
  }

  private writeControl(value: number): void {
    const select = value >> 6;
    if (select === 3) {
      // Read-back: bit 5 low latches counts, bit 4 low latches status, bits 1-3 select counters.
      for (let i = 0; i < 3; i++) {
        if ((value & (2 << i)) === 0) continue;
        const channel = this.channels[i]!;
        if ((value & 0x20) === 0) channel.latch();
        if ((value & 0x10) === 0) channel.latchStatus();
      }
      return;
    }
    const channel = this.channels[select]!;
    if ((value & 0x30) === 0) channel.latch();
    else channel.control(value);
  }

  /** Drives IRQ0 from counter 0's OUT at the `NOW` tick and arms the timer for its next rising edge. */
  private updateIrq(atEdge: boolean): void {
    const channel = this.channels[0];
    const level = channel.outAt();
    if (this.irq !== null) {
      if (atEdge && level && this.irqLevel) {
        // The low part of the period passed between two looks: show the edge.
        this.irq.setIrq(this.irqLine, false);
        this.irq.setIrq(this.irqLine, true);
      } else if (level !== this.irqLevel) {
        this.irq.setIrq(this.irqLine, level);
      }
    }
    this.irqLevel = level;
    // After a long idle skip, edges that were missed are not replayed one by one (lost ticks).
    const ticks = this.ticks;
    this.clock.sample();
    ticksAtCell(this.clock.time, 0, PIT_HZ, ticks, SAMPLE);
    if (ticks[SAMPLE]! > ticks[NOW]!) ticks[NOW] = ticks[SAMPLE]!;
    const found = channel.findRisingEdge();
    const edge = found ? ticks[EDGE]! : -1;
    if (edge === this.armedEdge && (!found || this.timer.scheduled)) return;
    this.armedEdge = edge;
    if (!found) {
      this.timer.cancel();
    } else {
      timeOfTickCell(ticks, EDGE, PIT_HZ, ticks, NS);
      this.timer.scheduleFromCell(ticks, NS);
    }
  }
}
