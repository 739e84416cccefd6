/* dom_mem_op: give frames back (they must be unmapped first), then take as many again. */
#include "guest.h"
XENO86_GUEST("test-balloon");

static char pages[4][PAGE_SIZE] __attribute__((aligned(4096)));

int main(void) {
  ulong frames[4];
  for (int i = 0; i < 4; i++) frames[i] = virtual_to_machine((ulong)pages[i]) >> 12;
  dom_mem_op_t op = {MEMOP_RESERVATION_DECREASE, 4, (ulong)frames};
  EXPECT_EQ(HYPERVISOR_dom_mem_op(&op), -XEN_EINVAL, "frames still mapped cannot be given back");
  for (int i = 0; i < 4; i++) EXPECT_EQ(map_page((ulong)pages[i], 0, UVMF_INVLPG), 0, "unmapping");
  EXPECT_EQ(HYPERVISOR_dom_mem_op(&op), 4, "RESERVATION_DECREASE");
  ulong got[8];
  dom_mem_op_t grow = {MEMOP_RESERVATION_INCREASE, 8, (ulong)got};
  EXPECT_EQ(HYPERVISOR_dom_mem_op(&grow), 4, "RESERVATION_INCREASE up to the limit");
  for (int i = 0; i < 4; i++) {
    EXPECT_EQ(map_page((ulong)pages[i], (got[i] << 12) | 0x63, UVMF_INVLPG), 0, "mapping a new frame");
    EXPECT_EQ(pages[i][100], 0, "new frames are zeroed");
    pages[i][100] = 1;
  }
  dom_mem_op_t bad = {7, 0, 0};
  EXPECT_EQ(HYPERVISOR_dom_mem_op(&bad), -XEN_ENOSYS, "unknown op");
  return 0;
}
