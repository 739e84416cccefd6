/**
 * The Intel 8042 keyboard controller at 0x60 (data) and 0x64 (status /
 * command), with a PS/2 keyboard on its first port (IRQ 1) and an empty
 * auxiliary (mouse) port (IRQ 12).
 *
 * Status register: bit 0 output buffer full, 1 input buffer full (always 0:
 * every write is taken at once), 2 system flag, 3 last write was a command,
 * 4 keyboard not inhibited, 5 the output byte came from the aux port.
 * Controller command byte ("CTR"): bit 0 keyboard interrupt, 1 aux
 * interrupt, 2 system flag, 4 keyboard clock disabled, 5 aux clock
 * disabled, 6 translate to scancode set 1.
 *
 * Commands (the ones Linux's i8042 driver and the boot code use): 0x20-0x3F
 * read and 0x60-0x7F write the internal RAM (byte 0 is the command byte),
 * 0xA7/0xA8 disable/enable aux, 0xA9 aux interface test (0x00), 0xAA
 * self-test (0x55, sets the system flag), 0xAB keyboard interface test
 * (0x00), 0xAD/0xAE disable/enable keyboard, 0xC0 read input port, 0xD0/0xD1
 * read/write the output port (bit 0 low resets the CPU, bit 1 is A20), 0xD2
 * write the keyboard output buffer, 0xD3 write the aux output buffer (the
 * "aux loopback" Linux uses to find the port), 0xD4 write to the aux device,
 * 0xDD/0xDF A20 off/on, 0xF0-0xFF pulse output-port bits low (0xFE pulses
 * bit 0: reset). Bytes sent to the absent aux device are answered by the
 * controller with 0xFE (resend), so the mouse driver gives up at once.
 *
 * Controller answers come first, then keyboard bytes (unless its clock is
 * disabled), then aux bytes; each raises its IRQ when the command byte
 * enables it. Scancodes are accepted as the bytes the guest should read
 * (set 1 when translating).
 */
import type { IrqSink, ResetHandler } from "./interfaces";
import type { PortBus } from "./io-bus";
import { Ps2Keyboard } from "./ps2-keyboard";
import { checkState } from "./state";
import type { A20Gate } from "./system-control";

const STATUS_OBF = 0x01;
const STATUS_SYS = 0x04;
const STATUS_CMD = 0x08;
const STATUS_UNLOCKED = 0x10;
const STATUS_AUX = 0x20;

const CTR_KBD_INT = 0x01;
const CTR_AUX_INT = 0x02;
const CTR_SYS = 0x04;
const CTR_KBD_DISABLE = 0x10;
const CTR_AUX_DISABLE = 0x20;
const CTR_XLATE = 0x40;

const OUT_RESET = 0x01; // active low
const OUT_A20 = 0x02;

const QUEUE_SIZE = 64;

const enum Source {
  Controller = 0,
  Keyboard = 1,
  Aux = 2,
}

/** A small FIFO of bytes (with a source tag in bits 8-9) without allocation. */
class ByteQueue {
  readonly bytes = new Uint16Array(QUEUE_SIZE);
  head = 0;
  count = 0;

  push(byte: number): void {
    if (this.count === QUEUE_SIZE) return; // overflow: the device would stop clocking
    this.bytes[(this.head + this.count) % QUEUE_SIZE] = byte;
    this.count++;
  }

  shift(): number {
    const byte = this.bytes[this.head]!;
    this.head = (this.head + 1) % QUEUE_SIZE;
    this.count--;
    return byte;
  }

  clear(): void {
    this.head = 0;
    this.count = 0;
  }

  toArray(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.count; i++) out.push(this.bytes[(this.head + i) % QUEUE_SIZE]!);
    return out;
  }

  load(values: readonly number[]): void {
    this.clear();
    for (const v of values) this.push(v & 0x3ff);
  }
}

export interface KeyboardControllerOptions {
  /** IRQ 1 (keyboard) and IRQ 12 (aux) go here. */
  irq?: IrqSink;
  /** The A20 line, driven by output-port bit 1. */
  a20?: A20Gate;
  /** Called for a CPU reset through the output port (command 0xFE, or 0xD1 with bit 0 clear). */
  onReset?: ResetHandler;
  /** The command byte at power-on (default 0x45: keyboard interrupt, system flag, translation). */
  commandByte?: number;
}

export interface KeyboardControllerState {
  version: 1;
  ram: number[];
  status: number;
  outputPort: number;
  outputBuffer: number;
  outputSource: number;
  pendingCommand: number;
  controllerQueue: number[];
  keyboardQueue: number[];
  auxQueue: number[];
  keyboard: unknown;
}

