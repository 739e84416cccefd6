/** Our emulated PC as a `SerialConsole`: COM1 output collected, slices of guest time per `advance`. */
import { Machine, type MachineOptions, type MachineStop } from "@xeno86/pc";
import type { SerialConsole } from "./console-session";

export class MachineConsole implements SerialConsole {
  readonly machine: Machine;
  private text = "";
  private pending: number[] = [];
  lastStop: MachineStop | null = null;

  constructor(options: Omit<MachineOptions, "onSerialOutput"> = {}, private readonly sliceNs = 20_000_000) {
    this.machine = new Machine({
      ...options,
      onSerialOutput: (byte, port) => {
        if (port === 0) this.pending.push(byte);
      },
    });
  }

  get output(): string {
    if (this.pending.length > 0) {
      this.text += Buffer.from(this.pending).toString("latin1");
      this.pending = [];
    }
    return this.text;
  }

  send(text: string): void {
    this.machine.sendSerial(text);
  }

  async advance(): Promise<string | null> {
    const stop = this.machine.run(this.sliceNs);
    this.lastStop = stop;
    return stop.reason === "timeout" ? null : stop.reason;
  }
}
