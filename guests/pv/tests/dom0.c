/*
 * The privileged domain's control interface, as Xen 1.2's tools used it:
 * dom0 builds a domain itself. It creates the domain, lists its frames
 * (GETMEMLIST), maps them one at a time with unchecked page-table updates,
 * loads the ELF kernel it was given as its module, writes the initial page
 * tables and start_info, and hands over with BUILDDOMAIN. Then it starts,
 * stops, restarts and waits for the child, and checks the other commands
 * and their refusals. The child (the console test guest) reports on its
 * own console.
 */
#include "guest.h"
XENO86_GUEST("test-dom0");

#define CHILD_KIB 1024
#define CHILD_PAGES (CHILD_KIB / 4)
#define DIRECTORY_PFN (CHILD_PAGES - 1)
#define L1_PFN (CHILD_PAGES - 2)
#define START_INFO_PFN (CHILD_PAGES - 4) /* N - 3 - one L1, as the hypervisor's builder */

static dom0_op_t op;
static ulong child_frames[CHILD_PAGES];
static char scratch[PAGE_SIZE] __attribute__((aligned(4096)));
static ulong scratch_pte_address, scratch_original_pte;

static long dom0(uint command) {
  op.cmd = command;
  op.interface_version = DOM0_INTERFACE_VERSION;
  return HYPERVISOR_dom0_op(&op);
}

static void clear_op(void) {
  memset(&op, 0, sizeof op);
}

/* Points the scratch page at machine frame `frame` (an unchecked update: only dom0 may). */
static void *map_frame(ulong frame) {
  mmu_update_t update = {scratch_pte_address | MMU_UNCHECKED_PT_UPDATE, (frame << 12) | XENO86_START_PTE};
  EXPECT_EQ(HYPERVISOR_mmu_update(&update, 1), 0, "unchecked update of the scratch PTE");
  return scratch;
}

static void unmap_scratch(void) {
  mmu_update_t update = {scratch_pte_address | MMU_UNCHECKED_PT_UPDATE, scratch_original_pte};
  EXPECT_EQ(HYPERVISOR_mmu_update(&update, 1), 0, "restoring the scratch PTE");
}

/* Copies into the child's pseudo-physical address space. */
static void child_write(ulong pseudo, const char *bytes, ulong length) {
  while (length > 0) {
    ulong in_page = PAGE_SIZE - (pseudo & (PAGE_SIZE - 1));
    ulong chunk = length < in_page ? length : in_page;
    CHECK((pseudo >> 12) < CHILD_PAGES, "the kernel does not fit in the child (pseudo-physical %lx)", pseudo);
    char *page = map_frame(child_frames[pseudo >> 12]);
    memcpy(page + (pseudo & (PAGE_SIZE - 1)), bytes, chunk);
    pseudo += chunk, bytes += chunk, length -= chunk;
  }
}

/* ---- the ELF image (the module dom0 was given) ---- */

static ulong u32_at(const char *p) { return *(const xen_u32 *)p; }
static ulong u16_at(const char *p) { return *(const xen_u16 *)p; }

static int starts_with(const char *text, const char *prefix) {
  while (*prefix) if (*text++ != *prefix++) return 0;
  return 1;
}

static ulong parse_hex(const char *text) {
  ulong value = 0;
  if (starts_with(text, "0x")) text += 2;
  for (;; text++) {
    if (*text >= '0' && *text <= '9') value = value * 16 + (ulong)(*text - '0');
    else if (*text >= 'A' && *text <= 'F') value = value * 16 + (ulong)(*text - 'A' + 10);
    else if (*text >= 'a' && *text <= 'f') value = value * 16 + (ulong)(*text - 'a' + 10);
    else return value;
  }
}

