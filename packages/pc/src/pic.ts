/**
 * The PC's two Intel 8259A programmable interrupt controllers: the master
 * at 0x20/0x21 (IRQ 0-7), the slave at 0xA0/0xA1 (IRQ 8-15) cascaded into
 * the master's IR2, and the PIIX edge/level control registers (ELCR) at
 * 0x4D0/0x4D1.
 *
 * Per chip, from the 8259A datasheet:
 * - Initialization: ICW1 (a write to the command port with bit 4 set:
 *   IC4, SNGL, LTIM), ICW2 (vector base, low 3 bits ignored), ICW3 (when
 *   cascaded), ICW4 (when IC4: AEOI, SFNM). ICW1 clears the mask, the
 *   in-service register, special mask mode, sets IR7 lowest priority and
 *   selects IRR for reads; edge-triggered requests must see a new rising
 *   edge afterwards.
 * - OCW1 (data port after initialization): the mask. OCW2: non-specific,
 *   specific and rotating EOIs, set priority, rotate in auto-EOI. OCW3: read
 *   IRR/ISR, poll, special mask mode.
 * - Requests: an edge-triggered input latches its IRR bit on a rising edge;
 *   the bit stays until the acknowledge (or ICW1), and the line must fall
 *   before it can latch again. A level-triggered input (ELCR bit, or LTIM)
 *   requests while it is high. The INT output is high when an unmasked
 *   request outranks every in-service level (special mask mode: in-service
 *   levels block only themselves; special fully nested mode: the master lets
 *   the slave's IR2 through while IR2 is in service).
 * - Acknowledge: the highest request moves from IRR to ISR (not in auto-EOI
 *   mode) and its vector is returned. With no request left (it went away
 *   between INT and INTA) the chip answers IR7 without setting ISR: the
 *   spurious IRQ7, or IRQ15 when it happens in the slave after the master
 *   already took IR2 into service.
 */
import type { InterruptAcknowledge } from "@xeno86/cpu-x86";
import type { IrqSink } from "./interfaces";
import type { PortBus } from "./io-bus";
import { checkState } from "./state";

/** Rank of `irq` for a chip whose lowest-priority level is `lowest` (0 = highest priority). */
function rank(irq: number, lowest: number): number {
  return (irq - lowest - 1) & 7;
}

/** The highest-priority level set in `mask`, or -1. */
function highest(mask: number, lowest: number): number {
  if ((mask & 0xff) === 0) return -1;
  for (let i = 1; i <= 8; i++) {
    const irq = (lowest + i) & 7;
    if ((mask & (1 << irq)) !== 0) return irq;
  }
  return -1;
}

export interface PicChipState {
  irr: number;
  isr: number;
  imr: number;
  lines: number;
  elcr: number;
  vectorBase: number;
  lowestPriority: number;
  initStep: number;
  needIcw4: boolean;
  single: boolean;
  levelMode: boolean;
  autoEoi: boolean;
  rotateOnAutoEoi: boolean;
  specialFullyNested: boolean;
  specialMask: boolean;
  readIsr: boolean;
  poll: boolean;
  icw3: number;
  icw4: number;
}

/** One 8259A. The pair (`Pic`) owns two and wires the cascade. */
export class Pic8259 {
  /** Interrupt request register. */
  irr = 0;
  /** In-service register. */
  isr = 0;
  /** Interrupt mask register. */
  imr = 0;
  /** Current level of the eight inputs. */
  lines = 0;
  /** Edge/level control (1 = level); only the bits in `elcrMask` can be set. */
  elcr = 0;
  vectorBase = 0;
  /** The level with the lowest priority (7 after initialization). */
  lowestPriority = 7;
  /** 0 = ready (OCWs); 2, 3, 4 = expecting ICW2, ICW3, ICW4. */
  initStep = 0;
  needIcw4 = false;
  single = false;
  /** LTIM: every input level-triggered. */
  levelMode = false;
  autoEoi = false;
  rotateOnAutoEoi = false;
  specialFullyNested = false;
  specialMask = false;
  readIsr = false;
  poll = false;
  icw3 = 0;
  icw4 = 0;

