/**
 * The i386-native conformance vector format (one JSON object per line):
 * initial state, code bytes, and the final state recorded on real hardware.
 */

export interface RegisterSet {
  eax: number;
  ecx: number;
  edx: number;
  ebx: number;
  esp: number;
  ebp: number;
  esi: number;
  edi: number;
}

export interface MemoryBytes {
  addr: number;
  hex: string;
}

export interface FpuImage {
  fcw: number;
  fsw: number;
  ftw: number;
  /** ST(0)..ST(7), 20 hex digits each: 8 significand bytes then sign/exponent, little-endian. */
  st: string[];
}

export interface ConformanceCase {
  name: string;
  code: string;
  init: {
    regs: RegisterSet;
    eflags: number;
    mem: MemoryBytes[];
    fpu?: FpuImage;
  };
  final: {
    regs: RegisterSet;
    eip: number;
    eflags: number;
    flagsMask: number;
    fpu?: FpuImage;
    fswMask?: number;
    memChanged: MemoryBytes[];
    exception?: { vector: number; errorCode?: number; cr2?: number };
    undefined?: { regs?: Partial<Record<keyof RegisterSet, number>>; mem?: Array<{ addr: number; len: number }> };
  };
}

export const REGISTER_ORDER: ReadonlyArray<keyof RegisterSet> = ["eax", "ecx", "edx", "ebx", "esp", "ebp", "esi", "edi"];

export function hexToBytes(hex: string): Uint8Array {
  const bytes = new Uint8Array(hex.length >>> 1);
  for (let i = 0; i < bytes.length; i++) bytes[i] = Number.parseInt(hex.substr(i * 2, 2), 16);
  return bytes;
}

export function bytesToHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += b.toString(16).padStart(2, "0");
  return out;
}

/** Validates the shape of a parsed line; returns an error message or null. */
export function checkCaseShape(value: unknown): string | null {
  if (typeof value !== "object" || value === null) return "not an object";
  const c = value as Partial<ConformanceCase>;
  if (typeof c.name !== "string") return "missing name";
  if (typeof c.code !== "string" || !/^([0-9a-f]{2})*$/i.test(c.code)) return "missing or malformed code";
  if (typeof c.init !== "object" || c.init === null || typeof c.init.regs !== "object") return "missing init.regs";
  if (typeof c.final !== "object" || c.final === null || typeof c.final.regs !== "object") return "missing final.regs";
  if (typeof c.final.eip !== "number" || typeof c.final.eflags !== "number") return "missing final.eip or final.eflags";
  return null;
}
