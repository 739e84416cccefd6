/**
 * Linear memory: the software TLB in front of the page walker and physical memory.
 *
 * Hot path: `tlb[linear >>> 12] & fastBit` decides, in one test, whether an
 * access may index the RAM array directly. Everything else (TLB miss, MMIO,
 * ROM, code pages, dirty logging, page faults, page-crossing accesses) is
 * handled by the `*Slow` methods.
 *
 * A page fault is reported by throwing `this.fault`, one preallocated object
 * per MMU that carries the linear address and error code; the CPU catches it
 * once in its run loop. `translate` offers the same walk without throwing.
 */
import { PageWalker, type PagingControl } from "./page-walker";
import type { PhysicalMemory } from "./physical-memory";
import { FAST_WRITE_BITS, TlbFlag } from "./tlb-entry";

/** Thrown (one instance per MMU) when an access page-faults. */
export class PageFault {
  linear = 0;
  errorCode = 0;
}

const TLB_SIZE = 1 << 20;

export class Mmu {
  readonly memory: PhysicalMemory;
  /** One entry per linear page; see `TlbFlag`. Read directly by the CPU's hot path. */
  readonly tlb: Int32Array;
  readonly ram8: Uint8Array;
  /** The same RAM as 16-bit words, for aligned accesses from compiled code. */
  readonly ram16: Uint16Array;
  readonly ram32: Int32Array;
  readonly fault = new PageFault();

  /** The FAST_READ_* bit for the current privilege (user when CPL is 3). */
  fastReadBit: number = TlbFlag.FAST_READ_SUPERVISOR;
  fastWriteBit: number = TlbFlag.FAST_WRITE_SUPERVISOR;
  private userMode = false;

  private pagingEnabled = false;
  private readonly control: PagingControl = { cr3: 0, writeProtect: false, largePages: false, globalPages: false };
  private readonly walker: PageWalker;

  /** Linear pages with a non-zero TLB entry (may hold duplicates and stale indexes). */
  private readonly filled = new Int32Array(TLB_SIZE);
  private filledCount = 0;
  /** 4 MiB regions holding entries that came from large pages. */
  private readonly largeRegions = new Uint8Array(1024);

  constructor(memory: PhysicalMemory) {
    this.memory = memory;
    this.tlb = new Int32Array(TLB_SIZE);
    this.ram8 = memory.ram8;
    this.ram16 = new Uint16Array(memory.ram8.buffer, memory.ram8.byteOffset, memory.ram8.length >>> 1);
    this.ram32 = memory.ram32;
    this.walker = new PageWalker(memory);
    memory.addWriteProtectListener((page) => this.dropFastWrites(page));
  }

  // ---- control state ----

  get paging(): boolean {
    return this.pagingEnabled;
  }

  get cr3(): number {
    return this.control.cr3;
  }

  /** Called by the CPU on CR0/CR4 writes. Changes that affect translation flush the whole TLB. */
  setPagingMode(paging: boolean, writeProtect: boolean, largePages: boolean, globalPages: boolean): void {
    const c = this.control;
    if (
      paging === this.pagingEnabled &&
      writeProtect === c.writeProtect &&
      largePages === c.largePages &&
      globalPages === c.globalPages
    ) {
      return;
    }
    this.pagingEnabled = paging;
    c.writeProtect = writeProtect;
    c.largePages = largePages;
    c.globalPages = globalPages;
    this.flushAll();
  }

  /** A CR3 load: new page directory; global entries survive. */
  setCr3(cr3: number): void {
    this.control.cr3 = cr3 >>> 0;
    this.flushNonGlobal();
  }

  /** CPL 3 accesses are user accesses; CPL 0-2 are supervisor. */
  setUserMode(user: boolean): void {
    this.userMode = user;
    this.fastReadBit = user ? TlbFlag.FAST_READ_USER : TlbFlag.FAST_READ_SUPERVISOR;
    this.fastWriteBit = user ? TlbFlag.FAST_WRITE_USER : TlbFlag.FAST_WRITE_SUPERVISOR;
  }

  get isUserMode(): boolean {
    return this.userMode;
  }

  // ---- TLB maintenance ----

  flushAll(): void {
    const tlb = this.tlb;
    const filled = this.filled;
    for (let i = 0; i < this.filledCount; i++) tlb[filled[i]] = 0;
    this.filledCount = 0;
    this.largeRegions.fill(0);
  }

  flushNonGlobal(): void {
    const tlb = this.tlb;
    const filled = this.filled;
    let kept = 0;
    for (let i = 0; i < this.filledCount; i++) {
      const page = filled[i];
      const entry = tlb[page];
      if ((entry & TlbFlag.GLOBAL) !== 0) filled[kept++] = page;
      else tlb[page] = 0;
    }
    this.filledCount = kept;
  }

  /** INVLPG: drops the translation of one page (all of it, for a 4 MiB page). */
  invalidatePage(linear: number): void {
    const page = linear >>> 12;
    const region = page >>> 10;
    if (this.largeRegions[region] !== 0) this.tlb.fill(0, region << 10, (region + 1) << 10);
    else this.tlb[page] = 0;
  }

