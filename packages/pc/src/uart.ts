/**
 * A National Semiconductor 16550A UART (COM1 at 0x3F8 on IRQ 4, COM2 at
 * 0x2F8 on IRQ 3), as Linux's 8250 driver probes and drives it.
 *
 * Registers (offset: read / write): 0 RBR / THR (DLL with LCR.DLAB),
 * 1 IER (DLM with DLAB), 2 IIR / FCR, 3 LCR, 4 MCR, 5 LSR, 6 MSR, 7 SCR.
 *
 * Interrupts, highest priority first, each with its 16550A reset condition:
 * 1. receiver line status (IIR 0x06; IER bit 2): overrun, parity, framing
 *    error or break in LSR; cleared by reading LSR;
 * 2. received data available (0x04; IER bit 0): the RX FIFO holds at least
 *    the trigger level (1, 4, 8 or 14 bytes; 1 without FIFOs); cleared when
 *    it drops below;
 *    character timeout (0x0C, FIFO mode only; IER bit 0): data in the RX
 *    FIFO and no character in or out of it for four character times;
 *    cleared by reading RBR;
 * 3. transmitter holding register empty (0x02; IER bit 1): raised when THR
 *    becomes empty, or when IER bit 1 goes from 0 to 1 while it is empty;
 *    cleared by reading IIR when it is the reported source, or by writing THR;
 * 4. modem status (0x00; IER bit 3): a delta bit in MSR; cleared by
 *    reading MSR.
 * IIR bits 7-6 read 11 while the FIFOs are enabled. The PC routes the
 * interrupt through MCR OUT2: the IRQ line is high only with OUT2 set, and
 * loopback mode (MCR bit 4) disconnects it (the OUT2 pin goes inactive).
 *
 * Transmission is instant: a byte written to THR goes to `onTransmit` (or,
 * in loopback, to the receiver) and THR/TSR are empty again at once, as in
 * QEMU; console output polling LSR never waits. Received bytes come from the
 * host through `receive`, queue without limit and flow into the RX FIFO
 * whenever it has room (no host data is lost); in loopback the receiver
 * hears only the transmitter, and a full FIFO overruns.
 */
import type { ClockTimer, VirtualClock } from "./clock";
import type { IrqSink } from "./interfaces";
import type { PortBus } from "./io-bus";
import { checkState } from "./state";

/** The standard PC serial ports. */
export const COM1 = { base: 0x3f8, irq: 4 } as const;
export const COM2 = { base: 0x2f8, irq: 3 } as const;
export const COM3 = { base: 0x3e8, irq: 4 } as const;
export const COM4 = { base: 0x2e8, irq: 3 } as const;

/** The 16550A's crystal (1.8432 MHz); baud = UART_CLOCK_HZ / (16 × divisor). */
export const UART_CLOCK_HZ = 1_843_200;

const FIFO_SIZE = 16;

const IER_RDI = 0x01;
const IER_THRI = 0x02;
const IER_RLSI = 0x04;
const IER_MSI = 0x08;

const IIR_NONE = 0x01;
const IIR_MSI = 0x00;
const IIR_THRI = 0x02;
const IIR_RDI = 0x04;
const IIR_RLSI = 0x06;
const IIR_TIMEOUT = 0x0c;

const LCR_DLAB = 0x80;

const MCR_DTR = 0x01;
const MCR_RTS = 0x02;
const MCR_OUT1 = 0x04;
const MCR_OUT2 = 0x08;
const MCR_LOOP = 0x10;

const LSR_DR = 0x01;
const LSR_OE = 0x02;
const LSR_ERRORS = 0x1e; // OE, PE, FE, BI
const LSR_THRE = 0x20;
const LSR_TEMT = 0x40;

const MSR_DCTS = 0x01;
const MSR_DDSR = 0x02;
const MSR_TERI = 0x04;
const MSR_DDCD = 0x08;
const MSR_CTS = 0x10;
const MSR_DSR = 0x20;
const MSR_RI = 0x40;
const MSR_DCD = 0x80;

const TRIGGER_LEVELS = [1, 4, 8, 14] as const;

