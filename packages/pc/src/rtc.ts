/**
 * The Motorola MC146818 real-time clock and its 128 bytes of CMOS RAM at
 * ports 0x70 (index, bit 7 masks NMI) and 0x71 (data), on IRQ 8.
 *
 * Time: registers 0-9 (seconds, alarm seconds, minutes, alarm minutes,
 * hours, alarm hours, day of week 1-7 with Sunday = 1, day, month, year) and
 * the century at 0x32, in BCD or binary (register B bit 2) and 12- or
 * 24-hour format (B bit 1; in 12-hour mode bit 7 of the hour means PM). The
 * clock starts at a date given to the constructor (deterministic by default)
 * and advances with the virtual clock: updates happen on whole virtual
 * seconds from the divider's phase.
 *
 * Register A: UIP (bit 7) is high from 244 µs before an update until the
 * update cycle (1984 µs at 32.768 kHz) ends, which is when the new time
 * appears; DV (bits 6-4) 11x holds the divider in reset, and the first
 * update after releasing it comes 500 ms later; RS (bits 3-0) selects the
 * periodic interrupt rate (RS 1 and 2 = 256 and 128 Hz, RS n >= 3 =
 * 65536 >> n Hz). Register B: SET (7) stops updates so software can write
 * the time, PIE/AIE/UIE (6-4) enable the periodic, alarm and update-ended
 * interrupts, DM (2), 24/12 (1). Register C: IRQF, PF, AF, UF; reading it
 * clears them and releases IRQ 8. Register D: VRT (valid RAM and time).
 * An alarm byte with its two top bits set matches any value.
 *
 * CMOS layout filled for the OS: 0x10 floppy types, 0x14 equipment, 0x15-0x16
 * base memory (KiB), 0x17-0x18 and 0x30-0x31 extended memory (KiB above
 * 1 MiB, at most 65535), 0x34-0x35 memory above 16 MiB (64 KiB units),
 * 0x2E-0x2F checksum of 0x10-0x2D.
 */
import { type ClockTimer, type VirtualClock, floorDiv, ticksAtCell, timeOfTick } from "./clock";
import type { IrqSink } from "./interfaces";
import type { PortBus } from "./io-bus";
import { arrayToBytes, bytesToArray, checkState } from "./state";

export const RtcRegister = {
  Seconds: 0x00,
  SecondsAlarm: 0x01,
  Minutes: 0x02,
  MinutesAlarm: 0x03,
  Hours: 0x04,
  HoursAlarm: 0x05,
  DayOfWeek: 0x06,
  DayOfMonth: 0x07,
  Month: 0x08,
  Year: 0x09,
  A: 0x0a,
  B: 0x0b,
  C: 0x0c,
  D: 0x0d,
  Century: 0x32,
} as const;

const A_UIP = 0x80;
const B_SET = 0x80;
const B_PIE = 0x40;
const B_AIE = 0x20;
const B_UIE = 0x10;
const B_DM_BINARY = 0x04;
const B_24H = 0x02;
const C_IRQF = 0x80;
const C_PF = 0x40;
const C_AF = 0x20;
const C_UF = 0x10;

const NS_PER_SECOND = 1_000_000_000;
/** UIP rises this long before the update cycle begins. */
export const RTC_UIP_LEAD_NS = 244_000;
/** The update cycle at 32.768 kHz. */
export const RTC_UPDATE_CYCLE_NS = 1_984_000;
const RTC_HZ = 32768;

/** 2024-01-01T00:00:00Z, the default start (milliseconds since the epoch). */
export const RTC_DEFAULT_START = Date.UTC(2024, 0, 1, 0, 0, 0);

// ---- calendar arithmetic (proleptic Gregorian, UTC), integers only ----

/** Days since 1970-01-01 of a civil date (month 1-12). Out-of-range fields roll over. */
export function daysFromCivil(year: number, month: number, day: number): number {
  year += Math.floor((month - 1) / 12);
  month = ((((month - 1) % 12) + 12) % 12) + 1;
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Writes year, month, day of a day count since 1970-01-01 into `out` (no allocation). */
function civilInto(days: number, out: Int32Array): void {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  out[0] = yoe + era * 400 + (month <= 2 ? 1 : 0);
  out[1] = month;
  out[2] = doy - Math.floor((153 * mp + 2) / 5) + 1;
}

/** The civil date of a day count since 1970-01-01. */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const out = new Int32Array(3);
  civilInto(days, out);
  return { year: out[0]!, month: out[1]!, day: out[2]! };
}

function toBcd(value: number): number {
  return ((Math.floor(value / 10) % 10) << 4) | value % 10;
}

