export type { IrqSink, ResetSource, ResetHandler, Logger } from "./interfaces";
export { checkState } from "./state";
export { PortBus, type PortBusOptions, type PortHandlers, type PortClaim, type PortRead, type PortWrite } from "./io-bus";
export {
  VirtualClock,
  ClockTimer,
  ticksAt,
  timeOfTick,
  ticksAtCell,
  timeOfTickCell,
  floorDiv,
  type ClockState,
  type InstructionCounter,
  type TimerCallback,
  type VirtualClockOptions,
} from "./clock";
export { Pic, Pic8259, type PicOptions, type PicState, type PicChipState } from "./pic";
export { Pit, PitChannel, PIT_HZ, type PitOptions, type PitState, type PitChannelState } from "./pit";
export {
  A20Gate,
  SystemControlA,
  SystemControlB,
  ResetControl,
  REFRESH_TOGGLE_NS,
  type A20State,
  type SystemControlAState,
  type SystemControlBState,
  type ResetControlState,
} from "./system-control";
export {
  Rtc,
  RtcRegister,
  RTC_DEFAULT_START,
  RTC_UIP_LEAD_NS,
  RTC_UPDATE_CYCLE_NS,
  daysFromCivil,
  civilFromDays,
  type RtcOptions,
  type RtcState,
} from "./rtc";
export { Uart16550, COM1, COM2, COM3, COM4, UART_CLOCK_HZ, type UartOptions, type UartState, type ModemInputs } from "./uart";
export {
  PciFunction,
  PciConfig,
  PciCommand,
  PCI_STATUS_INTERRUPT,
  type PciDevice,
  type PciSlot,
  type BarKind,
  type BarDefinition,
  type PciFunctionOptions,
  type PciFunctionState,
} from "./pci-function";
export { PciHost, PCI_CONFIG_ADDRESS, PCI_CONFIG_DATA, type PciHostOptions, type PciHostState } from "./pci";
export { I440fxHostBridge, Piix3IsaBridge, plugChipset, INTEL_VENDOR_ID } from "./pci-chipset";
export { KeyboardController, type KeyboardControllerOptions, type KeyboardControllerState } from "./keyboard-controller";
export { Ps2Keyboard, type Ps2KeyboardState } from "./ps2-keyboard";
export { PostCodePort, IgnoredPorts, DEFAULT_IGNORED_PORTS, type PostCodePortState } from "./legacy-ports";
export { FpuErrorLatch, type FpuErrorLatchState } from "./fpu-error";
export * from "./loaders/index";
export { Machine, MACHINE_STATE_VERSION, type MachineOptions, type MachineStop, type MachineStopReason, type MachineState } from "./machine";
