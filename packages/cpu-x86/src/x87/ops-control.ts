/**
 * Control instructions: FLDCW, FNSTCW, FNSTSW, FNCLEX, FNINIT, and the
 * environment and state images of FLDENV/FNSTENV/FRSTOR/FNSAVE. These do
 * not update the last-instruction pointers.
 *
 * Environment layouts (SDM vol. 1, 8.1.10, figures 8-9 to 8-12):
 *
 *   32-bit protected (28 bytes)          32-bit real/V86 (28 bytes)
 *    0 FCW                                0 FCW
 *    4 FSW                                4 FSW
 *    8 FTW                                8 FTW
 *   12 FIP offset                        12 FIP bits 15..0
 *   16 FCS | FOP << 16                   16 FOP | FIP bits 31..16 << 12
 *   20 FDP offset                        20 FDP bits 15..0
 *   24 FDS                               24 FDP bits 31..16 << 12
 *
 *   16-bit protected (14 bytes)          16-bit real/V86 (14 bytes)
 *    0 FCW  2 FSW  4 FTW                  0 FCW  2 FSW  4 FTW
 *    6 FIP offset  8 FCS                  6 FIP bits 15..0   8 FOP | FIP bits 19..16 << 12
 *   10 FDP offset 12 FDS                 10 FDP bits 15..0  12 FDP bits 19..16 << 12
 *
 * In the 32-bit layouts the upper halves of the FCW, FSW, FTW and FDS
 * dwords are reserved and stored as ones. The real-mode pointers are linear
 * (segment * 16 + offset). FNSAVE/FRSTOR append ST(0)..ST(7), ten bytes each.
 */
import { SW_B, SW_ES } from "./float80";
import type { X87 } from "./x87";

export function fldcw(fpu: X87, address: number): void {
  fpu.loadControlWord(fpu.host.memory.read16(address) & 0xffff);
}

export function fnstcw(fpu: X87, address: number): void {
  fpu.host.memory.write16(address, fpu.fcw);
}

export function fnstsw(fpu: X87, address: number): void {
  fpu.host.memory.write16(address, fpu.fsw);
}

export function fnclex(fpu: X87): void {
  fpu.sw &= ~(0xff | SW_ES | SW_B);
}

export function fninit(fpu: X87): void {
  fpu.reset();
}

/** Size of the environment image for the current operand size. */
function environmentSize(fpu: X87): number {
  return fpu.context.operandSize32 ? 28 : 14;
}

/** Writes the environment at `address` (the caller has probed the whole image). */
function writeEnvironment(fpu: X87, address: number): void {
  const memory = fpu.host.memory;
  const context = fpu.context;
  const ftw = fpu.tagWord();
  if (context.operandSize32) {
    memory.write32(address, (0xffff0000 | fpu.fcw) | 0);
    memory.write32((address + 4) | 0, (0xffff0000 | fpu.fsw) | 0);
    memory.write32((address + 8) | 0, (0xffff0000 | ftw) | 0);
    if (context.protectedMode) {
      memory.write32((address + 12) | 0, fpu.fip | 0);
      memory.write32((address + 16) | 0, (fpu.fcs & 0xffff) | ((fpu.fop & 0x7ff) << 16));
      memory.write32((address + 20) | 0, fpu.fdp | 0);
      memory.write32((address + 24) | 0, (0xffff0000 | (fpu.fds & 0xffff)) | 0);
    } else {
      const ip = ((fpu.fcs << 4) + fpu.fip) >>> 0;
      const dp = ((fpu.fds << 4) + fpu.fdp) >>> 0;
      memory.write32((address + 12) | 0, (0xffff0000 | (ip & 0xffff)) | 0);
      memory.write32((address + 16) | 0, ((ip >>> 16) << 12) | (fpu.fop & 0x7ff));
      memory.write32((address + 20) | 0, (0xffff0000 | (dp & 0xffff)) | 0);
      memory.write32((address + 24) | 0, (dp >>> 16) << 12);
    }
  } else {
    memory.write16(address, fpu.fcw);
    memory.write16((address + 2) | 0, fpu.fsw);
    memory.write16((address + 4) | 0, ftw);
    if (context.protectedMode) {
      memory.write16((address + 6) | 0, fpu.fip & 0xffff);
      memory.write16((address + 8) | 0, fpu.fcs & 0xffff);
      memory.write16((address + 10) | 0, fpu.fdp & 0xffff);
      memory.write16((address + 12) | 0, fpu.fds & 0xffff);
    } else {
      const ip = ((fpu.fcs << 4) + fpu.fip) >>> 0;
      const dp = ((fpu.fds << 4) + fpu.fdp) >>> 0;
      memory.write16((address + 6) | 0, ip & 0xffff);
      memory.write16((address + 8) | 0, (((ip >>> 16) & 0xf) << 12) | (fpu.fop & 0x7ff));
      memory.write16((address + 10) | 0, dp & 0xffff);
      memory.write16((address + 12) | 0, ((dp >>> 16) & 0xf) << 12);
    }
  }
}