function fromBcd(value: number): number {
  return (value >> 4) * 10 + (value & 0x0f);
}

export interface RtcOptions {
  clock: VirtualClock;
  /** Where IRQ 8 goes. */
  irq?: IrqSink;
  irqLine?: number;
  /** The wall-clock time at virtual time 0: a `Date` or milliseconds since the Unix epoch (UTC). Default `RTC_DEFAULT_START`. */
  startTime?: number | Date;
  /** Installed RAM in bytes, for the CMOS memory-size bytes. */
  memoryBytes?: number;
  /** The equipment byte at 0x14 (default 0x02: math coprocessor, VGA, no floppy). */
  equipment?: number;
  /** Register B at power-on (default 0x02: 24-hour, BCD, no interrupts, as a BIOS leaves it). */
  registerB?: number;
}

export interface RtcState {
  version: 1;
  cmos: number[];
  index: number;
  nmiMasked: boolean;
  baseSeconds: number;
  baseNs: number;
  frozen: boolean;
  flags: number;
  periodAcknowledged: number;
  irqLevel: boolean;
}

export class Rtc {
  /** The 128 bytes; time registers in it are brought up to date when read. */
  readonly cmos = new Uint8Array(128);
  private index = 0;
  /** Port 0x70 bit 7: NMI disabled. */
  nmiMasked = true;
  private readonly clock: VirtualClock;
  private readonly irq: IrqSink | null;
  private readonly irqLine: number;
  /** The RTC's time (seconds since the epoch) at the divider phase `baseNs`. */
  private baseSeconds = 0;
  /** A virtual time at which a second began. */
  private baseNs = 0;
  /** Updates stopped (SET, or the divider held in reset): the registers hold the time. */
  private frozen = false;
  /** PF, AF, UF as set by events since register C was last read. */
  private flags = 0;
  /** Index of the periodic period in which register C was last read (PF since then is implied). */
  private periodAcknowledged = 0.5; // a double field from the start (set to 0 in the constructor)
  /** Scratch cells for time arithmetic on hot paths: elapsed ns, ticks, period index. */
  private readonly cells = new Float64Array(3);
  private irqLevel = false;
  /** Seconds value the time registers were last written for (-1: stale). */
  private encodedSeconds = -1;
  /** Scratch for the calendar conversion: year, month, day. */
  private readonly date = new Int32Array(3);
  private readonly updateTimer: ClockTimer;
  private readonly periodicTimer: ClockTimer;

  private readonly readIndex = (): number => 0xff; // the index register is write-only
  private readonly writeIndex = (_port: number, value: number): void => {
    this.index = value & 0x7f;
    this.nmiMasked = (value & 0x80) !== 0;
  };
  private readonly readData = (): number => this.readRegister(this.index);
  private readonly writeData = (_port: number, value: number): void => this.writeRegister(this.index, value);

  constructor(options: RtcOptions) {
    this.clock = options.clock;
    this.irq = options.irq ?? null;
    this.irqLine = options.irqLine ?? 8;
    const start = options.startTime instanceof Date ? options.startTime.getTime() : (options.startTime ?? RTC_DEFAULT_START);
    this.cmos[RtcRegister.A] = 0x26; // 32.768 kHz divider, 1024 Hz periodic rate
    this.cmos[RtcRegister.B] = (options.registerB ?? B_24H) & 0x7f;
    this.cmos[RtcRegister.D] = 0x80;
    this.cmos[0x14] = options.equipment ?? 0x02;
    if (options.memoryBytes !== undefined) this.setMemorySize(options.memoryBytes);
    this.periodAcknowledged = 0;
    this.updateTimer = this.clock.createTimer("rtc-update", (deadline) => this.onUpdate(deadline));
    this.periodicTimer = this.clock.createTimer("rtc-periodic", () => this.onPeriodic());
    const now = this.clock.now();
    // Updates fall on whole virtual seconds; at virtual time 0 the clock reads `startTime`.
    this.baseNs = now - (((now % NS_PER_SECOND) + NS_PER_SECOND) % NS_PER_SECOND);
    this.baseSeconds = Math.floor(start / 1000) + floorDiv(this.baseNs, NS_PER_SECOND);
    this.encodeTime(this.currentSeconds(now));
    this.rearm();
  }

  /** Claims 0x70-0x71. */
  attach(bus: PortBus): void {
    bus.claim("rtc", 0x70, 2, {
      read8: (port) => ((port & 1) === 0 ? this.readIndex() : this.readData()),
      write8: (port, value) => ((port & 1) === 0 ? this.writeIndex(port, value) : this.writeData(port, value)),
    });
  }