  /** Strips the fast-write bits for a physical page (or all pages when `page` is -1). */
  private dropFastWrites(page: number): void {
    const tlb = this.tlb;
    const filled = this.filled;
    for (let i = 0; i < this.filledCount; i++) {
      const linearPage = filled[i];
      const entry = tlb[linearPage];
      if (entry !== 0 && (page === -1 || entry >>> 12 === page)) tlb[linearPage] = entry & ~FAST_WRITE_BITS;
    }
  }

  // ---- translation ----

  /**
   * Translates without throwing: returns the physical address, or -1 with
   * `faultCode` set. Sets accessed/dirty bits as the hardware would.
   */
  translate(linear: number, write: boolean, user: boolean): number {
    linear >>>= 0;
    if (!this.pagingEnabled) return linear;
    if (!this.walker.walk(this.control, linear, write, user)) {
      this.lastFaultCode = this.walker.faultCode;
      return -1;
    }
    return ((this.walker.entry & ~0xfff) | (linear & 0xfff)) >>> 0;
  }

  lastFaultCode = 0;

  /** Returns the TLB entry for an access, walking the tables on a miss; throws `fault` if the access is not allowed. */
  entryFor(linear: number, write: boolean, user: boolean): number {
    const page = linear >>> 12;
    const entry = this.tlb[page];
    const allow = write
      ? user
        ? TlbFlag.ALLOW_WRITE_USER
        : TlbFlag.ALLOW_WRITE_SUPERVISOR
      : user
        ? TlbFlag.ALLOW_READ_USER
        : TlbFlag.ALLOW_READ_SUPERVISOR;
    if ((entry & allow) !== 0) return entry;
    return this.fill(linear, write, user);
  }

  private fill(linear: number, write: boolean, user: boolean): number {
    const page = linear >>> 12;
    let entry: number;
    if (this.pagingEnabled) {
      if (!this.walker.walk(this.control, linear >>> 0, write, user)) {
        const fault = this.fault;
        fault.linear = linear >>> 0;
        fault.errorCode = this.walker.faultCode;
        throw fault;
      }
      entry = this.walker.entry;
    } else {
      entry =
        (page << 12) |
        TlbFlag.VALID |
        TlbFlag.ALLOW_READ_SUPERVISOR |
        TlbFlag.ALLOW_READ_USER |
        TlbFlag.ALLOW_WRITE_SUPERVISOR |
        TlbFlag.ALLOW_WRITE_USER;
    }
    const physicalPage = entry >>> 12;
    const memory = this.memory;
    if (memory.isFastReadable(physicalPage)) {
      if (entry & TlbFlag.ALLOW_READ_SUPERVISOR) entry |= TlbFlag.FAST_READ_SUPERVISOR;
      if (entry & TlbFlag.ALLOW_READ_USER) entry |= TlbFlag.FAST_READ_USER;
    }
    if (memory.isFastWritable(physicalPage)) {
      if (entry & TlbFlag.ALLOW_WRITE_SUPERVISOR) entry |= TlbFlag.FAST_WRITE_SUPERVISOR;
      if (entry & TlbFlag.ALLOW_WRITE_USER) entry |= TlbFlag.FAST_WRITE_USER;
    }
    if (entry & TlbFlag.LARGE) this.largeRegions[page >>> 10] = 1;
    if (this.tlb[page] === 0) {
      if (this.filledCount === TLB_SIZE) this.flushAll();
      this.filled[this.filledCount++] = page;
    }
    this.tlb[page] = entry;
    return entry;
  }

  // ---- linear accesses at the current privilege ----

  read8(linear: number): number {
    const entry = this.tlb[linear >>> 12];
    if ((entry & this.fastReadBit) !== 0) return this.ram8[(entry & ~0xfff) | (linear & 0xfff)];
    return this.readSlow(linear, 1, this.userMode);
  }

  read16(linear: number): number {
    const entry = this.tlb[linear >>> 12];
    if ((entry & this.fastReadBit) !== 0 && (linear & 0xfff) !== 0xfff) {
      const p = (entry & ~0xfff) | (linear & 0xfff);
      return this.ram8[p] | (this.ram8[p + 1] << 8);
    }
    return this.readSlow(linear, 2, this.userMode);
  }

  read32(linear: number): number {
    const entry = this.tlb[linear >>> 12];
    if ((entry & this.fastReadBit) !== 0 && (linear & 0xfff) <= 0xffc) {
      const p = (entry & ~0xfff) | (linear & 0xfff);
      if ((p & 3) === 0) return this.ram32[p >>> 2];
      const m = this.ram8;
      return m[p] | (m[p + 1] << 8) | (m[p + 2] << 16) | (m[p + 3] << 24);
    }
    return this.readSlow(linear, 4, this.userMode);
  }

  write8(linear: number, value: number): void {
    const entry = this.tlb[linear >>> 12];
    if ((entry & this.fastWriteBit) !== 0) {
      this.ram8[(entry & ~0xfff) | (linear & 0xfff)] = value;
      return;
    }
    this.writeSlow(linear, 1, value, this.userMode);
  }

