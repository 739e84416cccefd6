/** A small, strict command-line flag parser: `--name value`, `--name=value`, boolean `--name`. */
import { UsageError } from "./usage-error";

export interface FlagSpec {
  readonly name: string;
  /** Takes a value (`--memory 256`) rather than being a switch. */
  readonly value: boolean;
}

export type ParsedFlags = Record<string, string | true | undefined> & { _: string[] };

export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[], usage: string): ParsedFlags {
  const byName = new Map(specs.map((spec) => [spec.name, spec]));
  const parsed = { _: [] as string[] } as ParsedFlags;
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index];
    if (!arg.startsWith("--")) {
      if (arg === "-h") {
        parsed.help = true;
        continue;
      }
      parsed._.push(arg);
      continue;
    }
    const equals = arg.indexOf("=");
    const name = arg.slice(2, equals < 0 ? undefined : equals);
    const spec = byName.get(name);
    if (spec === undefined) throw new UsageError(`unknown option --${name}\n\n${usage}`);
    if (!spec.value) {
      if (equals >= 0) throw new UsageError(`--${name} takes no value`);
      parsed[name] = true;
      continue;
    }
    let value: string | undefined;
    if (equals >= 0) value = arg.slice(equals + 1);
    else {
      value = argv[index + 1];
      index++;
    }
    if (value === undefined) throw new UsageError(`--${name} needs a value\n\n${usage}`);
    if (parsed[name] !== undefined) throw new UsageError(`--${name} given twice`);
    parsed[name] = value;
  }
  return parsed;
}
