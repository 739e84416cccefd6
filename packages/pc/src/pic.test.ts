/** The 8259A pair against the datasheet and the sequences Linux's i8259 driver uses. */
import { describe, expect, it } from "vitest";
import { PortBus } from "./io-bus";
import { Pic } from "./pic";

const MASTER_VECTOR = 0x30; // Linux i386: ISA_IRQ_VECTOR(0)
const SLAVE_VECTOR = 0x38;

/** A PIC initialised exactly as Linux's init_8259A(0) does, all lines unmasked. */
function linuxPic(): { pic: Pic; bus: PortBus; intr: boolean[] } {
  const intr: boolean[] = [];
  const pic = new Pic({ onIntr: (level) => intr.push(level) });
  const bus = new PortBus();
  pic.attach(bus);
  bus.out8(0x21, 0xff);
  bus.out8(0x20, 0x11); // ICW1: edge, cascade, ICW4
  bus.out8(0x21, MASTER_VECTOR); // ICW2
  bus.out8(0x21, 1 << 2); // ICW3: slave on IR2
  bus.out8(0x21, 0x01); // ICW4: 8086 mode, normal EOI
  bus.out8(0xa0, 0x11);
  bus.out8(0xa1, SLAVE_VECTOR);
  bus.out8(0xa1, 2); // slave identity
  bus.out8(0xa1, 0x01);
  bus.out8(0x21, 0x00);
  bus.out8(0xa1, 0x00);
  return { pic, bus, intr };
}

/** Linux's mask_and_ack_8259A EOI part: specific EOI to the slave and to IR2, or to the master. */
function linuxEoi(bus: PortBus, irq: number): void {
  if (irq & 8) {
    bus.out8(0xa0, 0x60 + (irq & 7));
    bus.out8(0x20, 0x60 + 2);
  } else {
    bus.out8(0x20, 0x60 + irq);
  }
}

function readIsr(bus: PortBus, port: number): number {
  bus.out8(port, 0x0b);
  const isr = bus.in8(port);
  bus.out8(port, 0x0a);
  return isr;
}

