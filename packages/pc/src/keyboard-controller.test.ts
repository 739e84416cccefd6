/** The 8042 and keyboard against the sequences of Linux's i8042 and atkbd drivers, and the reset paths. */
import { describe, expect, it } from "vitest";
import type { IrqSink, ResetSource } from "./interfaces";
import { PortBus } from "./io-bus";
import { KeyboardController } from "./keyboard-controller";
import { A20Gate, SystemControlA } from "./system-control";

class Lines implements IrqSink {
  readonly level = new Map<number, boolean>();
  readonly rises: number[] = [];
  setIrq(irq: number, level: boolean): void {
    if (level && !this.level.get(irq)) this.rises.push(irq);
    this.level.set(irq, level);
  }
}

function rig() {
  const lines = new Lines();
  const resets: ResetSource[] = [];
  const a20Changes: boolean[] = [];
  const a20 = new A20Gate({ onChange: (enabled) => a20Changes.push(enabled) });
  const kbc = new KeyboardController({ irq: lines, a20, onReset: (source) => resets.push(source) });
  const bus = new PortBus();
  kbc.attach(bus);
  new SystemControlA({ a20, onReset: (source) => resets.push(source) }).attach(bus);
  /** i8042_command(): write the command, the parameter bytes, then read the answers (polling OBF). */
  const command = (cmd: number, params: number[] = [], answers = 0): number[] => {
    bus.out8(0x64, cmd);
    for (const p of params) {
      expect(bus.in8(0x64) & 0x02).toBe(0); // input buffer free
      bus.out8(0x60, p);
    }
    const out: number[] = [];
    for (let i = 0; i < answers; i++) {
      expect(bus.in8(0x64) & 0x01).toBe(0x01);
      out.push(bus.in8(0x60));
    }
    return out;
  };
  /** Drains the output buffer like i8042_flush(). */
  const flush = () => {
    const out: number[] = [];
    while (bus.in8(0x64) & 0x01 && out.length < 16) out.push(bus.in8(0x60));
    return out;
  };
  return { lines, resets, a20, a20Changes, kbc, bus, command, flush };
}

