/**
 * Paging (test/programs/paging.asm): 4 KiB and 4 MiB pages, accessed and
 * dirty bits, page-fault error codes and CR2, CR0.WP, the RSVD bit, and the
 * TLB (stale entries until INVLPG or a CR3 load, global pages).
 *
 * QEMU 7.2 agrees on every value except: it reports reserved-bit faults
 * without the P bit (the SDM sets P: the entry was present), it does not keep
 * global entries across a CR3 load (allowed, but not what a P6 does), and it
 * treats PDE bit 13 as an address bit (PSE-36), which this CPU does not have.
 */
import { describe, expect, it } from "vitest";
import { Exit, MODES, pageFault, runProgram, split } from "./rig";

const KERNEL_CS = 0x08;
const USER_CS = 0x2b;
const P = 1;
const W = 2;
const U = 4;
const RSVD = 8;

describe.each(MODES)("paging ($name)", (mode) => {
  const run = runProgram("paging", mode);
  const { sym } = run;
  const main = (label: string) => sym(`main.${label}`);
  const r3 = (label: string) => sym(`ring3_part.${label}`);
  const [accessed, supervisor, user, afterUser, stale, global, large, rest] = split(run.values, [
    8,
    8 * 5 + 2,
    7 * 5 + 1,
    1,
    3,
    7,
    3,
  ]);

  it("runs to the end", () => {
    expect(run.exit).toBe(Exit.Stopped);
    expect(run.status).toBe(0);
    expect(rest).toEqual([]);
  });

  it("sets A on the first access and D on the first write, in PTEs and 4 MiB PDEs", () => {
    expect(accessed).toEqual([
      0x300007,
      0xa0a0a0a0,
      0x300027, // A
      0x102027, // the PDE that led to the table: A
      0x300067, // A and D
      0x400083,
      0x4000a3, // 4 MiB PDE: A
      0x4000e3, // A and D
    ]);
    // the write went to physical 0x401234 through the 4 MiB page
    expect(run.rig.read32(0x401234)).toBe(0x4444abcd);
  });

  it("supervisor page faults: error codes, CR2, CR0.WP, reserved bits, instruction fetch", () => {
    expect(supervisor).toEqual([
      ...pageFault(0, main("f_read_absent"), KERNEL_CS, 0x801010),
      ...pageFault(W, main("f_write_absent"), KERNEL_CS, 0x801020),
      // a dword from 0x800FFE: CR2 is the first byte on the missing page
      ...pageFault(0, main("f_crossing"), KERNEL_CS, 0x801000),
      // WP = 0: the write to a read-only page worked and set A and D
      0x304061,
      ...pageFault(P | W, main("f_wp_super"), KERNEL_CS, 0x804000),
      ...pageFault(P | W, main("f_wp_user_ro"), KERNEL_CS, 0x803000),
      0x14141414,
      ...pageFault(P | RSVD, main("f_rsvd_read"), KERNEL_CS, 0x1000010),
      ...pageFault(P | W | RSVD, main("f_rsvd_write"), KERNEL_CS, 0x1000020),
      // the fetch from a missing page: EIP and CR2 are the target
      ...pageFault(0, 0x801123, KERNEL_CS, 0x801123),
    ]);
  });

  it("user page faults: U/S of both levels, read-only, not present, reserved bits", () => {
    expect(user).toEqual([
      ...pageFault(P | U, r3("f_user_read_super"), USER_CS, 0x802000),
      ...pageFault(P | W | U, r3("f_user_write_super"), USER_CS, 0x802000),
      0x03030303,
      ...pageFault(P | W | U, r3("f_user_write_ro"), USER_CS, 0x803000),
      ...pageFault(U, r3("f_user_read_absent"), USER_CS, 0x801000),
      ...pageFault(P | U, r3("f_user_under_super_pde"), USER_CS, 0x1800000),
      ...pageFault(P | U | RSVD, r3("f_user_rsvd"), USER_CS, 0x1400000),
      ...pageFault(P | U, r3("f_user_large_super"), USER_CS, 0xc00000),
    ]);
    // the user read-only page: A from the read, nothing from the faulting writes
    expect(afterUser).toEqual([0x303025]);
  });

  it("uses a stale translation until INVLPG", () => {
    expect(stale).toEqual([0x06060606, 0x06060606, 0x07070707]);
  });

  it("keeps global entries across a CR3 load, drops them on INVLPG and when PGE is cleared", () => {
    expect(global).toEqual([
      0x08080808,
      0x0a0a0a0a,
      0x08080808, // global: survived the CR3 load
      0x0b0b0b0b, // not global: dropped
      0x09090909, // INVLPG
      0x09090909, // stale again after the next CR3 load
      0x08080808, // clearing CR4.PGE flushed it
    ]);
  });

  it("INVLPG of any address in a 4 MiB page drops the whole page", () => {
    expect(large).toEqual([0x45454545, 0x45454545, 0x85858585]);
  });
});
