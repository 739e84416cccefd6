/**
 * The physical address space of one machine: RAM, ROM and memory-mapped I/O.
 *
 * Every 4 KiB physical page has a kind (RAM, ROM, MMIO, nothing). RAM lives in
 * one `ArrayBuffer` so the CPU's fast path can index it directly; ROM that lies
 * inside the RAM array is read there too (writes are dropped on the slow path).
 *
 * Two per-page trackers ride on RAM pages:
 * - code pages: pages from which the CPU has cached decoded instructions. A
 *   write to one tells the listener so it can drop the stale decodes.
 * - dirty logging: while enabled, every page written is remembered (for
 *   save/restore and migration).
 */

/** A device that answers reads and writes to a range of physical addresses. */
export interface MmioDevice {
  /** `offset` is relative to the start of the range; `size` is 1, 2 or 4. */
  read(offset: number, size: 1 | 2 | 4): number;
  write(offset: number, size: 1 | 2 | 4, value: number): void;
}

export const PageKind = {
  Ram: 0,
  Rom: 1,
  Mmio: 2,
  None: 3,
} as const;

/** Called when a write lands on a page that holds cached decoded code. */
export type CodeWriteListener = (physicalPage: number) => void;

interface MmioRange {
  readonly base: number;
  readonly end: number; // exclusive
  readonly device: MmioDevice;
}

interface RomRange {
  readonly base: number;
  readonly end: number;
  readonly bytes: Uint8Array;
}

const PAGE_COUNT = 1 << 20;

export class PhysicalMemory {
  /** RAM bytes; physical address p is `ram8[p]` for p below `ramBytes`. */
  readonly ram8: Uint8Array;
  /** The same RAM as 32-bit words, for aligned accesses. */
  readonly ram32: Int32Array;
  readonly ramBytes: number;
  /** Kind of every physical page (1M entries). */
  readonly pageKind: Uint8Array;
  /** Non-zero for RAM pages that hold cached decoded instructions. */
  readonly codePage: Uint8Array;
  /** Pages written since dirty logging was last started or collected. */
  readonly dirtyPage: Uint8Array;
  dirtyLogging = false;

  private readonly mmio: MmioRange[] = [];
  private readonly roms: RomRange[] = [];
  private codeWriteListener: CodeWriteListener | null = null;
  /** Listeners told when a page stops being fast-writable (the TLB strips write bits). */
  private readonly writeProtectListeners: Array<(page: number) => void> = [];

  constructor(ramBytes: number) {
    if (!Number.isInteger(ramBytes) || ramBytes <= 0 || ramBytes % 4096 !== 0) {
      throw new RangeError(`RAM size must be a positive multiple of 4096 bytes, got ${ramBytes}`);
    }
    if (ramBytes > 0x80000000) {
      // The TLB keeps physical page bases in signed 32-bit entries; RAM must stay below 2 GiB.
      throw new RangeError(`RAM size ${ramBytes} exceeds the 2 GiB the physical map allows`);
    }
    this.ramBytes = ramBytes;
    const buffer = new ArrayBuffer(ramBytes);
    this.ram8 = new Uint8Array(buffer);
    this.ram32 = new Int32Array(buffer);
    this.pageKind = new Uint8Array(PAGE_COUNT).fill(PageKind.None);
    this.pageKind.fill(PageKind.Ram, 0, ramBytes >>> 12);
    this.codePage = new Uint8Array(ramBytes >>> 12);
    this.dirtyPage = new Uint8Array(ramBytes >>> 12);
  }

  /** Maps a device over [base, base+length). Both must be page aligned; overlaps with other devices or ROMs are refused. */
  addMmio(base: number, length: number, device: MmioDevice): void {
    this.checkRange(base, length);
    const end = base + length;
    this.refuseOverlap(base, end);
    this.mmio.push({ base, end, device });
    this.mmio.sort((a, b) => a.base - b.base);
    this.pageKind.fill(PageKind.Mmio, base >>> 12, end / 4096);
    this.notifyWriteProtect(base >>> 12, end / 4096);
  }

  /** Maps read-only bytes at `base` (page aligned). Inside RAM the bytes are copied into the RAM array. */
  addRom(base: number, bytes: Uint8Array): void {
    const length = Math.ceil(bytes.length / 4096) * 4096;
    this.checkRange(base, length);
    const end = base + length;
    this.refuseOverlap(base, end);
    const copy = new Uint8Array(length).fill(0xff);
    copy.set(bytes);
    this.roms.push({ base, end, bytes: copy });
    if (end <= this.ramBytes) this.ram8.set(copy, base);
    this.pageKind.fill(PageKind.Rom, base >>> 12, end / 4096);
    this.notifyWriteProtect(base >>> 12, end / 4096);
  }

