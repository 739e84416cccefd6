/*
 * A hostile guest: tries every forbidden thing the hypervisor can refuse
 * with an error code and checks each is refused; the domain survives.
 */
#include "guest.h"
XENO86_GUEST("hostile-refusals");

static volatile int gp_bounced;
static void general_protection(struct trap_regs *regs) { gp_bounced++, regs->eip += 1; /* cli/hlt: 1 byte */ }

static long update(ulong ptr, ulong val) {
  mmu_update_t request = {ptr, val};
  return HYPERVISOR_mmu_update(&request, 1);
}

int main(void) {
  ulong directory_va = start_info->pt_base;
  ulong directory = virtual_to_machine(directory_va);
  ulong table = ((const ulong *)directory_va)[LOAD_BASE >> 22] & ~0xFFFUL; /* the L1 that maps the kernel */
  ulong own_last = 0;
  for (ulong p = 0; p < start_info->nr_pages; p++) {
    ulong m = virtual_to_machine(pseudo_to_virtual(p)) >> 12;
    if (m > own_last) own_last = m;
  }

  /* Writable mappings of its own page tables. */
  EXPECT_EQ(map_page(directory_va, *pte_of(directory_va) | 2, UVMF_INVLPG), -XEN_EINVAL, "mapping the page directory writable");
  ulong table_va = pseudo_to_virtual(M2P[table >> 12]);
  EXPECT_EQ(map_page(table_va, *pte_of(table_va) | 2, UVMF_INVLPG), -XEN_EINVAL, "mapping an L1 table writable");
  EXPECT_EQ(update(table + ((table_va >> 12) & 1023) * 4, table | 0x63), -XEN_EINVAL, "mmu_update making an L1 writable");

  /* Frames it does not own: beyond its own, the hypervisor's low memory, frame 0. */
  static char scratch[PAGE_SIZE] __attribute__((aligned(4096)));
  ulong va = (ulong)scratch;
  ulong pte = *pte_of(va);
  EXPECT_EQ(map_page(va, ((own_last + 1) << 12) | 0x63, UVMF_INVLPG), -XEN_EINVAL, "mapping the next domain's frame");
  EXPECT_EQ(map_page(va, (0x10UL << 12) | 0x61, UVMF_INVLPG), -XEN_EINVAL, "mapping a hypervisor frame read-only");
  EXPECT_EQ(map_page(va, 0x63, UVMF_INVLPG), -XEN_EINVAL, "mapping frame 0");
  EXPECT_EQ(map_page(va, pte | 0x100, UVMF_INVLPG), -XEN_EINVAL, "a global mapping");
  EXPECT_EQ(*pte_of(va), pte, "the PTE is unchanged after the refusals");

  /* The hypervisor's area. */
  EXPECT_EQ(map_page(HYPERVISOR_VIRT_START, pte, UVMF_INVLPG), -XEN_EINVAL, "update_va_mapping in the hole");
  EXPECT_EQ(map_page(0xFFFFF000UL, pte, UVMF_INVLPG), -XEN_EINVAL, "update_va_mapping at the top");
  EXPECT_EQ(update(directory + 1008 * 4, table | 0x67), -XEN_EINVAL, "writing a PDE of the hole");
  EXPECT_EQ(update(directory + 1023 * 4, 0), -XEN_EINVAL, "clearing a PDE of the hole");
  EXPECT_EQ(update(directory + 800 * 4, (0x400000UL) | 0xE7), -XEN_EINVAL, "a 4 MiB page");
  EXPECT_EQ(update((own_last + 1) << 12, 0), -XEN_EINVAL, "an update in another domain's frame");
  EXPECT_EQ(update(0xFFFFF000UL | MMU_EXTENDED_COMMAND, MMUEXT_PIN_L1_TABLE), -XEN_EINVAL, "pinning a frame past the end of memory");
  EXPECT_EQ(update(directory | MMU_UNCHECKED_PT_UPDATE, 0), -XEN_EPERM, "an unchecked update from an unprivileged domain");

  /* Descriptors. */
  ulong gdt_frame = virtual_to_machine((ulong)scratch) >> 12;
  EXPECT_EQ(HYPERVISOR_set_gdt(&gdt_frame, 512), -XEN_EINVAL, "a GDT frame mapped writable");
  EXPECT_EQ(HYPERVISOR_update_descriptor(directory, 0x0000FFFF, 0x00CF9A00), -XEN_EINVAL, "a descriptor in a page directory");
  EXPECT_EQ(HYPERVISOR_update_descriptor(va, 0x0000FFFF, 0x00CF9A00), -XEN_EINVAL, "a DPL-0 code segment");
  EXPECT_EQ(HYPERVISOR_update_descriptor(va, 0x0000FFFF, 0x00CFBA00), -XEN_EINVAL, "a flat 4 GiB ring-1 code segment");
  EXPECT_EQ(HYPERVISOR_update_descriptor(va, 0x08080000, 0x0000EC00), -XEN_EINVAL, "a call gate into the hypervisor's code");
  EXPECT_EQ(HYPERVISOR_update_descriptor(va, 0, 0x0000EE00), -XEN_EINVAL, "an interrupt gate");
  EXPECT_EQ(HYPERVISOR_update_descriptor(va + 4, 0, 0), -XEN_EINVAL, "a misaligned descriptor");

  /* Trap handlers, callbacks and stacks in the hypervisor's selectors. */
  trap_info_t bad_trap[2] = {{14, 0, 0x0808, 0xC0000000}, {0, 0, 0, 0}};
  EXPECT_EQ(HYPERVISOR_set_trap_table(bad_trap), -XEN_EPERM, "a trap handler in the ring-0 code segment");
  bad_trap[0].cs = 0x0818;
  EXPECT_EQ(HYPERVISOR_set_trap_table(bad_trap), -XEN_EPERM, "a trap handler with RPL 0");
  EXPECT_EQ(HYPERVISOR_set_trap_table((trap_info_t *)0xFC000000UL), -XEN_EFAULT, "a trap table in the hole");
  EXPECT_EQ(HYPERVISOR_set_callbacks(0x0808, 0xC0000000, FLAT_RING1_CS, 0xC0000000), -XEN_EPERM, "an event callback in ring 0");
  EXPECT_EQ(HYPERVISOR_stack_switch(0x0810, 0x1000), -XEN_EPERM, "a ring-0 stack");
  EXPECT_EQ(HYPERVISOR_set_fast_trap(0x81), -1, "a fast trap outside 0x20-0x2f and 0x80");
  EXPECT_EQ(HYPERVISOR_set_debugreg(0, 0xFC800000UL), -XEN_EPERM, "a breakpoint in the hypervisor");
  EXPECT_EQ(HYPERVISOR_set_debugreg(7, 1 << 13), -XEN_EPERM, "DR7.GD");

  /* Event channels, control operations, unknown calls. */
  EXPECT_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_open, 999), 0, "a channel to a domain that does not exist waits");
  EXPECT_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_status, 0), EVTCHNSTAT_disconnected, "and stays disconnected");
  EXPECT_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_send, 0), -XEN_EINVAL, "sending on it");
  EXPECT_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_open, start_info->dom_id), -XEN_EINVAL, "a channel to itself");
  EXPECT_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_close, 5000), -XEN_EINVAL, "closing a port that does not exist");
  EXPECT_EQ(HYPERVISOR_event_channel_op(9, 0), -XEN_ENOSYS, "an unknown event channel command");
  dom0_op_t op;
  memset(&op, 0, sizeof op);
  op.cmd = DOM0_DESTROYDOMAIN;
  op.interface_version = DOM0_INTERFACE_VERSION;
  EXPECT_EQ(HYPERVISOR_dom0_op(&op), -XEN_EPERM, "dom0_op from an unprivileged domain");
  long result;
  __asm__ __volatile__("int $0x82" : "=a"(result) : "a"(200) : "memory", "ebx", "ecx", "edx", "esi", "edi");
  EXPECT_EQ(result, -XEN_ENOSYS, "hypercall 200");
  EXPECT_EQ(HYPERVISOR_sched_op(77), -XEN_ENOSYS, "an unknown sched_op");

  /* A runaway multicall: a huge count over a list that runs into unmapped memory. */
  static multicall_entry_t list[2] = {{__HYPERVISOR_sched_op, {SCHEDOP_yield}}, {__HYPERVISOR_sched_op, {SCHEDOP_yield}}};
  ulong end_of_image = pseudo_to_virtual(start_info->nr_pages);
  multicall_entry_t *runaway = (multicall_entry_t *)(end_of_image - 64 * sizeof(multicall_entry_t));
  (void)list;
  EXPECT_EQ(HYPERVISOR_multicall(runaway, 0x7FFFFFFF), -XEN_EFAULT, "a runaway multicall stops at unmapped memory");

  /* Privileged instructions in ring 1 fault into the guest. */
  set_trap(13, general_protection, 0);
  EXPECT_EQ(install_traps(), 0, "set_trap_table");
  __asm__ __volatile__("cli");
  __asm__ __volatile__("hlt");
  EXPECT_EQ(gp_bounced, 2, "cli and hlt raise #GP in ring 1");
  return 0;
}
