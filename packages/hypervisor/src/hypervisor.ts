/**
 * The monitor: owns ring 0 of a `@xeno86/pc` machine and runs domains on it.
 *
 * Ring 0 is this TypeScript code. The CPU runs guest code (kernels in ring
 * 1, their programs in ring 3) until something needs the monitor; every
 * vector except a domain's fast trap is in the CPU's intercept bitmap, so a
 * hypercall, a fault, or an `int n` comes back here as an exit. The monitor
 * handles it (validate, update, bounce a frame onto the guest's ring-1
 * stack), delivers pending events on the way back, and resumes the guest.
 * Time slices come from the BVT scheduler; time is the machine's virtual
 * clock, so runs are deterministic.
 */
import { Exit, type Cpu, writeCr0, writeCr3 } from "@xeno86/cpu-x86";
import { Machine } from "@xeno86/pc";
import type { PhysicalMemory } from "@xeno86/mmu";
import { EVENTS_MASTER_ENABLE, Event, SharedInfo } from "./abi";
import { DomainDescriptorTables } from "./cpu-state/descriptor-tables";
import { Domain } from "./domain/domain";
import { EventChannels } from "./events/event-channels";
import { FrameAllocator } from "./memory/frame-allocator";
import { FrameOwner, FrameTable } from "./memory/frame-table";
import { GuestMemory } from "./memory/guest-memory";
import { FIRST_HOLE_SLOT, PageTypes } from "./memory/page-types";
import { BvtScheduler, type BvtParameters } from "./scheduler/bvt";
import { checkDescriptorFrame } from "./cpu-state/descriptor-frames";
import { handleIntercept } from "./traps/exit-handler";
import { reloadDataSegments } from "./traps/failsafe";
import { deliverPendingEvents } from "./events/delivery";
import { updateSystemTime } from "./time/system-time";
import {
  GDT_VIRT,
  GLOBAL_SLOT,
  HYPERVISOR_PDE,
  HYPERVISOR_PTE_RO,
  HYPERVISOR_PTE_RW,
  IDT_VIRT,
  LDT_SELECTOR,
  LDT_VIRT,
  M2P_SLOT,
  PER_DOMAIN_SLOT,
  TSS_SELECTOR,
  DEFAULT_GDT_ENTRIES,
} from "./layout";

export interface HypervisorOptions {
  /** Machine RAM in MiB (default 256). */
  memoryMiB?: number;
  /** Compile hot guest code to JavaScript (default true). */
  jit?: boolean;
  /** Each complete console line a domain prints (already without its newline). */
  onConsole?: (domain: Domain, line: string) => void;
  /** Why domains die, and other notices. */
  log?: (message: string) => void;
  /** Wall-clock time at system time 0 (default a fixed date: runs are deterministic). */
  startTime?: Date | number;
  /** The periodic EVENT_TIMER interval, ns (default 10 ms). */
  tickNs?: number;
  /** Ties virtual time to the host's clock (interactive use). */
  hostNowMs?: () => number;
}

export type HypervisorStopReason = "timeout" | "idle" | "no-domains" | "stopped";

export interface HypervisorStop {
  reason: HypervisorStopReason;
  timeNs: number;
}

export interface CreateDomainOptions {
  name: string;
  memoryKiB: number;
  privileged?: boolean;
  ownsConsole?: boolean;
  scheduling?: Partial<BvtParameters>;
}

/** Frames below 1 MiB stay unused, as on a PC (room for firmware and DMA buffers later). */
const FIRST_ALLOCATABLE_FRAME = 256;
const CONSOLE_HISTORY_LINES = 200;
const DEFAULT_START_TIME = Date.UTC(2004, 0, 30);

