/*
 * Descriptor tables: a GDT of the guest's own (set_gdt over a read-only
 * frame), update_descriptor of a ring-1 data segment that is then loaded
 * and used, an LDT (SET_LDT) with a ring-3 data segment, and refusals of
 * descriptors that would reach the hypervisor.
 */
#include "guest.h"
XENO86_GUEST("test-descriptors");

static ulong gdt_page[1024] __attribute__((aligned(4096)));
static ulong ldt_page[1024] __attribute__((aligned(4096)));
static volatile ulong window[4];

/* A present, 32-bit, byte-granular data segment: base, limit, DPL. */
static void data_segment(ulong base, ulong limit, uint dpl, ulong *low, ulong *high) {
  *low = (base << 16) | (limit & 0xFFFF);
  *high = (base & 0xFF000000) | ((base >> 16) & 0xFF) | (limit & 0xF0000) | 0x00409200 | (dpl << 13);
}

static long read_only(void *page) {
  return map_page((ulong)page, *pte_of((ulong)page) & ~2UL, UVMF_INVLPG);
}

int main(void) {
  window[2] = 0xfeedface;
  /* The GDT: 512 entries in one frame (entries 256-295 are the hypervisor's and not looked at). */
  memset(gdt_page, 0, sizeof gdt_page);
  EXPECT_EQ(read_only(gdt_page), 0, "the GDT frame mapped read-only");
  ulong frame = virtual_to_machine((ulong)gdt_page) >> 12;
  EXPECT_EQ(HYPERVISOR_set_gdt(&frame, 512), 0, "set_gdt");
  EXPECT_EQ(HYPERVISOR_set_gdt(&frame, 100), -XEN_EINVAL, "a GDT must extend past the reserved entries");

  /* Entry 300: a ring-1 data segment covering `window`. */
  ulong low, high, address = (frame << 12) + 300 * 8;
  data_segment((ulong)window, sizeof window - 1, 1, &low, &high);
  EXPECT_EQ(HYPERVISOR_update_descriptor(address, low, high), 0, "update_descriptor");
  ulong value;
  __asm__ __volatile__("movw %w1, %%fs; movl %%fs:8, %0; movw %w2, %%fs" : "=r"(value) : "r"(300 * 8 + 1), "r"(0) : "memory");
  EXPECT_EQ(value, 0xfeedface, "reading through the new segment");

  /* Refusals. */
  data_segment(0, 0xFFFFF, 0, &low, &high);
  EXPECT_EQ(HYPERVISOR_update_descriptor(address, low, high), -XEN_EINVAL, "a DPL-0 descriptor");
  data_segment(0xFC3FF000, 0x2000, 1, &low, &high);
  EXPECT_EQ(HYPERVISOR_update_descriptor(address, low, high), -XEN_EINVAL, "a segment reaching 0xFC400000");
  EXPECT_EQ(HYPERVISOR_update_descriptor((frame << 12) + 260 * 8, 0, 0), -XEN_EINVAL, "a reserved entry");
  EXPECT_EQ(HYPERVISOR_update_descriptor(address, 0x00000067, 0x0000E900), -XEN_EINVAL, "a TSS descriptor");

  /* An LDT of 16 entries; entry 3 a ring-3 data segment over `window`, loaded in ring 1 through selector 0x1F. */
  memset(ldt_page, 0, sizeof ldt_page);
  data_segment((ulong)window, sizeof window - 1, 3, &ldt_page[6], &ldt_page[7]);
  EXPECT_EQ(read_only(ldt_page), 0, "the LDT page mapped read-only");
  mmu_update_t set_ldt = {(ulong)ldt_page | MMU_EXTENDED_COMMAND, MMUEXT_SET_LDT | (16 << MMUEXT_CMD_SHIFT)};
  EXPECT_EQ(HYPERVISOR_mmu_update(&set_ldt, 1), 0, "SET_LDT");
  __asm__ __volatile__("movw %w1, %%gs; movl %%gs:8, %0; movw %w2, %%gs" : "=r"(value) : "r"(0x1F), "r"(0) : "memory");
  EXPECT_EQ(value, 0xfeedface, "reading through the LDT segment");
  EXPECT_EQ(map_page((ulong)ldt_page, *pte_of((ulong)ldt_page) | 2, UVMF_INVLPG), -XEN_EINVAL, "an LDT page cannot be mapped writable");
  set_ldt.val = MMUEXT_SET_LDT;
  EXPECT_EQ(HYPERVISOR_mmu_update(&set_ldt, 1), 0, "removing the LDT");
  return 0;
}