export class KeyboardController {
  readonly keyboard: Ps2Keyboard;
  /** Called for a reset requested through the output port. */
  onReset: ResetHandler | null;
  /** Internal RAM; byte 0 is the command byte. */
  private readonly ram = new Uint8Array(32);
  private status = STATUS_UNLOCKED | STATUS_SYS;
  private outputPort = 0xcf | OUT_A20;
  private outputBuffer = 0;
  private outputSource: number = Source.Controller;
  /** A command waiting for its data byte on port 0x60 (-1: none). */
  private pendingCommand = -1;
  private readonly controllerQueue = new ByteQueue();
  private readonly keyboardQueue = new ByteQueue();
  private readonly auxQueue = new ByteQueue();
  private readonly irq: IrqSink | null;
  private readonly a20: A20Gate | null;
  private irq1 = false;
  private irq12 = false;

  private readonly readPort = (port: number): number => (port === 0x60 ? this.readData() : this.readStatus());
  private readonly writePort = (port: number, value: number): void => {
    if (port === 0x60) this.writeData(value);
    else this.writeCommand(value);
  };

  constructor(options: KeyboardControllerOptions = {}) {
    this.irq = options.irq ?? null;
    this.a20 = options.a20 ?? null;
    this.onReset = options.onReset ?? null;
    this.ram[0] = options.commandByte ?? CTR_KBD_INT | CTR_SYS | CTR_XLATE;
    if (this.a20 !== null && !this.a20.keyboardController) this.outputPort &= ~OUT_A20;
    this.keyboard = new Ps2Keyboard((byte) => {
      this.keyboardQueue.push(byte);
      this.refill();
    });
    this.keyboard.translated = () => (this.ram[0]! & CTR_XLATE) !== 0;
  }

  /** Claims 0x60 and 0x64. */
  attach(bus: PortBus): void {
    bus.claim("i8042-data", 0x60, 1, { read8: this.readPort, write8: this.writePort });
    bus.claim("i8042-command", 0x64, 1, { read8: this.readPort, write8: this.writePort });
  }

  get commandByte(): number {
    return this.ram[0]!;
  }

  /** Delivers scancode bytes from the host keyboard. */
  sendScancodes(bytes: ArrayLike<number>): void {
    this.keyboard.sendScancodes(bytes);
  }

  readStatus(): number {
    return this.status;
  }

  readData(): number {
    const value = this.outputBuffer;
    if ((this.status & STATUS_OBF) !== 0) {
      this.status &= ~(STATUS_OBF | STATUS_AUX);
      this.updateIrq();
      this.refill();
    }
    return value;
  }

  writeData(value: number): void {
    this.status &= ~STATUS_CMD;
    const command = this.pendingCommand;
    this.pendingCommand = -1;
    if (command < 0) {
      this.keyboard.write(value);
      return;
    }
    if (command >= 0x60 && command <= 0x7f) {
      this.ram[command & 0x1f] = value;
      if (command === 0x60) this.commandByteChanged();
      return;
    }
    switch (command) {
      case 0xd1:
        this.writeOutputPort(value);
        return;
      case 0xd2:
        // Written by the controller itself: delivered even with the port's clock disabled.
        this.controllerQueue.push(value | (Source.Keyboard << 8));
        this.refill();
        return;
      case 0xd3:
        this.controllerQueue.push(value | (Source.Aux << 8));
        this.refill();
        return;
      case 0xd4:
        // No aux device: the controller answers with a resend request on the aux port.
        this.auxQueue.push(0xfe);
        this.refill();
        return;
      default:
        return;
    }
  }

  writeCommand(value: number): void {
    this.status |= STATUS_CMD;
    this.pendingCommand = -1;
    if (value >= 0x20 && value <= 0x3f) {
      this.answer(this.ram[value & 0x1f]!);
      return;
    }
    if (value >= 0x60 && value <= 0x7f) {
      this.pendingCommand = value;
      return;
    }
    if (value >= 0xf0) {
      // Pulse the output-port bits whose command bit is 0; bit 0 is the CPU reset line.
      if ((value & 0x01) === 0) this.requestReset();
      return;
    }
    switch (value) {
      case 0xa7:
        this.setCommandByte(this.ram[0]! | CTR_AUX_DISABLE);
        return;
      case 0xa8:
        this.setCommandByte(this.ram[0]! & ~CTR_AUX_DISABLE);
        return;
      case 0xa9:
        this.answer(0x00);
        return;
      case 0xaa:
        this.status |= STATUS_SYS;
        this.answer(0x55);
        return;
      case 0xab:
        this.answer(0x00);
        return;
      case 0xad:
        this.setCommandByte(this.ram[0]! | CTR_KBD_DISABLE);
        return;
      case 0xae:
        this.setCommandByte(this.ram[0]! & ~CTR_KBD_DISABLE);
        return;
      case 0xc0:
        this.answer(0x80); // input port: keyboard not inhibited
        return;
      case 0xd0:
        this.answer(this.readOutputPort());
        return;
      case 0xd1:
      case 0xd2:
      case 0xd3:
      case 0xd4:
        this.pendingCommand = value;
        return;
      case 0xdd:
        this.writeOutputPort(this.outputPort & ~OUT_A20);
        return;
      case 0xdf:
        this.writeOutputPort(this.outputPort | OUT_A20);
        return;
      case 0xe0:
        this.answer(0x00); // test inputs
        return;
      default:
        return; // unknown commands are ignored
    }
  }