export class Hypervisor {
  readonly machine: Machine;
  readonly cpu: Cpu;
  readonly memory: PhysicalMemory;
  readonly frames: FrameTable;
  readonly allocator: FrameAllocator;
  readonly pageTypes: PageTypes;
  readonly guestMemory: GuestMemory;
  readonly scheduler = new BvtScheduler();
  readonly channels: EventChannels;
  readonly domains = new Map<number, Domain>();
  /** The domain whose state is in the CPU, or null. */
  current: Domain | null = null;
  /** The domain whose FPU state is in the CPU's FPU, or null. */
  fpuOwner: Domain | null = null;
  readonly tickNs: number;
  /** Wall-clock time (ms since 1970) at system time 0; SETTIME moves it. */
  startTimeMs: number;
  readonly tssFrame: number;
  readonly m2pFrames: number[] = [];
  private readonly onConsole: (domain: Domain, line: string) => void;
  readonly log: (message: string) => void;
  /** Domain 0 is the control tools on the host (`DomainControl`); guests count from 1. */
  private nextDomainId = 1;
  private nextTick = 0;
  private stopRequested = false;
  /** Scratch for descriptor reads on the exit paths (no allocation per exit). */
  readonly descriptorScratch = new Int32Array(2);
  /** Set by exit handlers when the running domain should give up the CPU now. */
  rescheduleRequested = false;

  constructor(options: HypervisorOptions = {}) {
    this.machine = new Machine({ memoryMiB: options.memoryMiB ?? 256, jit: options.jit, hostNowMs: options.hostNowMs });
    this.cpu = this.machine.cpu;
    this.memory = this.machine.memory;
    this.frames = new FrameTable(this.memory.ramBytes >>> 12);
    for (let frame = 0; frame < FIRST_ALLOCATABLE_FRAME; frame++) this.frames.owner[frame] = FrameOwner.HYPERVISOR;
    this.allocator = new FrameAllocator(this.frames, FIRST_ALLOCATABLE_FRAME);
    this.pageTypes = new PageTypes(this.frames, this.memory);
    // set_gdt checks GDT frames itself (it knows which entries are reserved); LDT pages are checked whole.
    this.pageTypes.descriptorValidator = (frame, _domain, kind) => (kind === "ldt" ? checkDescriptorFrame(this.memory, frame, -1) : null);
    this.pageTypes.holeEntriesFor = (domainId) => this.holeEntriesOf(domainId);
    this.guestMemory = new GuestMemory(this.machine.mmu, this.memory);
    this.channels = new EventChannels({
      tableOf: (id) => {
        const domain = this.domains.get(id);
        return domain !== undefined && domain.alive ? domain.events : null;
      },
      notifyPending: (id, port) => this.setChannelBit(id, port, SharedInfo.event_channel_pend, SharedInfo.event_channel_pend_sel),
      notifyDisconnected: (id, port) => this.setChannelBit(id, port, SharedInfo.event_channel_disc, SharedInfo.event_channel_disc_sel),
    });
    this.onConsole = options.onConsole ?? (() => {});
    this.log = options.log ?? (() => {});
    this.tickNs = options.tickNs ?? 10_000_000;
    const start = options.startTime ?? DEFAULT_START_TIME;
    this.startTimeMs = typeof start === "number" ? start : start.getTime();
    this.tssFrame = this.allocateHypervisorFrame();
    this.buildHole();
    this.prepareCpu();
  }

  // ---------------------------------------------------------------------------
  // the hole and the CPU's fixed state
  // ---------------------------------------------------------------------------

  private allocateHypervisorFrame(): number {
    const frame = this.allocator.allocate(FrameOwner.HYPERVISOR);
    if (frame < 0) throw new Error("not enough machine memory for the hypervisor");
    this.zeroFrame(frame);
    return frame;
  }

  private readonly zeroPage = new Uint8Array(4096);

  /** Clears a frame through the memory's write path (so cached code of the page is dropped). */
  zeroFrame(frame: number): void {
    this.memory.writeBytes(frame * 4096, this.zeroPage);
  }

