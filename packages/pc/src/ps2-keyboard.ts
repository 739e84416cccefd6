/**
 * A PS/2 (AT MF2) keyboard as its controller talks to it: it answers the
 * commands Linux's atkbd driver sends while probing and setting up.
 *
 * - 0xFF reset: ACK (0xFA), then BAT passed (0xAA); scanning on, defaults.
 * - 0xF2 identify: ACK, 0xAB, 0x83 (0x41 when the controller translates, as
 *   a real 8042 would pass it on).
 * - 0xED set LEDs, 0xF3 typematic rate, 0xF0 scancode set: ACK, then ACK for
 *   the argument (set 0 asks for the current set, answered after the ACK).
 * - 0xF4 enable, 0xF5 disable (and defaults), 0xF6 defaults, 0xF7-0xFD
 *   key-type settings: ACK. 0xEE echo: 0xEE. 0xFE resend: the last byte.
 * - Anything else: 0xFE (resend request).
 * Bytes from the keyboard go to the controller through `output`.
 */
import { checkState } from "./state";

export interface Ps2KeyboardState {
  version: 1;
  scanning: boolean;
  leds: number;
  scancodeSet: number;
  typematic: number;
  pendingCommand: number;
  lastSent: number;
}

export class Ps2Keyboard {
  /** LEDs: bit 0 scroll lock, 1 num lock, 2 caps lock. */
  leds = 0;
  scanning = true;
  scancodeSet = 2;
  typematic = 0x2b;
  /** Called when the guest sets the LEDs. */
  onLeds: ((leds: number) => void) | null = null;
  /** Whether the controller translates (affects the identify answer). */
  translated: () => boolean = () => true;
  /** A command waiting for its argument byte (-1: none). */
  private pendingCommand = -1;
  private lastSent = 0xaa;

  constructor(private readonly output: (byte: number) => void) {}

  /** A byte from the controller (the guest wrote it to port 0x60). */
  write(byte: number): void {
    if (this.pendingCommand >= 0) {
      const command = this.pendingCommand;
      this.pendingCommand = -1;
      this.argument(command, byte);
      return;
    }
    switch (byte) {
      case 0xff:
        this.resetDefaults();
        this.scanning = true;
        this.send(0xfa);
        this.send(0xaa);
        return;
      case 0xf2:
        this.send(0xfa);
        this.send(0xab);
        this.send(this.translated() ? 0x41 : 0x83);
        return;
      case 0xed:
      case 0xf3:
      case 0xf0:
        this.pendingCommand = byte;
        this.send(0xfa);
        return;
      case 0xf4:
        this.scanning = true;
        this.send(0xfa);
        return;
      case 0xf5:
        this.resetDefaults();
        this.scanning = false;
        this.send(0xfa);
        return;
      case 0xf6:
        this.resetDefaults();
        this.send(0xfa);
        return;
      case 0xf7:
      case 0xf8:
      case 0xf9:
      case 0xfa:
      case 0xfb:
      case 0xfc:
      case 0xfd:
        this.send(0xfa);
        return;
      case 0xee:
        this.send(0xee);
        return;
      case 0xfe:
        this.output(this.lastSent);
        return;
      default:
        this.send(0xfe);
    }
  }

  /** Queues scancode bytes as if keys were pressed (ignored while scanning is disabled). */
  sendScancodes(bytes: ArrayLike<number>): void {
    if (!this.scanning) return;
    for (let i = 0; i < bytes.length; i++) this.send(bytes[i]! & 0xff);
  }

  save(): Ps2KeyboardState {
    return {
      version: 1,
      scanning: this.scanning,
      leds: this.leds,
      scancodeSet: this.scancodeSet,
      typematic: this.typematic,
      pendingCommand: this.pendingCommand,
      lastSent: this.lastSent,
    };
  }

  restore(state: unknown): void {
    const s = checkState<Ps2KeyboardState>(state, "PS/2 keyboard", 1);
    this.scanning = s.scanning;
    this.leds = s.leds;
    this.scancodeSet = s.scancodeSet;
    this.typematic = s.typematic;
    this.pendingCommand = s.pendingCommand;
    this.lastSent = s.lastSent;
  }

  private argument(command: number, byte: number): void {
    switch (command) {
      case 0xed:
        this.leds = byte & 7;
        this.send(0xfa);
        if (this.onLeds !== null) this.onLeds(this.leds);
        return;
      case 0xf3:
        this.typematic = byte & 0x7f;
        this.send(0xfa);
        return;
      default: // 0xf0
        if (byte === 0) {
          this.send(0xfa);
          this.send(this.scancodeSet);
        } else if (byte >= 1 && byte <= 3) {
          this.scancodeSet = byte;
          this.send(0xfa);
        } else {
          this.send(0xfe);
        }
    }
  }

  private resetDefaults(): void {
    this.leds = 0;
    this.typematic = 0x2b;
    this.scancodeSet = 2;
    this.pendingCommand = -1;
  }

  private send(byte: number): void {
    this.lastSent = byte;
    this.output(byte);
  }
}