  save(): KeyboardControllerState {
    return {
      version: 1,
      ram: Array.from(this.ram),
      status: this.status,
      outputPort: this.outputPort,
      outputBuffer: this.outputBuffer,
      outputSource: this.outputSource,
      pendingCommand: this.pendingCommand,
      controllerQueue: this.controllerQueue.toArray(),
      keyboardQueue: this.keyboardQueue.toArray(),
      auxQueue: this.auxQueue.toArray(),
      keyboard: this.keyboard.save(),
    };
  }

  restore(state: unknown): void {
    const s = checkState<KeyboardControllerState>(state, "keyboard controller", 1);
    if (!Array.isArray(s.ram) || s.ram.length !== 32) throw new Error("cannot restore keyboard controller: ram must hold 32 bytes");
    this.ram.set(s.ram);
    this.status = s.status & 0xff;
    this.outputPort = s.outputPort & 0xff;
    this.outputBuffer = s.outputBuffer & 0xff;
    this.outputSource = s.outputSource;
    this.pendingCommand = s.pendingCommand;
    this.controllerQueue.load(s.controllerQueue);
    this.keyboardQueue.load(s.keyboardQueue);
    this.auxQueue.load(s.auxQueue);
    this.keyboard.restore(s.keyboard);
    this.updateIrq();
  }

  private answer(byte: number): void {
    this.controllerQueue.push(byte);
    this.refill();
  }

  private setCommandByte(value: number): void {
    this.ram[0] = value & 0xff;
    this.commandByteChanged();
  }

  private commandByteChanged(): void {
    if ((this.ram[0]! & CTR_SYS) !== 0) this.status |= STATUS_SYS;
    else this.status &= ~STATUS_SYS;
    this.refill();
    this.updateIrq();
  }

  private readOutputPort(): number {
    let value = this.outputPort & ~0x30;
    if ((this.status & STATUS_OBF) !== 0) value |= this.outputSource === Source.Aux ? 0x20 : 0x10;
    return value;
  }

  private writeOutputPort(value: number): void {
    this.outputPort = value | OUT_RESET;
    if (this.a20 !== null) this.a20.setKeyboardController((value & OUT_A20) !== 0);
    if ((value & OUT_RESET) === 0) this.requestReset();
  }

  private requestReset(): void {
    if (this.onReset !== null) this.onReset("keyboard-controller");
  }

  /** Moves the next waiting byte into the output buffer if it is empty. */
  private refill(): void {
    if ((this.status & STATUS_OBF) !== 0) return;
    const ctr = this.ram[0]!;
    let byte: number;
    let source: Source;
    if (this.controllerQueue.count > 0) {
      const entry = this.controllerQueue.shift();
      byte = entry & 0xff;
      source = entry >> 8;
    } else if (this.keyboardQueue.count > 0 && (ctr & CTR_KBD_DISABLE) === 0) {
      byte = this.keyboardQueue.shift();
      source = Source.Keyboard;
    } else if (this.auxQueue.count > 0 && (ctr & CTR_AUX_DISABLE) === 0) {
      byte = this.auxQueue.shift();
      source = Source.Aux;
    } else {
      return;
    }
    this.outputBuffer = byte;
    this.outputSource = source;
    this.status |= STATUS_OBF;
    if (source === Source.Aux) this.status |= STATUS_AUX;
    this.updateIrq();
  }

  private updateIrq(): void {
    const full = (this.status & STATUS_OBF) !== 0;
    const ctr = this.ram[0]!;
    const kbd = full && this.outputSource !== Source.Aux && (ctr & CTR_KBD_INT) !== 0;
    const aux = full && this.outputSource === Source.Aux && (ctr & CTR_AUX_INT) !== 0;
    if (kbd !== this.irq1) {
      this.irq1 = kbd;
      if (this.irq !== null) this.irq.setIrq(1, kbd);
    }
    if (aux !== this.irq12) {
      this.irq12 = aux;
      if (this.irq !== null) this.irq.setIrq(12, aux);
    }
  }
}
