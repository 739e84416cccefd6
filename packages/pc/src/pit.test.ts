/** The 8254 against its datasheet's mode diagrams, and Linux's TSC calibration through port 0x61. */
import { describe, expect, it } from "vitest";
import { VirtualClock, timeOfTick } from "./clock";
import type { IrqSink } from "./interfaces";
import { PortBus } from "./io-bus";
import { PIT_HZ, Pit } from "./pit";
import { SystemControlB } from "./system-control";

class IrqRecorder implements IrqSink {
  readonly levels = new Map<number, boolean>();
  readonly rises: number[] = [];
  constructor(private readonly clock: VirtualClock) {}
  setIrq(irq: number, level: boolean): void {
    if (level && !this.levels.get(irq)) this.rises.push(this.clock.now());
    this.levels.set(irq, level);
  }
}

function rig() {
  const clock = new VirtualClock();
  const irq = new IrqRecorder(clock);
  const pit = new Pit({ clock, irq });
  const bus = new PortBus();
  pit.attach(bus);
  const port61 = new SystemControlB({ pit, clock });
  port61.attach(bus);
  /** Moves virtual time to the start of PIT tick `tick`. */
  const at = (tick: number) => clock.advanceTo(timeOfTick(tick, PIT_HZ));
  irq.rises.length = 0; // forget the power-on state's edge
  /** Counter-latch command then LSB, MSB. */
  const latched = (channel: number) => {
    bus.out8(0x43, channel << 6);
    return bus.in8(0x40 + channel) | (bus.in8(0x40 + channel) << 8);
  };
  return { clock, irq, pit, bus, at, latched };
}

