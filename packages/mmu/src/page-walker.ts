/**
 * The i686 two-level (non-PAE) page walk, as the hardware does it.
 *
 * - The page directory is at CR3[31:12]; a PDE covers 4 MiB, a PTE 4 KiB.
 * - With CR4.PSE a PDE with PS=1 maps a 4 MiB page directly. This CPU has no
 *   PSE-36, so bits 21..13 of such a PDE are reserved: set, they fault with
 *   the RSVD bit in the error code.
 * - Effective permission is the AND of the two levels: U/S and R/W.
 *   Supervisor accesses may touch user pages (no SMEP/SMAP on a P6) and may
 *   write read-only pages unless CR0.WP is set.
 * - Accessed bits: the PDE's when it is used to reach a page table, the final
 *   entry's when the access succeeds; the final entry's dirty bit on a
 *   successful write. Nothing is set in the final entry on a fault.
 * - Page-fault error code: P (bit 0) for a protection fault on a present
 *   page, W/R (bit 1), U/S (bit 2) for a user-mode access, RSVD (bit 3).
 *   There is no NX on this CPU, so I/D (bit 4) is never reported.
 */
import type { PhysicalMemory } from "./physical-memory";
import { TlbFlag } from "./tlb-entry";

export const PageFaultCode = {
  PRESENT: 1,
  WRITE: 2,
  USER: 4,
  RESERVED: 8,
  FETCH: 16,
} as const;

const PTE_P = 1;
const PTE_RW = 2;
const PTE_US = 4;
const PTE_A = 0x20;
const PTE_D = 0x40;
const PDE_PS = 0x80;
const PTE_G = 0x100;
const PDE_4M_RESERVED = 0x003fe000;

export interface PagingControl {
  /** CR3 (the page directory base is bits 31..12). */
  cr3: number;
  /** CR0.WP: supervisor writes honour read-only pages. */
  writeProtect: boolean;
  /** CR4.PSE: 4 MiB pages. */
  largePages: boolean;
  /** CR4.PGE: global pages. */
  globalPages: boolean;
}

export class PageWalker {
  /** After a successful walk: the physical page base and the ALLOW_*, GLOBAL and LARGE flags. */
  entry = 0;
  /** After a failed walk: the page-fault error code. */
  faultCode = 0;

  constructor(private readonly memory: PhysicalMemory) {}

  /** Walks the tables for `linear`. Returns false on a page fault (see `faultCode`). */
  walk(control: PagingControl, linear: number, write: boolean, user: boolean): boolean {
    const memory = this.memory;
    const accessBits = (write ? PageFaultCode.WRITE : 0) | (user ? PageFaultCode.USER : 0);
    const pdeAddress = ((control.cr3 & 0xfffff000) | ((linear >>> 22) << 2)) >>> 0;
    const pde = memory.read32(pdeAddress);
    if ((pde & PTE_P) === 0) {
      this.faultCode = accessBits;
      return false;
    }

    if ((pde & PDE_PS) !== 0 && control.largePages) {
      if ((pde & PDE_4M_RESERVED) !== 0) {
        this.faultCode = accessBits | PageFaultCode.PRESENT | PageFaultCode.RESERVED;
        return false;
      }
      if (!this.permits(pde, control.writeProtect, write, user)) {
        this.faultCode = accessBits | PageFaultCode.PRESENT;
        return false;
      }
      const updated = pde | PTE_A | (write ? PTE_D : 0);
      if (updated !== pde) memory.write32(pdeAddress, updated);
      const base = (pde & 0xffc00000) | (linear & 0x003ff000);
      this.entry = base | this.allowFlags(pde, updated, control) | TlbFlag.LARGE;
      return true;
    }

    if ((pde & PTE_A) === 0) memory.write32(pdeAddress, pde | PTE_A);
    const pteAddress = ((pde & 0xfffff000) | (((linear >>> 12) & 0x3ff) << 2)) >>> 0;
    const pte = memory.read32(pteAddress);
    if ((pte & PTE_P) === 0) {
      this.faultCode = accessBits;
      return false;
    }
    const combined = pte & (pde | ~(PTE_RW | PTE_US));
    if (!this.permits(combined, control.writeProtect, write, user)) {
      this.faultCode = accessBits | PageFaultCode.PRESENT;
      return false;
    }
    const updated = pte | PTE_A | (write ? PTE_D : 0);
    if (updated !== pte) memory.write32(pteAddress, updated);
    this.entry = (pte & 0xfffff000) | this.allowFlags(combined, updated, control);
    return true;
  }

  private permits(bits: number, writeProtect: boolean, write: boolean, user: boolean): boolean {
    if (user) {
      if ((bits & PTE_US) === 0) return false;
      return !write || (bits & PTE_RW) !== 0;
    }
    return !write || !writeProtect || (bits & PTE_RW) !== 0;
  }

  /** `rights` holds the combined R/W and U/S bits; `final` is the final entry after A/D updates. */
  private allowFlags(rights: number, final: number, control: PagingControl): number {
    let flags = TlbFlag.VALID | TlbFlag.ALLOW_READ_SUPERVISOR;
    const user = (rights & PTE_US) !== 0;
    if (user) flags |= TlbFlag.ALLOW_READ_USER;
    // Writes are cached only once the dirty bit is set, so the first write re-walks and sets it.
    if ((final & PTE_D) !== 0) {
      const writable = (rights & PTE_RW) !== 0;
      if (writable || !control.writeProtect) flags |= TlbFlag.ALLOW_WRITE_SUPERVISOR;
      if (writable && user) flags |= TlbFlag.ALLOW_WRITE_USER;
    }
    if (control.globalPages && (final & PTE_G) !== 0) flags |= TlbFlag.GLOBAL;
    return flags;
  }
}