  /** Fills the CMOS memory-size bytes (and the checksum) for `bytes` of RAM. */
  setMemorySize(bytes: number): void {
    const kib = Math.floor(bytes / 1024);
    const base = Math.min(640, kib);
    this.cmos[0x15] = base & 0xff;
    this.cmos[0x16] = base >> 8;
    const extended = Math.min(0xffff, Math.max(0, kib - 1024));
    this.cmos[0x17] = this.cmos[0x30] = extended & 0xff;
    this.cmos[0x18] = this.cmos[0x31] = extended >> 8;
    const above16 = Math.min(0xffff, Math.max(0, Math.floor((bytes - 16 * 1024 * 1024) / 65536)));
    this.cmos[0x34] = above16 & 0xff;
    this.cmos[0x35] = above16 >> 8;
    this.updateChecksum();
  }

  /** Recomputes the standard checksum at 0x2E-0x2F over 0x10-0x2D. */
  updateChecksum(): void {
    let sum = 0;
    for (let i = 0x10; i <= 0x2d; i++) sum += this.cmos[i]!;
    this.cmos[0x2e] = (sum >> 8) & 0xff;
    this.cmos[0x2f] = sum & 0xff;
  }

  /** The RTC's current time as milliseconds since the epoch (what the registers say, whole seconds). */
  timeMs(): number {
    if (this.frozen) return this.decodeTime() * 1000;
    return this.currentSeconds(this.clock.now()) * 1000;
  }

  /** Reads CMOS register `index` as the guest would (with register side effects). */
  readRegister(index: number): number {
    index &= 0x7f;
    switch (index) {
      case RtcRegister.A:
        return (this.cmos[RtcRegister.A]! & 0x7f) | (this.updateInProgress() ? A_UIP : 0);
      case RtcRegister.C:
        return this.readC();
      case RtcRegister.D:
        return 0x80;
      default:
        if (index <= RtcRegister.Year || index === RtcRegister.Century) this.refreshTime();
        return this.cmos[index]!;
    }
  }

  /** Writes CMOS register `index` as the guest would. */
  writeRegister(index: number, value: number): void {
    index &= 0x7f;
    value &= 0xff;
    switch (index) {
      case RtcRegister.A:
        this.writeA(value);
        return;
      case RtcRegister.B:
        this.writeB(value);
        return;
      case RtcRegister.C:
      case RtcRegister.D:
        return; // read-only
      case RtcRegister.Seconds:
      case RtcRegister.Minutes:
      case RtcRegister.Hours:
      case RtcRegister.DayOfWeek:
      case RtcRegister.DayOfMonth:
      case RtcRegister.Month:
      case RtcRegister.Year:
      case RtcRegister.Century:
        this.refreshTime();
        this.cmos[index] = index === RtcRegister.Seconds ? value & 0x7f : value;
        if (!this.frozen) this.restartFromRegisters(false);
        return;
      default:
        this.cmos[index] = value;
    }
  }

  save(): RtcState {
    this.refreshTime();
    return {
      version: 1,
      cmos: bytesToArray(this.cmos),
      index: this.index,
      nmiMasked: this.nmiMasked,
      baseSeconds: this.baseSeconds,
      baseNs: this.baseNs,
      frozen: this.frozen,
      flags: this.flags,
      periodAcknowledged: this.periodAcknowledged,
      irqLevel: this.irqLevel,
    };
  }

  /** Restore after the clock. */
  restore(state: unknown): void {
    const s = checkState<RtcState>(state, "RTC", 1);
    arrayToBytes(this.cmos, s.cmos, "RTC", "cmos");
    this.index = s.index & 0x7f;
    this.nmiMasked = s.nmiMasked;
    this.baseSeconds = s.baseSeconds;
    this.baseNs = s.baseNs;
    this.frozen = s.frozen;
    this.flags = s.flags;
    this.periodAcknowledged = s.periodAcknowledged;
    this.irqLevel = s.irqLevel;
    this.encodedSeconds = -1;
    this.rearm();
    this.updateIrq();
  }

  // ---- time ----

  private get dividerRunning(): boolean {
    return (this.cmos[RtcRegister.A]! & 0x60) !== 0x60;
  }

  private currentSeconds(now: number): number {
    return this.baseSeconds + floorDiv(now - this.baseNs, NS_PER_SECOND);
  }

  /** Whole seconds since `baseNs` at the clock's sampled time (`clock.sample()` first). */
  private sampledSecondsSinceBase(): number {
    const a = this.clock.time[0]! - this.baseNs;
    let q = Math.floor(a / NS_PER_SECOND);
    if (q * NS_PER_SECOND > a) q--;
    else if ((q + 1) * NS_PER_SECOND <= a) q++;
    return q;
  }

