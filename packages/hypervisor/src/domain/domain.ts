/**
 * Everything the hypervisor knows about one domain: its memory, its saved
 * CPU state, what it registered (trap table, callbacks, stacks, descriptor
 * tables), its events and timers, its scheduling entity and its accounts.
 */
import type { X87State } from "@xeno86/cpu-x86";
import { GuestContext } from "../cpu-state/guest-context";
import type { DomainDescriptorTables } from "../cpu-state/descriptor-tables";
import { BvtEntity, type BvtParameters } from "../scheduler/bvt";
import { EventChannelTable } from "../events/event-channels";

export type DomainState =
  | "created" // exists, not built yet
  | "built" // memory and start of day ready, not started
  | "running" // runnable or running
  | "blocked" // waiting for an event (sched_op block)
  | "paused" // stopped by the control tools or by itself (sched_op stop)
  | "dead"; // exited, destroyed or killed; only accounting remains

export interface DomainAccounts {
  hypercalls: number;
  events: number;
  traps: number;
  contextSwitches: number;
}

export class Domain {
  state: DomainState = "created";
  /** Why the domain died (exit, destroy, or the rule it broke). */
  deathReason = "";
  /** True when it was killed for breaking a rule. */
  killed = false;
  readonly privileged: boolean;
  readonly ownsConsole: boolean;
  /** Pseudo-physical to machine frame. */
  physToMachine: number[] = [];
  /** Most frames the domain may hold (balloon limit). */
  maxPages: number;
  sharedInfoFrame = -1;
  /** Frames of the hypervisor's per-domain area: its L1 table and the descriptor tables it maps. */
  perDomainL1 = -1;
  tables: DomainDescriptorTables | null = null;
  /** GDT limit in entries (the default GDT, or the guest's set_gdt count). */
  gdtEntries = 0;
  /** Guest frames typed GDT by set_gdt. */
  gdtGuestFrames: number[] = [];
  ldtBase = 0;
  ldtEntries = 0;
  ldtGuestFrames: number[] = [];

  readonly context = new GuestContext();
  /** Machine address of the current page directory (CR3). */
  pageDirectory = 0;
  started = false;

  /** Trap table: per vector, flags | cs << 16 and the handler address. */
  readonly trapFlagsCs = new Int32Array(256);
  readonly trapAddress = new Int32Array(256);
  eventCallbackCs = 0;
  eventCallbackEip = 0;
  failsafeCs = 0;
  failsafeEip = 0;
  fastTrapVector = 0;
  ring1Ss = 0;
  ring1Esp = 0;
  iopl = 0;

  /** The guest asked for CR0.TS (fpu_taskswitch); cleared when #NM is bounced. */
  virtualTs = false;
  /** The domain's FPU state while another domain owns the FPU (null: never used the FPU). */
  fpuState: X87State | null = null;

  /** One-shot alarm in system time (set_dom_timer), or 0. */
  timerDeadline = 0;

  readonly events = new EventChannelTable();
  readonly bvt: BvtEntity;
  readonly accounts: DomainAccounts = { hypercalls: 0, events: 0, traps: 0, contextSwitches: 0 };
  /** A console line being assembled. */
  consoleLine = "";
  /** Recent console lines (for `console ID` and READCONSOLE). */
  readonly consoleHistory: string[] = [];
  commandLine = "";

  constructor(
    readonly id: number,
    readonly name: string,
    options: { maxPages: number; privileged?: boolean; ownsConsole?: boolean; scheduling?: Partial<BvtParameters> },
  ) {
    this.maxPages = options.maxPages;
    this.privileged = options.privileged ?? false;
    this.ownsConsole = options.ownsConsole ?? false;
    this.bvt = new BvtEntity(id, options.scheduling);
  }

  get alive(): boolean {
    return this.state !== "dead";
  }

  get pages(): number {
    return this.physToMachine.length;
  }
}
