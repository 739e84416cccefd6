/** The README's example, kept runnable. */
import { expect, it } from "vitest";
import { Pic, Pit, PortBus, VirtualClock } from "./index";

it("runs the README example", () => {
  let intr = false;
  const cpu = { instructionCount: 0 };
  const clock = new VirtualClock({ counter: cpu });
  const bus = new PortBus();
  const pic = new Pic({ onIntr: (level) => (intr = level) });
  const pit = new Pit({ clock, irq: pic });
  pic.attach(bus);
  pit.attach(bus);
  for (const [port, value] of [
    [0x20, 0x11],
    [0x21, 0x30],
    [0x21, 0x04],
    [0x21, 0x01],
    [0xa0, 0x11],
    [0xa1, 0x38],
    [0xa1, 0x02],
    [0xa1, 0x01],
  ] as const) {
    bus.out8(port, value);
  }
  bus.out8(0x43, 0x34);
  bus.out8(0x40, 1193 & 0xff);
  bus.out8(0x40, 1193 >> 8);
  cpu.instructionCount += 500_000;
  bus.out8(0x43, 0x00);
  const count = bus.in8(0x40) | (bus.in8(0x40) << 8);
  expect(count).toBe(598);
  clock.advanceTo(clock.nextDeadline());
  expect([intr, clock.now()]).toEqual([true, 1000686]);
  expect([pic.acknowledge().toString(16), intr]).toEqual(["30", false]);
});