/**
 * Reads an environment into fpu.image words: [fcw, fsw, ftw, fip, fcs, fop,
 * fdp, fds]. Nothing in the FPU changes.
 */
function readEnvironment(fpu: X87, address: number): void {
  const memory = fpu.host.memory;
  const context = fpu.context;
  const image = fpu.image;
  if (context.operandSize32) {
    image[0] = memory.read16(address) & 0xffff;
    image[1] = memory.read16((address + 4) | 0) & 0xffff;
    image[2] = memory.read16((address + 8) | 0) & 0xffff;
    if (context.protectedMode) {
      image[3] = memory.read32((address + 12) | 0) >>> 0;
      const selectorOp = memory.read32((address + 16) | 0) >>> 0;
      image[4] = selectorOp & 0xffff;
      image[5] = (selectorOp >>> 16) & 0x7ff;
      image[6] = memory.read32((address + 20) | 0) >>> 0;
      image[7] = memory.read16((address + 24) | 0) & 0xffff;
    } else {
      const ipLow = memory.read16((address + 12) | 0) & 0xffff;
      const ipOp = memory.read32((address + 16) | 0) >>> 0;
      const dpLow = memory.read16((address + 20) | 0) & 0xffff;
      const dpHigh = memory.read32((address + 24) | 0) >>> 0;
      image[3] = (ipLow | (((ipOp >>> 12) & 0xffff) << 16)) >>> 0;
      image[4] = 0;
      image[5] = ipOp & 0x7ff;
      image[6] = (dpLow | (((dpHigh >>> 12) & 0xffff) << 16)) >>> 0;
      image[7] = 0;
    }
  } else {
    image[0] = memory.read16(address) & 0xffff;
    image[1] = memory.read16((address + 2) | 0) & 0xffff;
    image[2] = memory.read16((address + 4) | 0) & 0xffff;
    if (context.protectedMode) {
      image[3] = memory.read16((address + 6) | 0) & 0xffff;
      image[4] = memory.read16((address + 8) | 0) & 0xffff;
      image[5] = 0;
      image[6] = memory.read16((address + 10) | 0) & 0xffff;
      image[7] = memory.read16((address + 12) | 0) & 0xffff;
    } else {
      const ipLow = memory.read16((address + 6) | 0) & 0xffff;
      const ipOp = memory.read16((address + 8) | 0) & 0xffff;
      const dpLow = memory.read16((address + 10) | 0) & 0xffff;
      const dpHigh = memory.read16((address + 12) | 0) & 0xffff;
      image[3] = ipLow | ((ipOp >>> 12) << 16);
      image[4] = 0;
      image[5] = ipOp & 0x7ff;
      image[6] = dpLow | ((dpHigh >>> 12) << 16);
      image[7] = 0;
    }
  }
}

/** Installs the environment read by readEnvironment. */
function applyEnvironment(fpu: X87): void {
  const image = fpu.image;
  fpu.fcw = (image[0] & 0x1f3f) | 0x40;
  fpu.fsw = image[1];
  fpu.loadTagWord(image[2]);
  fpu.fip = image[3] >>> 0;
  fpu.fcs = image[4];
  fpu.fop = image[5];
  fpu.fdp = image[6] >>> 0;
  fpu.fds = image[7];
  fpu.updateSummary();
}

export function fnstenv(fpu: X87, address: number): void {
  fpu.host.memory.probeWrite(address, environmentSize(fpu));
  writeEnvironment(fpu, address);
  fpu.fcw |= 0x3f; // all exceptions masked afterwards
}

export function fldenv(fpu: X87, address: number): void {
  readEnvironment(fpu, address);
  applyEnvironment(fpu);
}

export function fnsave(fpu: X87, address: number): void {
  const memory = fpu.host.memory;
  const size = environmentSize(fpu);
  memory.probeWrite(address, size + 80);
  writeEnvironment(fpu, address);
  for (let i = 0; i < 8; i++) {
    const p = fpu.physical(i);
    const at = (address + size + 10 * i) | 0;
    memory.write32(at, fpu.regLo[p] | 0);
    memory.write32((at + 4) | 0, fpu.regHi[p] | 0);
    memory.write16((at + 8) | 0, fpu.regSignExp[p]);
  }
  fpu.reset();
}

export function frstor(fpu: X87, address: number): void {
  const memory = fpu.host.memory;
  const size = environmentSize(fpu);
  readEnvironment(fpu, address);
  const regs = fpu.image;
  for (let i = 0; i < 8; i++) {
    const at = (address + size + 10 * i) | 0;
    regs[8 + 3 * i] = memory.read32(at) >>> 0;
    regs[9 + 3 * i] = memory.read32((at + 4) | 0) >>> 0;
    regs[10 + 3 * i] = memory.read16((at + 8) | 0) & 0xffff;
  }
  applyEnvironment(fpu);
  for (let i = 0; i < 8; i++) {
    const p = fpu.physical(i);
    fpu.regLo[p] = regs[8 + 3 * i];
    fpu.regHi[p] = regs[9 + 3 * i];
    fpu.regSignExp[p] = regs[10 + 3 * i];
  }
}
