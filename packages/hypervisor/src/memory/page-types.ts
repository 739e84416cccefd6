/**
 * Page types and reference counts: the rules that keep a guest from ever
 * writing a page table directly, from mapping memory it does not own, or
 * from reaching the hypervisor. Everything that changes a guest's page
 * tables goes through this module.
 *
 * The rules (Xen 1.x, `arch/x86/memory.c`):
 *
 * 1. Ownership. A guest page table may only map frames its own domain owns.
 *    Free frames, hypervisor frames and other domains' frames are refused.
 *
 * 2. One type at a time. A frame is used as exactly one of: L1 page table,
 *    L2 page directory, GDT, LDT, or writable memory. It can change type
 *    only when no reference of its current type is left (typeCount = 0).
 *    Mapping a frame with a writable PTE takes a *writable* reference; using
 *    it as a page table takes an *L1* or *L2* reference. So a frame in use as
 *    a page table can never be mapped writable, and a frame mapped writable
 *    can never become a page table: guests read their page tables freely but
 *    change them only through validated hypercalls. Read-only mappings take
 *    only a plain reference and are always allowed for owned frames.
 *
 * 3. Validation on first use. When a frame takes the L1 or L2 type, every
 *    present entry is checked and takes its own reference (recursively: a
 *    PDE takes an L1 reference on the table it points to). An L1 entry may
 *    not set the global bit; an L2 entry may not map a 4 MiB page. A PDE may
 *    point at its own directory only read-only (the linear page-table
 *    trick). The 16 PDEs covering the hypervisor hole (0xFC000000 and up)
 *    belong to the hypervisor: validation writes them, updates may not.
 *    The type is set *before* the entries are checked, so a table that tries
 *    to map itself writable fails.
 *
 * 4. Updates. A single-entry update to a validated table takes references
 *    for the new entry before dropping those of the old one (only when the
 *    frame, present or writable bit changed). Updates to frames that are not
 *    page tables are ordinary writes, allowed if the frame could be writable.
 *
 * 5. Release. When the last typed reference goes (an unpin, a CR3 switch
 *    away, a PDE cleared), the table's entries drop their references.
 *    Pinning keeps one typed reference so switching CR3 back is cheap.
 *
 * Every refusal returns false with the reason in `lastError`, leaving all
 * counts as they were; the caller decides whether that kills the domain.
 */
import { FrameOwner, FrameTable, FrameType, type FrameTypeValue } from "./frame-table";

/** What this module needs from machine memory. */
export interface FrameMemory {
  read32(address: number): number;
  write32(address: number, value: number): void;
}

const PTE_PRESENT = 0x001;
const PTE_WRITABLE = 0x002;
const PDE_LARGE = 0x080;
const PTE_GLOBAL = 0x100;
/** PTE bits whose change requires new references. */
const REFERENCE_BITS = 0xfffff000 | PTE_PRESENT | PTE_WRITABLE;

/** First page-directory slot of the hypervisor hole (0xFC000000 >> 22). */
export const FIRST_HOLE_SLOT = 1008;

/** Checks GDT/LDT frames (descriptor rules live elsewhere). */
export type DescriptorFrameValidator = (frame: number, domain: number, kind: "gdt" | "ldt") => string | null;

export class PageTypes {
  /** Why the last refused operation was refused. */
  lastError = "";
  /** The PDE values for slots FIRST_HOLE_SLOT..1023, written into every validated directory. */
  readonly holeEntries = new Int32Array(1024 - FIRST_HOLE_SLOT);
  descriptorValidator: DescriptorFrameValidator = () => null;
  /** The hole entries for a domain's directories (the shared ones unless a per-domain area differs). */
  holeEntriesFor: (domain: number) => Int32Array = () => this.holeEntries;

  constructor(
    readonly frames: FrameTable,
    private readonly memory: FrameMemory,
  ) {}

  private refuse(reason: string): false {
    this.lastError = reason;
    return false;
  }

  // ---------------------------------------------------------------------------
  // plain references
  // ---------------------------------------------------------------------------

  /** A reference to a frame the domain owns (rule 1). */
  getPage(frame: number, domain: number): boolean {
    const table = this.frames;
    if (!table.isValidFrame(frame)) return this.refuse(`frame 0x${frame.toString(16)} does not exist`);
    const owner = table.owner[frame];
    if (owner !== domain) {
      const whose = owner === FrameOwner.FREE ? "free" : owner === FrameOwner.HYPERVISOR ? "the hypervisor's" : `domain ${owner}'s`;
      return this.refuse(`frame 0x${frame.toString(16)} is ${whose}, not domain ${domain}'s`);
    }
    table.totalCount[frame]++;
    return true;
  }