/* VIRT_BASE from the image's __xen_guest section (the default base when absent). */
static ulong image_virtual_base(const char *elf) {
  const char *sections = elf + u32_at(elf + 32);
  ulong size = u16_at(elf + 46), count = u16_at(elf + 48);
  const char *names = elf + u32_at(sections + u16_at(elf + 50) * size + 16);
  for (ulong i = 0; i < count; i++) {
    const char *section = sections + i * size;
    if (strcmp(names + u32_at(section), "__xen_guest") != 0) continue;
    const char *text = elf + u32_at(section + 16);
    for (ulong at = 0; at + 10 < u32_at(section + 20); at++) {
      if (starts_with(text + at, "VIRT_BASE=")) return parse_hex(text + at + 10);
    }
  }
  return XENO86_DEFAULT_LOAD_BASE;
}

static void load_kernel(const char *elf, ulong base) {
  CHECK(u32_at(elf) == 0x464C457F, "the module is not an ELF image");
  const char *headers = elf + u32_at(elf + 28);
  ulong size = u16_at(elf + 42), count = u16_at(elf + 44);
  for (ulong i = 0; i < count; i++) {
    const char *header = headers + i * size;
    if (u32_at(header) != 1) continue; /* PT_LOAD */
    child_write(u32_at(header + 8) - base, elf + u32_at(header + 4), u32_at(header + 16));
  }
}

/* ---- the child's start of day ---- */

static void write_page_tables(ulong base) {
  ulong *table = map_frame(child_frames[L1_PFN]);
  memset(table, 0, PAGE_SIZE);
  for (ulong pfn = 0; pfn < CHILD_PAGES; pfn++) {
    int page_table = pfn == DIRECTORY_PFN || pfn == L1_PFN;
    table[pfn] = (child_frames[pfn] << 12) | (page_table ? XENO86_START_PTE_PAGE_TABLE : XENO86_START_PTE);
  }
  ulong *directory = map_frame(child_frames[DIRECTORY_PFN]);
  memset(directory, 0, PAGE_SIZE);
  directory[base >> 22] = (child_frames[L1_PFN] << 12) | XENO86_START_PDE;
}

static void write_start_info(ulong base, ulong id, ulong shared_info_frame) {
  start_info_t *info = map_frame(child_frames[START_INFO_PFN]);
  memset(info, 0, PAGE_SIZE);
  info->nr_pages = CHILD_PAGES;
  info->shared_info = shared_info_frame << 12;
  info->dom_id = id;
  info->pt_base = base + DIRECTORY_PFN * PAGE_SIZE;
}

static void fill_context(full_execution_context_t *c, ulong entry, ulong base) {
  memset(c, 0, sizeof *c);
  ulong start_info_va = base + START_INFO_PFN * PAGE_SIZE;
  c->cpu_ctxt.esi = start_info_va;
  c->cpu_ctxt.esp = start_info_va;
  c->cpu_ctxt.eip = entry;
  c->cpu_ctxt.cs = FLAT_RING1_CS;
  c->cpu_ctxt.ds = c->cpu_ctxt.es = c->cpu_ctxt.fs = c->cpu_ctxt.gs = c->cpu_ctxt.ss = FLAT_RING1_DS;
  c->pt_base = child_frames[DIRECTORY_PFN] << 12;
}

static ulong domain_state(ulong id) {
  clear_op();
  op.u.getdomaininfo.domain = id;
  EXPECT_EQ(dom0(DOM0_GETDOMAININFO), 0, "GETDOMAININFO");
  return op.u.getdomaininfo.state;
}

