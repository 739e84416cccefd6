/** The 16550A against its datasheet and against the probes of Linux's 8250 driver. */
import { describe, expect, it } from "vitest";
import { VirtualClock } from "./clock";
import type { IrqSink } from "./interfaces";
import { PortBus } from "./io-bus";
import { COM1, COM2, Uart16550 } from "./uart";

const RX = 0,
  IER = 1,
  IIR = 2,
  FCR = 2,
  LCR = 3,
  MCR = 4,
  LSR = 5,
  MSR = 6,
  SCR = 7;

class Line implements IrqSink {
  level = false;
  irqs: number[] = [];
  setIrq(irq: number, level: boolean): void {
    this.irqs.push(irq);
    this.level = level;
  }
}

function rig(base: number = COM1.base, irqLine: number = COM1.irq) {
  const clock = new VirtualClock();
  const line = new Line();
  const sent: number[] = [];
  const uart = new Uart16550({ clock, irq: line, irqLine, onTransmit: (b) => sent.push(b) });
  const bus = new PortBus();
  uart.attach(bus, base);
  const inb = (reg: number) => bus.in8(base + reg);
  const outb = (reg: number, value: number) => bus.out8(base + reg, value);
  return { clock, line, sent, uart, bus, inb, outb };
}

describe("16550A UART", () => {
  it("passes Linux's autoconfig: IER existence test, loopback MSR test, FIFO type, no EFR/750/XScale", () => {
    const { inb, outb, bus } = rig();
    // Existence test: IER bits 0-3 hold exactly what was written.
    const scratch = inb(IER);
    outb(IER, 0);
    bus.out8(0x80, 0xff);
    const scratch2 = inb(IER) & 0x0f;
    outb(IER, 0x0f);
    bus.out8(0x80, 0);
    const scratch3 = inb(IER) & 0x0f;
    outb(IER, scratch);
    expect([scratch2, scratch3]).toEqual([0, 0x0f]);
    // Loopback with RTS and OUT2: CTS and DCD come back.
    const saveMcr = inb(MCR);
    outb(MCR, 0x10 | 0x0a);
    expect(inb(MSR) & 0xf0).toBe(0x90);
    outb(MCR, saveMcr);
    // Type: FCR enable shows in IIR bits 7-6 as 11 (16550A).
    outb(LCR, 0xbf);
    outb(2, 0); // EFR write lands in FCR here
    outb(LCR, 0);
    outb(FCR, 0x01);
    expect(inb(IIR) >> 6).toBe(3);
    // autoconfig_16550a: with DLAB set, offset 2 still reads IIR, never 0 (no EFR).
    outb(LCR, 0x80);
    expect(inb(2)).not.toBe(0);
    outb(LCR, 0xbf);
    expect(inb(2)).not.toBe(0);
    // TI16750 test: the 64-byte FIFO bit never shows in IIR bit 5.
    outb(LCR, 0);
    outb(FCR, 0x21);
    expect(inb(IIR) >> 5).toBe(6);
    outb(FCR, 0x01);
    // XScale test: IER bit 6 does not stick.
    outb(IER, 0x40);
    expect(inb(IER) & 0x40).toBe(0);
    outb(IER, 0);
  });

  it("holds 16 bytes in its FIFO: Linux's size_fifo() counts 16 in loopback", () => {
    const { inb, outb, uart } = rig();
    outb(LCR, 0);
    outb(FCR, 0x07);
    outb(MCR, 0x10);
    outb(LCR, 0x80);
    outb(0, 0x01);
    outb(1, 0x00);
    outb(LCR, 0x03);
    for (let i = 0; i < 256; i++) outb(0, i);
    let count = 0;
    const got: number[] = [];
    while (inb(LSR) & 0x01 && count < 256) {
      got.push(inb(RX));
      count++;
    }
    expect(count).toBe(16);
    expect(got).toEqual(Array.from({ length: 16 }, (_, i) => i));
    void uart;
  });

  it("flags an overrun in loopback when the FIFO is full, as a line-status interrupt cleared by reading LSR", () => {
    const { inb, outb } = rig();
    outb(FCR, 0x01);
    outb(MCR, 0x10);
    outb(IER, 0x04);
    for (let i = 0; i < 17; i++) outb(0, i);
    expect(inb(IIR)).toBe(0xc6);
    const lsr = inb(LSR);
    expect(lsr & 0x03).toBe(0x03); // DR and OE
    expect(inb(LSR) & 0x02).toBe(0); // cleared by the read
    expect(inb(IIR)).toBe(0xc1);
  });

  it("re-asserts THRE when IER.THRI is set again (serial8250_startup's THRE test finds no bug)", () => {
    const { inb, outb } = rig();
    outb(MCR, 0x08);
    outb(IER, 0x02);
    const iir1 = inb(IIR);
    outb(IER, 0);
    outb(IER, 0x02);
    const iir = inb(IIR);
    outb(IER, 0);
    expect(iir1 & 0x01).toBe(0);
    expect(iir1 & 0x0f).toBe(0x02);
    expect(iir & 0x01).toBe(0); // re-asserted: UART_BUG_THRE stays clear
  });

  it("clears THRE by reading IIR when it is the reported source, and raises it again after THR drains", () => {
    const { inb, outb, line, sent } = rig();
    outb(MCR, 0x08); // OUT2: interrupts reach the PIC
    outb(IER, 0x02);
    expect(line.level).toBe(true);
    expect(inb(IIR)).toBe(0x02);
    expect(line.level).toBe(false);
    expect(inb(IIR)).toBe(0x01);
    outb(0, 0x41);
    expect(sent).toEqual([0x41]);
    expect(line.level).toBe(true); // transmitter empty again
    expect(inb(LSR) & 0x60).toBe(0x60);
    outb(IER, 0x00);
    expect(line.level).toBe(false);
  });

  it("reports interrupts in the 16550A's priority order", () => {
    const { inb, outb, uart } = rig();
    outb(FCR, 0x01 | 0x40); // FIFO, trigger 4
    outb(MCR, 0x10 | 0x0b); // loopback with DTR, RTS, OUT2
    inb(MSR);
    outb(IER, 0x0f);
    // Line status (overrun) + data + THRE + modem status all pending.
    for (let i = 0; i < 17; i++) outb(0, 0x30 + i);
    outb(MCR, 0x10 | 0x0a); // DTR drops: DDSR
    expect(inb(IIR)).toBe(0xc6);
    inb(LSR);
    expect(inb(IIR)).toBe(0xc4); // 16 bytes >= trigger 4
    for (let i = 0; i < 13; i++) inb(RX);
    expect(inb(IIR)).toBe(0xc2); // 3 left, below trigger; no timeout yet
    expect(inb(IIR)).toBe(0xc0); // THRE cleared by the previous read: modem status
    expect(inb(MSR) & 0x0f).toBe(0x02);
    expect(inb(IIR)).toBe(0xc1);
    void uart;
  });

  it("raises received-data-available at each FIFO trigger level", () => {
    for (const [bits, level] of [
      [0x00, 1],
      [0x40, 4],
      [0x80, 8],
      [0xc0, 14],
    ] as const) {
      const { inb, outb, uart, line } = rig();
      outb(FCR, 0x01 | bits);
      outb(MCR, 0x08);
      outb(IER, 0x01);
      uart.receive(new Uint8Array(level - 1));
      expect(inb(IIR)).toBe(0xc1);
      expect(line.level).toBe(false);
      uart.receive([0x55]);
      expect(inb(IIR)).toBe(0xc4);
      expect(line.level).toBe(true);
      inb(RX);
      expect(inb(IIR) & 0x0f).toBe(0x01);
    }
  });

  it("signals a character timeout after four character times with data below the trigger", () => {
    const { inb, outb, uart, clock, line } = rig();
    outb(LCR, 0x80);
    outb(0, 1); // 115200 baud
    outb(1, 0);
    outb(LCR, 0x03); // 8N1: 10 bits a character
    outb(FCR, 0x81); // trigger 8
    outb(MCR, 0x08);
    outb(IER, 0x01);
    uart.receive([0x61, 0x62, 0x63]);
    const fourChars = Math.ceil((4 * 10 * 1e9) / 115200);
    clock.advanceTo(fourChars - 1);
    expect(line.level).toBe(false);
    clock.advanceTo(fourChars);
    expect(line.level).toBe(true); // the timer raised it
    expect(inb(IIR)).toBe(0xcc);
    expect(inb(RX)).toBe(0x61); // reading RBR resets the timeout
    expect(inb(IIR)).toBe(0xc1);
    expect(line.level).toBe(false);
    clock.advanceBy(fourChars);
    expect(inb(IIR)).toBe(0xcc);
    inb(RX);
    inb(RX);
    clock.advanceBy(10 * fourChars);
    expect(inb(IIR)).toBe(0xc1); // empty FIFO: no timeout
  });

  it("gates the IRQ with OUT2 and disconnects it in loopback", () => {
    const { outb, line } = rig();
    outb(IER, 0x02); // THRE pending
    expect(line.level).toBe(false);
    outb(MCR, 0x08);
    expect(line.level).toBe(true);
    outb(MCR, 0x18);
    expect(line.level).toBe(false);
    outb(MCR, 0x08);
    expect(line.level).toBe(true);
  });

  it("transmits to the host, except in loopback", () => {
    const { outb, inb, sent } = rig();
    for (const c of "ok\n") outb(0, c.charCodeAt(0));
    outb(MCR, 0x10);
    outb(0, 0x58);
    expect(String.fromCharCode(...sent)).toBe("ok\n");
    expect(inb(RX)).toBe(0x58);
  });

  it("queues host input without loss and feeds the FIFO as the guest reads", () => {
    const { outb, inb, uart } = rig();
    outb(FCR, 0x01);
    const text = "the quick brown fox jumps over the lazy dog";
    uart.receive(Array.from(text, (c) => c.charCodeAt(0)));
    expect(uart.pendingInput).toBe(text.length - 16);
    let got = "";
    while (inb(LSR) & 0x01) got += String.fromCharCode(inb(RX));
    expect(got).toBe(text);
    // In loopback the host is disconnected: its bytes wait.
    outb(MCR, 0x10);
    uart.receive([1, 2, 3]);
    expect(inb(LSR) & 0x01).toBe(0);
    outb(MCR, 0x00);
    expect(inb(RX)).toBe(1);
  });

  it("holds one byte in 16450 mode (FIFOs off) and shows no FIFO bits in IIR", () => {
    const { outb, inb, uart } = rig();
    outb(MCR, 0x08);
    outb(IER, 0x01);
    uart.receive([7, 8]);
    expect(inb(IIR)).toBe(0x04);
    expect(uart.pendingInput).toBe(1);
    expect(inb(RX)).toBe(7);
    expect(inb(RX)).toBe(8);
    expect(inb(IIR)).toBe(0x01);
  });

  it("keeps the divisor behind DLAB, the scratch register, and LCR", () => {
    const { outb, inb, uart } = rig(COM2.base, COM2.irq);
    outb(LCR, 0x83);
    outb(0, 0x0c);
    outb(1, 0x00);
    expect([inb(0), inb(1)]).toEqual([0x0c, 0x00]);
    expect(uart.baudRate).toBe(9600);
    outb(LCR, 0x03);
    outb(SCR, 0x5a);
    expect([inb(LCR), inb(SCR)]).toEqual([0x03, 0x5a]);
  });

  it("reports modem input changes as delta bits and a modem-status interrupt", () => {
    const { outb, inb, uart, line } = rig();
    outb(MCR, 0x08);
    outb(IER, 0x08);
    expect(inb(MSR)).toBe(0xb0);
    uart.setModemInputs({ cts: true, dsr: true, ri: true, dcd: false });
    expect(line.level).toBe(true);
    expect(inb(IIR)).toBe(0x00);
    expect(inb(MSR)).toBe(0x70 | 0x08);
    uart.setModemInputs({ cts: true, dsr: true, ri: false, dcd: false });
    expect(inb(MSR)).toBe(0x30 | 0x04); // trailing edge of RI
    expect(line.level).toBe(false);
  });

  it("saves and restores FIFO, host queue and registers", () => {
    const a = rig();
    a.outb(FCR, 0x81);
    a.outb(IER, 0x03);
    a.outb(MCR, 0x0b);
    a.uart.receive(Array.from({ length: 20 }, (_, i) => 100 + i));
    a.inb(RX);
    const state = JSON.parse(JSON.stringify(a.uart.save()));
    const b = rig();
    b.uart.restore(state);
    const drain = (r: ReturnType<typeof rig>) => {
      const out: number[] = [];
      while (r.inb(LSR) & 1) out.push(r.inb(RX));
      return out;
    };
    expect([b.inb(IER), b.inb(MCR), b.inb(IIR)]).toEqual([a.inb(IER), a.inb(MCR), a.inb(IIR)]);
    expect(drain(b)).toEqual(drain(a));
    expect(() => b.uart.restore({ version: 9 })).toThrow(/UART: unsupported state version 9/);
  });
});