  /** Is the page backed by the RAM array for reads (RAM, or ROM copied into RAM)? */
  isFastReadable(page: number): boolean {
    const kind = this.pageKind[page];
    return kind === PageKind.Ram || (kind === PageKind.Rom && page < this.ramBytes >>> 12);
  }

  /** May writes to this page go straight to the RAM array? */
  isFastWritable(page: number): boolean {
    return (
      this.pageKind[page] === PageKind.Ram &&
      this.codePage[page] === 0 &&
      (!this.dirtyLogging || this.dirtyPage[page] !== 0)
    );
  }

  setCodeWriteListener(listener: CodeWriteListener | null): void {
    this.codeWriteListener = listener;
  }

  /** A TLB registers here to drop write permission when a page becomes code or is dirty-logged. */
  addWriteProtectListener(listener: (page: number) => void): void {
    this.writeProtectListeners.push(listener);
  }

  /** Marks a RAM page as holding cached decoded code: writes to it now take the slow path. */
  markCodePage(page: number): void {
    if (page >= this.codePage.length || this.codePage[page] !== 0) return;
    this.codePage[page] = 1;
    this.notifyWriteProtect(page, page + 1);
  }

  /** Called by the code cache once it has dropped everything it held for the page. */
  clearCodePage(page: number): void {
    if (page < this.codePage.length) this.codePage[page] = 0;
  }

  startDirtyLog(): void {
    this.dirtyPage.fill(0);
    this.dirtyLogging = true;
    this.notifyWriteProtect(0, this.ramBytes >>> 12);
  }

  /** Returns the pages written since the last call (or start) and begins a new round. */
  collectDirtyPages(): Uint32Array {
    let count = 0;
    for (let i = 0; i < this.dirtyPage.length; i++) if (this.dirtyPage[i] !== 0) count++;
    const pages = new Uint32Array(count);
    let n = 0;
    for (let i = 0; i < this.dirtyPage.length; i++) if (this.dirtyPage[i] !== 0) pages[n++] = i;
    this.dirtyPage.fill(0);
    if (this.dirtyLogging) this.notifyWriteProtect(0, this.ramBytes >>> 12);
    return pages;
  }

  stopDirtyLog(): void {
    this.dirtyLogging = false;
  }

  /**
   * Bookkeeping for a write that reached a RAM page outside the fast path
   * (slow CPU path, DMA): dirty log and code-cache invalidation.
   */
  noteWrite(page: number): void {
    if (page >= this.codePage.length) return;
    this.dirtyPage[page] = 1;
    if (this.codePage[page] !== 0 && this.codeWriteListener !== null) this.codeWriteListener(page);
  }

  // ---- physical accesses (slow path, devices, DMA, the hypervisor) ----

  read8(address: number): number {
    address >>>= 0;
    const kind = this.pageKind[address >>> 12];
    if (kind === PageKind.Ram || (kind === PageKind.Rom && address < this.ramBytes)) return this.ram8[address];
    return this.readOther(address, 1);
  }

  read16(address: number): number {
    address >>>= 0;
    if ((address & 0xfff) === 0xfff) return this.read8(address) | (this.read8(address + 1) << 8);
    const kind = this.pageKind[address >>> 12];
    if (kind === PageKind.Ram || (kind === PageKind.Rom && address < this.ramBytes)) {
      return this.ram8[address] | (this.ram8[address + 1] << 8);
    }
    return this.readOther(address, 2);
  }

  read32(address: number): number {
    address >>>= 0;
    if ((address & 0xfff) > 0xffc) return this.read16(address) | (this.read16(address + 2) << 16);
    const kind = this.pageKind[address >>> 12];
    if (kind === PageKind.Ram || (kind === PageKind.Rom && address < this.ramBytes)) {
      if ((address & 3) === 0) return this.ram32[address >>> 2];
      const m = this.ram8;
      return m[address] | (m[address + 1] << 8) | (m[address + 2] << 16) | (m[address + 3] << 24);
    }
    return this.readOther(address, 4);
  }

  write8(address: number, value: number): void {
    address >>>= 0;
    const page = address >>> 12;
    if (this.pageKind[page] === PageKind.Ram) {
      this.ram8[address] = value;
      this.noteWrite(page);
      return;
    }
    this.writeOther(address, 1, value & 0xff);
  }

  write16(address: number, value: number): void {
    address >>>= 0;
    if ((address & 0xfff) === 0xfff || this.pageKind[address >>> 12] !== PageKind.Ram) {
      if (this.pageKind[address >>> 12] === PageKind.Mmio && (address & 0xfff) !== 0xfff) {
        this.writeOther(address, 2, value & 0xffff);
        return;
      }
      this.write8(address, value);
      this.write8(address + 1, value >>> 8);
      return;
    }
    this.ram8[address] = value;
    this.ram8[address + 1] = value >>> 8;
    this.noteWrite(address >>> 12);
  }