int main(void) {
  CHECK(start_info->flags & SIF_PRIVILEGED, "started without SIF_PRIVILEGED");
  CHECK(start_info->mod_len > 0, "no child kernel given as the module");
  scratch_pte_address = machine_address_of_pte((ulong)scratch);
  scratch_original_pte = *pte_of((ulong)scratch);

  /* The header checks. */
  clear_op();
  op.cmd = DOM0_GETDOMAININFO;
  op.interface_version = DOM0_INTERFACE_VERSION + 1;
  EXPECT_EQ(HYPERVISOR_dom0_op(&op), -XEN_EACCES, "a wrong interface version");
  clear_op();
  EXPECT_EQ(dom0(99), -XEN_ENOSYS, "an unknown command");
  EXPECT_EQ(HYPERVISOR_dom0_op((dom0_op_t *)HYPERVISOR_VIRT_START), -XEN_EFAULT, "a struct in the hypervisor's area");

  /* Create: the memory is reserved at once. */
  clear_op();
  op.u.createdomain.memory_kb = CHILD_KIB;
  memcpy(op.u.createdomain.name, "child", 6);
  EXPECT_EQ(dom0(DOM0_CREATEDOMAIN), 0, "CREATEDOMAIN");
  ulong child = op.u.createdomain.domain;
  CHECK(child != start_info->dom_id, "the child got dom0's id");
  EXPECT_EQ(domain_state(child), 1, "a new domain is stopped");
  EXPECT_EQ(op.u.getdomaininfo.tot_pages, CHILD_PAGES, "tot_pages");
  EXPECT_EQ(strcmp(op.u.getdomaininfo.name, "child"), 0, "the name");
  ulong shared_info_frame = op.u.getdomaininfo.shared_info_frame;
  CHECK(shared_info_frame != 0, "no shared_info frame");

  clear_op();
  op.u.getmemlist.domain = child;
  op.u.getmemlist.max_pfns = CHILD_PAGES;
  op.u.getmemlist.buffer = (ulong)child_frames;
  EXPECT_EQ(dom0(DOM0_GETMEMLIST), 0, "GETMEMLIST");
  EXPECT_EQ(op.u.getmemlist.num_pfns, CHILD_PAGES, "num_pfns");
  for (ulong pfn = 0; pfn < CHILD_PAGES; pfn++) EXPECT_EQ(M2P[child_frames[pfn]], pfn, "the machine-to-physical table");

  /* Build. */
  const char *elf = (const char *)start_info->mod_start;
  ulong base = image_virtual_base(elf);
  load_kernel(elf, base);
  write_page_tables(base);
  write_start_info(base, child, shared_info_frame);
  unmap_scratch();

  clear_op();
  op.u.builddomain.domain = child;
  fill_context(&op.u.builddomain.ctxt, u32_at(elf + 24), base);
  op.u.builddomain.ctxt.pt_base = virtual_to_machine(start_info->pt_base);
  EXPECT_EQ(dom0(DOM0_BUILDDOMAIN), -XEN_EINVAL, "BUILDDOMAIN with dom0's own page directory");
  fill_context(&op.u.builddomain.ctxt, u32_at(elf + 24), base);
  op.u.builddomain.ctxt.cpu_ctxt.cs = 0x0808;
  EXPECT_EQ(dom0(DOM0_BUILDDOMAIN), -XEN_EINVAL, "BUILDDOMAIN with the hypervisor's code selector");
  fill_context(&op.u.builddomain.ctxt, u32_at(elf + 24), base);
  EXPECT_EQ(dom0(DOM0_BUILDDOMAIN), 0, "BUILDDOMAIN");
  EXPECT_EQ(dom0(DOM0_BUILDDOMAIN), -XEN_EINVAL, "BUILDDOMAIN twice");

  clear_op();
  op.u.getpageframeinfo.pfn = child_frames[DIRECTORY_PFN];
  op.u.getpageframeinfo.domain = child;
  EXPECT_EQ(dom0(DOM0_GETPAGEFRAMEINFO), 0, "GETPAGEFRAMEINFO");
  EXPECT_EQ(op.u.getpageframeinfo.type, 2, "the child's directory is an L2");
  op.u.getpageframeinfo.pfn = child_frames[L1_PFN];
  EXPECT_EQ(dom0(DOM0_GETPAGEFRAMEINFO), 0, "GETPAGEFRAMEINFO");
  EXPECT_EQ(op.u.getpageframeinfo.type, 1, "its page table is an L1");

  /* The debugger reads the child through its own page tables. */
  clear_op();
  op.u.debug.opcode = 'r';
  op.u.debug.domain = child;
  op.u.debug.in1 = base + START_INFO_PFN * PAGE_SIZE;
  op.u.debug.in2 = 8;
  EXPECT_EQ(dom0(DOM0_DEBUG), 0, "DEBUG r");
  EXPECT_EQ(op.u.debug.status, 0, "DEBUG r status");
  EXPECT_EQ(op.u.debug.out1, CHILD_PAGES, "the child's start_info.nr_pages, read by the debugger");
  op.u.debug.domain = 9999;
  EXPECT_EQ(dom0(DOM0_DEBUG), 0, "DEBUG for no domain");
  EXPECT_EQ(op.u.debug.status, 2, "DEBUG for no domain: status");

  /* MSRs. */
  clear_op();
  op.u.msr.cpu_mask = 1;
  op.u.msr.msr = 0x1B; /* the APIC base */
  EXPECT_EQ(dom0(DOM0_MSR), 0, "reading an MSR");
  EXPECT_EQ(op.u.msr.out1 & 0xFFFFF000UL, 0xFEE00000UL, "the APIC base");
  op.u.msr.write = 1;
  op.u.msr.msr = 0x176; /* SYSENTER_EIP: would send ring 3 into ring 0 */
  EXPECT_EQ(dom0(DOM0_MSR), -XEN_EPERM, "writing SYSENTER_EIP");
  op.u.msr.write = 0;
  op.u.msr.msr = 0x12345;
  EXPECT_EQ(dom0(DOM0_MSR), -XEN_EINVAL, "an MSR this CPU does not have");

  /* Start, stop before it ran, start again, and wait for it to finish. */
  clear_op();
  op.u.startdomain.domain = child;
  EXPECT_EQ(dom0(DOM0_STARTDOMAIN), 0, "STARTDOMAIN");
  EXPECT_EQ(domain_state(child), 0, "the child is active");
  clear_op();
  op.u.stopdomain.domain = child;
  EXPECT_EQ(dom0(DOM0_STOPDOMAIN), 0, "STOPDOMAIN");
  EXPECT_EQ(domain_state(child), 1, "the child is stopped");
  clear_op();
  op.u.startdomain.domain = child;
  EXPECT_EQ(dom0(DOM0_STARTDOMAIN), 0, "STARTDOMAIN again");
  ulong yields = 0;
  while (domain_state(child) == 0) {
    CHECK(++yields < 100000, "the child never finished");
    HYPERVISOR_sched_op(SCHEDOP_yield);
  }
  EXPECT_EQ(op.u.getdomaininfo.tot_pages, 0, "a finished domain holds no memory");

  /* dom0's own saved state. */
  clear_op();
  op.u.getdomaininfo.domain = start_info->dom_id;
  EXPECT_EQ(dom0(DOM0_GETDOMAININFO), 0, "GETDOMAININFO for dom0");
  EXPECT_EQ(op.u.getdomaininfo.has_cpu, 1, "dom0 is running");
  EXPECT_EQ(op.u.getdomaininfo.ctxt.cpu_ctxt.cs, FLAT_RING1_CS, "dom0's CS");
  EXPECT_EQ(op.u.getdomaininfo.ctxt.pt_base, virtual_to_machine(start_info->pt_base), "dom0's page directory");
  EXPECT_EQ(op.u.getdomaininfo.ctxt.failsafe_callback_cs, FLAT_RING1_CS, "dom0's failsafe callback");

  /* A second domain, destroyed before it was built. */
  clear_op();
  op.u.createdomain.memory_kb = 256;
  memcpy(op.u.createdomain.name, "short-lived", 12);
  EXPECT_EQ(dom0(DOM0_CREATEDOMAIN), 0, "CREATEDOMAIN");
  ulong second = op.u.createdomain.domain;
  clear_op();
  op.u.destroydomain.domain = second;
  EXPECT_EQ(dom0(DOM0_DESTROYDOMAIN), 0, "DESTROYDOMAIN");
  EXPECT_EQ(dom0(DOM0_DESTROYDOMAIN), -XEN_ESRCH, "DESTROYDOMAIN of a dead domain");
  op.u.destroydomain.domain = start_info->dom_id;
  EXPECT_EQ(dom0(DOM0_DESTROYDOMAIN), -XEN_EINVAL, "dom0 cannot destroy itself");
  clear_op();
  op.u.createdomain.memory_kb = 1u << 30;
  EXPECT_EQ(dom0(DOM0_CREATEDOMAIN), -XEN_ENOMEM, "CREATEDOMAIN beyond the machine's memory");
  return 0;
}
