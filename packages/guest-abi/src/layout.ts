/**
 * Struct layouts as data, and one generic encoder/decoder over a DataView.
 *
 * A layout is a name, a size and a list of fields (name, byte offset, kind).
 * Everything is little-endian and laid out as an i386 C compiler lays it out
 * (SysV: a 64-bit field is only 4-byte aligned). Kinds:
 *
 * - `u8`, `u16`, `u32`: unsigned integers; with `length`, an array of them.
 * - `u64`: decodes to a JavaScript number. Every 64-bit field of the
 *   interface is a time in ns, a frequency or a counter, exact up to 2^53
 *   (104 days of nanoseconds); encoders refuse anything larger rather than
 *   round it. No BigInt anywhere.
 * - `bytes`: `length` raw bytes, as a Uint8Array (a copy).
 * - `string`: a NUL-terminated string in `length` bytes (Latin-1).
 * - `struct`: a nested layout (`layout`); with `length`, an array of them.
 */

export type ScalarKind = "u8" | "u16" | "u32" | "u64";
export type FieldKind = ScalarKind | "bytes" | "string" | "struct";

export interface FieldLayout {
  readonly name: string;
  /** Byte offset from the start of the struct. */
  readonly offset: number;
  readonly kind: FieldKind;
  /** Bytes for "bytes" and "string"; otherwise the number of elements of an array field. */
  readonly length?: number;
  /** The nested layout of a "struct" field. */
  readonly layout?: StructLayout;
  /** A C declaration to use in the generated header instead of the default (e.g. a union). */
  readonly cDeclaration?: string;
  /** One line for the generated header. */
  readonly doc?: string;
}

export interface StructLayout {
  /** The C type name (`start_info_t`). */
  readonly name: string;
  /** sizeof, in bytes. */
  readonly size: number;
  readonly fields: readonly FieldLayout[];
  /** A C union: every field starts at offset 0 and decodes as its own reading of the same bytes. */
  readonly union?: boolean;
  /** One line for the generated header. */
  readonly doc?: string;
}

/** Any decoded field value (what an untyped layout decodes to). */
export type FieldValue = number | string | Uint8Array | number[] | StructValue | StructValue[];
export interface StructValue {
  [name: string]: FieldValue;
}

type FieldValueOf<F> = F extends { readonly kind: "string" }
  ? string
  : F extends { readonly kind: "bytes" }
    ? Uint8Array
    : F extends { readonly kind: "struct"; readonly layout: infer L extends StructLayout; readonly length: number }
      ? StructValueOf<L>[]
      : F extends { readonly kind: "struct"; readonly layout: infer L extends StructLayout }
        ? StructValueOf<L>
        : F extends { readonly length: number }
          ? number[]
          : number;

type FieldInputOf<F> = F extends { readonly kind: "string" }
  ? string
  : F extends { readonly kind: "bytes" }
    ? Uint8Array
    : F extends { readonly kind: "struct"; readonly layout: infer L extends StructLayout; readonly length: number }
      ? readonly StructInput<L>[]
      : F extends { readonly kind: "struct"; readonly layout: infer L extends StructLayout }
        ? StructInput<L>
        : F extends { readonly length: number }
          ? readonly number[]
          : number;

/** What `readStruct` returns for a layout declared `as const` (every field, typed). */
export type StructValueOf<L extends StructLayout> = string extends L["fields"][number]["name"]
  ? StructValue
  : { [F in L["fields"][number] as F["name"]]: FieldValueOf<F> };

/** What `writeStruct` takes: any subset of the fields (nested structs and arrays likewise). */
export type StructInput<L extends StructLayout> = string extends L["fields"][number]["name"]
  ? { readonly [name: string]: unknown }
  : { readonly [F in L["fields"][number] as F["name"]]?: FieldInputOf<F> };

const SCALAR_SIZE: Record<ScalarKind, number> = { u8: 1, u16: 2, u32: 4, u64: 8 };

/** Bytes taken by one element of a field (the whole field for bytes and strings). */
export function elementSize(f: FieldLayout): number {
  switch (f.kind) {
    case "bytes":
    case "string":
      return f.length ?? 0;
    case "struct":
      if (f.layout === undefined) throw new TypeError(`struct field ${f.name} has no layout`);
      return f.layout.size;
    default:
      return SCALAR_SIZE[f.kind];
  }
}