  /** The read-only machine-to-physical table and the global area, shared by every directory. */
  private buildHole(): void {
    const entries = this.pageTypes.holeEntries;
    const m2pBytes = this.frames.frames * 4;
    const m2pL1 = this.allocateHypervisorFrame();
    for (let page = 0; page * 4096 < m2pBytes; page++) {
      const frame = this.allocateHypervisorFrame();
      this.memory.writeBytes(frame * 4096, new Uint8Array(4096).fill(0xff));
      this.m2pFrames.push(frame);
      this.memory.write32(m2pL1 * 4096 + page * 4, (frame << 12) | HYPERVISOR_PTE_RO);
    }
    entries[M2P_SLOT - FIRST_HOLE_SLOT] = (m2pL1 << 12) | HYPERVISOR_PDE;
    const globalL1 = this.allocateHypervisorFrame();
    this.memory.write32(globalL1 * 4096, (this.tssFrame << 12) | HYPERVISOR_PTE_RW);
    entries[GLOBAL_SLOT - FIRST_HOLE_SLOT] = (globalL1 << 12) | HYPERVISOR_PDE;
  }

  /** The hole entries for one domain's directories: the shared ones plus its per-domain area. */
  private holeEntriesOf(domainId: number): Int32Array {
    const entries = this.pageTypes.holeEntries.slice();
    const domain = this.domains.get(domainId);
    if (domain !== undefined && domain.perDomainL1 >= 0) {
      entries[PER_DOMAIN_SLOT - FIRST_HOLE_SLOT] = (domain.perDomainL1 << 12) | HYPERVISOR_PDE;
    }
    return entries;
  }

  /** Writes M2P[machineFrame] = pseudo-physical frame. */
  setMachineToPhys(machineFrame: number, physFrame: number): void {
    const index = machineFrame * 4;
    this.memory.write32(this.m2pFrames[index >>> 12] * 4096 + (index & 0xfff), physFrame);
  }

  private prepareCpu(): void {
    const cpu = this.cpu;
    cpu.intercept.fill(0xffffffff);
    // Guests get virtual interrupts (events), never the board's: mask every PIC line.
    this.machine.bus.out8(0x21, 0xff);
    this.machine.bus.out8(0xa1, 0xff);
    cpu.setInterruptLine(false);
    cpu.interceptExternal = true;
    cpu.gdtBase = GDT_VIRT | 0;
    cpu.idtBase = IDT_VIRT | 0;
    cpu.idtLimit = 256 * 8 - 1;
    cpu.trSelector = TSS_SELECTOR;
    cpu.trBase = 0xfc800000 | 0;
    cpu.trLimit = 0x67;
    cpu.trType = 0xb;
    // The TSS: no ring-0 entry ever happens (every vector is intercepted); ring 1's stack is per domain.
    // The I/O map base lies past the TSS limit: no port is open to rings above IOPL.
    this.memory.write16(this.tssFrame * 4096 + 102, 0xffff);
  }

  // ---------------------------------------------------------------------------
  // domains
  // ---------------------------------------------------------------------------

  /** A new, empty domain with its per-domain area (the builder gives it memory and a kernel). */
  createDomain(options: CreateDomainOptions): Domain {
    const pages = Math.floor(options.memoryKiB / 4);
    if (!Number.isInteger(options.memoryKiB) || pages < 16) throw new RangeError(`a domain needs at least 64 KiB of memory, not ${options.memoryKiB} KiB`);
    if (this.nextDomainId > 0x7fff) throw new RangeError("too many domains");
    const id = this.nextDomainId++;
    const domain = new Domain(id, options.name, {
      maxPages: pages,
      privileged: options.privileged,
      ownsConsole: options.ownsConsole,
      scheduling: options.scheduling,
    });
    const perDomainL1 = this.allocator.allocate(FrameOwner.HYPERVISOR);
    const idtFrame = this.allocator.allocate(FrameOwner.HYPERVISOR);
    const gdtFrame = this.allocator.allocate(FrameOwner.HYPERVISOR);
    if (perDomainL1 < 0 || idtFrame < 0 || gdtFrame < 0) {
      for (const frame of [perDomainL1, idtFrame, gdtFrame]) if (frame >= 0) this.allocator.release(frame);
      throw new RangeError("not enough machine memory for another domain");
    }
    this.zeroFrame(perDomainL1);
    domain.perDomainL1 = perDomainL1;
    domain.tables = new DomainDescriptorTables(this.memory, idtFrame, [gdtFrame]);
    this.mapPerDomainFrame(domain, (IDT_VIRT - GDT_VIRT) >>> 12, idtFrame);
    this.mapPerDomainFrame(domain, 0, gdtFrame);
    domain.tables.initializeGdt();
    domain.tables.initializeIdt();
    domain.gdtEntries = DEFAULT_GDT_ENTRIES;
    this.domains.set(id, domain);
    this.scheduler.add(domain.bvt);
    return domain;
  }

