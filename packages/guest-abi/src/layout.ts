/**
 * Struct layouts as data, and one generic encoder/decoder over a DataView.
 * Little-endian, i386 SysV alignment (64-bit fields only 4-byte aligned).
 * 64-bit fields decode to a JavaScript number: exact up to 2^53 (times in
 * ns reach that after 104 days), and encoders refuse larger values.
 */

export type FieldKind = "u8" | "u16" | "u32" | "u64" | "bytes" | "string" | "u32-array";

export interface FieldLayout {
  readonly name: string;
  readonly offset: number;
  readonly kind: FieldKind;
  /** Bytes for "bytes" and "string"; elements for "u32-array". */
  readonly length?: number;
  /** A C type to use in the generated header instead of the default (e.g. a nested struct). */
  readonly cType?: string;
}

export interface StructLayout {
  readonly name: string;
  readonly size: number;
  readonly fields: readonly FieldLayout[];
}

export type FieldValue = number | string | Uint8Array | number[];
export type StructValue = Record<string, FieldValue>;

export function fieldSize(field: FieldLayout): number {
  switch (field.kind) {
    case "u8":
      return 1;
    case "u16":
      return 2;
    case "u32":
      return 4;
    case "u64":
      return 8;
    case "u32-array":
      return 4 * (field.length ?? 0);
    default:
      return field.length ?? 0;
  }
}

export function field(layout: StructLayout, name: string): FieldLayout {
  const found = layout.fields.find((f) => f.name === name);
  if (found === undefined) throw new RangeError(`${layout.name} has no field ${name}`);
  return found;
}

export function readField(view: DataView, base: number, f: FieldLayout): FieldValue {
  const at = base + f.offset;
  switch (f.kind) {
    case "u8":
      return view.getUint8(at);
    case "u16":
      return view.getUint16(at, true);
    case "u32":
      return view.getUint32(at, true);
    case "u64":
      return view.getUint32(at + 4, true) * 4294967296 + view.getUint32(at, true);
    case "u32-array":
      return Array.from({ length: f.length ?? 0 }, (_, i) => view.getUint32(at + i * 4, true));
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
  }
}

export function writeField(view: DataView, base: number, f: FieldLayout, value: FieldValue): void {
  const at = base + f.offset;
  const number = (v: FieldValue) => {
    if (typeof v !== "number" || !Number.isInteger(v)) throw new TypeError(`${f.name} takes an integer`);
    return v;
  };
  switch (f.kind) {
    case "u8":
      view.setUint8(at, number(value) & 0xff);
      return;
    case "u16":
      view.setUint16(at, number(value) & 0xffff, true);
      return;
    case "u32":
      view.setUint32(at, number(value) >>> 0, true);
      return;
    case "u64": {
      const v = number(value);
      if (v < 0 || v > Number.MAX_SAFE_INTEGER) throw new RangeError(`${f.name} must be between 0 and 2^53`);
      view.setUint32(at, v % 4294967296, true);
      view.setUint32(at + 4, Math.floor(v / 4294967296), true);
      return;
    }
    case "u32-array": {
      const list = value as number[];
      if (!Array.isArray(list) || list.length > (f.length ?? 0)) throw new RangeError(`${f.name} holds at most ${f.length} words`);
      for (let i = 0; i < (f.length ?? 0); i++) view.setUint32(at + i * 4, (list[i] ?? 0) >>> 0, true);
      return;
    }
    case "bytes": {
      const bytes = value as Uint8Array;
      if (!(bytes instanceof Uint8Array) || bytes.length > (f.length ?? 0)) throw new RangeError(`${f.name} holds at most ${f.length} bytes`);
      for (let i = 0; i < (f.length ?? 0); i++) view.setUint8(at + i, bytes[i] ?? 0);
      return;
    }
    case "string": {
      const text = value as string;
      if (typeof text !== "string" || text.length >= (f.length ?? 0)) throw new RangeError(`${f.name} holds at most ${(f.length ?? 1) - 1} characters`);
      for (let i = 0; i < (f.length ?? 0); i++) view.setUint8(at + i, i < text.length ? text.charCodeAt(i) & 0xff : 0);
      return;
    }
  }
}

/** Decodes every field of `layout` at `base`. */
export function readStruct(view: DataView, base: number, layout: StructLayout): StructValue {
  if (base < 0 || base + layout.size > view.byteLength) throw new RangeError(`${layout.name} (${layout.size} bytes) does not fit at offset ${base}`);
  const value: StructValue = {};
  for (const f of layout.fields) value[f.name] = readField(view, base, f);
  return value;
}

/** Encodes the given fields of `layout` at `base` (fields not given are left as they are). */
export function writeStruct(view: DataView, base: number, layout: StructLayout, value: Partial<StructValue>): void {
  if (base < 0 || base + layout.size > view.byteLength) throw new RangeError(`${layout.name} (${layout.size} bytes) does not fit at offset ${base}`);
  for (const [name, v] of Object.entries(value)) {
    if (v === undefined) continue;
    writeField(view, base, field(layout, name), v);
  }
}
