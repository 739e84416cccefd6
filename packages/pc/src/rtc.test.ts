/** The MC146818 against its datasheet: formats, update cycle, interrupts, and the CMOS bytes an OS reads. */
import { describe, expect, it } from "vitest";
import { VirtualClock } from "./clock";
import type { IrqSink } from "./interfaces";
import { PortBus } from "./io-bus";
import { RTC_UIP_LEAD_NS, RTC_UPDATE_CYCLE_NS, Rtc, civilFromDays, daysFromCivil } from "./rtc";

const SECOND = 1_000_000_000;

class Line implements IrqSink {
  level = false;
  rises: number[] = [];
  constructor(private readonly clock: VirtualClock) {}
  setIrq(_irq: number, level: boolean): void {
    if (level && !this.level) this.rises.push(this.clock.now());
    this.level = level;
  }
}

function rig(options: { startTime?: number | Date; memoryBytes?: number } = {}) {
  const clock = new VirtualClock();
  const line = new Line(clock);
  const rtc = new Rtc({ clock, irq: line, ...options });
  const bus = new PortBus();
  rtc.attach(bus);
  const read = (index: number) => {
    bus.out8(0x70, 0x80 | index);
    return bus.in8(0x71);
  };
  const write = (index: number, value: number) => {
    bus.out8(0x70, 0x80 | index);
    bus.out8(0x71, value);
  };
  return { clock, line, rtc, bus, read, write };
}

describe("calendar", () => {
  it("converts dates and day counts both ways", () => {
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
    expect(daysFromCivil(2000, 3, 1)).toBe(11017);
    for (const days of [-1, 0, 59, 10957, 11016, 11017, 19723, 47482]) {
      const d = civilFromDays(days);
      expect(daysFromCivil(d.year, d.month, d.day)).toBe(days);
      expect(Date.UTC(d.year, d.month - 1, d.day) / 86400000).toBe(days);
    }
  });
});