  constructor(
    readonly isMaster: boolean,
    readonly elcrMask: number,
  ) {}

  /** Drives input `line` (0-7). */
  setInput(line: number, level: boolean): void {
    const bit = 1 << line;
    if (level) {
      if ((this.lines & bit) === 0) {
        this.lines |= bit;
        this.irr |= bit; // a rising edge, or a level that is now high
      }
    } else if ((this.lines & bit) !== 0) {
      this.lines &= ~bit;
      if (this.isLevel(bit)) this.irr &= ~bit; // a level request goes away with its line
    }
  }

  /** The level this chip would present at INTA now, or -1 (its INT output is high iff >= 0). */
  pending(): number {
    const requests = this.irr & ~this.imr & 0xff;
    const irq = highest(requests, this.lowestPriority);
    if (irq < 0) return -1;
    if (this.specialMask) {
      // Special mask mode: in-service levels inhibit only themselves.
      return (this.isr & (1 << irq)) !== 0 ? this.nextUnblockedInSpecialMask(requests) : irq;
    }
    const current = highest(this.isr, this.lowestPriority);
    if (current < 0) return irq;
    const r = rank(irq, this.lowestPriority);
    const c = rank(current, this.lowestPriority);
    if (r < c) return irq;
    if (r === c && irq === 2 && this.isMaster && this.specialFullyNested) return irq;
    return -1;
  }

  /** The INTA cycle on this chip for level `irq` (from `pending()`): IRR to ISR, or auto-EOI. */
  acknowledge(irq: number): void {
    const bit = 1 << irq;
    if (!this.isLevel(bit)) this.irr &= ~bit;
    if (this.autoEoi) {
      if (this.rotateOnAutoEoi) this.lowestPriority = irq;
    } else {
      this.isr |= bit;
    }
  }

  /** A write to the command port (0x20/0xA0): ICW1, OCW2 or OCW3. */
  writeCommand(value: number): void {
    if ((value & 0x10) !== 0) {
      this.initialize(value);
    } else if ((value & 0x08) !== 0) {
      this.ocw3(value);
    } else {
      this.ocw2(value);
    }
  }

  /** A write to the data port (0x21/0xA1): ICW2-4 during initialization, else OCW1. */
  writeData(value: number): void {
    switch (this.initStep) {
      case 2:
        this.vectorBase = value & 0xf8;
        this.initStep = this.single ? (this.needIcw4 ? 4 : 0) : 3;
        return;
      case 3:
        this.icw3 = value;
        this.initStep = this.needIcw4 ? 4 : 0;
        return;
      case 4:
        this.icw4 = value;
        this.autoEoi = (value & 0x02) !== 0;
        this.specialFullyNested = (value & 0x10) !== 0;
        this.initStep = 0;
        return;
      default:
        this.imr = value & 0xff;
    }
  }

  /** A read of the command port: the poll word, IRR or ISR. */
  readCommand(): number {
    if (this.poll) return this.pollRead();
    return this.readIsr ? this.isr : this.irr;
  }

  /** A read of the data port: the mask (or the poll word). */
  readData(): number {
    if (this.poll) return this.pollRead();
    return this.imr;
  }

  save(): PicChipState {
    return {
      irr: this.irr,
      isr: this.isr,
      imr: this.imr,
      lines: this.lines,
      elcr: this.elcr,
      vectorBase: this.vectorBase,
      lowestPriority: this.lowestPriority,
      initStep: this.initStep,
      needIcw4: this.needIcw4,
      single: this.single,
      levelMode: this.levelMode,
      autoEoi: this.autoEoi,
      rotateOnAutoEoi: this.rotateOnAutoEoi,
      specialFullyNested: this.specialFullyNested,
      specialMask: this.specialMask,
      readIsr: this.readIsr,
      poll: this.poll,
      icw3: this.icw3,
      icw4: this.icw4,
    };
  }

