export { main } from "./main";
export { conformanceCommand } from "./commands/conformance";
export { UsageError } from "./usage-error";
export * from "./debian/index";
export { bootCommand, BOOT_USAGE } from "./commands/boot";
