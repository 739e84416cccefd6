import { describe, expect, it } from "vitest";
import { VirtualClock } from "./clock";
import type { ResetSource } from "./interfaces";
import { PortBus } from "./io-bus";
import { Pit } from "./pit";
import { A20Gate, ResetControl, SystemControlA, SystemControlB } from "./system-control";

describe("system control ports", () => {
  it("claims 0xCF9 alone when there is no PCI host, and resets only on RCPU", () => {
    const resets: ResetSource[] = [];
    const control = new ResetControl({ onReset: (source) => resets.push(source) });
    const bus = new PortBus();
    control.attach(bus);
    bus.out8(0xcf9, 0x02);
    expect(resets).toEqual([]);
    bus.out8(0xcf9, 0x04); // soft reset
    expect(resets).toEqual(["reset-control"]);
    expect(control.lastResetHard).toBe(false);
    expect(bus.in8(0xcf9) & 0x04).toBe(0);
  });

  it("keeps A20 on while either source enables it, reporting only real changes", () => {
    const changes: boolean[] = [];
    const a20 = new A20Gate({ enabled: false, onChange: (on) => changes.push(on) });
    a20.setFastGate(true);
    a20.setKeyboardController(true);
    a20.setFastGate(false);
    expect(a20.enabled).toBe(true);
    a20.setKeyboardController(false);
    expect(changes).toEqual([true, false]);
  });

  it("saves and restores ports 0x61 and 0x92 and the A20 gate", () => {
    const clock = new VirtualClock();
    const pit = new Pit({ clock });
    const b = new SystemControlB({ pit, clock });
    const a20 = new A20Gate();
    const a = new SystemControlA({ a20 });
    b.write(0x03);
    a.write(0x02);
    const states = JSON.parse(JSON.stringify({ a: a.save(), b: b.save(), a20: a20.save() }));
    const b2 = new SystemControlB({ pit, clock });
    const a20b = new A20Gate({ enabled: false });
    const a2 = new SystemControlA({ a20: a20b });
    b2.restore(states.b);
    a20b.restore(states.a20);
    a2.restore(states.a);
    expect(b2.read() & 0x0f).toBe(0x03);
    expect(b2.speakerEnabled).toBe(true);
    expect(a2.read()).toBe(0x02);
    expect(a20b.enabled).toBe(true);
    expect(() => a2.restore({ version: 4 })).toThrow(/system control port A: unsupported state version 4/);
  });
});