  /** Puts the periodic-interrupt period index at the sampled time into `cells[2]`. */
  private samplePeriodIndex(): void {
    const period = this.periodicTicks();
    if (period === 0) {
      this.cells[2] = 0;
      return;
    }
    this.cells[0] = this.clock.time[0]! - this.baseNs;
    ticksAtCell(this.cells, 0, RTC_HZ, this.cells, 1);
    this.cells[2] = Math.floor(this.cells[1]! / period);
  }

  private updateInProgress(): boolean {
    if (this.frozen) return false;
    this.clock.sample();
    const phase = this.clock.time[0]! - this.baseNs - this.sampledSecondsSinceBase() * NS_PER_SECOND;
    return phase >= NS_PER_SECOND - RTC_UIP_LEAD_NS - RTC_UPDATE_CYCLE_NS;
  }

  /** Brings the time registers up to the current second (when the clock runs). */
  private refreshTime(): void {
    if (this.frozen) return;
    this.clock.sample();
    const seconds = this.baseSeconds + this.sampledSecondsSinceBase();
    if (seconds !== this.encodedSeconds) this.encodeTime(seconds);
  }

  private get binary(): boolean {
    return (this.cmos[RtcRegister.B]! & B_DM_BINARY) !== 0;
  }

  private encode(value: number): number {
    return this.binary ? value : toBcd(value);
  }

  private decode(value: number): number {
    return this.binary ? value : fromBcd(value);
  }

  private encodeHours(hours: number): number {
    if ((this.cmos[RtcRegister.B]! & B_24H) !== 0) return this.encode(hours);
    const pm = hours >= 12;
    const h12 = hours % 12 === 0 ? 12 : hours % 12;
    return this.encode(h12) | (pm ? 0x80 : 0);
  }

  private decodeHours(value: number): number {
    if ((this.cmos[RtcRegister.B]! & B_24H) !== 0) return this.decode(value);
    const h12 = this.decode(value & 0x7f) % 12;
    return (value & 0x80) !== 0 ? h12 + 12 : h12;
  }

  private encodeTime(seconds: number): void {
    const days = Math.floor(seconds / 86400);
    let rest = seconds - days * 86400;
    civilInto(days, this.date);
    const year = this.date[0]!;
    const hours = Math.floor(rest / 3600);
    rest -= hours * 3600;
    const minutes = Math.floor(rest / 60);
    const cmos = this.cmos;
    cmos[RtcRegister.Seconds] = this.encode(rest - minutes * 60);
    cmos[RtcRegister.Minutes] = this.encode(minutes);
    cmos[RtcRegister.Hours] = this.encodeHours(hours);
    cmos[RtcRegister.DayOfWeek] = this.encode((((days + 4) % 7) + 7) % 7 + 1); // 1970-01-01 was a Thursday (5)
    cmos[RtcRegister.DayOfMonth] = this.encode(this.date[2]!);
    cmos[RtcRegister.Month] = this.encode(this.date[1]!);
    cmos[RtcRegister.Year] = this.encode(((year % 100) + 100) % 100);
    cmos[RtcRegister.Century] = this.encode(Math.floor(year / 100) % 100);
    this.encodedSeconds = seconds;
  }

  /** The time the registers hold, as seconds since the epoch. */
  private decodeTime(): number {
    const cmos = this.cmos;
    const year = this.decode(cmos[RtcRegister.Century]!) * 100 + this.decode(cmos[RtcRegister.Year]!);
    const days = daysFromCivil(year, this.decode(cmos[RtcRegister.Month]!), this.decode(cmos[RtcRegister.DayOfMonth]!));
    return (
      days * 86400 +
      this.decodeHours(cmos[RtcRegister.Hours]!) * 3600 +
      this.decode(cmos[RtcRegister.Minutes]!) * 60 +
      this.decode(cmos[RtcRegister.Seconds]! & 0x7f)
    );
  }

  /** The registers hold the current second; the clock runs on from them. */
  private restartFromRegisters(dividerReleased: boolean): void {
    const now = this.clock.now();
    const seconds = this.decodeTime();
    if (dividerReleased) {
      // The first update comes 500 ms after the divider leaves reset.
      this.baseNs = now - NS_PER_SECOND / 2;
      this.baseSeconds = seconds;
    } else {
      this.baseSeconds = seconds - floorDiv(now - this.baseNs, NS_PER_SECOND);
    }
    this.encodedSeconds = this.currentSeconds(now);
  }

  // ---- registers A-C ----