  /** Maps a hypervisor frame at page `index` of the domain's per-domain area. */
  mapPerDomainFrame(domain: Domain, index: number, frame: number): void {
    this.memory.write32(domain.perDomainL1 * 4096 + index * 4, (frame << 12) | HYPERVISOR_PTE_RW);
    if (this.current === domain) this.machine.mmu.flushAll();
  }

  /** Makes sure the GDT shadow has pages for `entries` descriptors; false when memory ran out. */
  growGdtShadow(domain: Domain, entries: number): boolean {
    const tables = domain.tables!;
    const needed = DomainDescriptorTables.gdtPagesFor(entries);
    while (tables.gdtFrames.length < needed) {
      const frame = this.allocator.allocate(FrameOwner.HYPERVISOR);
      if (frame < 0) return false;
      this.zeroFrame(frame);
      this.mapPerDomainFrame(domain, tables.gdtFrames.length, frame);
      tables.gdtFrames.push(frame);
    }
    return true;
  }

  /** Makes sure the LDT shadow has pages for `entries` descriptors. */
  growLdtShadow(domain: Domain, entries: number): boolean {
    const tables = domain.tables!;
    const needed = Math.ceil(entries / 512);
    const firstPage = (LDT_VIRT - GDT_VIRT) >>> 12;
    while (tables.ldtFrames.length < needed) {
      const frame = this.allocator.allocate(FrameOwner.HYPERVISOR);
      if (frame < 0) return false;
      this.zeroFrame(frame);
      this.mapPerDomainFrame(domain, firstPage + tables.ldtFrames.length, frame);
      tables.ldtFrames.push(frame);
    }
    return true;
  }

  domain(id: number): Domain | undefined {
    return this.domains.get(id);
  }

  /** Marks a built domain runnable. */
  startDomain(domain: Domain): void {
    if (domain.state !== "built" && domain.state !== "paused") throw new Error(`domain ${domain.id} cannot start from state ${domain.state}`);
    domain.state = "running";
    domain.started = true;
    this.scheduler.wake(domain.bvt, this.now());
  }

  pauseDomain(domain: Domain): void {
    if (!domain.alive || domain.state === "paused") return;
    domain.state = "paused";
    this.scheduler.block(domain.bvt, this.now());
    if (this.current === domain) this.rescheduleRequested = true;
  }

  unpauseDomain(domain: Domain): void {
    if (domain.state !== "paused") return;
    domain.state = "running";
    this.scheduler.wake(domain.bvt, this.now());
  }

  /** Ends a domain: closes its channels, frees its memory, keeps its accounts. */
  destroyDomain(domain: Domain, reason: string, killed = false): void {
    if (!domain.alive) return;
    domain.state = "dead";
    domain.deathReason = reason;
    domain.killed = killed;
    this.flushConsoleLine(domain);
    this.log(`domain ${domain.id} (${domain.name}) ${killed ? "killed" : "ended"}: ${reason}`);
    this.scheduler.block(domain.bvt, this.now());
    this.scheduler.remove(domain.bvt);
    this.channels.closeAll(domain.id);
    if (this.current === domain) {
      this.current = null;
      this.rescheduleRequested = true;
    }
    if (this.fpuOwner === domain) this.fpuOwner = null;
    this.releaseMemory(domain);
    // Other domains hear of it as EVENT_DIE? Xen sent DIE to the dying domain itself; nothing to others.
  }

  /** Undoes a creation that could not be completed: the domain's memory is freed and it leaves the list. */
  discardDomain(domain: Domain, reason: string): void {
    this.destroyDomain(domain, reason);
    this.domains.delete(domain.id);
  }

