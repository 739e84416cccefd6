export { main } from "./main";
export { conformanceCommand } from "./commands/conformance";
export { UsageError } from "./usage-error";
