/*
 * mmu_update and its extended commands on the domain's own tables: a batch
 * of checked PTE writes into a pinned L1, a new page directory built from
 * scratch, pinned and switched to (NEW_BASEPTR) and back, TLB flush and
 * INVLPG, a machine-to-physical update, and unpinning.
 */
#include "guest.h"
XENO86_GUEST("test-mmu");

static char table_page[PAGE_SIZE] __attribute__((aligned(4096)));
static char directory_page[PAGE_SIZE] __attribute__((aligned(4096)));
static char target[4][PAGE_SIZE] __attribute__((aligned(4096)));
#define WINDOW 0xC0C00000UL /* a 4 MiB region the domain does not use: slot 771 */

static long update(ulong ptr, ulong val) {
  mmu_update_t request = {ptr, val};
  return HYPERVISOR_mmu_update(&request, 1);
}

static long make_read_only(void *page) {
  ulong va = (ulong)page;
  return map_page(va, *pte_of(va) & ~2UL, UVMF_INVLPG);
}

int main(void) {
  /* A page becomes an L1 table: read-only first (a writable mapping refuses the type), then pinned. */
  memset(table_page, 0, sizeof table_page);
  EXPECT_EQ(make_read_only(table_page), 0, "remapping the new table read-only");
  ulong table = virtual_to_machine((ulong)table_page);
  EXPECT_EQ(update(table | MMU_EXTENDED_COMMAND, MMUEXT_PIN_L1_TABLE), 0, "PIN_L1_TABLE");
  EXPECT_EQ(update(table | MMU_EXTENDED_COMMAND, MMUEXT_PIN_L1_TABLE), -XEN_EINVAL, "pinning twice");

  /* A batch: four PTEs of the new table map the four target pages. */
  mmu_update_t batch[4];
  for (int i = 0; i < 4; i++) {
    target[i][0] = (char)('a' + i);
    batch[i].ptr = table + i * 4;
    batch[i].val = virtual_to_machine((ulong)target[i]) | 0x63;
  }
  EXPECT_EQ(HYPERVISOR_mmu_update(batch, 4), 0, "a batch of four PTE writes");
  /* Hook the table into the current directory at WINDOW. */
  ulong directory = virtual_to_machine(start_info->pt_base);
  EXPECT_EQ(update(directory + (WINDOW >> 22) * 4, table | 0x67), 0, "a PDE pointing at the pinned table");
  EXPECT_EQ(update(table | MMU_EXTENDED_COMMAND, MMUEXT_TLB_FLUSH), 0, "TLB_FLUSH");
  for (int i = 0; i < 4; i++) EXPECT_EQ(((volatile char *)WINDOW)[i * PAGE_SIZE], 'a' + i, "reading through the new table");
  ((volatile char *)WINDOW)[2 * PAGE_SIZE] = 'Z';
  EXPECT_EQ(target[2][0], 'Z', "writing through the new table");

  /* Remap one entry and INVLPG it. */
  EXPECT_EQ(update(table + 0, virtual_to_machine((ulong)target[3]) | 0x63), 0, "remapping entry 0");
  EXPECT_EQ(update(MMU_EXTENDED_COMMAND, MMUEXT_INVLPG | WINDOW), 0, "INVLPG");
  EXPECT_EQ(((volatile char *)WINDOW)[0], 'd', "entry 0 now shows the fourth page");

  /* A second directory: a copy of the current one (the hypervisor fills its own slots), pinned, switched to. */
  const ulong *current = (const ulong *)start_info->pt_base;
  ulong *copy = (ulong *)directory_page;
  for (int slot = 0; slot < 1008; slot++) copy[slot] = current[slot];
  EXPECT_EQ(make_read_only(directory_page), 0, "remapping the new directory read-only");
  ulong second = virtual_to_machine((ulong)directory_page);
  EXPECT_EQ(update(second | MMU_EXTENDED_COMMAND, MMUEXT_PIN_L2_TABLE), 0, "PIN_L2_TABLE");
  EXPECT_EQ(update(second | MMU_EXTENDED_COMMAND, MMUEXT_NEW_BASEPTR), 0, "NEW_BASEPTR to the copy");
  EXPECT_EQ(((volatile char *)WINDOW)[PAGE_SIZE], 'b', "the copy maps the window too");
  EXPECT_EQ(update(directory | MMU_EXTENDED_COMMAND, MMUEXT_NEW_BASEPTR), 0, "NEW_BASEPTR back");
  EXPECT_EQ(update(second | MMU_EXTENDED_COMMAND, MMUEXT_UNPIN_TABLE), 0, "UNPIN the copy");

  /* Machine-to-physical: our own frame only. */
  ulong frame = virtual_to_machine((ulong)target[0]) >> 12;
  ulong pfn = M2P[frame];
  EXPECT_EQ(update((frame << 12) | MMU_MACHPHYS_UPDATE, 12345), 0, "MACHPHYS_UPDATE");
  EXPECT_EQ(M2P[frame], 12345, "the table changed");
  EXPECT_EQ(update((frame << 12) | MMU_MACHPHYS_UPDATE, pfn), 0, "MACHPHYS_UPDATE back");

  /* Unhook and unpin the table; then it may be mapped writable again. */
  EXPECT_EQ(update(directory + (WINDOW >> 22) * 4, 0), 0, "clearing the PDE");
  EXPECT_EQ(update(table | MMU_EXTENDED_COMMAND, MMUEXT_UNPIN_TABLE), 0, "UNPIN_TABLE");
  EXPECT_EQ(map_page((ulong)table_page, *pte_of((ulong)table_page) | 2, UVMF_INVLPG), 0, "the old table is ordinary memory again");
  EXPECT_EQ(update(table | MMU_EXTENDED_COMMAND, MMUEXT_PIN_L3_TABLE), -XEN_EINVAL, "PIN_L3 has no meaning on 2-level paging");
  return 0;
}
