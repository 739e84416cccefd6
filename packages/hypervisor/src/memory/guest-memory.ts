/**
 * The hypervisor's copy_from_user/copy_to_user: reads and writes guest
 * virtual memory with the guest kernel's own rights (ring 1: supervisor, with
 * CR0.WP so read-only pages stay read-only), through the page tables that are
 * loaded now. Addresses in the hypervisor hole are refused, so a hypercall
 * argument can never make the hypervisor read or write its own structures.
 * Nothing here throws: a failed access returns false (the caller answers
 * -EFAULT).
 */
import type { Mmu, PhysicalMemory } from "@xeno86/mmu";
import { HYPERVISOR_VIRT_START } from "../layout";

export class GuestMemory {
  constructor(
    private readonly mmu: Mmu,
    private readonly memory: PhysicalMemory,
  ) {}

  /** Machine address of guest virtual `linear`, or -1 when the guest could not make this access. */
  translate(linear: number, write: boolean): number {
    linear >>>= 0;
    if (linear >= HYPERVISOR_VIRT_START) return -1;
    return this.mmu.translate(linear, write, false);
  }

  /**
   * Machine address of `linear` in another address space (the page
   * directory at machine address `directory`), for reads; -1 when it is
   * not mapped. Used for domains that are not running (BUILDDOMAIN, the
   * debugger), whose tables the validator has already checked.
   */
  translateIn(directory: number, linear: number): number {
    linear >>>= 0;
    if (linear >= HYPERVISOR_VIRT_START) return -1;
    const pde = this.memory.read32(directory + (linear >>> 22) * 4);
    if ((pde & 1) === 0) return -1;
    const pte = this.memory.read32((pde & ~0xfff) + ((linear >>> 12) & 0x3ff) * 4);
    if ((pte & 1) === 0) return -1;
    return ((pte & ~0xfff) | (linear & 0xfff)) >>> 0;
  }

  /** Reads `count` little-endian words at `linear` into `into`; false on a fault. */
  readWords(linear: number, count: number, into: Uint32Array | Int32Array): boolean {
    for (let i = 0; i < count; i++) {
      const value = this.read32(linear + i * 4);
      if (value === undefined) return false;
      into[i] = value;
    }
    return true;
  }

  /** One 32-bit word, or undefined on a fault. Unaligned words may cross a page. */
  read32(linear: number): number | undefined {
    linear >>>= 0;
    if ((linear & 0xfff) <= 0xffc) {
      const address = this.translate(linear, false);
      return address < 0 ? undefined : this.memory.read32(address);
    }
    let value = 0;
    for (let i = 3; i >= 0; i--) {
      const address = this.translate(linear + i, false);
      if (address < 0) return undefined;
      value = (value << 8) | this.memory.read8(address);
    }
    return value;
  }

  write32(linear: number, value: number): boolean {
    linear >>>= 0;
    if ((linear & 0xfff) <= 0xffc) {
      const address = this.translate(linear, true);
      if (address < 0) return false;
      this.memory.write32(address, value);
      return true;
    }
    // Check both pages before writing any byte.
    if (this.translate(linear, true) < 0 || this.translate(linear + 3, true) < 0) return false;
    for (let i = 0; i < 4; i++) this.memory.write8(this.translate(linear + i, true), value >>> (8 * i));
    return true;
  }

  /** Copies `length` bytes in; null on a fault. */
  readBytes(linear: number, length: number): Uint8Array | null {
    const bytes = new Uint8Array(length);
    let done = 0;
    while (done < length) {
      const at = (linear + done) >>> 0;
      const address = this.translate(at, false);
      if (address < 0) return null;
      const chunk = Math.min(length - done, 4096 - (at & 0xfff));
      bytes.set(this.memory.readBytes(address, chunk), done);
      done += chunk;
    }
    return bytes;
  }

  /** Copies bytes out; false (nothing written) when any page cannot be written. */
  writeBytes(linear: number, bytes: Uint8Array): boolean {
    for (let done = 0; done < bytes.length; done += 4096 - ((linear + done) & 0xfff)) {
      if (this.translate(linear + done, true) < 0) return false;
    }
    if (bytes.length > 0 && this.translate(linear + bytes.length - 1, true) < 0) return false;
    let done = 0;
    while (done < bytes.length) {
      const at = (linear + done) >>> 0;
      const chunk = Math.min(bytes.length - done, 4096 - (at & 0xfff));
      this.memory.writeBytes(this.translate(at, true), bytes.subarray(done, done + chunk));
      done += chunk;
    }
    return true;
  }
}