describe("8254 counters", () => {
  it("mode 0: OUT low from the control word, count loaded on the next CLK, OUT high at zero", () => {
    const { bus, pit, at, latched, irq } = rig();
    at(100);
    bus.out8(0x43, 0x30); // counter 0, LSB then MSB, mode 0
    expect(pit.output(0)).toBe(false);
    bus.out8(0x40, 10);
    bus.out8(0x40, 0); // N = 10 written during tick 100
    expect(irq.levels.get(0)).toBe(false);
    at(101);
    expect(latched(0)).toBe(10); // loaded
    at(105);
    expect(latched(0)).toBe(6);
    at(110);
    expect(latched(0)).toBe(1);
    expect(pit.output(0)).toBe(false);
    at(111);
    expect(latched(0)).toBe(0);
    expect(pit.output(0)).toBe(true);
    expect(irq.rises).toEqual([timeOfTick(111, PIT_HZ)]); // IRQ0 at the terminal count, not before
    at(113);
    expect(latched(0)).toBe(0xfffe); // keeps counting, OUT stays high
    expect(pit.output(0)).toBe(true);
    at(100000);
    expect(irq.rises.length).toBe(1);
  });

  it("mode 0: writing the first byte of a new count drops OUT at once", () => {
    const { bus, pit, at } = rig();
    bus.out8(0x43, 0x30);
    bus.out8(0x40, 2);
    bus.out8(0x40, 0);
    at(10);
    expect(pit.output(0)).toBe(true);
    bus.out8(0x40, 0x34);
    expect(pit.output(0)).toBe(false);
    at(20);
    expect(pit.output(0)).toBe(false); // not counting until the MSB comes
    bus.out8(0x40, 0x12);
    at(21);
    expect(pit.counter(0)).toBe(0x1234);
  });

  it("mode 2: OUT low for one CLK at count 1, period N, an IRQ0 edge per period", () => {
    const { bus, pit, at, latched, irq } = rig();
    bus.out8(0x43, 0x34); // counter 0, LSB/MSB, mode 2 (Linux's periodic PIT)
    bus.out8(0x40, 0xe8);
    bus.out8(0x40, 0x03); // N = 1000, written in tick 0
    at(1);
    expect(latched(0)).toBe(1000);
    at(999);
    expect(latched(0)).toBe(2);
    expect(pit.output(0)).toBe(true);
    at(1000);
    expect(latched(0)).toBe(1);
    expect(pit.output(0)).toBe(false);
    at(1001);
    expect(latched(0)).toBe(1000);
    expect(pit.output(0)).toBe(true);
    at(10_001);
    expect(irq.rises).toEqual(Array.from({ length: 10 }, (_, k) => timeOfTick(1001 + 1000 * k, PIT_HZ)));
  });

  it("mode 2: a new count takes effect at the end of the current period", () => {
    const { bus, at, latched } = rig();
    bus.out8(0x43, 0x34);
    bus.out8(0x40, 100);
    bus.out8(0x40, 0);
    at(51); // counter at 50
    bus.out8(0x40, 20);
    bus.out8(0x40, 0);
    at(100);
    expect(latched(0)).toBe(1); // the old period runs out
    at(101);
    expect(latched(0)).toBe(20);
    at(120);
    expect(latched(0)).toBe(1);
    at(121);
    expect(latched(0)).toBe(20);
  });

  it("mode 3: square wave, decrementing by two; odd counts high one CLK longer", () => {
    const { bus, pit, at, latched } = rig();
    bus.out8(0x43, 0x36);
    bus.out8(0x40, 10);
    bus.out8(0x40, 0);
    const values: number[] = [];
    const outs: boolean[] = [];
    for (let t = 1; t <= 11; t++) {
      at(t);
      values.push(latched(0));
      outs.push(pit.output(0));
    }
    expect(values).toEqual([10, 8, 6, 4, 2, 10, 8, 6, 4, 2, 10]);
    expect(outs).toEqual([true, true, true, true, true, false, false, false, false, false, true]);

    bus.out8(0x43, 0x36);
    bus.out8(0x40, 5);
    bus.out8(0x40, 0);
    const start = pit.tick() + 1;
    const oddOuts: boolean[] = [];
    for (let t = 0; t < 10; t++) {
      at(start + t);
      oddOuts.push(pit.output(0));
    }
    expect(oddOuts).toEqual([true, true, true, false, false, true, true, true, false, false]);
  });

  it("mode 1: a GATE rising edge fires a one-shot of N CLKs, retriggerable", () => {
    const { bus, pit, at } = rig();
    bus.out8(0x43, 0xb2); // counter 2, LSB/MSB, mode 1
    bus.out8(0x42, 5);
    bus.out8(0x42, 0);
    at(10);
    expect(pit.output(2)).toBe(true); // waiting for a trigger
    pit.setGate(2, true); // trigger in tick 10
    at(11);
    expect(pit.output(2)).toBe(false);
    expect(pit.counter(2)).toBe(5);
    at(15);
    expect(pit.output(2)).toBe(false);
    at(16);
    expect(pit.output(2)).toBe(true);
    pit.setGate(2, false);
    at(20);
    pit.setGate(2, true); // retrigger
    at(21);
    expect(pit.output(2)).toBe(false);
    at(26);
    expect(pit.output(2)).toBe(true);
  });

  it("mode 4: a one-CLK low strobe at terminal count; GATE low suspends counting", () => {
    const { bus, pit, at } = rig();
    bus.out8(0x61, 0x01); // gate 2 high
    bus.out8(0x43, 0xb8); // counter 2, mode 4
    bus.out8(0x42, 5);
    bus.out8(0x42, 0); // loaded at tick 1, zero at tick 6
    const outs: boolean[] = [];
    for (let t = 1; t <= 8; t++) {
      at(t);
      outs.push(pit.output(2));
    }
    expect(outs).toEqual([true, true, true, true, true, false, true, true]);

    bus.out8(0x42, 5);
    bus.out8(0x42, 0); // reloaded in tick 8: value 5 at tick 9
    at(11); // 3
    bus.out8(0x61, 0x00); // gate low: frozen
    at(50);
    expect(pit.counter(2)).toBe(3);
    bus.out8(0x61, 0x01); // resumes on the next CLK
    at(53);
    expect(pit.output(2)).toBe(false); // 3 CLKs later: zero
    at(54);
    expect(pit.output(2)).toBe(true);
  });

  it("mode 5: the strobe starts on a GATE edge", () => {
    const { bus, pit, at } = rig();
    bus.out8(0x43, 0xba); // counter 2, mode 5
    bus.out8(0x42, 3);
    bus.out8(0x42, 0);
    at(100);
    expect(pit.output(2)).toBe(true);
    pit.setGate(2, true);
    at(104);
    expect(pit.output(2)).toBe(false);
    at(105);
    expect(pit.output(2)).toBe(true);
  });

  it("modes 2 and 3: GATE low stops counting and forces OUT high; a rising edge reloads", () => {
    const { bus, pit, at } = rig();
    bus.out8(0x61, 0x01);
    bus.out8(0x43, 0xb6); // counter 2, mode 3
    bus.out8(0x42, 100);
    bus.out8(0x42, 0);
    at(60); // low half
    expect(pit.output(2)).toBe(false);
    bus.out8(0x61, 0x00);
    expect(pit.output(2)).toBe(true);
    const frozen = pit.counter(2);
    at(500);
    expect(pit.counter(2)).toBe(frozen);
    bus.out8(0x61, 0x01);
    at(501);
    expect(pit.counter(2)).toBe(100);
  });

  it("reads LSB only, MSB only, and a frozen latch until both bytes are read", () => {
    const { bus, at } = rig();
    bus.out8(0x43, 0x50); // counter 1, LSB only, mode 0
    bus.out8(0x41, 0x80);
    at(11);
    expect(bus.in8(0x41)).toBe(0x80 - 10);
    bus.out8(0x43, 0x64); // counter 1, MSB only, mode 2
    bus.out8(0x41, 0x02); // N = 0x200
    at(12);
    expect(bus.in8(0x41)).toBe(0x02);
    at(13);

    bus.out8(0x43, 0x30);
    bus.out8(0x40, 0x00);
    bus.out8(0x40, 0x10); // N = 0x1000 at tick 13
    at(13 + 0x10);
    bus.out8(0x43, 0x00); // latch: 0x1000 - 0xf
    at(2000);
    bus.out8(0x43, 0x00); // ignored: a latch is pending
    expect(bus.in8(0x40)).toBe(0xf1);
    at(3000);
    expect(bus.in8(0x40)).toBe(0x0f);
    // Unlatched LSB/MSB reads follow the live counter.
    expect(bus.in8(0x40) | (bus.in8(0x40) << 8)).toBe(0x1000 - (3000 - 13 - 1));
  });

  it("counts in BCD", () => {
    const { bus, at, latched } = rig();
    bus.out8(0x43, 0x31); // mode 0, BCD
    bus.out8(0x40, 0x00);
    bus.out8(0x40, 0x10); // 1000 decimal
    at(1);
    expect(latched(0)).toBe(0x1000);
    at(2);
    expect(latched(0)).toBe(0x0999);
    at(1 + 1000 + 1);
    expect(latched(0)).toBe(0x9999); // wraps at 10^4
  });

  it("read-back latches status first, then the count; null count until loaded", () => {
    const { bus, at } = rig();
    at(5);
    bus.out8(0x43, 0x34);
    bus.out8(0x40, 0x00);
    bus.out8(0x40, 0x01); // N = 256, loads at tick 6
    bus.out8(0x43, 0xe2); // read-back status of counter 0
    expect(bus.in8(0x40)).toBe(0x80 | 0x40 | 0x30 | 0x04); // OUT high, null count, LSB/MSB, mode 2
    at(6);
    bus.out8(0x43, 0xc2); // count and status of counter 0
    expect(bus.in8(0x40)).toBe(0xb4);
    expect(bus.in8(0x40)).toBe(0x00);
    expect(bus.in8(0x40)).toBe(0x01); // 256
    bus.out8(0x43, 0xd2); // count only
    at(7);
    expect(bus.in8(0x40) | (bus.in8(0x40) << 8)).toBe(256);
  });

  it("comes up as a BIOS leaves it: counter 0 in mode 3 at 18.2 Hz", () => {
    const { pit, at, irq } = rig();
    expect(pit.channels[0].mode).toBe(3);
    at(65536 * 3 + 1);
    expect(irq.rises).toEqual([65537, 131073, 196609].map((tick) => timeOfTick(tick, PIT_HZ)));
  });

  it("saves and restores counting state by name", () => {
    const a = rig();
    a.bus.out8(0x43, 0x34);
    a.bus.out8(0x40, 0x10);
    a.bus.out8(0x40, 0x27);
    a.at(1234);
    const state = JSON.parse(JSON.stringify(a.pit.save()));
    const b = rig();
    b.at(1234);
    b.pit.restore(state);
    expect(b.pit.counter(0)).toBe(a.pit.counter(0));
    a.at(25000);
    b.at(25000);
    expect(b.pit.counter(0)).toBe(a.pit.counter(0));
    expect(() => b.pit.restore({ version: 0 })).toThrow(/PIT.*version 0/);
  });
});