export interface UartOptions {
  clock: VirtualClock;
  /** Where the interrupt goes, and which line (4 for COM1, 3 for COM2). */
  irq?: IrqSink;
  irqLine?: number;
  /** Called with each byte the guest transmits. */
  onTransmit?: (byte: number) => void;
}

/** The modem-control inputs the host side presents (CTS, DSR, RI, DCD). */
export interface ModemInputs {
  cts: boolean;
  dsr: boolean;
  ri: boolean;
  dcd: boolean;
}

export interface UartState {
  version: 1;
  ier: number;
  lcr: number;
  mcr: number;
  lsrErrors: number;
  msrDeltas: number;
  modemInputs: number;
  scratch: number;
  divisor: number;
  fifoEnabled: boolean;
  triggerLevel: number;
  rxFifo: number[];
  thrPending: boolean;
  rxActivityNs: number;
  hostQueue: number[];
  irqLevel: boolean;
}

export class Uart16550 {
  /** Called with each byte the guest transmits (outside loopback). */
  onTransmit: ((byte: number) => void) | null;
  private readonly clock: VirtualClock;
  private readonly irq: IrqSink | null;
  private readonly irqLine: number;

  private ier = 0;
  private lcr = 0;
  private mcr = 0;
  /** OE/PE/FE/BI, until LSR is read. */
  private lsrErrors = 0;
  private msrDeltas = 0;
  /** MSR bits 7-4 from the outside world (not loopback). */
  private modemInputs = MSR_DCD | MSR_DSR | MSR_CTS;
  private scratch = 0;
  private divisor = 12; // 9600 baud
  private fifoEnabled = false;
  private triggerLevel = 1;
  private readonly rxFifo = new Uint8Array(FIFO_SIZE);
  private rxHead = 0;
  private rxCount = 0;
  /** The THRE interrupt is pending. */
  private thrPending = false;
  /** Virtual time of the last character into or out of the RX FIFO. */
  private rxActivityNs = 0.5; // a double field from the start (0 after construction)
  /** Scratch cell for a deadline (no large number crosses a call on register paths). */
  private readonly deadline = new Float64Array(1);
  private irqLevel = false;
  /** Host input not yet in the FIFO (a ring that grows). */
  private hostQueue = new Uint8Array(256);
  private hostHead = 0;
  private hostCount = 0;
  private readonly timeoutTimer: ClockTimer;

  private readonly readPort = (port: number): number => this.read(port & 7);
  private readonly writePort = (port: number, value: number): void => this.write(port & 7, value);

  constructor(options: UartOptions) {
    this.clock = options.clock;
    this.irq = options.irq ?? null;
    this.irqLine = options.irqLine ?? COM1.irq;
    this.onTransmit = options.onTransmit ?? null;
    this.timeoutTimer = this.clock.createTimer("uart-timeout", () => this.updateIrq());
    this.rxActivityNs = 0;
  }

  /** Claims the eight ports at `base` (default COM1). */
  attach(bus: PortBus, base: number = COM1.base): void {
    bus.claim(`uart-${base.toString(16)}`, base, 8, { read8: this.readPort, write8: this.writePort });
  }

  /** Queues bytes from the host; they enter the RX FIFO as it has room. */
  receive(bytes: ArrayLike<number>): void {
    const n = bytes.length;
    if (n === 0) return;
    if (this.hostCount + n > this.hostQueue.length) {
      let size = this.hostQueue.length * 2;
      while (size < this.hostCount + n) size *= 2;
      const grown = new Uint8Array(size);
      for (let i = 0; i < this.hostCount; i++) grown[i] = this.hostQueue[(this.hostHead + i) % this.hostQueue.length]!;
      this.hostQueue = grown;
      this.hostHead = 0;
    }
    const cap = this.hostQueue.length;
    for (let i = 0; i < n; i++) this.hostQueue[(this.hostHead + this.hostCount + i) % cap] = bytes[i]! & 0xff;
    this.hostCount += n;
    this.pump();
  }

  /** Host bytes still waiting for room in the RX FIFO. */
  get pendingInput(): number {
    return this.hostCount;
  }