  /** Kills a domain that broke a rule; every other domain keeps running. */
  killDomain(domain: Domain, reason: string): void {
    this.destroyDomain(domain, reason, true);
  }

  private releaseMemory(domain: Domain): void {
    // Every reference to a domain's frame comes from the domain itself (the
    // validator refuses foreign mappings), so once it is gone all its frames are free.
    for (let frame = 0; frame < this.frames.frames; frame++) {
      if (this.frames.owner[frame] === domain.id) {
        this.setMachineToPhys(frame, -1);
        this.allocator.release(frame);
      }
    }
    const tables = domain.tables;
    if (tables !== null) {
      for (const frame of [domain.perDomainL1, tables.idtFrame, ...tables.gdtFrames, ...tables.ldtFrames]) this.allocator.release(frame);
    }
    domain.physToMachine = [];
    domain.sharedInfoFrame = -1;
    domain.tables = null;
    domain.perDomainL1 = -1;
    this.machine.mmu.flushAll();
  }

  // ---------------------------------------------------------------------------
  // console
  // ---------------------------------------------------------------------------

  consoleOutput(domain: Domain, text: string): void {
    for (const char of text) {
      if (char === "\n") this.flushConsoleLine(domain);
      else if (char !== "\r") domain.consoleLine += char;
    }
  }

  private flushConsoleLine(domain: Domain): void {
    if (domain.consoleLine === "") return;
    const line = domain.consoleLine;
    domain.consoleLine = "";
    domain.consoleHistory.push(line);
    if (domain.consoleHistory.length > CONSOLE_HISTORY_LINES) domain.consoleHistory.shift();
    this.onConsole(domain, line);
  }

  // ---------------------------------------------------------------------------
  // events
  // ---------------------------------------------------------------------------

  sharedInfoAddress(domain: Domain): number {
    return domain.sharedInfoFrame * 4096;
  }

  /** Sets an event bit in a domain's shared_info and wakes it if it was blocked waiting for it. */
  raiseEvent(domain: Domain, bit: number): void {
    if (!domain.alive || domain.sharedInfoFrame < 0) return;
    const base = this.sharedInfoAddress(domain);
    this.memory.write32(base + SharedInfo.events, this.memory.read32(base + SharedInfo.events) | (1 << bit));
    domain.accounts.events++;
    // A blocked domain wakes for the events it enabled (the master enable does not matter: it may block with it off).
    if ((this.memory.read32(base + SharedInfo.events_mask) & (1 << bit)) !== 0) this.wakeDomain(domain);
  }

  private setChannelBit(id: number, port: number, bitsOffset: number, selectorOffset: number): void {
    const domain = this.domains.get(id);
    if (domain === undefined || !domain.alive || domain.sharedInfoFrame < 0) return;
    const base = this.sharedInfoAddress(domain);
    const word = base + bitsOffset + (port >>> 5) * 4;
    this.memory.write32(word, this.memory.read32(word) | (1 << (port & 31)));
    const selector = base + selectorOffset;
    this.memory.write32(selector, this.memory.read32(selector) | (1 << (port >>> 5)));
    this.raiseEvent(domain, Event.EVTCHN);
  }

  wakeDomain(domain: Domain): void {
    if (domain.state !== "blocked") return;
    domain.state = "running";
    this.scheduler.wake(domain.bvt, this.now());
    if (this.current !== null && this.current !== domain) this.rescheduleRequested = true;
  }

  /** sched_op block: sleeps until an event is raised, unless one is already pending. */
  blockDomain(domain: Domain): void {
    const base = this.sharedInfoAddress(domain);
    const pending = this.memory.read32(base + SharedInfo.events) & this.memory.read32(base + SharedInfo.events_mask) & ~EVENTS_MASTER_ENABLE;
    if (pending !== 0) return;
    domain.state = "blocked";
    this.scheduler.block(domain.bvt, this.now());
    this.rescheduleRequested = true;
  }

  // ---------------------------------------------------------------------------
  // time
  // ---------------------------------------------------------------------------

