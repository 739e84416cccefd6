/* A hostile guest whose ring-1 stack for traps from ring 3 is unmapped: the first trap from ring 3 must kill it. */
#include "guest.h"
XENO86_GUEST("hostile-bad-stack");

static char user_stack[4096] __attribute__((aligned(16))) USER_DATA;

USER_TEXT static void user_main(void) {
  __asm__ __volatile__("int $0x80"); /* not a fast trap here: bounced through the hypervisor */
  for (;;) {}
}

static void never(struct trap_regs *regs) { test_failure("the trap handler ran on an unmapped stack"); }

int main(void) {
  set_trap(0x80, never, 3);
  EXPECT_EQ(install_traps(), 0, "set_trap_table");
  EXPECT_EQ(HYPERVISOR_stack_switch(FLAT_RING1_DS, 0xC0380000UL), 0, "stack_switch to an unmapped address (not checked)");
  make_user_pages();
  print("expect-kill: a bounce frame onto an unmapped ring-1 stack\n");
  enter_user(user_main, user_stack + sizeof user_stack);
  test_failure("came back from ring 3");
}