/** Bytes taken by a field. */
export function fieldSize(f: FieldLayout): number {
  if (f.kind === "bytes" || f.kind === "string") return f.length ?? 0;
  return elementSize(f) * (f.length ?? 1);
}

/** The field called `name`; throws a RangeError naming the struct when there is none. */
export function field(layout: StructLayout, name: string): FieldLayout {
  const found = layout.fields.find((f) => f.name === name);
  if (found === undefined) throw new RangeError(`${layout.name} has no field ${name}`);
  return found;
}

function checkFits(view: DataView, base: number, size: number, what: string): void {
  if (!Number.isInteger(base) || base < 0 || base + size > view.byteLength) {
    throw new RangeError(`${what} (${size} bytes) does not fit at offset ${base} of a ${view.byteLength}-byte view`);
  }
}

function readScalar(view: DataView, at: number, kind: ScalarKind): number {
  switch (kind) {
    case "u8":
      return view.getUint8(at);
    case "u16":
      return view.getUint16(at, true);
    case "u32":
      return view.getUint32(at, true);
    case "u64":
      return view.getUint32(at + 4, true) * 4294967296 + view.getUint32(at, true);
  }
}

function writeScalar(view: DataView, at: number, kind: ScalarKind, value: unknown, what: string): void {
  if (typeof value !== "number" || !Number.isInteger(value)) throw new TypeError(`${what} takes an integer, not ${String(value)}`);
  if (kind === "u64") {
    if (value < 0 || value > Number.MAX_SAFE_INTEGER) throw new RangeError(`${what} must be between 0 and 2^53 (got ${value})`);
    view.setUint32(at, value % 4294967296, true);
    view.setUint32(at + 4, Math.floor(value / 4294967296), true);
    return;
  }
  const bits = SCALAR_SIZE[kind] * 8;
  // Negative values are accepted down to the signed minimum and stored in two's complement (e.g. cpu -1).
  if (value < -(2 ** (bits - 1)) || value >= 2 ** bits) throw new RangeError(`${what} does not fit in ${bits} bits (got ${value})`);
  if (kind === "u8") view.setUint8(at, value & 0xff);
  else if (kind === "u16") view.setUint16(at, value & 0xffff, true);
  else view.setUint32(at, value >>> 0, true);
}

/** Decodes one field of the struct at `base`. */
export function readField(view: DataView, base: number, f: FieldLayout): FieldValue {
  const at = base + f.offset;
  switch (f.kind) {
    case "bytes":
      return new Uint8Array(view.buffer.slice(view.byteOffset + at, view.byteOffset + at + (f.length ?? 0)));
    case "string": {
      let text = "";
      for (let i = 0; i < (f.length ?? 0); i++) {
        const byte = view.getUint8(at + i);
        if (byte === 0) break;
        text += String.fromCharCode(byte);
      }
      return text;
    }
    case "struct": {
      const layout = f.layout as StructLayout;
      if (f.length === undefined) return readStruct(view, at, layout);
      return Array.from({ length: f.length }, (_, i) => readStruct(view, at + i * layout.size, layout));
    }
    default: {
      const kind = f.kind;
      if (f.length === undefined) return readScalar(view, at, kind);
      const size = SCALAR_SIZE[kind];
      return Array.from({ length: f.length }, (_, i) => readScalar(view, at + i * size, kind));
    }
  }
}

/**
 * Encodes one field of the struct at `base`. The field is written whole:
 * array elements and nested fields that are not given become zero.
 */