  now(): number {
    return this.machine.clock.now();
  }

  /** Raises EVENT_TIMER for the periodic tick and for one-shot alarms that have passed. */
  private fireTimers(now: number): void {
    if (now >= this.nextTick) {
      this.nextTick = (Math.floor(now / this.tickNs) + 1) * this.tickNs;
      for (const domain of this.domains.values()) {
        if (domain.state === "running" || domain.state === "blocked") {
          updateSystemTime(this, domain);
          this.raiseEvent(domain, Event.TIMER);
        }
      }
    }
    for (const domain of this.domains.values()) {
      if (domain.timerDeadline !== 0 && now >= domain.timerDeadline && domain.alive) {
        domain.timerDeadline = 0;
        updateSystemTime(this, domain);
        this.raiseEvent(domain, Event.TIMER);
      }
    }
  }

  private nextTimerEvent(): number {
    let next = this.nextTick;
    for (const domain of this.domains.values()) {
      if (domain.timerDeadline !== 0 && domain.alive && domain.timerDeadline < next) next = domain.timerDeadline;
    }
    return next;
  }

  /** Skips idle virtual time (no domain runnable); the TSC moves with it. */
  private idleUntil(t: number): void {
    const clock = this.machine.clock;
    const before = clock.now();
    if (t <= before) return;
    clock.advanceTo(t);
    this.cpu.tscOffset += ((clock.now() - before) * this.cpu.tscPerInstruction) / clock.nsPerInstruction;
  }

  // ---------------------------------------------------------------------------
  // context switches
  // ---------------------------------------------------------------------------

  /** Puts `domain`'s state into the CPU (saving the previous domain's). */
  switchTo(domain: Domain): void {
    const cpu = this.cpu;
    if (this.current === domain) return;
    if (this.current !== null) this.current.context.save(cpu);
    domain.accounts.contextSwitches++;
    if ((cpu.cr0 & 0x80000000) === 0) writeCr0(cpu, CR0_GUEST);
    writeCr3(cpu, domain.pageDirectory);
    this.loadDescriptorTableRegisters(domain);
    this.writeRing1Stack(domain);
    this.applyFastTrapIntercept(domain);
    this.current = domain;
    this.applyTaskSwitched(domain);
    domain.context.load(cpu);
    updateSystemTime(this, domain);
    reloadDataSegments(this, domain);
  }

  /**
   * Nobody is runnable: the CPU idles, as Xen's idle task did. The last
   * domain's state is saved, so waking it is a full switch back (its data
   * segments are reloaded, which is when a stale one reaches the failsafe
   * callback).
   */
  private switchToIdle(): void {
    if (this.current === null) return;
    this.current.context.save(this.cpu);
    this.current = null;
  }

  loadDescriptorTableRegisters(domain: Domain): void {
    const cpu = this.cpu;
    cpu.gdtLimit = domain.gdtEntries * 8 - 1;
    if (domain.ldtEntries > 0) {
      cpu.ldtSelector = LDT_SELECTOR;
      cpu.ldtBase = LDT_VIRT | 0;
      cpu.ldtLimit = domain.ldtEntries * 8 - 1;
    } else {
      cpu.ldtSelector = 0;
      cpu.ldtBase = 0;
      cpu.ldtLimit = 0;
    }
  }

  /** The TSS's SS1:ESP1, used by the CPU for the fast trap from ring 3. */
  writeRing1Stack(domain: Domain): void {
    const tss = this.tssFrame * 4096;
    this.memory.write32(tss + 12, domain.ring1Esp);
    this.memory.write32(tss + 16, domain.ring1Ss);
  }

  applyFastTrapIntercept(domain: Domain): void {
    const cpu = this.cpu;
    cpu.intercept.fill(0xffffffff);
    if (domain.fastTrapVector !== 0) cpu.setIntercept(domain.fastTrapVector, false);
  }

