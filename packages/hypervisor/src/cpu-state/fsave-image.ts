/**
 * The FPU state as the 108-byte FNSAVE image of 32-bit protected mode (the
 * `fpu_ctxt` of a full execution context): control, status and tag words,
 * instruction and operand pointers, then ST(0)..ST(7) at 10 bytes each.
 */
import type { X87State } from "@xeno86/cpu-x86";

export const FSAVE_IMAGE_SIZE = 108;

export function encodeFsaveImage(state: X87State, into: DataView, offset: number): void {
  into.setUint32(offset + 0, state.fcw & 0xffff, true);
  into.setUint32(offset + 4, state.fsw & 0xffff, true);
  into.setUint32(offset + 8, state.ftw & 0xffff, true);
  into.setUint32(offset + 12, state.fip >>> 0, true);
  into.setUint32(offset + 16, ((state.fcs & 0xffff) | ((state.fop & 0x7ff) << 16)) >>> 0, true);
  into.setUint32(offset + 20, state.fdp >>> 0, true);
  into.setUint32(offset + 24, state.fds & 0xffff, true);
  for (let i = 0; i < 8; i++) {
    for (let k = 0; k < 10; k++) into.setUint8(offset + 28 + i * 10 + k, state.st[i][k]);
  }
}

export function decodeFsaveImage(from: DataView, offset: number): X87State {
  const st: Uint8Array[] = [];
  for (let i = 0; i < 8; i++) {
    const bytes = new Uint8Array(10);
    for (let k = 0; k < 10; k++) bytes[k] = from.getUint8(offset + 28 + i * 10 + k);
    st.push(bytes);
  }
  const selectorAndOpcode = from.getUint32(offset + 16, true);
  return {
    fcw: from.getUint16(offset + 0, true),
    fsw: from.getUint16(offset + 4, true),
    ftw: from.getUint16(offset + 8, true),
    st,
    fip: from.getUint32(offset + 12, true),
    fcs: selectorAndOpcode & 0xffff,
    fdp: from.getUint32(offset + 20, true),
    fds: from.getUint16(offset + 24, true),
    fop: (selectorAndOpcode >>> 16) & 0x7ff,
  };
}
