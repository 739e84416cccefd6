/**
 * A domain's CPU state while another domain runs: general registers, EIP,
 * EFLAGS, the six segment registers with their descriptor caches, CPL and
 * the debug registers. The FPU is switched lazily (see `traps/fpu.ts`), so
 * its state is not part of this record.
 *
 * Segment caches are restored as they were saved, the way a hardware task
 * switch would reload the same descriptors: a guest that changes a
 * descriptor still loaded in a segment register sees the change on its next
 * segment load, as on real hardware.
 */
import { type Cpu, setSegmentCache } from "@xeno86/cpu-x86";

export class GuestContext {
  readonly registers = new Int32Array(8);
  eip = 0;
  eflags = 0x202;
  readonly selector = new Uint16Array(6);
  readonly base = new Int32Array(6);
  readonly limit = new Int32Array(6);
  readonly attr = new Uint16Array(6);
  cpl = 1;
  readonly debug = new Int32Array(8);

  save(cpu: Cpu): void {
    this.registers.set(cpu.r32.subarray(0, 8));
    this.eip = cpu.eip;
    this.eflags = cpu.getEflags();
    this.selector.set(cpu.segSelector);
    this.base.set(cpu.segBase);
    this.limit.set(cpu.segLimit);
    this.attr.set(cpu.segAttr);
    this.cpl = cpu.cpl;
    this.debug.set(cpu.dr);
  }

  load(cpu: Cpu): void {
    cpu.r32.set(this.registers);
    cpu.eip = this.eip;
    cpu.nextEip = this.eip;
    cpu.writeEflags(this.eflags, -1);
    cpu.setCpl(this.cpl);
    for (let seg = 0; seg < 6; seg++) setSegmentCache(cpu, seg, this.selector[seg], this.base[seg], this.limit[seg], this.attr[seg]);
    cpu.dr.set(this.debug);
    cpu.interruptShadow = false;
    cpu.halted = false;
  }
}