  /** CR0.TS is set unless this domain's FPU state is loaded and it has not asked for TS itself. */
  applyTaskSwitched(domain: Domain): void {
    const cpu = this.cpu;
    const ts = this.fpuOwner !== domain || domain.virtualTs;
    cpu.cr0 = ts ? cpu.cr0 | CR0_TS : cpu.cr0 & ~CR0_TS;
  }

  // ---------------------------------------------------------------------------
  // the run loop
  // ---------------------------------------------------------------------------

  stop(): void {
    this.stopRequested = true;
    this.cpu.requestStop();
  }

  /**
   * Runs domains until `timeoutNs` of virtual time pass, every domain is
   * dead or blocked for good, or `stop()` is called.
   */
  run(timeoutNs = Number.POSITIVE_INFINITY): HypervisorStop {
    const end = this.now() + timeoutNs;
    this.stopRequested = false;
    for (;;) {
      if (this.stopRequested) return this.stopped("stopped");
      let now = this.now();
      if (now >= end) return this.stopped("timeout");
      this.fireTimers(now);
      this.scheduler.normalize();
      const decision = this.scheduler.schedule();
      if (decision.next === null) {
        if (![...this.domains.values()].some((d) => d.state === "running" || d.state === "blocked")) {
          return this.stopped([...this.domains.values()].some((d) => d.alive) ? "idle" : "no-domains");
        }
        this.switchToIdle();
        this.idleUntil(Math.min(this.nextTimerEvent(), end));
        continue;
      }
      const domain = this.domains.get(decision.next.id)!;
      this.switchTo(domain);
      const sliceStart = now;
      const sliceEnd = Math.min(now + decision.slice, end);
      this.rescheduleRequested = false;
      while (domain.state === "running" && !this.rescheduleRequested && !this.stopRequested) {
        deliverPendingEvents(this, domain);
        if (domain.state !== "running") break;
        now = this.now();
        const until = Math.min(sliceEnd, this.nextTimerEvent());
        if (now >= until) break;
        const exit = this.cpu.run(Math.max(1, this.machine.clock.instructionsUntil(until)));
        this.handleExit(domain, exit);
      }
      this.scheduler.charge(domain.bvt, this.now() - sliceStart, this.now());
    }
  }

  private handleExit(domain: Domain, exit: number): void {
    switch (exit) {
      case Exit.Budget:
      case Exit.Stopped:
        return;
      case Exit.Intercept:
        handleIntercept(this, domain);
        return;
      case Exit.TripleFault:
        this.killDomain(domain, `triple fault at ${hex(this.cpu.exitInfo.cs)}:${hex(this.cpu.exitInfo.eip)}`);
        return;
      case Exit.Halt:
        // HLT is privileged in ring 1 (it raises #GP, which is intercepted); a halt here means the CPU idled.
        this.blockDomain(domain);
        return;
      default:
        this.killDomain(domain, `unexpected CPU exit ${exit}`);
    }
  }

  /** SETTIME: the wall clock reads `seconds`.`microseconds` at system time `systemTimeNs`. */
  setWallClock(seconds: number, microseconds: number, systemTimeNs: number): void {
    this.startTimeMs = seconds * 1000 + microseconds / 1000 - systemTimeNs / 1e6;
    for (const domain of this.domains.values()) if (domain.alive) updateSystemTime(this, domain);
  }

  /** Recent console lines of every domain, prefixed as `xeno86 run` prints them. */
  consoleText(): string {
    const lines: string[] = [];
    for (const domain of this.domains.values()) for (const line of domain.consoleHistory) lines.push(`DOM${domain.id}: ${line}\n`);
    return lines.join("");
  }

  private stopped(reason: HypervisorStopReason): HypervisorStop {
    for (const domain of this.domains.values()) this.flushConsoleLine(domain);
    return { reason, timeNs: this.now() };
  }
}

const CR0_TS = 0x8;
/** PE, MP, ET, NE, WP, PG: paging with supervisor write protection, native FPU errors. */
const CR0_GUEST = (0x1 | 0x2 | 0x10 | 0x20 | 0x10000 | 0x80000000) | 0;

export function hex(value: number): string {
  return `0x${(value >>> 0).toString(16)}`;
}