export function writeField(view: DataView, base: number, f: FieldLayout, value: unknown, structName = "struct"): void {
  const at = base + f.offset;
  const what = `${structName}.${f.name}`;
  switch (f.kind) {
    case "bytes": {
      if (!(value instanceof Uint8Array) || value.length > (f.length ?? 0)) throw new RangeError(`${what} takes a Uint8Array of at most ${f.length} bytes`);
      for (let i = 0; i < (f.length ?? 0); i++) view.setUint8(at + i, value[i] ?? 0);
      return;
    }
    case "string": {
      const limit = (f.length ?? 1) - 1;
      if (typeof value !== "string" || value.length > limit) throw new RangeError(`${what} holds a string of at most ${limit} characters (and its NUL)`);
      for (let i = 0; i < (f.length ?? 0); i++) {
        const code = i < value.length ? value.charCodeAt(i) : 0;
        if (code > 0xff || (code === 0 && i < value.length)) throw new RangeError(`${what}: character ${i} cannot be stored in a C string`);
        view.setUint8(at + i, code);
      }
      return;
    }
    case "struct": {
      const layout = f.layout as StructLayout;
      const elements = f.length === undefined ? [value] : value;
      const count = f.length ?? 1;
      if (!Array.isArray(elements) || elements.length > count) throw new RangeError(`${what} holds at most ${count} ${layout.name} entries`);
      for (let i = 0; i < count; i++) {
        const element: unknown = elements[i];
        const start = at + i * layout.size;
        for (let b = 0; b < layout.size; b++) view.setUint8(start + b, 0);
        if (element === undefined) continue;
        if (typeof element !== "object" || element === null) throw new TypeError(`${what} takes ${layout.name} records`);
        writeStruct(view, start, layout, element as StructInput<StructLayout>);
      }
      return;
    }
    default: {
      if (f.length === undefined) {
        writeScalar(view, at, f.kind, value, what);
        return;
      }
      if (!Array.isArray(value) || value.length > f.length) throw new RangeError(`${what} holds at most ${f.length} values`);
      const size = SCALAR_SIZE[f.kind];
      for (let i = 0; i < f.length; i++) writeScalar(view, at + i * size, f.kind, value[i] ?? 0, `${what}[${i}]`);
    }
  }
}

/** Decodes every field of `layout` at byte `base` of `view`. */
export function readStruct<const L extends StructLayout>(view: DataView, base: number, layout: L): StructValueOf<L> {
  checkFits(view, base, layout.size, layout.name);
  const value: StructValue = {};
  for (const f of layout.fields) value[f.name] = readField(view, base, f);
  return value as StructValueOf<L>;
}

/**
 * Encodes the given fields of `layout` at byte `base` of `view`. Fields not
 * given are left as they are; a field that is given is written whole.
 * Unknown field names and values that do not fit are refused (RangeError).
 */
export function writeStruct<const L extends StructLayout>(view: DataView, base: number, layout: L, value: StructInput<L>): void {
  checkFits(view, base, layout.size, layout.name);
  for (const [name, v] of Object.entries(value)) {
    if (v === undefined) continue;
    writeField(view, base, field(layout, name), v, layout.name);
  }
}

/** Decodes `count` consecutive structs starting at `base`. */
export function readArray<const L extends StructLayout>(view: DataView, base: number, layout: L, count: number): StructValueOf<L>[] {
  checkFits(view, base, layout.size * count, `${count} × ${layout.name}`);
  return Array.from({ length: count }, (_, i) => readStruct(view, base + i * layout.size, layout));
}

/** Encodes consecutive structs starting at `base` (each element as `writeStruct`); returns the bytes written. */
export function writeArray<const L extends StructLayout>(view: DataView, base: number, layout: L, values: readonly StructInput<L>[]): number {
  checkFits(view, base, layout.size * values.length, `${values.length} × ${layout.name}`);
  values.forEach((value, i) => writeStruct(view, base + i * layout.size, layout, value));
  return values.length * layout.size;
}

// Field constructors that keep the field names as literal types, so that
// readStruct/writeStruct are typed per layout.
export const u8 = <const N extends string>(name: N, offset: number, doc?: string) => ({ name, offset, kind: "u8", doc }) as const;
export const u16 = <const N extends string>(name: N, offset: number, doc?: string) => ({ name, offset, kind: "u16", doc }) as const;
export const u32 = <const N extends string>(name: N, offset: number, doc?: string) => ({ name, offset, kind: "u32", doc }) as const;
export const u64 = <const N extends string>(name: N, offset: number, doc?: string) => ({ name, offset, kind: "u64", doc }) as const;
export const u32Array = <const N extends string>(name: N, offset: number, length: number, doc?: string) => ({ name, offset, kind: "u32", length, doc }) as const;
export const byteArray = <const N extends string>(name: N, offset: number, length: number, doc?: string) => ({ name, offset, kind: "bytes", length, doc }) as const;
export const cString = <const N extends string>(name: N, offset: number, length: number, doc?: string) => ({ name, offset, kind: "string", length, doc }) as const;
export const nested = <const N extends string, const L extends StructLayout>(name: N, offset: number, layout: L, doc?: string) => ({ name, offset, kind: "struct", layout, doc }) as const;
export const nestedArray = <const N extends string, const L extends StructLayout>(name: N, offset: number, layout: L, length: number, doc?: string) =>
  ({ name, offset, kind: "struct", layout, length, doc }) as const;
