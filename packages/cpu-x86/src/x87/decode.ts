/**
 * The x87 opcode space, D8-DF: the ModRM byte selects the instruction.
 * Memory forms (mod != 3) use the reg field; register forms use reg and rm.
 *
 *        memory (reg field)                        register (mod = 3)
 *   D8   arith m32fp                               arith ST(0), ST(i)
 *   D9   FLD FST FSTP m32, FLDENV FLDCW            FLD FXCH FNOP FSTP1 FCHS FABS FTST FXAM
 *        FNSTENV FNSTCW                            constants, F2XM1 ... FCOS
 *   DA   arith m32int                              FCMOVB/E/BE/U, FUCOMPP
 *   DB   FILD FIST FISTP m32, FLD FSTP m80         FCMOVNB/NE/NBE/NU, FNCLEX FNINIT, FUCOMI FCOMI
 *   DC   arith m64fp                               arith ST(i), ST(0), FCOM2/FCOMP3 aliases
 *   DD   FLD FST FSTP m64, FRSTOR FNSAVE FNSTSW    FFREE FXCH4 FST FSTP FUCOM FUCOMP
 *   DE   arith m16int                              arith-and-pop ST(i), ST(0), FCOMP5, FCOMPP
 *   DF   FILD FIST FISTP m16, FBLD FILD m64        FFREEP FXCH7 FSTP8 FSTP9, FNSTSW AX,
 *        FBSTP FISTP m64                           FUCOMIP FCOMIP
 *
 * "arith" is the reg-field order ADD MUL COM COMP SUB SUBR DIV DIVR. With
 * ST(i) as the destination (DC, DE register forms) SUB/SUBR and DIV/DIVR
 * trade places: DC E8+i is FSUB ST(i),ST(0) = ST(i) - ST(0) (Intel's naming).
 * The undocumented aliases a P6 executes (FSTP1, FXCH4, FXCH7, FSTP8,
 * FSTP9, FCOM2, FCOMP3, FCOMP5) are decoded; FENI, FDISI and FSETPM are
 * no-ops. Everything else (FISTTP, which is SSE3, and the empty slots) is a
 * reserved encoding: the handler returns false and the CPU raises #UD.
 */
import { M16INT, M32FP, M32INT, M64FP, Op, compareRegisters, memoryForm, registerForm } from "./ops-arith";
import { fldcw, fldenv, fnclex, fninit, fnsave, fnstcw, fnstenv, fnstsw, frstor } from "./ops-control";
import {
  STORE_BCD,
  STORE_DOUBLE,
  STORE_EXTENDED,
  STORE_INT16,
  STORE_INT32,
  STORE_INT64,
  STORE_SINGLE,
  compareToEflags,
  fbld,
  fchsFabs,
  fcmov,
  fildInteger,
  fldConstant,
  fldDouble,
  fldExtended,
  fldRegister,
  fldSingle,
  fstRegister,
  ftst,
  fxam,
  fxch,
  storeMemory,
} from "./ops-data";
import {
  f2xm1,
  fpatan,
  fprem,
  fptan,
  frndint,
  fscale,
  fsin,
  fsincos,
  fsqrt,
  fxtract,
  fyl2x,
  fyl2xp1,
} from "./ops-special";
import type { X87 } from "./x87";

export function executeD8(fpu: X87, modrm: number, address: number): boolean {
  if (modrm < 0xc0) return memoryForm(fpu, 0xd8, modrm, address, M32FP);
  fpu.noteInstruction(0xd8, modrm);
  const op = (modrm >>> 3) & 7;
  const i = modrm & 7;
  if (op === Op.Com) compareRegisters(fpu, i, false, 0);
  else if (op === Op.Comp) compareRegisters(fpu, i, false, 1);
  else registerForm(fpu, op, 0, i, 0);
  return true;
}

