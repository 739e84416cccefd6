export { main } from "./main";
export { conformanceCommand } from "./commands/conformance";
export { UsageError } from "./usage-error";
export * from "./debian/index";
export { bootCommand, BOOT_USAGE, DEBIAN_COMMAND_LINE } from "./commands/boot";
export { ConsoleSession, ConsoleTimeoutError, type SerialConsole, type CommandResult } from "./linux/console-session";
export { MachineConsole } from "./linux/machine-console";
export { BUSYBOX_CHECKS, runCheckOnHost, type BusyboxCheck } from "./linux/busybox-checks";