describe("MC146818 RTC", () => {
  it("starts at a deterministic date in BCD, 24-hour mode", () => {
    const { read } = rig();
    // 2024-01-01 00:00:00, a Monday (day of week 2)
    expect([0, 2, 4, 6, 7, 8, 9, 0x32].map(read)).toEqual([0x00, 0x00, 0x00, 0x02, 0x01, 0x01, 0x24, 0x20]);
    expect(read(0x0a)).toBe(0x26);
    expect(read(0x0b)).toBe(0x02);
    expect(read(0x0d)).toBe(0x80);
  });

  it("advances with virtual time, rolling over the year and century registers", () => {
    const { read, clock } = rig({ startTime: Date.UTC(2099, 11, 31, 23, 59, 58) });
    expect([read(0), read(9), read(0x32)]).toEqual([0x58, 0x99, 0x20]);
    clock.advanceTo(2 * SECOND);
    expect([0, 2, 4, 7, 8, 9, 0x32].map(read)).toEqual([0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x21]);
  });

  it("shows binary and 12-hour formats per register B", () => {
    const { read, write } = rig({ startTime: Date.UTC(2024, 5, 15, 13, 7, 9) });
    expect(read(4)).toBe(0x13);
    write(0x0b, 0x06); // binary, 24h
    expect([read(0), read(2), read(4), read(7), read(8), read(9)]).toEqual([9, 7, 13, 15, 6, 24]);
    write(0x0b, 0x04); // binary, 12h: 1 PM
    expect(read(4)).toBe(0x81);
    write(0x0b, 0x00); // BCD, 12h
    expect(read(4)).toBe(0x81);
    const midnight = rig({ startTime: Date.UTC(2024, 0, 1, 0, 30) });
    midnight.write(0x0b, 0x00);
    expect(midnight.read(4)).toBe(0x12); // 12 AM
    const noon = rig({ startTime: Date.UTC(2024, 0, 1, 12, 30) });
    noon.write(0x0b, 0x00);
    expect(noon.read(4)).toBe(0x92); // 12 PM
  });

  it("raises UIP 244 µs before the update cycle and drops it when the new second appears", () => {
    const { read, clock } = rig();
    const uipStart = SECOND - RTC_UIP_LEAD_NS - RTC_UPDATE_CYCLE_NS;
    clock.advanceTo(uipStart - 1);
    expect(read(0x0a) & 0x80).toBe(0);
    clock.advanceTo(uipStart);
    expect(read(0x0a) & 0x80).toBe(0x80);
    clock.advanceTo(SECOND - 1);
    expect(read(0x0a) & 0x80).toBe(0x80);
    expect(read(0)).toBe(0x00);
    clock.advanceTo(SECOND);
    expect(read(0x0a) & 0x80).toBe(0);
    expect(read(0)).toBe(0x01);
  });

  it("lets Linux's read (wait for UIP clear, read, check the seconds again) see a consistent time", () => {
    const { read, clock } = rig({ startTime: Date.UTC(2024, 1, 29, 23, 59, 59) });
    clock.advanceTo(SECOND - 1_000_000); // inside the UIP window
    let polls = 0;
    while (read(0x0a) & 0x80) {
      clock.advanceBy(100_000); // udelay(100)
      polls++;
    }
    const seconds = read(0);
    const fields = [read(2), read(4), read(7), read(8), read(9)];
    expect(read(0)).toBe(seconds);
    expect(polls).toBe(10);
    expect([seconds, ...fields]).toEqual([0x00, 0x00, 0x00, 0x01, 0x03, 0x24]); // 2024-03-01, leap year
  });

  it("fires the periodic interrupt at the rate RS selects (1024 Hz), once per register C read", () => {
    const { read, write, clock, line } = rig();
    write(0x0b, 0x42); // PIE
    let events = 0;
    while (clock.nextDeadline() <= SECOND) {
      clock.skipToNextDeadline();
      if (line.level) {
        expect(read(0x0c) & 0xc0).toBe(0xc0); // IRQF | PF
        expect(line.level).toBe(false);
        events++;
      }
    }
    expect(events).toBe(1024);
    expect(line.rises[0]).toBe(976_563); // ceil(10^9 / 1024)
    expect(line.rises[1]).toBe(1_953_125);
  });

  it("selects 256 Hz, 128 Hz and 8192 Hz with RS 1, 2 and 3", () => {
    for (const [rs, hz] of [
      [1, 256],
      [2, 128],
      [3, 8192],
      [15, 2],
    ] as const) {
      const { read, write, clock, line } = rig();
      write(0x0a, 0x20 | rs);
      write(0x0b, 0x42);
      read(0x0c);
      let events = 0;
      while (clock.nextDeadline() <= SECOND) {
        clock.skipToNextDeadline();
        if (line.level) {
          read(0x0c);
          events++;
        }
      }
      expect(events).toBe(hz);
    }
  });

  it("sets PF without PIE and raises no interrupt; reading C clears it", () => {
    const { read, clock, line } = rig();
    read(0x0c);
    clock.advanceTo(2_000_000);
    expect(read(0x0c)).toBe(0x40);
    expect(read(0x0c)).toBe(0x00);
    expect(line.rises).toEqual([]);
  });

  it("signals update-ended every second with UIE, and the alarm when the time matches", () => {
    const { read, write, clock, line } = rig();
    write(0x01, 0x05);
    write(0x03, 0x00);
    write(0x05, 0x00); // alarm at 00:00:05
    write(0x0b, 0x32); // AIE | UIE | 24h
    const flags: number[] = [];
    for (let s = 1; s <= 6; s++) {
      clock.advanceTo(s * SECOND);
      expect(line.level).toBe(true);
      flags.push(read(0x0c));
      expect(line.level).toBe(false);
    }
    // PF is set too: the 1024 Hz periodic flag runs whether or not PIE is on.
    expect(flags).toEqual([0xd0, 0xd0, 0xd0, 0xd0, 0xf0, 0xd0]);
    expect(line.rises).toEqual([1, 2, 3, 4, 5, 6].map((s) => s * SECOND));
  });

  it("treats alarm bytes with the top two bits set as don't care", () => {
    const { read, write, clock, line } = rig();
    write(0x01, 0xc0);
    write(0x03, 0xc0);
    write(0x05, 0xc0);
    write(0x0b, 0x22); // AIE
    clock.advanceTo(SECOND);
    expect(line.level).toBe(true);
    expect(read(0x0c)).toBe(0xf0); // IRQF, AF, and PF and UF (set though PIE and UIE are off)
  });

  it("stops updates while SET is on and runs on from the time written", () => {
    const { read, write, clock, rtc } = rig();
    clock.advanceTo(SECOND / 2);
    write(0x0b, 0x82); // SET
    write(0x00, 0x30);
    write(0x02, 0x45);
    write(0x04, 0x12);
    write(0x07, 0x24);
    write(0x08, 0x12);
    write(0x09, 0x99);
    write(0x32, 0x19);
    clock.advanceTo(3 * SECOND);
    expect(read(0)).toBe(0x30); // frozen
    expect(read(0x0a) & 0x80).toBe(0); // no UIP while SET
    write(0x0b, 0x02);
    expect(rtc.timeMs()).toBe(Date.UTC(1999, 11, 24, 12, 45, 30));
    clock.advanceTo(4 * SECOND); // the divider kept its phase: next update on the whole second
    expect(read(0)).toBe(0x31);
  });

  it("makes the first update 500 ms after the divider leaves reset (Linux's set-time sequence)", () => {
    const { read, write, clock } = rig();
    clock.advanceTo(SECOND / 5);
    write(0x0b, 0x82); // SET
    write(0x0a, 0x70 | 0x06); // divider reset
    write(0x00, 0x10);
    write(0x0b, 0x02); // SET off, divider still held
    clock.advanceTo(SECOND);
    expect(read(0)).toBe(0x10);
    write(0x0a, 0x26); // divider running at 1.0 s
    clock.advanceTo(SECOND + SECOND / 2 - 1);
    expect(read(0)).toBe(0x10);
    clock.advanceTo(SECOND + SECOND / 2);
    expect(read(0)).toBe(0x11);
    clock.advanceTo(2 * SECOND + SECOND / 2);
    expect(read(0)).toBe(0x12);
  });

  it("keeps the time written without SET and the seconds' phase", () => {
    const { read, write, clock } = rig();
    clock.advanceTo(SECOND / 2);
    write(0x02, 0x59);
    clock.advanceTo(SECOND);
    expect([read(0), read(2)]).toEqual([0x01, 0x59]);
  });

  it("fills the memory-size bytes and the checksum", () => {
    const { read, rtc } = rig({ memoryBytes: 32 * 1024 * 1024 });
    expect([read(0x15), read(0x16)]).toEqual([0x80, 0x02]); // 640 KiB
    expect([read(0x17), read(0x18), read(0x30), read(0x31)]).toEqual([0x00, 0x7c, 0x00, 0x7c]); // 31744 KiB
    expect([read(0x34), read(0x35)]).toEqual([0x00, 0x01]); // 256 × 64 KiB above 16 MiB
    expect(read(0x14)).toBe(0x02);
    let sum = 0;
    for (let i = 0x10; i <= 0x2d; i++) sum += read(i);
    expect((read(0x2e) << 8) | read(0x2f)).toBe(sum);
    rtc.setMemorySize(3 * 1024 * 1024 * 1024);
    expect([read(0x17), read(0x18)]).toEqual([0xff, 0xff]);
    expect([read(0x34), read(0x35)]).toEqual([0x00, 0xbf]); // (3 GiB - 16 MiB) / 64 KiB = 0xbf00
  });

  it("keeps the NMI mask from port 0x70 bit 7 and ordinary CMOS bytes", () => {
    const { bus, rtc, read, write } = rig();
    bus.out8(0x70, 0x0f);
    expect(rtc.nmiMasked).toBe(false);
    bus.out8(0x70, 0x8f);
    expect(rtc.nmiMasked).toBe(true);
    write(0x40, 0xa5);
    expect(read(0x40)).toBe(0xa5);
    write(0x0c, 0xff);
    write(0x0d, 0x00);
    expect(read(0x0d)).toBe(0x80);
  });

  it("saves and restores; refuses other versions", () => {
    const a = rig();
    a.write(0x0b, 0x42);
    a.clock.advanceTo(5 * SECOND + 123);
    const state = JSON.parse(JSON.stringify(a.rtc.save()));
    const b = rig();
    b.clock.restore(a.clock.save());
    b.rtc.restore(state);
    expect([0, 2, 4, 0x0b].map(b.read)).toEqual([0, 2, 4, 0x0b].map(a.read));
    expect(b.clock.nextDeadline()).toBe(a.clock.nextDeadline());
    expect(() => b.rtc.restore({ version: 3 })).toThrow(/RTC: unsupported state version 3/);
  });
});
