/*
 * Traps through the virtual IDT: int3, ud2 and a divide error from ring 1,
 * `int $0x40` allowed by its trap-table DPL, `int $0x41` refused (DPL 0)
 * as a #GP carrying the vector, and the registers a handler sees.
 */
#include "guest.h"
XENO86_GUEST("test-traps");

static volatile int seen[256];
static volatile ulong gp_error;

static void count(struct trap_regs *regs) { seen[regs->vector]++; }
static void skip_ud2(struct trap_regs *regs) { seen[6]++, regs->eip += 2; }
static void skip_divide(struct trap_regs *regs) { seen[0]++, regs->eip += 2; /* div %ecx */ }
static void general_protection(struct trap_regs *regs) { seen[13]++, gp_error = regs->error_code, regs->eip += 2; /* int $0x41 */ }
static void soft_0x40(struct trap_regs *regs) { seen[0x40]++, regs->eax = 0x4040; }

int main(void) {
  set_trap(3, count, 3);
  set_trap(6, skip_ud2, 0);
  set_trap(0, skip_divide, 0);
  set_trap(13, general_protection, 0);
  set_trap(0x40, soft_0x40, 1);
  set_trap(0x41, count, 0);
  EXPECT_EQ(install_traps(), 0, "set_trap_table");

  __asm__ __volatile__("int3");
  EXPECT_EQ(seen[3], 1, "int3 reached its handler");
  __asm__ __volatile__("ud2");
  EXPECT_EQ(seen[6], 1, "ud2 reached the #UD handler");
  ulong zero = 0, result;
  __asm__ __volatile__("xorl %%edx, %%edx; movl $7, %%eax; divl %1" : "=a"(result) : "c"(zero) : "edx");
  EXPECT_EQ(seen[0], 1, "division by zero reached the #DE handler");
  ulong eax;
  __asm__ __volatile__("int $0x40" : "=a"(eax) : "a"(0) : "memory");
  EXPECT_EQ(seen[0x40], 1, "int $0x40 (DPL 1) reached its handler");
  EXPECT_EQ(eax, 0x4040, "the handler's EAX came back");
  __asm__ __volatile__("int $0x41");
  EXPECT_EQ(seen[0x41], 0, "int $0x41 (DPL 0) did not reach its handler");
  EXPECT_EQ(seen[13], 1, "int $0x41 raised #GP");
  EXPECT_EQ(gp_error, (0x41 << 3) | 2, "the #GP error code names IDT vector 0x41");
  (void)result;
  return 0;
}