  /** Sets the modem-status inputs (default: CTS, DSR and DCD asserted, as a connected terminal). */
  setModemInputs(inputs: ModemInputs): void {
    const before = this.msrLines();
    this.modemInputs = (inputs.cts ? MSR_CTS : 0) | (inputs.dsr ? MSR_DSR : 0) | (inputs.ri ? MSR_RI : 0) | (inputs.dcd ? MSR_DCD : 0);
    this.noteModemChange(before);
    this.updateIrq();
  }

  /** Line speed from the divisor. */
  get baudRate(): number {
    return UART_CLOCK_HZ / (16 * (this.divisor === 0 ? 0x10000 : this.divisor));
  }

  /** Whether the IRQ line is high. */
  get interruptAsserted(): boolean {
    return this.irqLevel;
  }

  /** A register read at `offset` 0-7. */
  read(offset: number): number {
    switch (offset) {
      case 0:
        if ((this.lcr & LCR_DLAB) !== 0) return this.divisor & 0xff;
        return this.readRbr();
      case 1:
        if ((this.lcr & LCR_DLAB) !== 0) return this.divisor >> 8;
        return this.ier;
      case 2:
        return this.readIir();
      case 3:
        return this.lcr;
      case 4:
        return this.mcr;
      case 5:
        return this.readLsr();
      case 6:
        return this.readMsr();
      default:
        return this.scratch;
    }
  }

  /** A register write at `offset` 0-7. */
  write(offset: number, value: number): void {
    value &= 0xff;
    switch (offset) {
      case 0:
        if ((this.lcr & LCR_DLAB) !== 0) this.divisor = (this.divisor & 0xff00) | value;
        else this.writeThr(value);
        return;
      case 1:
        if ((this.lcr & LCR_DLAB) !== 0) this.divisor = (this.divisor & 0x00ff) | (value << 8);
        else this.writeIer(value);
        return;
      case 2:
        this.writeFcr(value);
        return;
      case 3:
        this.lcr = value;
        return;
      case 4:
        this.writeMcr(value);
        return;
      case 5:
      case 6:
        return; // LSR and MSR are read-only (factory test writes are ignored)
      default:
        this.scratch = value;
    }
  }

  save(): UartState {
    const rx: number[] = [];
    for (let i = 0; i < this.rxCount; i++) rx.push(this.rxFifo[(this.rxHead + i) % FIFO_SIZE]!);
    const host: number[] = [];
    for (let i = 0; i < this.hostCount; i++) host.push(this.hostQueue[(this.hostHead + i) % this.hostQueue.length]!);
    return {
      version: 1,
      ier: this.ier,
      lcr: this.lcr,
      mcr: this.mcr,
      lsrErrors: this.lsrErrors,
      msrDeltas: this.msrDeltas,
      modemInputs: this.modemInputs,
      scratch: this.scratch,
      divisor: this.divisor,
      fifoEnabled: this.fifoEnabled,
      triggerLevel: this.triggerLevel,
      rxFifo: rx,
      thrPending: this.thrPending,
      rxActivityNs: this.rxActivityNs,
      hostQueue: host,
      irqLevel: this.irqLevel,
    };
  }

  /** Restore after the clock. */
  restore(state: unknown): void {
    const s = checkState<UartState>(state, "UART", 1);
    if (!Array.isArray(s.rxFifo) || s.rxFifo.length > FIFO_SIZE) throw new Error("cannot restore UART: rxFifo holds more than 16 bytes");
    this.ier = s.ier & 0x0f;
    this.lcr = s.lcr & 0xff;
    this.mcr = s.mcr & 0x1f;
    this.lsrErrors = s.lsrErrors & LSR_ERRORS;
    this.msrDeltas = s.msrDeltas & 0x0f;
    this.modemInputs = s.modemInputs & 0xf0;
    this.scratch = s.scratch & 0xff;
    this.divisor = s.divisor & 0xffff;
    this.fifoEnabled = s.fifoEnabled;
    this.triggerLevel = s.triggerLevel;
    this.rxHead = 0;
    this.rxCount = s.rxFifo.length;
    for (let i = 0; i < s.rxFifo.length; i++) this.rxFifo[i] = s.rxFifo[i]!;
    this.thrPending = s.thrPending;
    this.rxActivityNs = s.rxActivityNs;
    this.hostQueue = new Uint8Array(Math.max(256, s.hostQueue.length));
    this.hostQueue.set(s.hostQueue);
    this.hostHead = 0;
    this.hostCount = s.hostQueue.length;
    this.irqLevel = s.irqLevel;
    this.armTimeout();
    this.updateIrq();
  }

