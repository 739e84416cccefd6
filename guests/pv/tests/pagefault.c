/* A page fault bounced with CR2 and the error code; the handler maps the page and the access resumes. */
#include "guest.h"
XENO86_GUEST("test-pagefault");

static volatile ulong fault_address, fault_code, faults;
static char spare[PAGE_SIZE] __attribute__((aligned(4096)));
#define HOLE 0xC0300000UL /* inside the first L1 table's 4 MiB, beyond a 1 MiB domain's pages */

static void page_fault(struct trap_regs *regs) {
  faults++;
  fault_address = regs->cr2;
  fault_code = regs->error_code;
  if ((regs->cr2 & ~0xFFFUL) == HOLE) {
    long result = map_page(HOLE, virtual_to_machine((ulong)spare) | 0x63, UVMF_INVLPG);
    if (result != 0) test_failure("mapping the faulting page: %ld", result);
  } else {
    test_failure("unexpected page fault at 0x%lx (code %lx)", regs->cr2, regs->error_code);
  }
}

int main(void) {
  set_trap(14, page_fault, 0);
  EXPECT_EQ(install_traps(), 0, "set_trap_table");
  CHECK(start_info->nr_pages * PAGE_SIZE <= HOLE - LOAD_BASE, "the test needs a domain of at most 3 MiB");
  spare[0] = 0x5a;
  /* The spare page is mapped twice now: its first mapping is writable, so the second may be too. */
  volatile unsigned char *p = (volatile unsigned char *)HOLE;
  p[1] = 0xa5;
  EXPECT_EQ(faults, 1, "one fault");
  EXPECT_EQ(fault_address, HOLE + 1, "CR2");
  EXPECT_EQ(fault_code, 2, "error code: a supervisor write to a page not present");
  EXPECT_EQ(p[0], 0x5a, "the new mapping shows the spare page");
  EXPECT_EQ((unsigned char)spare[1], 0xa5, "the write went through");
  EXPECT_EQ(map_page(HOLE, 0, UVMF_INVLPG), 0, "unmapping");
  return 0;
}