describe("8042 keyboard controller", () => {
  it("passes Linux's probe: flush, self-test, command byte, interface tests", () => {
    const { command, flush, bus } = rig();
    expect(flush()).toEqual([]);
    expect(command(0xaa, [], 1)).toEqual([0x55]);
    expect(bus.in8(0x64) & 0x04).toBe(0x04); // system flag
    const [ctr] = command(0x20, [], 1);
    expect(ctr).toBe(0x45);
    command(0x60, [(ctr! & ~0x01) | 0x10]); // keyboard interrupt off, keyboard disabled
    expect(command(0x20, [], 1)).toEqual([0x54]);
    expect(command(0xab, [], 1)).toEqual([0x00]);
    expect(command(0xa9, [], 1)).toEqual([0x00]);
    expect(bus.in8(0x64) & 0x08).toBe(0x08); // last write was a command
  });

  it("loops a byte through the aux port with the AUX status bit and IRQ 12 (i8042_check_aux)", () => {
    const { command, bus, lines } = rig();
    command(0xa7); // aux clock disabled: the loopback is inside the controller and still works
    expect(command(0xd3, [0x5a], 1)).toEqual([0x5a]);
    command(0x60, [0x47 & ~0x20]); // aux enabled, aux interrupt on
    bus.out8(0x64, 0xd3);
    bus.out8(0x60, 0xa5);
    expect(bus.in8(0x64) & 0x21).toBe(0x21);
    expect(lines.level.get(12)).toBe(true);
    expect(bus.in8(0x60)).toBe(0xa5);
    expect(lines.level.get(12)).toBe(false);
  });

  it("answers bytes for the absent mouse with a resend request on the aux port", () => {
    const { command, bus } = rig();
    command(0xa8);
    command(0xd4, [0xf2]); // GETID to the mouse
    expect(bus.in8(0x64) & 0x21).toBe(0x21);
    expect(bus.in8(0x60)).toBe(0xfe);
  });

  it("resets and identifies the keyboard, interrupting on IRQ 1 for each byte", () => {
    const { bus, lines, command } = rig();
    bus.out8(0x60, 0xff);
    expect(lines.level.get(1)).toBe(true);
    expect(bus.in8(0x60)).toBe(0xfa);
    expect(lines.level.get(1)).toBe(true); // the next byte follows at once
    expect(bus.in8(0x60)).toBe(0xaa);
    expect(lines.level.get(1)).toBe(false);
    expect(lines.rises).toEqual([1, 1]);
    bus.out8(0x60, 0xf2);
    expect([bus.in8(0x60), bus.in8(0x60), bus.in8(0x60)]).toEqual([0xfa, 0xab, 0x41]); // translated
    command(0x60, [0x05]); // translation off
    bus.out8(0x60, 0xf2);
    expect([bus.in8(0x60), bus.in8(0x60), bus.in8(0x60)]).toEqual([0xfa, 0xab, 0x83]);
  });

  it("sets LEDs, typematic rate and scancode set with an ACK per byte; echoes; refuses junk", () => {
    const { bus, kbc } = rig();
    const leds: number[] = [];
    kbc.keyboard.onLeds = (value) => leds.push(value);
    const send = (...bytes: number[]) => {
      const out: number[] = [];
      for (const b of bytes) {
        bus.out8(0x60, b);
        while (bus.in8(0x64) & 1) out.push(bus.in8(0x60));
      }
      return out;
    };
    expect(send(0xed, 0x07)).toEqual([0xfa, 0xfa]);
    expect(leds).toEqual([7]);
    expect(send(0xf3, 0x20)).toEqual([0xfa, 0xfa]);
    expect(send(0xf0, 0x00)).toEqual([0xfa, 0xfa, 0x02]);
    expect(send(0xf4, 0xf5, 0xf6)).toEqual([0xfa, 0xfa, 0xfa]);
    expect(send(0xee)).toEqual([0xee]);
    expect(send(0x12)).toEqual([0xfe]);
  });

  it("holds keyboard bytes while the keyboard clock is disabled, but not controller answers", () => {
    const { bus, command, kbc } = rig();
    command(0xad);
    kbc.sendScancodes([0x1e, 0x9e]);
    expect(bus.in8(0x64) & 1).toBe(0);
    expect(command(0x20, [], 1)).toEqual([0x55]); // 0x45 | keyboard disabled
    command(0xae);
    expect([bus.in8(0x60), bus.in8(0x60)]).toEqual([0x1e, 0x9e]);
  });

  it("pulses reset with command 0xFE and through the output port's bit 0", () => {
    const { command, resets } = rig();
    command(0xfe);
    expect(resets).toEqual(["keyboard-controller"]);
    command(0xff); // pulses nothing
    expect(resets.length).toBe(1);
    command(0xd1, [0xdc]); // bit 0 low
    expect(resets.length).toBe(2);
  });

  it("drives A20 from the output port and from port 0x92, ORed", () => {
    const { command, a20, a20Changes, bus, resets } = rig();
    expect(a20.enabled).toBe(true);
    expect(command(0xd0, [], 1)[0]! & 0x03).toBe(0x03);
    command(0xd1, [0xdd]); // A20 off, reset inactive
    expect(a20.enabled).toBe(false);
    expect(command(0xd0, [], 1)[0]! & 0x02).toBe(0);
    bus.out8(0x92, 0x02); // fast A20
    expect(a20.enabled).toBe(true);
    expect(bus.in8(0x92)).toBe(0x02);
    bus.out8(0x92, 0x00);
    command(0xdf); // A20 on through the controller
    expect(a20Changes).toEqual([false, true, false, true]);
    bus.out8(0x92, 0x03); // fast reset
    expect(resets).toEqual(["port-0x92"]);
    expect(bus.in8(0x92) & 0x01).toBe(0);
  });

  it("saves and restores queues and the keyboard", () => {
    const a = rig();
    a.bus.out8(0x60, 0xf2);
    a.bus.in8(0x60);
    const state = JSON.parse(JSON.stringify(a.kbc.save()));
    const b = rig();
    b.kbc.restore(state);
    expect([b.bus.in8(0x60), b.bus.in8(0x60)]).toEqual([0xab, 0x41]);
    expect(() => b.kbc.restore({ version: 5 })).toThrow(/keyboard controller: unsupported state version 5/);
  });
});