  putPage(frame: number): void {
    if (this.frames.totalCount[frame] === 0) throw new Error(`reference count underflow on frame 0x${frame.toString(16)}`);
    this.frames.totalCount[frame]--;
  }

  // ---------------------------------------------------------------------------
  // typed references (rules 2, 3, 5)
  // ---------------------------------------------------------------------------

  getPageType(frame: number, domain: number, type: FrameTypeValue): boolean {
    if (!this.getPage(frame, domain)) return false;
    const table = this.frames;
    if (table.typeCount[frame] === 0) {
      // A new use: the contents are checked now, since they may have changed while untyped.
      table.type[frame] = type;
      table.typeCount[frame] = 1;
      const problem = this.validate(frame, domain, type);
      if (problem !== null) {
        table.type[frame] = FrameType.None;
        table.typeCount[frame] = 0;
        this.putPage(frame);
        return this.refuse(problem);
      }
      return true;
    }
    if (table.type[frame] !== type) {
      this.putPage(frame);
      return this.refuse(`frame 0x${frame.toString(16)} is in use as ${typeName(table.type[frame])}, not ${typeName(type)}`);
    }
    table.typeCount[frame]++;
    return true;
  }

  putPageType(frame: number): void {
    const table = this.frames;
    if (table.typeCount[frame] === 0) throw new Error(`type count underflow on frame 0x${frame.toString(16)}`);
    if (--table.typeCount[frame] === 0) {
      const type = table.type[frame];
      if (type === FrameType.L1) this.releaseL1(frame);
      else if (type === FrameType.L2) this.releaseL2(frame);
      table.type[frame] = FrameType.None;
    }
    this.putPage(frame);
  }

  /** Validates a frame's contents for a new use; returns the reason it is unfit, or null. */
  private validate(frame: number, domain: number, type: FrameTypeValue): string | null {
    switch (type) {
      case FrameType.L1:
        return this.validateL1(frame, domain);
      case FrameType.L2:
        return this.validateL2(frame, domain);
      case FrameType.Gdt:
        return this.descriptorValidator(frame, domain, "gdt");
      case FrameType.Ldt:
        return this.descriptorValidator(frame, domain, "ldt");
      default:
        return null;
    }
  }

  // ---------------------------------------------------------------------------
  // entries
  // ---------------------------------------------------------------------------

  /** Takes the references a PTE needs. */
  getL1Entry(pte: number, domain: number): boolean {
    if ((pte & PTE_PRESENT) === 0) return true;
    if ((pte & PTE_GLOBAL) !== 0) return this.refuse(`PTE 0x${(pte >>> 0).toString(16)} sets the global bit`);
    const frame = pte >>> 12;
    if ((pte & PTE_WRITABLE) !== 0) return this.getPageType(frame, domain, FrameType.Writable);
    return this.getPage(frame, domain);
  }

  putL1Entry(pte: number): void {
    if ((pte & PTE_PRESENT) === 0) return;
    const frame = pte >>> 12;
    if ((pte & PTE_WRITABLE) !== 0) this.putPageType(frame);
    else this.putPage(frame);
  }

  /** Takes the references a PDE of directory `self` needs. */
  getL2Entry(pde: number, domain: number, self: number): boolean {
    if ((pde & PTE_PRESENT) === 0) return true;
    if ((pde & (PDE_LARGE | PTE_GLOBAL)) !== 0) return this.refuse(`PDE 0x${(pde >>> 0).toString(16)} maps a 4 MiB or global page`);
    const frame = pde >>> 12;
    if (frame === self) {
      if ((pde & PTE_WRITABLE) !== 0) return this.refuse("a directory may map itself only read-only");
      return this.getPage(frame, domain);
    }
    return this.getPageType(frame, domain, FrameType.L1);
  }

  putL2Entry(pde: number, self: number): void {
    if ((pde & PTE_PRESENT) === 0) return;
    const frame = pde >>> 12;
    if (frame === self) this.putPage(frame);
    else this.putPageType(frame);
  }

  private validateL1(frame: number, domain: number): string | null {
    const base = frame * 4096;
    for (let slot = 0; slot < 1024; slot++) {
      const pte = this.memory.read32(base + slot * 4);
      if (!this.getL1Entry(pte, domain)) {
        const reason = `L1 0x${frame.toString(16)} entry ${slot}: ${this.lastError}`;
        for (let undo = 0; undo < slot; undo++) this.putL1Entry(this.memory.read32(base + undo * 4));
        return reason;
      }
    }
    return null;
  }