  restore(s: PicChipState): void {
    this.irr = s.irr & 0xff;
    this.isr = s.isr & 0xff;
    this.imr = s.imr & 0xff;
    this.lines = s.lines & 0xff;
    this.elcr = s.elcr & this.elcrMask;
    this.vectorBase = s.vectorBase & 0xf8;
    this.lowestPriority = s.lowestPriority & 7;
    this.initStep = s.initStep;
    this.needIcw4 = s.needIcw4;
    this.single = s.single;
    this.levelMode = s.levelMode;
    this.autoEoi = s.autoEoi;
    this.rotateOnAutoEoi = s.rotateOnAutoEoi;
    this.specialFullyNested = s.specialFullyNested;
    this.specialMask = s.specialMask;
    this.readIsr = s.readIsr;
    this.poll = s.poll;
    this.icw3 = s.icw3;
    this.icw4 = s.icw4;
  }

  private isLevel(bit: number): boolean {
    return this.levelMode || (this.elcr & bit) !== 0;
  }

  private nextUnblockedInSpecialMask(requests: number): number {
    return highest(requests & ~this.isr, this.lowestPriority);
  }

  private initialize(icw1: number): void {
    this.needIcw4 = (icw1 & 0x01) !== 0;
    this.single = (icw1 & 0x02) !== 0;
    this.levelMode = (icw1 & 0x08) !== 0;
    this.imr = 0;
    this.isr = 0;
    this.lowestPriority = 7;
    this.specialMask = false;
    this.readIsr = false;
    this.poll = false;
    this.rotateOnAutoEoi = false;
    if (!this.needIcw4) {
      this.icw4 = 0;
      this.autoEoi = false;
      this.specialFullyNested = false;
    }
    // Edge requests need a fresh rising edge; level requests are re-sampled.
    this.irr = this.lines & (this.levelMode ? 0xff : this.elcr);
    this.initStep = 2;
  }

  private ocw2(value: number): void {
    const level = value & 7;
    switch (value >> 5) {
      case 0: // clear rotate in auto-EOI mode
        this.rotateOnAutoEoi = false;
        return;
      case 4: // set rotate in auto-EOI mode
        this.rotateOnAutoEoi = true;
        return;
      case 1: // non-specific EOI
      case 5: {
        // rotate on non-specific EOI
        const irq = highest(this.isr, this.lowestPriority);
        if (irq < 0) return;
        this.isr &= ~(1 << irq);
        if (value >> 5 === 5) this.lowestPriority = irq;
        return;
      }
      case 3: // specific EOI
        this.isr &= ~(1 << level);
        return;
      case 7: // rotate on specific EOI
        this.isr &= ~(1 << level);
        this.lowestPriority = level;
        return;
      case 6: // set priority
        this.lowestPriority = level;
        return;
      default: // 2: no operation
        return;
    }
  }

  private ocw3(value: number): void {
    if ((value & 0x02) !== 0) this.readIsr = (value & 0x01) !== 0;
    this.poll = (value & 0x04) !== 0;
    if ((value & 0x40) !== 0) this.specialMask = (value & 0x20) !== 0;
  }

  private pollRead(): number {
    this.poll = false;
    const irq = this.pending();
    if (irq < 0) return 0;
    this.acknowledge(irq);
    return 0x80 | irq;
  }
}

export interface PicOptions {
  /** Called when the master's INT output (the CPU's INTR line) changes. */
  onIntr?: (level: boolean) => void;
}

export interface PicState {
  version: 1;
  master: PicChipState;
  slave: PicChipState;
}

const CASCADE = 2;

/** The master/slave 8259A pair with the ELCR; the CPU's interrupt controller. */
export class Pic implements IrqSink, InterruptAcknowledge {
  readonly master = new Pic8259(true, 0xf8);
  readonly slave = new Pic8259(false, 0xde);
  /** Called when INTR changes; set it when wiring the CPU (`level => cpu.intrLine = level`). */
  onIntr: ((level: boolean) => void) | null;
  private output = false;

