/* multicall: several calls in one trap, including a yield; results are not written back. */
#include "guest.h"
XENO86_GUEST("test-multicall");

int main(void) {
  static const char first[] = "multicall: first\n", second[] = "multicall: second\n";
  multicall_entry_t calls[4] = {
      {__HYPERVISOR_console_write, {(ulong)first, sizeof first - 1}},
      {__HYPERVISOR_sched_op, {SCHEDOP_yield}},
      {__HYPERVISOR_multicall, {0, 0}}, /* nested: does nothing */
      {__HYPERVISOR_console_write, {(ulong)second, sizeof second - 1}},
  };
  EXPECT_EQ(HYPERVISOR_multicall(calls, 4), 0, "multicall");
  EXPECT_EQ(calls[0].args[0], (ulong)first, "entries are not written back");
  EXPECT_EQ(HYPERVISOR_multicall((multicall_entry_t *)0x10, 3), -XEN_EFAULT, "an unreadable list");
  return 0;
}