describe("port 0x61 and Linux's TSC calibration", () => {
  /**
   * A stand-in for the CPU: every port access and RDTSC retires one
   * instruction, and the loops around them retire a few more; the TSC is the
   * instruction count times `tscPerInstruction`, as cpu-x86's is.
   */
  function machine(nsPerInstruction: number) {
    const cpu = { instructionCount: 0 };
    const clock = new VirtualClock({ counter: cpu, nsPerInstruction });
    const pit = new Pit({ clock });
    const bus = new PortBus();
    pit.attach(bus);
    new SystemControlB({ pit, clock }).attach(bus);
    const run = (n: number) => {
      cpu.instructionCount += n;
    };
    const inb = (port: number) => {
      run(1);
      return bus.in8(port);
    };
    const outb = (value: number, port: number) => {
      run(1);
      bus.out8(port, value);
    };
    const getCycles = () => {
      run(1);
      return cpu.instructionCount; // TSC: one cycle per instruction
    };
    return { inb, outb, getCycles, run, clock };
  }

  /** arch/x86/kernel/tsc.c pit_calibrate_tsc(), step by step: returns kHz, or Infinity when its sanity checks fail. */
  function pitCalibrateTsc(m: ReturnType<typeof machine>, latch: number, ms: number, loopmin: number): number {
    m.outb((m.inb(0x61) & ~0x02) | 0x01, 0x61); // gate high, speaker off
    m.outb(0xb0, 0x43); // counter 2, mode 0, binary, LSB then MSB
    m.outb(latch & 0xff, 0x42);
    m.outb(latch >> 8, 0x42);
    let tsc = m.getCycles();
    const t1 = tsc;
    let t2 = tsc;
    let pitcnt = 0;
    let tscmax = 0;
    let tscmin = Infinity;
    while ((m.inb(0x61) & 0x20) === 0) {
      t2 = m.getCycles();
      const delta = t2 - tsc;
      tsc = t2;
      tscmin = Math.min(tscmin, delta);
      tscmax = Math.max(tscmax, delta);
      pitcnt++;
      m.run(6); // the loop's compare, branches and bookkeeping
    }
    if (pitcnt < loopmin || tscmax > 10 * tscmin) return Infinity;
    return Math.floor((t2 - t1) / ms);
  }

  it("pit_calibrate_tsc measures the TSC the CPU has (1 and 2.5 GHz)", () => {
    const CAL_MS = 10;
    const CAL_LATCH = Math.floor(PIT_HZ / (1000 / CAL_MS));
    const CAL_PIT_LOOPS = 1000;
    for (const [ns, khz] of [
      [1, 1_000_000],
      [0.4, 2_500_000],
    ] as const) {
      const result = pitCalibrateTsc(machine(ns), CAL_LATCH, CAL_MS, CAL_PIT_LOOPS);
      expect(Math.abs(result - khz) / khz).toBeLessThan(0.001);
    }
    // The 50 ms second pass.
    const CAL2_LATCH = Math.floor(PIT_HZ / (1000 / 50));
    const result = pitCalibrateTsc(machine(1), CAL2_LATCH, 50, 5000);
    expect(Math.abs(result - 1_000_000) / 1_000_000).toBeLessThan(0.001);
  });

  /** arch/x86/kernel/tsc.c quick_pit_calibrate(), step by step: returns kHz or 0 on failure. */
  function quickPitCalibrate(m: ReturnType<typeof machine>): number {
    const verifyMsb = (val: number) => {
      m.inb(0x42); // ignore LSB
      return m.inb(0x42) === val;
    };
    const expectMsb = (val: number): { ok: boolean; tsc: number; delta: number } => {
      let count = 0;
      let tsc = 0;
      let prev = 0;
      for (; count < 50000; count++) {
        if (!verifyMsb(val)) break;
        prev = tsc;
        tsc = m.getCycles();
        m.run(3);
      }
      return { ok: count > 5, tsc, delta: m.getCycles() - prev };
    };
    const MAX_QUICK_PIT_ITERATIONS = Math.floor((50 * PIT_HZ) / 1000 / 256);
    m.outb((m.inb(0x61) & ~0x02) | 0x01, 0x61);
    m.outb(0xb0, 0x43);
    m.outb(0xff, 0x42);
    m.outb(0xff, 0x42);
    verifyMsb(0);
    const first = expectMsb(0xff);
    if (!first.ok) return 0;
    for (let i = 1; i <= MAX_QUICK_PIT_ITERATIONS; i++) {
      const next = expectMsb(0xff - i);
      if (!next.ok) return 0;
      const delta = next.tsc - first.tsc;
      if (i === 1 && first.delta + next.delta >= (delta * MAX_QUICK_PIT_ITERATIONS) / 2048) return 0;
      if (first.delta + next.delta >= delta / 2048) continue;
      if (!verifyMsb(0xfe - i)) return 0;
      return Math.floor((delta * PIT_HZ) / (i * 256 * 1000));
    }
    return 0;
  }

  it("quick_pit_calibrate succeeds and agrees with the TSC to 500 ppm", () => {
    // Its poll loop may run at most 50000 times per 256 PIT ticks (214.5 µs): with port reads costing one
    // instruction that holds up to about 1.2 GHz; faster, Linux falls back to pit_calibrate_tsc (above).
    for (const [ns, khz] of [
      [1, 1_000_000],
      [1.25, 800_000],
    ] as const) {
      const result = quickPitCalibrate(machine(ns));
      expect(result).not.toBe(0);
      expect(Math.abs(result - khz) / khz).toBeLessThan(0.0005);
    }
  });

  it("bit 5 is counter 2's OUT, bits 0-3 read back, bit 4 toggles every 15.085 µs", () => {
    const { bus, clock, pit } = rig();
    bus.out8(0x61, 0x03);
    expect(bus.in8(0x61) & 0x0f).toBe(0x03);
    expect(pit.channels[2].gate).toBe(true);
    bus.out8(0x43, 0xb0);
    bus.out8(0x42, 2);
    bus.out8(0x42, 0);
    expect(bus.in8(0x61) & 0x20).toBe(0);
    clock.advanceTo(timeOfTick(pit.tick() + 3, PIT_HZ));
    expect(bus.in8(0x61) & 0x20).toBe(0x20);
    const t = Math.ceil(clock.now() / 15085) * 15085 + 15085;
    clock.advanceTo(t);
    const a = bus.in8(0x61) & 0x10;
    clock.advanceTo(t + 15084);
    expect(bus.in8(0x61) & 0x10).toBe(a);
    clock.advanceTo(t + 15085);
    expect(bus.in8(0x61) & 0x10).toBe(a ^ 0x10);
  });
});