export function executeDC(fpu: X87, modrm: number, address: number): boolean {
  if (modrm < 0xc0) return memoryForm(fpu, 0xdc, modrm, address, M64FP);
  fpu.noteInstruction(0xdc, modrm);
  const op = (modrm >>> 3) & 7;
  const i = modrm & 7;
  if (op === Op.Com) compareRegisters(fpu, i, false, 0); // FCOM2 alias
  else if (op === Op.Comp) compareRegisters(fpu, i, false, 1); // FCOMP3 alias
  else registerForm(fpu, op >= 4 ? op ^ 1 : op, i, 0, 0);
  return true;
}

export function executeDE(fpu: X87, modrm: number, address: number): boolean {
  if (modrm < 0xc0) return memoryForm(fpu, 0xde, modrm, address, M16INT);
  const op = (modrm >>> 3) & 7;
  const i = modrm & 7;
  if (op === Op.Comp) {
    if (modrm !== 0xd9) return false; // only FCOMPP
    fpu.noteInstruction(0xde, modrm);
    compareRegisters(fpu, 1, false, 2);
    return true;
  }
  fpu.noteInstruction(0xde, modrm);
  if (op === Op.Com) compareRegisters(fpu, i, false, 1); // FCOMP5 alias
  else registerForm(fpu, op >= 4 ? op ^ 1 : op, i, 0, 1);
  return true;
}

export function executeDA(fpu: X87, modrm: number, address: number): boolean {
  if (modrm < 0xc0) return memoryForm(fpu, 0xda, modrm, address, M32INT);
  const op = (modrm >>> 3) & 7;
  if (op < 4) {
    fpu.noteInstruction(0xda, modrm);
    fcmov(fpu, op, false, modrm & 7);
    return true;
  }
  if (modrm === 0xe9) {
    fpu.noteInstruction(0xda, modrm);
    compareRegisters(fpu, 1, true, 2); // FUCOMPP
    return true;
  }
  return false;
}