  // ---- registers ----

  private get loopback(): boolean {
    return (this.mcr & MCR_LOOP) !== 0;
  }

  private get rxCapacity(): number {
    return this.fifoEnabled ? FIFO_SIZE : 1;
  }

  private readRbr(): number {
    if (this.rxCount === 0) return 0;
    const value = this.rxFifo[this.rxHead]!;
    this.rxHead = (this.rxHead + 1) % FIFO_SIZE;
    this.rxCount--;
    this.noteRxActivity();
    this.pump();
    this.armTimeout();
    this.updateIrq();
    return value;
  }

  private writeThr(value: number): void {
    this.thrPending = false;
    if (this.loopback) this.receiveByte(value);
    else if (this.onTransmit !== null) this.onTransmit(value);
    // The transmitter is done at once: THR empty again, a new THRE interrupt.
    if ((this.ier & IER_THRI) !== 0) this.thrPending = true;
    this.updateIrq();
  }

  private writeIer(value: number): void {
    const before = this.ier;
    this.ier = value & 0x0f;
    if ((this.ier & IER_THRI) === 0) this.thrPending = false;
    else if ((before & IER_THRI) === 0) this.thrPending = true; // THR is always empty here
    this.armTimeout();
    this.updateIrq();
  }

  private writeFcr(value: number): void {
    const enable = (value & 0x01) !== 0;
    if (enable !== this.fifoEnabled) {
      this.fifoEnabled = enable;
      this.clearRx();
    }
    if (enable) {
      if ((value & 0x02) !== 0) this.clearRx();
      // Bit 2 clears the TX FIFO, which is always empty here.
      this.triggerLevel = TRIGGER_LEVELS[value >> 6]!;
    }
    this.pump();
    this.armTimeout();
    this.updateIrq();
  }

  private writeMcr(value: number): void {
    const before = this.msrLines();
    const wasLoopback = this.loopback;
    this.mcr = value & 0x1f;
    this.noteModemChange(before);
    if (wasLoopback && !this.loopback) this.pump();
    this.updateIrq();
  }

  private readIir(): number {
    const id = this.interruptId();
    if (id === IIR_THRI) this.thrPending = false; // reading IIR clears THRE when it is the source shown
    const value = id | (this.fifoEnabled ? 0xc0 : 0);
    if (id === IIR_THRI) this.updateIrq();
    return value;
  }

  private readLsr(): number {
    const value =
      (this.rxCount > 0 ? LSR_DR : 0) | this.lsrErrors | LSR_THRE | LSR_TEMT | (this.fifoEnabled && (this.lsrErrors & 0x1c) !== 0 ? 0x80 : 0);
    if (this.lsrErrors !== 0) {
      this.lsrErrors = 0;
      this.updateIrq();
    }
    return value;
  }

  private readMsr(): number {
    const value = this.msrLines() | this.msrDeltas;
    if (this.msrDeltas !== 0) {
      this.msrDeltas = 0;
      this.updateIrq();
    }
    return value;
  }

  // ---- receiver ----

  private clearRx(): void {
    this.rxHead = 0;
    this.rxCount = 0;
  }

  /** A character arriving at the receiver (loopback path): into the FIFO, or an overrun. */
  private receiveByte(value: number): void {
    if (this.rxCount >= this.rxCapacity) {
      this.lsrErrors |= LSR_OE; // the shift register's character is lost
      return;
    }
    this.rxFifo[(this.rxHead + this.rxCount) % FIFO_SIZE] = value;
    this.rxCount++;
    this.noteRxActivity();
    this.armTimeout();
  }

