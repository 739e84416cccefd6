/**
 * Device register access must not allocate (the performance rules for hot
 * code). Each workload is a small step function, called until the JIT has
 * optimised it, then 5000 times from an empty young generation, several
 * times over; the smallest heap growth must be noise. (Background
 * compilation makes single runs noisy; a real allocation shows in every run:
 * one small object or boxed number per access adds 5000 × 16 bytes or more.
 * The steps are separate functions so that the harness's own arithmetic on
 * the large instruction counts runs optimised, not in the interpreter.)
 */
import v8 from "node:v8";
import vm from "node:vm";
import { describe, expect, it } from "vitest";
import { VirtualClock } from "./clock";
import { PortBus } from "./io-bus";
import { KeyboardController } from "./keyboard-controller";
import { PciHost } from "./pci";
import { plugChipset } from "./pci-chipset";
import { Pic } from "./pic";
import { Pit } from "./pit";
import { Rtc } from "./rtc";
import { SystemControlB } from "./system-control";
import { Uart16550 } from "./uart";

v8.setFlagsFromString("--expose-gc");
const gc = vm.runInNewContext("gc") as () => void;

const ROUNDS = 5000;
const NOISE_BYTES = 16 * 1024;

function heapGrowth(step: (i: number) => void): number {
  for (let i = 0; i < 40 * ROUNDS; i++) step(i); // warm up and let the JIT settle
  let least = Infinity;
  for (let trial = 0; trial < 5; trial++) {
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < ROUNDS; i++) step(i);
    least = Math.min(least, process.memoryUsage().heapUsed - before);
  }
  return least;
}

describe("the allocation probe", () => {
  it("sees an allocation per iteration", () => {
    const keep: object[] = [];
    expect(
      heapGrowth((i) => {
        if (i === 0) keep.length = 0;
        keep.push({ i });
      }),
    ).toBeGreaterThan(ROUNDS * 16);
  });
});

function board() {
  // Start an hour and a half into virtual time, so times and tick counts are past 2^32 from the first access
  // (values that grow past the JIT's small-integer guesses later would measure re-optimisation, not the device).
  const cpu = { instructionCount: 5.4e12 };
  const clock = new VirtualClock({ counter: cpu });
  const pic = new Pic({ onIntr: () => {} });
  const bus = new PortBus();
  pic.attach(bus);
  const pit = new Pit({ clock, irq: pic });
  pit.attach(bus);
  new SystemControlB({ pit, clock }).attach(bus);
  const rtc = new Rtc({ clock, irq: pic, memoryBytes: 64 << 20 });
  rtc.attach(bus);
  const uart = new Uart16550({ clock, irq: pic, irqLine: 4, onTransmit: () => {} });
  const kbc = new KeyboardController({ irq: pic });
  kbc.attach(bus);
  uart.attach(bus, 0x3f8);
  const pci = new PciHost({ irq: pic });
  pci.attach(bus);
  plugChipset(pci);
  // Linux's PIC setup.
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
  return { cpu, clock, pic, bus, uart, kbc };
}

describe("no allocation on register access", () => {
  it("PIC: request, acknowledge, EOI, mask reads", () => {
    const { pic, bus } = board();
    const growth = heapGrowth((i) => {
      pic.setIrq(5, true);
      pic.acknowledge();
      bus.out8(0x20, 0x65);
      pic.setIrq(5, false);
      bus.in8(0x21);
    });
    expect(growth).toBeLessThan(NOISE_BYTES);
  });

  it("PIT: latch and read counter 0, poll port 0x61, reprogram counter 2, with time moving", () => {
    const { bus, cpu, clock } = board();
    const growth = heapGrowth((i) => {
      cpu.instructionCount += 997;
      clock.poll();
      bus.out8(0x43, 0x00);
      bus.in8(0x40);
      bus.in8(0x40);
      bus.in8(0x61);
      if ((i & 63) === 0) {
        bus.out8(0x43, 0xb0);
        bus.out8(0x42, 0xff);
        bus.out8(0x42, 0xff);
      }
    });
    expect(growth).toBeLessThan(NOISE_BYTES);
  });

  it("RTC: time registers across second updates, register A and C", () => {
    const { bus, cpu, clock } = board();
    const growth = heapGrowth((i) => {
      cpu.instructionCount += 1_000_003; // a millisecond: crosses seconds
      clock.poll();
      bus.out8(0x70, 0x0a);
      bus.in8(0x71);
      bus.out8(0x70, 0x00);
      bus.in8(0x71);
      bus.out8(0x70, 0x0c);
      bus.in8(0x71);
    });
    expect(growth).toBeLessThan(NOISE_BYTES);
  });

  it("UART: transmit, LSR and IIR polling", () => {
    const { bus } = board();
    bus.out8(0x3fc, 0x08);
    bus.out8(0x3f9, 0x02);
    const growth = heapGrowth((i) => {
      bus.in8(0x3fd);
      bus.out8(0x3f8, 0x41);
      bus.in8(0x3fa);
    });
    expect(growth).toBeLessThan(NOISE_BYTES);
  });

  it("UART: receiving through the FIFO with the character timeout armed", () => {
    const { bus, uart, cpu, clock } = board();
    bus.out8(0x3fa, 0x81); // FIFO, trigger 8
    bus.out8(0x3fc, 0x08);
    bus.out8(0x3f9, 0x01);
    uart.receive(new Uint8Array(ROUNDS * 50)); // host side, before measuring
    const growth = heapGrowth((i) => {
      cpu.instructionCount += 50_000;
      clock.poll();
      bus.in8(0x3fa);
      bus.in8(0x3fd);
      bus.in8(0x3f8);
    });
    expect(growth).toBeLessThan(NOISE_BYTES);
  });

  it("8042: scancodes through the output buffer", () => {
    const { bus, kbc } = board();
    const scancode = new Uint8Array([0x1e, 0x9e]);
    const growth = heapGrowth((i) => {
      kbc.sendScancodes(scancode);
      bus.in8(0x64);
      bus.in8(0x60);
      bus.in8(0x60);
    });
    expect(growth).toBeLessThan(NOISE_BYTES);
  });

  it("PCI configuration reads and writes, 8042 status, split wide accesses", () => {
    const { bus } = board();
    const growth = heapGrowth((i) => {
      bus.out32(0xcf8, 0x80000800 | ((i & 15) << 2));
      bus.in32(0xcfc);
      bus.in16(0xcfe);
      bus.out8(0xcfc + (i & 3), 0);
      bus.in8(0x64);
      bus.in32(0x70); // split into bytes
      bus.in16(0x1234); // unclaimed
    });
    expect(growth).toBeLessThan(NOISE_BYTES);
  });
});