export function executeD9(fpu: X87, modrm: number, address: number): boolean {
  const reg = (modrm >>> 3) & 7;
  if (modrm < 0xc0) {
    switch (reg) {
      case 0:
        fldSingle(fpu, 0xd9, modrm, address);
        return true;
      case 2:
        storeMemory(fpu, 0xd9, modrm, address, STORE_SINGLE, false);
        return true;
      case 3:
        storeMemory(fpu, 0xd9, modrm, address, STORE_SINGLE, true);
        return true;
      case 4:
        fldenv(fpu, address);
        return true;
      case 5:
        fldcw(fpu, address);
        return true;
      case 6:
        fnstenv(fpu, address);
        return true;
      case 7:
        fnstcw(fpu, address);
        return true;
      default:
        return false;
    }
  }
  const i = modrm & 7;
  switch (reg) {
    case 0:
      fpu.noteInstruction(0xd9, modrm);
      fldRegister(fpu, i);
      return true;
    case 1:
      fpu.noteInstruction(0xd9, modrm);
      fxch(fpu, i);
      return true;
    case 2:
      if (modrm !== 0xd0) return false;
      fpu.noteInstruction(0xd9, modrm); // FNOP
      return true;
    case 3:
      fpu.noteInstruction(0xd9, modrm);
      fstRegister(fpu, i, true); // FSTP1 alias
      return true;
  }
  switch (modrm) {
    case 0xe0:
      fpu.noteInstruction(0xd9, modrm);
      fchsFabs(fpu, false);
      return true;
    case 0xe1:
      fpu.noteInstruction(0xd9, modrm);
      fchsFabs(fpu, true);
      return true;
    case 0xe4:
      fpu.noteInstruction(0xd9, modrm);
      ftst(fpu);
      return true;
    case 0xe5:
      fpu.noteInstruction(0xd9, modrm);
      fxam(fpu);
      return true;
    case 0xe8:
      fpu.noteInstruction(0xd9, modrm);
      fldConstant(fpu, 0x3fff, 0x80000000, 0, false, true); // FLD1
      return true;
    case 0xe9:
      fpu.noteInstruction(0xd9, modrm);
      fldConstant(fpu, 0x4000, 0xd49a784b, 0xcd1b8afe, false); // FLDL2T
      return true;
    case 0xea:
      fpu.noteInstruction(0xd9, modrm);
      fldConstant(fpu, 0x3fff, 0xb8aa3b29, 0x5c17f0bb, true); // FLDL2E
      return true;
    case 0xeb:
      fpu.noteInstruction(0xd9, modrm);
      fldConstant(fpu, 0x4000, 0xc90fdaa2, 0x2168c234, true); // FLDPI
      return true;
    case 0xec:
      fpu.noteInstruction(0xd9, modrm);
      fldConstant(fpu, 0x3ffd, 0x9a209a84, 0xfbcff798, true); // FLDLG2
      return true;
    case 0xed:
      fpu.noteInstruction(0xd9, modrm);
      fldConstant(fpu, 0x3ffe, 0xb17217f7, 0xd1cf79ab, true); // FLDLN2
      return true;
    case 0xee:
      fpu.noteInstruction(0xd9, modrm);
      fldConstant(fpu, 0, 0, 0, false, true); // FLDZ
      return true;
    case 0xf0:
      fpu.noteInstruction(0xd9, modrm);
      f2xm1(fpu);
      return true;
    case 0xf1:
      fpu.noteInstruction(0xd9, modrm);
      fyl2x(fpu);
      return true;
    case 0xf2:
      fpu.noteInstruction(0xd9, modrm);
      fptan(fpu);
      return true;
    case 0xf3:
      fpu.noteInstruction(0xd9, modrm);
      fpatan(fpu);
      return true;
    case 0xf4:
      fpu.noteInstruction(0xd9, modrm);
      fxtract(fpu);
      return true;
    case 0xf5:
      fpu.noteInstruction(0xd9, modrm);
      fprem(fpu, true);
      return true;
    case 0xf6:
      fpu.noteInstruction(0xd9, modrm);
      fpu.top = (fpu.top - 1) & 7; // FDECSTP
      fpu.setC1(false);
      return true;
    case 0xf7:
      fpu.noteInstruction(0xd9, modrm);
      fpu.top = (fpu.top + 1) & 7; // FINCSTP
      fpu.setC1(false);
      return true;
    case 0xf8:
      fpu.noteInstruction(0xd9, modrm);
      fprem(fpu, false);
      return true;
    case 0xf9:
      fpu.noteInstruction(0xd9, modrm);
      fyl2xp1(fpu);
      return true;
    case 0xfa:
      fpu.noteInstruction(0xd9, modrm);
      fsqrt(fpu);
      return true;
    case 0xfb:
      fpu.noteInstruction(0xd9, modrm);
      fsincos(fpu);
      return true;
    case 0xfc:
      fpu.noteInstruction(0xd9, modrm);
      frndint(fpu);
      return true;
    case 0xfd:
      fpu.noteInstruction(0xd9, modrm);
      fscale(fpu);
      return true;
    case 0xfe:
      fpu.noteInstruction(0xd9, modrm);
      fsin(fpu, false);
      return true;
    case 0xff:
      fpu.noteInstruction(0xd9, modrm);
      fsin(fpu, true);
      return true;
    default:
      return false;
  }
}

export function executeDB(fpu: X87, modrm: number, address: number): boolean {
  const reg = (modrm >>> 3) & 7;
  if (modrm < 0xc0) {
    switch (reg) {
      case 0:
        fildInteger(fpu, 0xdb, modrm, address, 32);
        return true;
      case 2:
        storeMemory(fpu, 0xdb, modrm, address, STORE_INT32, false);
        return true;
      case 3:
        storeMemory(fpu, 0xdb, modrm, address, STORE_INT32, true);
        return true;
      case 5:
        fldExtended(fpu, 0xdb, modrm, address);
        return true;
      case 7:
        storeMemory(fpu, 0xdb, modrm, address, STORE_EXTENDED, true);
        return true;
      default:
        return false; // FISTTP (SSE3) and reserved
    }
  }
  if (reg < 4) {
    fpu.noteInstruction(0xdb, modrm);
    fcmov(fpu, reg, true, modrm & 7);
    return true;
  }
  if (reg === 5) {
    fpu.noteInstruction(0xdb, modrm);
    compareToEflags(fpu, modrm & 7, true, false); // FUCOMI
    return true;
  }
  if (reg === 6) {
    fpu.noteInstruction(0xdb, modrm);
    compareToEflags(fpu, modrm & 7, false, false); // FCOMI
    return true;
  }
  switch (modrm) {
    case 0xe0: // FNENI, FNDISI, FNSETPM: no-ops after the 80287
    case 0xe1:
    case 0xe4:
      return true;
    case 0xe2:
      fnclex(fpu);
      return true;
    case 0xe3:
      fninit(fpu);
      return true;
    default:
      return false;
  }
}