  private validateL2(frame: number, domain: number): string | null {
    const base = frame * 4096;
    for (let slot = 0; slot < FIRST_HOLE_SLOT; slot++) {
      const pde = this.memory.read32(base + slot * 4);
      if (!this.getL2Entry(pde, domain, frame)) {
        const reason = `L2 0x${frame.toString(16)} entry ${slot}: ${this.lastError}`;
        for (let undo = 0; undo < slot; undo++) this.putL2Entry(this.memory.read32(base + undo * 4), frame);
        return reason;
      }
    }
    const hole = this.holeEntriesFor(domain);
    for (let slot = FIRST_HOLE_SLOT; slot < 1024; slot++) {
      this.memory.write32(base + slot * 4, hole[slot - FIRST_HOLE_SLOT]);
    }
    return null;
  }

  private releaseL1(frame: number): void {
    const base = frame * 4096;
    for (let slot = 0; slot < 1024; slot++) this.putL1Entry(this.memory.read32(base + slot * 4));
  }

  private releaseL2(frame: number): void {
    const base = frame * 4096;
    for (let slot = 0; slot < FIRST_HOLE_SLOT; slot++) this.putL2Entry(this.memory.read32(base + slot * 4), frame);
  }

  // ---------------------------------------------------------------------------
  // single-entry updates (rule 4)
  // ---------------------------------------------------------------------------

  /**
   * The checked update of one entry at machine address `address` on behalf
   * of `domain`: page-table frames are updated with references moved from
   * the old to the new entry; other frames are written as ordinary memory if
   * they could be mapped writable.
   */
  updateEntry(address: number, value: number, domain: number): boolean {
    address >>>= 0;
    if ((address & 3) !== 0) return this.refuse(`update address 0x${address.toString(16)} is not 4-byte aligned`);
    const frame = address >>> 12;
    const table = this.frames;
    if (!table.isValidFrame(frame) || table.owner[frame] !== domain) {
      return this.refuse(`frame 0x${frame.toString(16)} of the update is not domain ${domain}'s`);
    }
    const type = table.typeCount[frame] === 0 ? FrameType.None : table.type[frame];
    if (type === FrameType.L1) return this.updateL1(address, value | 0, domain);
    if (type === FrameType.L2) return this.updateL2(address, frame, value | 0, domain);
    if (type === FrameType.Gdt || type === FrameType.Ldt) return this.refuse(`frame 0x${frame.toString(16)} is a descriptor table`);
    if (!this.getPageType(frame, domain, FrameType.Writable)) return false;
    this.memory.write32(address, value);
    this.putPageType(frame);
    return true;
  }

  private updateL1(address: number, value: number, domain: number): boolean {
    const old = this.memory.read32(address);
    if (((old ^ value) & REFERENCE_BITS) === 0 && ((old ^ value) & PTE_GLOBAL) === 0) {
      this.memory.write32(address, value);
      return true;
    }
    if (!this.getL1Entry(value, domain)) return false;
    this.memory.write32(address, value);
    this.putL1Entry(old);
    return true;
  }

  private updateL2(address: number, frame: number, value: number, domain: number): boolean {
    const slot = (address & 0xfff) >>> 2;
    if (slot >= FIRST_HOLE_SLOT) return this.refuse(`PDE slot ${slot} belongs to the hypervisor`);
    const old = this.memory.read32(address);
    if (((old ^ value) & (REFERENCE_BITS | PDE_LARGE | PTE_GLOBAL)) === 0) {
      this.memory.write32(address, value);
      return true;
    }
    if (!this.getL2Entry(value, domain, frame)) return false;
    this.memory.write32(address, value);
    this.putL2Entry(old, frame);
    return true;
  }

  // ---------------------------------------------------------------------------
  // pinning
  // ---------------------------------------------------------------------------

  pin(frame: number, domain: number, type: typeof FrameType.L1 | typeof FrameType.L2): boolean {
    if (!this.frames.isValidFrame(frame)) return this.refuse(`frame 0x${frame.toString(16)} does not exist`);
    if (this.frames.pinned[frame] !== 0) return this.refuse(`frame 0x${frame.toString(16)} is already pinned`);
    if (!this.getPageType(frame, domain, type)) return false;
    this.frames.pinned[frame] = 1;
    return true;
  }

  unpin(frame: number, domain: number): boolean {
    const table = this.frames;
    if (!table.isValidFrame(frame) || table.owner[frame] !== domain) return this.refuse(`frame 0x${frame.toString(16)} is not domain ${domain}'s`);
    if (table.pinned[frame] === 0) return this.refuse(`frame 0x${frame.toString(16)} is not pinned`);
    table.pinned[frame] = 0;
    this.putPageType(frame);
    return true;
  }
}

function typeName(type: number): string {
  return ["none", "an L1 page table", "an L2 page directory", "a GDT", "an LDT", "writable memory"][type] ?? `type ${type}`;
}