describe("8259A pair", () => {
  it("answers Linux's probe: the mask written before initialisation reads back", () => {
    const pic = new Pic();
    const bus = new PortBus();
    pic.attach(bus);
    bus.out8(0xa1, 0xff);
    bus.out8(0x21, 0xfb);
    expect(bus.in8(0x21)).toBe(0xfb);
    expect(bus.in8(0xa1)).toBe(0xff);
  });

  it("raises INTR for a request and delivers its vector, taking it into service", () => {
    const { pic, bus, intr } = linuxPic();
    pic.setIrq(4, true);
    expect(pic.intr).toBe(true);
    expect(intr).toEqual([true]);
    expect(bus.in8(0x20)).toBe(0x10); // IRR (OCW3 default after ICW1)
    expect(pic.acknowledge()).toBe(MASTER_VECTOR + 4);
    expect(pic.intr).toBe(false);
    expect(readIsr(bus, 0x20)).toBe(0x10);
    expect(bus.in8(0x20)).toBe(0x00); // IRR cleared by the acknowledge
    linuxEoi(bus, 4);
    expect(readIsr(bus, 0x20)).toBe(0);
  });

  it("resolves priority (IR0 highest) and nests higher requests over lower in-service ones", () => {
    const { pic, bus } = linuxPic();
    pic.setIrq(5, true);
    pic.setIrq(3, true);
    pic.setIrq(6, true);
    expect(pic.acknowledge()).toBe(MASTER_VECTOR + 3);
    // IR3 in service: 5 and 6 wait.
    expect(pic.intr).toBe(false);
    pic.setIrq(1, true); // higher than 3: interrupts the handler
    expect(pic.intr).toBe(true);
    expect(pic.acknowledge()).toBe(MASTER_VECTOR + 1);
    expect(readIsr(bus, 0x20)).toBe(0x0a);
    bus.out8(0x20, 0x20); // non-specific EOI clears the highest in service: IR1
    expect(readIsr(bus, 0x20)).toBe(0x08);
    expect(pic.intr).toBe(false);
    bus.out8(0x20, 0x20); // then IR3
    expect(pic.intr).toBe(true);
    expect(pic.acknowledge()).toBe(MASTER_VECTOR + 5);
    bus.out8(0x20, 0x65);
    expect(pic.acknowledge()).toBe(MASTER_VECTOR + 6);
  });

  it("masks requests in IMR without losing them", () => {
    const { pic, bus } = linuxPic();
    bus.out8(0x21, 0x08);
    pic.setIrq(3, true);
    expect(pic.intr).toBe(false);
    expect(bus.in8(0x20)).toBe(0x08);
    bus.out8(0x21, 0x00);
    expect(pic.intr).toBe(true);
  });

  it("cascades the slave through IR2: vector from the slave, both in service, Linux's EOI order", () => {
    const { pic, bus } = linuxPic();
    pic.setIrq(10, true);
    expect(pic.intr).toBe(true);
    expect(pic.acknowledge()).toBe(SLAVE_VECTOR + 2);
    expect(readIsr(bus, 0x20)).toBe(0x04);
    expect(readIsr(bus, 0xa0)).toBe(0x04);
    // A second slave request of lower priority waits for the master's IR2.
    pic.setIrq(12, true);
    expect(pic.intr).toBe(false);
    linuxEoi(bus, 10);
    expect(pic.intr).toBe(true);
    expect(pic.acknowledge()).toBe(SLAVE_VECTOR + 4);
    linuxEoi(bus, 12);
    expect(readIsr(bus, 0x20) | readIsr(bus, 0xa0)).toBe(0);
  });

  it("ranks the whole slave at the master's IR2: IRQ1 beats IRQ8, IRQ8 beats IRQ3", () => {
    const { pic } = linuxPic();
    pic.setIrq(3, true);
    pic.setIrq(8, true);
    pic.setIrq(1, true);
    expect(pic.acknowledge()).toBe(MASTER_VECTOR + 1);
    const { pic: other } = linuxPic();
    other.setIrq(3, true);
    other.setIrq(8, true);
    expect(other.acknowledge()).toBe(SLAVE_VECTOR + 0);
  });

  it("answers a vanished master request with spurious IRQ7 and no ISR bit", () => {
    const { pic, bus } = linuxPic();
    pic.setIrq(3, true);
    expect(pic.intr).toBe(true);
    bus.out8(0x21, 0x08); // masked between INT and INTA
    expect(pic.acknowledge()).toBe(MASTER_VECTOR + 7);
    expect(readIsr(bus, 0x20)).toBe(0); // Linux's i8259A_irq_real() sees no IR7 in service
  });

  it("answers a vanished slave request with spurious IRQ15, IR2 in service on the master", () => {
    const { pic, bus } = linuxPic();
    pic.setElcr(1 << 10); // a level-triggered PCI line
    pic.setIrq(10, true);
    expect(pic.intr).toBe(true);
    pic.setIrq(10, false); // the device withdrew: the slave has nothing, the master's IR2 edge is latched
    expect(pic.intr).toBe(true);
    expect(pic.acknowledge()).toBe(SLAVE_VECTOR + 7);
    expect(readIsr(bus, 0xa0)).toBe(0);
    expect(readIsr(bus, 0x20)).toBe(0x04); // Linux EOIs the master for a spurious IRQ15
    bus.out8(0x20, 0x62);
    expect(readIsr(bus, 0x20)).toBe(0);
  });

  it("edge mode needs a new rising edge; level mode (ELCR) requests again while the line is high", () => {
    const { pic, bus } = linuxPic();
    pic.setIrq(5, true);
    expect(pic.acknowledge()).toBe(MASTER_VECTOR + 5);
    linuxEoi(bus, 5);
    expect(pic.intr).toBe(false); // still high, no new edge
    pic.setIrq(5, false);
    pic.setIrq(5, true);
    expect(pic.intr).toBe(true);
    expect(pic.acknowledge()).toBe(MASTER_VECTOR + 5);
    linuxEoi(bus, 5);

    bus.out8(0x4d1, 0x0c); // IRQ 10 and 11 level-triggered
    expect(bus.in8(0x4d1)).toBe(0x0c);
    pic.setIrq(11, true);
    expect(pic.acknowledge()).toBe(SLAVE_VECTOR + 3);
    linuxEoi(bus, 11);
    expect(pic.intr).toBe(true); // still asserted: delivered again
    expect(pic.acknowledge()).toBe(SLAVE_VECTOR + 3);
    pic.setIrq(11, false);
    linuxEoi(bus, 11);
    expect(pic.intr).toBe(false);
  });

  it("keeps the ELCR's reserved bits (IRQ 0, 1, 2, 8, 13) edge-triggered", () => {
    const { bus } = linuxPic();
    bus.out8(0x4d0, 0xff);
    bus.out8(0x4d1, 0xff);
    expect(bus.in8(0x4d0)).toBe(0xf8);
    expect(bus.in8(0x4d1)).toBe(0xde);
  });

  it("auto-EOI leaves nothing in service", () => {
    const { pic, bus } = linuxPic();
    bus.out8(0x20, 0x11);
    bus.out8(0x21, MASTER_VECTOR);
    bus.out8(0x21, 0x04);
    bus.out8(0x21, 0x03); // ICW4 with AEOI
    pic.setIrq(6, true);
    expect(pic.acknowledge()).toBe(MASTER_VECTOR + 6);
    expect(readIsr(bus, 0x20)).toBe(0);
    pic.setIrq(7, true);
    expect(pic.intr).toBe(true); // not blocked by an in-service IR6
  });

  it("rotates priorities on a rotating EOI and with the set-priority command", () => {
    const { pic, bus } = linuxPic();
    pic.setIrq(2, false);
    pic.setIrq(1, true);
    expect(pic.acknowledge()).toBe(MASTER_VECTOR + 1);
    bus.out8(0x20, 0xa0); // rotate on non-specific EOI: IR1 becomes lowest, IR2 highest
    pic.setIrq(0, true);
    pic.setIrq(3, true);
    expect(pic.acknowledge()).toBe(MASTER_VECTOR + 3);
    bus.out8(0x20, 0x20);
    expect(pic.acknowledge()).toBe(MASTER_VECTOR + 0);
    bus.out8(0x20, 0x20);

    bus.out8(0x20, 0xc0 | 4); // IR4 lowest: IR5 highest
    pic.setIrq(4, true);
    pic.setIrq(6, true);
    expect(pic.acknowledge()).toBe(MASTER_VECTOR + 6);
  });

  it("reads IRR and ISR through OCW3, and polls", () => {
    const { pic, bus } = linuxPic();
    pic.setIrq(6, true);
    pic.setIrq(4, true);
    bus.out8(0x20, 0x0a);
    expect(bus.in8(0x20)).toBe(0x50);
    bus.out8(0x20, 0x0c); // poll: acknowledges the highest request
    expect(bus.in8(0x20)).toBe(0x84);
    expect(readIsr(bus, 0x20)).toBe(0x10);
    bus.out8(0x20, 0x0c);
    expect(bus.in8(0x20)).toBe(0x00); // IR6 blocked by IR4 in service
  });

  it("lets lower levels through in special mask mode", () => {
    const { pic, bus } = linuxPic();
    pic.setIrq(3, true);
    expect(pic.acknowledge()).toBe(MASTER_VECTOR + 3);
    pic.setIrq(5, true);
    expect(pic.intr).toBe(false);
    bus.out8(0x21, 0x08); // the handler masks its own level
    bus.out8(0x20, 0x68); // and sets special mask mode
    expect(pic.intr).toBe(true);
    expect(pic.acknowledge()).toBe(MASTER_VECTOR + 5);
    bus.out8(0x20, 0x48); // reset special mask mode
  });

  it("needs a new edge after ICW1 but keeps level requests", () => {
    const { pic, bus } = linuxPic();
    bus.out8(0x4d0, 0x20); // IRQ5 level
    pic.setIrq(4, true);
    pic.setIrq(5, true);
    bus.out8(0x20, 0x11);
    bus.out8(0x21, MASTER_VECTOR);
    bus.out8(0x21, 0x04);
    bus.out8(0x21, 0x01);
    bus.out8(0x20, 0x0a);
    expect(bus.in8(0x20)).toBe(0x20);
    expect(bus.in8(0x21)).toBe(0x00); // ICW1 cleared the mask
  });

  it("maps the AT bus's IRQ 2 onto IRQ 9", () => {
    const { pic } = linuxPic();
    pic.setIrq(2, true);
    expect(pic.acknowledge()).toBe(SLAVE_VECTOR + 1);
  });

  it("saves and restores by name; refuses other versions", () => {
    const { pic, bus } = linuxPic();
    pic.setIrq(10, true);
    pic.setIrq(3, true);
    expect(pic.acknowledge()).toBe(SLAVE_VECTOR + 2);
    linuxEoi(bus, 10); // IRQ3 now pending
    const state = JSON.parse(JSON.stringify(pic.save()));
    expect(state.version).toBe(1);
    expect(state.master.vectorBase).toBe(MASTER_VECTOR);
    const copy = new Pic();
    const levels: boolean[] = [];
    copy.onIntr = (level) => levels.push(level);
    copy.restore(state);
    expect(copy.acknowledge()).toBe(MASTER_VECTOR + 3);
    expect(pic.acknowledge()).toBe(MASTER_VECTOR + 3);
    expect(levels).toEqual([true, false]);
    expect(() => copy.restore({ version: 7 })).toThrow(/unsupported state version 7/);
  });
});
