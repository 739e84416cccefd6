/**
 * The PC/AT's x87 error path: when CR0.NE is clear, the FPU's FERR# output
 * sets a latch that raises IRQ 13; software clears the latch by writing
 * port 0xF0 (Linux's `math_error_irq` does). Implements cpu-x86's
 * `FpuErrorPins`.
 */
import type { FpuErrorPins } from "@xeno86/cpu-x86";
import type { IrqSink } from "./interfaces";
import type { PortBus } from "./io-bus";
import { checkState } from "./state";

export interface FpuErrorLatchState {
  version: 1;
  latched: boolean;
  ferr: boolean;
}

export class FpuErrorLatch implements FpuErrorPins {
  private latched = false;
  private ferrLevel = false;
  private readonly readPort = (): number => 0xff;
  private readonly writePort = (port: number): void => {
    if (port === 0xf0) this.clear();
  };

  constructor(
    private readonly irq: IrqSink,
    private readonly irqLine = 13,
  ) {}

  /** Claims 0xF0-0xF1 (0xF1 resets the coprocessor on an AT; ignored). */
  attach(bus: PortBus): void {
    bus.claim("fpu-error", 0xf0, 2, { read8: this.readPort, write8: this.writePort });
  }

  ferr(asserted: boolean): void {
    if (asserted && !this.ferrLevel && !this.latched) {
      this.latched = true;
      this.irq.setIrq(this.irqLine, true);
    }
    this.ferrLevel = asserted;
  }

  /** Port 0xF0 write: releases IRQ 13. */
  clear(): void {
    if (!this.latched) return;
    this.latched = false;
    this.irq.setIrq(this.irqLine, false);
  }

  save(): FpuErrorLatchState {
    return { version: 1, latched: this.latched, ferr: this.ferrLevel };
  }

  restore(state: unknown): void {
    const s = checkState<FpuErrorLatchState>(state, "FPU error latch", 1);
    this.latched = s.latched;
    this.ferrLevel = s.ferr;
    this.irq.setIrq(this.irqLine, this.latched);
  }
}
