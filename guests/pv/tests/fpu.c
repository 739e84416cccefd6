/*
 * The FPU: plain x87 use, then fpu_taskswitch (the guest's CR0.TS): the next
 * FPU instruction raises #NM in the guest, whose handler may then use the
 * FPU, and the computation finishes with the right result.
 */
#include "guest.h"
XENO86_GUEST("test-fpu");

static volatile int device_not_available;

static void no_fpu(struct trap_regs *regs) { device_not_available++; }

static double sum_of_inverses(int n) {
  double total = 0;
  for (int i = 1; i <= n; i++) total += 1.0 / i;
  return total;
}

int main(void) {
  set_trap(7, no_fpu, 0);
  EXPECT_EQ(install_traps(), 0, "set_trap_table");
  volatile double first = sum_of_inverses(100);
  CHECK(first > 5.187 && first < 5.188, "H(100) = %d/1000", (int)(first * 1000));
  EXPECT_EQ(device_not_available, 0, "no #NM without fpu_taskswitch");
  EXPECT_EQ(HYPERVISOR_fpu_taskswitch(), 0, "fpu_taskswitch");
  volatile double second = sum_of_inverses(10);
  EXPECT_EQ(device_not_available, 1, "one #NM after fpu_taskswitch");
  CHECK(second > 2.928 && second < 2.929, "H(10) = %d/1000", (int)(second * 1000));
  HYPERVISOR_sched_op(SCHEDOP_yield);
  volatile double third = sum_of_inverses(1000);
  EXPECT_EQ(device_not_available, 1, "the handler's #NM cleared TS");
  CHECK(third > 7.485 && third < 7.486, "H(1000) = %d/1000", (int)(third * 1000));
  return 0;
}