  private readonly readMasterCommand = (): number => this.withUpdate(this.master.readCommand());
  private readonly readMasterData = (): number => this.withUpdate(this.master.readData());
  private readonly readSlaveCommand = (): number => this.withUpdate(this.slave.readCommand());
  private readonly readSlaveData = (): number => this.withUpdate(this.slave.readData());
  private readonly writeMaster = (port: number, value: number): void => {
    if ((port & 1) === 0) this.master.writeCommand(value);
    else this.master.writeData(value);
    this.update();
  };
  private readonly writeSlave = (port: number, value: number): void => {
    if ((port & 1) === 0) this.slave.writeCommand(value);
    else this.slave.writeData(value);
    this.update();
  };
  private readonly readElcr = (port: number): number => ((port & 1) === 0 ? this.master.elcr : this.slave.elcr);
  private readonly writeElcr = (port: number, value: number): void => {
    const chip = (port & 1) === 0 ? this.master : this.slave;
    chip.elcr = value & chip.elcrMask;
    // A line switched to level mode requests while high; one switched to edge keeps its latch.
    chip.irr |= chip.lines & chip.elcr;
    this.update();
  };

  constructor(options: PicOptions = {}) {
    this.onIntr = options.onIntr ?? null;
  }

  /** Claims 0x20-0x21, 0xA0-0xA1 and 0x4D0-0x4D1. */
  attach(bus: PortBus): void {
    bus.claim("pic-master", 0x20, 2, { read8: (port) => ((port & 1) === 0 ? this.readMasterCommand() : this.readMasterData()), write8: this.writeMaster });
    bus.claim("pic-slave", 0xa0, 2, { read8: (port) => ((port & 1) === 0 ? this.readSlaveCommand() : this.readSlaveData()), write8: this.writeSlave });
    bus.claim("elcr", 0x4d0, 2, { read8: this.readElcr, write8: this.writeElcr });
  }

  /** Drives ISA IRQ line 0-15. IRQ 2 is the cascade; a request on it goes to IRQ 9, as on the AT bus. */
  setIrq(irq: number, level: boolean): void {
    if (irq === CASCADE) irq = 9;
    if (irq < 8) this.master.setInput(irq, level);
    else this.slave.setInput(irq & 7, level);
    this.update();
  }

  /** The INT output of the master: the CPU's INTR. */
  get intr(): boolean {
    return this.output;
  }

  /** Sets both ELCRs at once (bit n = IRQ n level-triggered), as a BIOS would for PCI interrupts. */
  setElcr(mask: number): void {
    this.writeElcr(0x4d0, mask & 0xff);
    this.writeElcr(0x4d1, (mask >>> 8) & 0xff);
  }

  /** The interrupt acknowledge cycle: returns the vector and updates IRR/ISR; a spurious request answers IR7. */
  acknowledge(): number {
    const master = this.master;
    const irq = master.pending();
    let vector: number;
    if (irq < 0) {
      vector = master.vectorBase | 7; // spurious IRQ7: nothing taken into service
    } else if (irq === CASCADE && !master.single) {
      master.acknowledge(CASCADE);
      const slaveIrq = this.slave.pending();
      if (slaveIrq < 0) {
        vector = this.slave.vectorBase | 7; // spurious IRQ15: the master keeps IR2 in service
      } else {
        this.slave.acknowledge(slaveIrq);
        vector = this.slave.vectorBase | slaveIrq;
      }
    } else {
      master.acknowledge(irq);
      vector = master.vectorBase | irq;
    }
    this.update();
    return vector;
  }

  save(): PicState {
    return { version: 1, master: this.master.save(), slave: this.slave.save() };
  }

  restore(state: unknown): void {
    const s = checkState<PicState>(state, "PIC", 1);
    this.master.restore(s.master);
    this.slave.restore(s.slave);
    this.update();
  }

  private withUpdate(value: number): number {
    // Reads can acknowledge (poll mode), so the outputs are re-evaluated.
    this.update();
    return value;
  }

  private update(): void {
    this.master.setInput(CASCADE, this.slave.pending() >= 0);
    const level = this.master.pending() >= 0;
    if (level !== this.output) {
      this.output = level;
      if (this.onIntr !== null) this.onIntr(level);
    }
  }
}