  /** Moves host input into the RX FIFO while it has room. */
  private pump(): void {
    if (this.loopback || this.hostCount === 0) return;
    let moved = false;
    const cap = this.hostQueue.length;
    while (this.hostCount > 0 && this.rxCount < this.rxCapacity) {
      this.rxFifo[(this.rxHead + this.rxCount) % FIFO_SIZE] = this.hostQueue[this.hostHead]!;
      this.rxCount++;
      this.hostHead = (this.hostHead + 1) % cap;
      this.hostCount--;
      moved = true;
    }
    if (moved) {
      this.noteRxActivity();
      this.armTimeout();
      this.updateIrq();
    }
  }

  /** Four character times at the current line settings, in ns. */
  private timeoutNs(): number {
    const dataBits = 5 + (this.lcr & 3);
    const parity = (this.lcr & 0x08) !== 0 ? 1 : 0;
    const stop = (this.lcr & 0x04) === 0 ? 1 : dataBits === 5 ? 1.5 : 2;
    const bits = 1 + dataBits + parity + stop;
    const divisor = this.divisor === 0 ? 0x10000 : this.divisor;
    return Math.ceil((4 * bits * 16 * divisor * 1e9) / UART_CLOCK_HZ);
  }

  private noteRxActivity(): void {
    this.clock.sample();
    this.rxActivityNs = this.clock.time[0]!;
  }

  private timeoutDue(): boolean {
    if (!this.fifoEnabled || this.rxCount === 0) return false;
    this.clock.sample();
    return this.clock.time[0]! >= this.rxActivityNs + this.timeoutNs();
  }

  private armTimeout(): void {
    if (this.fifoEnabled && this.rxCount > 0 && (this.ier & IER_RDI) !== 0) {
      this.deadline[0] = this.rxActivityNs + this.timeoutNs();
      this.timeoutTimer.scheduleFromCell(this.deadline, 0);
    } else {
      this.timeoutTimer.cancel();
    }
  }

  // ---- modem status ----

  /** MSR bits 7-4: the inputs, or in loopback the MCR outputs fed back. */
  private msrLines(): number {
    if (!this.loopback) return this.modemInputs;
    const m = this.mcr;
    return ((m & MCR_RTS) !== 0 ? MSR_CTS : 0) | ((m & MCR_DTR) !== 0 ? MSR_DSR : 0) | ((m & MCR_OUT1) !== 0 ? MSR_RI : 0) | ((m & MCR_OUT2) !== 0 ? MSR_DCD : 0);
  }

  private noteModemChange(before: number): void {
    const after = this.msrLines();
    const changed = before ^ after;
    if ((changed & MSR_CTS) !== 0) this.msrDeltas |= MSR_DCTS;
    if ((changed & MSR_DSR) !== 0) this.msrDeltas |= MSR_DDSR;
    if ((changed & MSR_DCD) !== 0) this.msrDeltas |= MSR_DDCD;
    if ((before & MSR_RI) !== 0 && (after & MSR_RI) === 0) this.msrDeltas |= MSR_TERI; // trailing edge of RI
  }

  // ---- interrupts ----

  /** The highest-priority pending interrupt's IIR code (0x01: none). */
  private interruptId(): number {
    const ier = this.ier;
    if ((ier & IER_RLSI) !== 0 && this.lsrErrors !== 0) return IIR_RLSI;
    if ((ier & IER_RDI) !== 0 && this.rxCount > 0) {
      if (this.rxCount >= (this.fifoEnabled ? this.triggerLevel : 1)) return IIR_RDI;
      if (this.timeoutDue()) return IIR_TIMEOUT;
    }
    if ((ier & IER_THRI) !== 0 && this.thrPending) return IIR_THRI;
    if ((ier & IER_MSI) !== 0 && this.msrDeltas !== 0) return IIR_MSI;
    return IIR_NONE;
  }

  private updateIrq(): void {
    const level = this.interruptId() !== IIR_NONE && (this.mcr & (MCR_OUT2 | MCR_LOOP)) === MCR_OUT2;
    if (level !== this.irqLevel) {
      this.irqLevel = level;
      if (this.irq !== null) this.irq.setIrq(this.irqLine, level);
    }
  }
}
