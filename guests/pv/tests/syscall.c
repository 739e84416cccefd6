/*
 * Ring 3: a user process entered with IRET makes fast system calls
 * (int $0x80 through a real trap gate straight into ring 1), and a page
 * fault from ring 3 is bounced with the user's ESP and SS on the frame.
 */
#include "guest.h"
XENO86_GUEST("test-syscall");

static char user_stack[4096] __attribute__((aligned(16))) USER_DATA;
static volatile ulong user_fault_eip, user_fault_ss, user_fault_cs, user_fault_code;
static volatile long pid_calls;

USER_DATA static char hello[] = "syscall: hello from ring 3\n";

USER_TEXT static void user_main(void) {
  user_syscall(SYS_write, (long)hello, sizeof hello - 1);
  for (int i = 0; i < 1000; i++) user_syscall(SYS_getpid, 0, 0);
  volatile int *kernel_data = (volatile int *)&pid_calls; /* a supervisor page: faults */
  (void)*kernel_data;
  for (;;) {} /* not reached: the fault handler resumes at user_after_fault */
}

USER_TEXT static void user_after_fault(void) {
  user_syscall(SYS_exit, 0, 0);
}

static long system_call(struct trap_regs *regs) {
  if (regs->eax == SYS_getpid) {
    pid_calls++;
    CHECK((regs->cs & 3) == 3, "system call from CS %lx", regs->cs);
    return (long)start_info->dom_id;
  }
  if (regs->eax == SYS_write) {
    char text[128];
    uint length = regs->ecx < sizeof text - 1 ? regs->ecx : sizeof text - 1;
    memcpy(text, (const char *)regs->ebx, length);
    text[length] = 0;
    print(text);
    return (long)length;
  }
  return -38;
}

static void user_page_fault(struct trap_regs *regs) {
  user_fault_eip = regs->eip;
  user_fault_cs = regs->cs;
  user_fault_ss = regs->ss;
  user_fault_code = regs->error_code;
  regs->eip = (ulong)user_after_fault;
}

int main(void) {
  syscall_handler = system_call;
  set_trap(14, user_page_fault, 0);
  setup_system_calls();
  EXPECT_EQ(enter_user(user_main, user_stack + sizeof user_stack), 1, "back from ring 3");
  EXPECT_EQ(pid_calls, 1000, "fast system calls");
  EXPECT_EQ(user_fault_cs, FLAT_RING3_CS, "the fault came from ring 3");
  EXPECT_EQ(user_fault_ss, FLAT_RING3_DS, "the frame carries the user's SS");
  EXPECT_EQ(user_fault_code, 5, "error code: a user read of a present supervisor page");
  CHECK(user_fault_eip >= (ulong)user_main && user_fault_eip < (ulong)user_main + 200, "fault EIP %lx is in the user code", user_fault_eip);
  return 0;
}
