/**
 * Ports that a PC decodes but this board gives no behaviour: the POST code
 * port 0x80 (Linux writes it as an I/O delay), and the ranges Linux and boot
 * code touch on the way (the 8237 DMA controllers and page registers, the
 * 0xED delay port). Claiming them keeps the unknown-port log for ports that
 * matter. They read all ones (Linux reads 0xFF at 0x87 as "no legacy DMA")
 * and ignore writes.
 */
import type { PortBus } from "./io-bus";
import { checkState } from "./state";

export interface PostCodePortState {
  version: 1;
  lastCode: number;
}

/** [first, last] port ranges claimed by `IgnoredPorts` by default. */
export const DEFAULT_IGNORED_PORTS: readonly (readonly [number, number])[] = [
  [0x00, 0x0f], // DMA controller 1
  [0x81, 0x8f], // DMA page registers (0x80 is the POST port)
  [0xc0, 0xdf], // DMA controller 2
  [0xed, 0xed], // alternative I/O delay port
];

/** Port 0x80: the BIOS POST code latch. */
export class PostCodePort {
  /** The last code written. */
  lastCode = 0xff;
  /** Called with each code written (costs nothing when absent). */
  onPostCode: ((code: number) => void) | null;

  private readonly readPort = (): number => this.lastCode;
  private readonly writePort = (_port: number, value: number): void => {
    this.lastCode = value;
    if (this.onPostCode !== null) this.onPostCode(value);
  };

  constructor(options: { onPostCode?: (code: number) => void } = {}) {
    this.onPostCode = options.onPostCode ?? null;
  }

  attach(bus: PortBus): void {
    bus.claim("post-code", 0x80, 1, { read8: this.readPort, write8: this.writePort });
  }

  save(): PostCodePortState {
    return { version: 1, lastCode: this.lastCode };
  }

  restore(state: unknown): void {
    this.lastCode = checkState<PostCodePortState>(state, "POST code port", 1).lastCode & 0xff;
  }
}

/** Claims port ranges that read all ones and ignore writes. */
export class IgnoredPorts {
  private readonly read8 = (): number => 0xff;
  private readonly write8 = (): void => {};

  constructor(readonly ranges: readonly (readonly [number, number])[] = DEFAULT_IGNORED_PORTS) {}

  attach(bus: PortBus): void {
    for (const [first, last] of this.ranges) {
      bus.claim(`ignored-${first.toString(16)}`, first, last - first + 1, { read8: this.read8, write8: this.write8 });
    }
  }
}