export function executeDD(fpu: X87, modrm: number, address: number): boolean {
  const reg = (modrm >>> 3) & 7;
  if (modrm < 0xc0) {
    switch (reg) {
      case 0:
        fldDouble(fpu, 0xdd, modrm, address);
        return true;
      case 2:
        storeMemory(fpu, 0xdd, modrm, address, STORE_DOUBLE, false);
        return true;
      case 3:
        storeMemory(fpu, 0xdd, modrm, address, STORE_DOUBLE, true);
        return true;
      case 4:
        frstor(fpu, address);
        return true;
      case 6:
        fnsave(fpu, address);
        return true;
      case 7:
        fnstsw(fpu, address);
        return true;
      default:
        return false;
    }
  }
  const i = modrm & 7;
  switch (reg) {
    case 0:
      fpu.noteInstruction(0xdd, modrm);
      fpu.regEmpty[fpu.physical(i)] = 1; // FFREE
      return true;
    case 1:
      fpu.noteInstruction(0xdd, modrm);
      fxch(fpu, i); // FXCH4 alias
      return true;
    case 2:
      fpu.noteInstruction(0xdd, modrm);
      fstRegister(fpu, i, false);
      return true;
    case 3:
      fpu.noteInstruction(0xdd, modrm);
      fstRegister(fpu, i, true);
      return true;
    case 4:
      fpu.noteInstruction(0xdd, modrm);
      compareRegisters(fpu, i, true, 0); // FUCOM
      return true;
    case 5:
      fpu.noteInstruction(0xdd, modrm);
      compareRegisters(fpu, i, true, 1); // FUCOMP
      return true;
    default:
      return false;
  }
}

export function executeDF(fpu: X87, modrm: number, address: number): boolean {
  const reg = (modrm >>> 3) & 7;
  if (modrm < 0xc0) {
    switch (reg) {
      case 0:
        fildInteger(fpu, 0xdf, modrm, address, 16);
        return true;
      case 2:
        storeMemory(fpu, 0xdf, modrm, address, STORE_INT16, false);
        return true;
      case 3:
        storeMemory(fpu, 0xdf, modrm, address, STORE_INT16, true);
        return true;
      case 4:
        fbld(fpu, 0xdf, modrm, address);
        return true;
      case 5:
        fildInteger(fpu, 0xdf, modrm, address, 64);
        return true;
      case 6:
        storeMemory(fpu, 0xdf, modrm, address, STORE_BCD, true);
        return true;
      case 7:
        storeMemory(fpu, 0xdf, modrm, address, STORE_INT64, true);
        return true;
      default:
        return false; // FISTTP m16 (SSE3)
    }
  }
  const i = modrm & 7;
  switch (reg) {
    case 0:
      fpu.noteInstruction(0xdf, modrm);
      fpu.regEmpty[fpu.physical(i)] = 1; // FFREEP
      fpu.pop();
      return true;
    case 1:
      fpu.noteInstruction(0xdf, modrm);
      fxch(fpu, i); // FXCH7 alias
      return true;
    case 2:
    case 3:
      fpu.noteInstruction(0xdf, modrm);
      fstRegister(fpu, i, true); // FSTP8/FSTP9 aliases
      return true;
    case 4:
      if (modrm !== 0xe0) return false;
      fpu.host.writeAx(fpu.fsw); // FNSTSW AX
      return true;
    case 5:
      fpu.noteInstruction(0xdf, modrm);
      compareToEflags(fpu, i, true, true); // FUCOMIP
      return true;
    case 6:
      fpu.noteInstruction(0xdf, modrm);
      compareToEflags(fpu, i, false, true); // FCOMIP
      return true;
    default:
      return false;
  }
}