  write32(address: number, value: number): void {
    address >>>= 0;
    const page = address >>> 12;
    if ((address & 0xfff) > 0xffc || this.pageKind[page] !== PageKind.Ram) {
      if (this.pageKind[page] === PageKind.Mmio && (address & 0xfff) <= 0xffc) {
        this.writeOther(address, 4, value >>> 0);
        return;
      }
      this.write16(address, value);
      this.write16(address + 2, value >>> 16);
      return;
    }
    if ((address & 3) === 0) this.ram32[address >>> 2] = value;
    else {
      const m = this.ram8;
      m[address] = value;
      m[address + 1] = value >>> 8;
      m[address + 2] = value >>> 16;
      m[address + 3] = value >>> 24;
    }
    this.noteWrite(page);
  }

  /** Copies bytes out of physical memory (DMA read). Non-RAM bytes read through their device. */
  readBytes(address: number, length: number, into?: Uint8Array): Uint8Array {
    const out = into ?? new Uint8Array(length);
    address >>>= 0;
    if (address + length <= this.ramBytes && this.allRam(address, length)) {
      out.set(this.ram8.subarray(address, address + length));
      return out;
    }
    for (let i = 0; i < length; i++) out[i] = this.read8(address + i);
    return out;
  }

  /** Copies bytes into physical memory (DMA write), keeping the code cache and dirty log right. */
  writeBytes(address: number, bytes: Uint8Array): void {
    address >>>= 0;
    if (address + bytes.length <= this.ramBytes && this.allRam(address, bytes.length)) {
      this.ram8.set(bytes, address);
      const last = (address + bytes.length - 1) >>> 12;
      for (let page = address >>> 12; page <= last; page++) this.noteWrite(page);
      return;
    }
    for (let i = 0; i < bytes.length; i++) this.write8(address + i, bytes[i]);
  }

  private allRam(address: number, length: number): boolean {
    if (length === 0) return true;
    const last = (address + length - 1) >>> 12;
    for (let page = address >>> 12; page <= last; page++) {
      if (this.pageKind[page] !== PageKind.Ram) return false;
    }
    return true;
  }

  private readOther(address: number, size: 1 | 2 | 4): number {
    const kind = this.pageKind[address >>> 12];
    if (kind === PageKind.Mmio) {
      const range = this.findMmio(address);
      if (range !== null) return range.device.read(address - range.base, size) | 0;
    } else if (kind === PageKind.Rom) {
      const rom = this.findRom(address);
      if (rom !== null) {
        const o = address - rom.base;
        let value = 0;
        for (let i = size - 1; i >= 0; i--) value = (value << 8) | rom.bytes[o + i];
        return value;
      }
    }
    return size === 1 ? 0xff : size === 2 ? 0xffff : -1;
  }

  private writeOther(address: number, size: 1 | 2 | 4, value: number): void {
    if (this.pageKind[address >>> 12] !== PageKind.Mmio) return; // ROM and holes drop writes
    const range = this.findMmio(address);
    if (range !== null) range.device.write(address - range.base, size, value);
  }

  private findMmio(address: number): MmioRange | null {
    const ranges = this.mmio;
    let lo = 0;
    let hi = ranges.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const r = ranges[mid];
      if (address < r.base) hi = mid - 1;
      else if (address >= r.end) lo = mid + 1;
      else return r;
    }
    return null;
  }

  private findRom(address: number): RomRange | null {
    for (const rom of this.roms) if (address >= rom.base && address < rom.end) return rom;
    return null;
  }

  private checkRange(base: number, length: number): void {
    if (base % 4096 !== 0 || length % 4096 !== 0 || length <= 0 || base < 0 || base + length > 2 ** 32) {
      throw new RangeError(
        `physical range 0x${base.toString(16)}+0x${length.toString(16)} must be page aligned and inside 4 GiB`,
      );
    }
  }

  private refuseOverlap(base: number, end: number): void {
    for (const r of [...this.mmio, ...this.roms]) {
      if (base < r.end && r.base < end) {
        throw new RangeError(
          `physical range 0x${base.toString(16)}-0x${(end - 1).toString(16)} overlaps 0x${r.base.toString(16)}-0x${(r.end - 1).toString(16)}`,
        );
      }
    }
  }

  private notifyWriteProtect(firstPage: number, endPage: number): void {
    for (const listener of this.writeProtectListeners) {
      if (endPage - firstPage === 1) listener(firstPage);
      else listener(-1); // many pages: the listener flushes everything
    }
  }
}