  write16(linear: number, value: number): void {
    const entry = this.tlb[linear >>> 12];
    if ((entry & this.fastWriteBit) !== 0 && (linear & 0xfff) !== 0xfff) {
      const p = (entry & ~0xfff) | (linear & 0xfff);
      this.ram8[p] = value;
      this.ram8[p + 1] = value >> 8;
      return;
    }
    this.writeSlow(linear, 2, value, this.userMode);
  }

  write32(linear: number, value: number): void {
    const entry = this.tlb[linear >>> 12];
    if ((entry & this.fastWriteBit) !== 0 && (linear & 0xfff) <= 0xffc) {
      const p = (entry & ~0xfff) | (linear & 0xfff);
      if ((p & 3) === 0) this.ram32[p >>> 2] = value;
      else {
        const m = this.ram8;
        m[p] = value;
        m[p + 1] = value >> 8;
        m[p + 2] = value >> 16;
        m[p + 3] = value >> 24;
      }
      return;
    }
    this.writeSlow(linear, 4, value, this.userMode);
  }

  // ---- supervisor accesses regardless of CPL (descriptor tables, TSS, IDT) ----

  readSupervisor8(linear: number): number {
    return this.readSlow(linear, 1, false);
  }

  readSupervisor16(linear: number): number {
    return this.readSlow(linear, 2, false);
  }

  readSupervisor32(linear: number): number {
    return this.readSlow(linear, 4, false);
  }

  writeSupervisor8(linear: number, value: number): void {
    this.writeSlow(linear, 1, value, false);
  }

  writeSupervisor16(linear: number, value: number): void {
    this.writeSlow(linear, 2, value, false);
  }

  writeSupervisor32(linear: number, value: number): void {
    this.writeSlow(linear, 4, value, false);
  }

  /** Checks that `length` bytes at `linear` may be written (both pages when it crosses), without writing. */
  probeWrite(linear: number, length: number, user: boolean = this.userMode): void {
    this.entryFor(linear >>> 0, true, user);
    const last = (linear + length - 1) >>> 0;
    if (last >>> 12 !== linear >>> 12) this.entryFor(last, true, user);
  }

  /** Checks that `length` bytes at `linear` may be read. */
  probeRead(linear: number, length: number, user: boolean = this.userMode): void {
    this.entryFor(linear >>> 0, false, user);
    const last = (linear + length - 1) >>> 0;
    if (last >>> 12 !== linear >>> 12) this.entryFor(last, false, user);
  }

  /** Physical address for an instruction fetch at `linear` (throws `fault` like a read). */
  fetchAddress(linear: number): number {
    const entry = this.entryFor(linear >>> 0, false, this.userMode);
    return ((entry & ~0xfff) | (linear & 0xfff)) >>> 0;
  }

  readSlow(linear: number, size: 1 | 2 | 4, user: boolean): number {
    linear >>>= 0;
    if ((linear & 0xfff) + size > 0x1000) {
      // Crossing a page: each byte is translated (both pages must be readable).
      const second = (linear + size) >>> 0;
      this.entryFor(linear, false, user);
      this.entryFor(second & ~0xfff, false, user);
      let value = 0;
      for (let i = size - 1; i >= 0; i--) value = (value << 8) | this.readSlow((linear + i) >>> 0, 1, user);
      return value;
    }
    const entry = this.entryFor(linear, false, user);
    const physical = ((entry & ~0xfff) | (linear & 0xfff)) >>> 0;
    const memory = this.memory;
    return size === 1 ? memory.read8(physical) : size === 2 ? memory.read16(physical) : memory.read32(physical);
  }

  writeSlow(linear: number, size: 1 | 2 | 4, value: number, user: boolean): void {
    linear >>>= 0;
    if ((linear & 0xfff) + size > 0x1000) {
      // Both pages are checked before any byte is written.
      this.entryFor(linear, true, user);
      this.entryFor(((linear + size) >>> 0) & ~0xfff, true, user);
      for (let i = 0; i < size; i++) this.writeSlow((linear + i) >>> 0, 1, value >>> (8 * i), user);
      return;
    }
    let entry = this.entryFor(linear, true, user);
    const physical = ((entry & ~0xfff) | (linear & 0xfff)) >>> 0;
    const memory = this.memory;
    if (size === 1) memory.write8(physical, value);
    else if (size === 2) memory.write16(physical, value);
    else memory.write32(physical, value);
    // The page may have become fast-writable (code dropped, page now logged dirty).
    if ((entry & FAST_WRITE_BITS) === 0 && memory.isFastWritable(entry >>> 12)) {
      const page = linear >>> 12;
      entry = this.tlb[page];
      if (entry !== 0) {
        if (entry & TlbFlag.ALLOW_WRITE_SUPERVISOR) entry |= TlbFlag.FAST_WRITE_SUPERVISOR;
        if (entry & TlbFlag.ALLOW_WRITE_USER) entry |= TlbFlag.FAST_WRITE_USER;
        this.tlb[page] = entry;
      }
    }
  }
}