  private writeA(value: number): void {
    const wasRunning = this.dividerRunning;
    this.refreshTime();
    this.cmos[RtcRegister.A] = value & 0x7f;
    const running = this.dividerRunning;
    if (wasRunning && !running) {
      this.frozen = true;
    } else if (!wasRunning && running) {
      this.frozen = (this.cmos[RtcRegister.B]! & B_SET) !== 0;
      this.restartFromRegisters(true);
      this.clock.sample();
      this.samplePeriodIndex();
      this.periodAcknowledged = this.cells[2]!;
    }
    this.rearm();
  }

  private writeB(value: number): void {
    this.refreshTime();
    const before = this.cmos[RtcRegister.B]!;
    if ((value & B_SET) !== 0) value &= ~B_UIE; // SET clears UIE
    this.cmos[RtcRegister.B] = value;
    if ((value & B_SET) !== 0 && (before & B_SET) === 0) {
      this.frozen = true;
    } else if ((value & B_SET) === 0 && (before & B_SET) !== 0 && this.dividerRunning) {
      this.frozen = false;
      this.restartFromRegisters(false);
    } else if (!this.frozen && ((before ^ value) & (B_DM_BINARY | B_24H)) !== 0) {
      this.encodeTime(this.currentSeconds(this.clock.now())); // shown in the new format from now on
    }
    this.rearm();
    this.updateIrq();
  }

  private readC(): number {
    const value = this.flagsNow();
    this.flags = 0;
    this.clock.sample();
    this.samplePeriodIndex();
    this.periodAcknowledged = this.cells[2]!;
    this.updateIrq();
    return value;
  }

  /** Register C as it stands (PF includes periodic events that raised no interrupt). */
  private flagsNow(): number {
    let flags = this.flags;
    if (this.periodicTicks() > 0 && this.dividerRunning) {
      this.clock.sample();
      this.samplePeriodIndex();
      if (this.cells[2]! > this.periodAcknowledged) flags |= C_PF;
    }
    const enabled = this.cmos[RtcRegister.B]! & (B_PIE | B_AIE | B_UIE);
    return (flags & enabled) !== 0 ? flags | C_IRQF : flags;
  }

  private updateIrq(): void {
    const enabled = this.cmos[RtcRegister.B]! & (B_PIE | B_AIE | B_UIE);
    const level = (this.flagsNow() & enabled) !== 0;
    if (level !== this.irqLevel) {
      this.irqLevel = level;
      if (this.irq !== null) this.irq.setIrq(this.irqLine, level);
    }
  }

  // ---- events ----

  /** Periodic interval in 32.768 kHz ticks (0: off). */
  private periodicTicks(): number {
    const rs = this.cmos[RtcRegister.A]! & 0x0f;
    if (rs === 0) return 0;
    return rs <= 2 ? 1 << (rs + 6) : 1 << (rs - 1);
  }


  private rearm(): void {
    const now = this.clock.now();
    if (this.frozen || !this.dividerRunning) this.updateTimer.cancel();
    else this.updateTimer.schedule(this.baseNs + (floorDiv(now - this.baseNs, NS_PER_SECOND) + 1) * NS_PER_SECOND);
    const period = this.periodicTicks();
    if (period === 0 || !this.dividerRunning || (this.cmos[RtcRegister.B]! & B_PIE) === 0) {
      this.periodicTimer.cancel();
    } else {
      this.clock.sample();
      this.samplePeriodIndex();
      this.periodicTimer.schedule(this.baseNs + timeOfTick((this.cells[2]! + 1) * period, RTC_HZ));
    }
  }

  private onUpdate(deadline: number): void {
    // The update cycle ends at `deadline`: the new second is in the registers, UF is set, the alarm compared.
    const seconds = this.currentSeconds(deadline);
    this.encodeTime(seconds);
    this.flags |= C_UF;
    const cmos = this.cmos;
    if (
      this.alarmMatches(cmos[RtcRegister.SecondsAlarm]!, cmos[RtcRegister.Seconds]!) &&
      this.alarmMatches(cmos[RtcRegister.MinutesAlarm]!, cmos[RtcRegister.Minutes]!) &&
      this.alarmMatches(cmos[RtcRegister.HoursAlarm]!, cmos[RtcRegister.Hours]!)
    ) {
      this.flags |= C_AF;
    }
    this.rearm();
    this.updateIrq();
  }

  private alarmMatches(alarm: number, value: number): boolean {
    return (alarm & 0xc0) === 0xc0 || alarm === value;
  }

  private onPeriodic(): void {
    this.flags |= C_PF;
    this.rearm();
    this.updateIrq();
  }
}
