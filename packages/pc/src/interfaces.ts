/**
 * What the board's devices consume from each other and from the machine
 * (consumer-side interfaces): a device asks for "set my interrupt line", not
 * for the PIC.
 */

/** Interrupt request lines, numbered like the PC's ISA IRQs (the PIC pair implements it). */
export interface IrqSink {
  /** Drives line `irq` high (`true`) or low. Devices hold a level; the controller finds the edges. */
  setIrq(irq: number, level: boolean): void;
}

/** Which board path asked for a reset. */
export type ResetSource = "keyboard-controller" | "port-0x92" | "reset-control";

/** Called when the guest asks the board to reset the machine. */
export type ResetHandler = (source: ResetSource) => void;

/** A line of diagnostic text (unknown ports, ignored commands). */
export type Logger = (message: string) => void;
