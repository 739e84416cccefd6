/*
 * The xeno86 paravirtual platform of the benchmark kernel (Xen 1.2 style,
 * 0-21 hypercall numbering, see @xeno86/guest-abi's xen.h).
 *
 * Start of day: ring 1, ESI = start_info; the domain's pages are mapped at
 * 0xC0000000 + pfn * 4 KiB, page tables read-only. The kernel maps
 * shared_info itself, installs a trap table (#UD, and int $0x80 with DPL 3
 * as the fast trap), a ring-1 stack for traps from ring 3, and makes its
 * ring-3 section user-accessible, all through hypercalls.
 *
 * Page tables are changed through the hypervisor: update_va_mapping for one
 * change, a queue of mmu_update requests (machine addresses of the PTEs)
 * flushed with one TLB_FLUSH extended command for a batch.
 *
 * Pairs are two domains running this image ("role=ping|pong peer=N"): they
 * yield to each other with sched_op, and notify each other over one event
 * channel (port 0), waiting with sched_op block. Events stay masked (no
 * upcall); events_mask enables EVENT_EVTCHN only so that block wakes up.
 */
#include "platform.h"
#include "xeno86/xen.h"

const char platform_name[] = "pv";

__attribute__((section("__xen_guest"), used)) static const char guest_declaration[] =
    "GUEST_OS=bench,XEN_VER=xeno86-1.2,VIRT_BASE=0xC0000000,LOADER=generic";

#define PTE_PRESENT 0x001
#define PTE_WRITABLE 0x002
#define PTE_USER 0x004
#define PTE_ACCESSED 0x020
#define PTE_KERNEL (PTE_PRESENT | PTE_WRITABLE | PTE_ACCESSED)
#define LOAD_BASE 0xC0000000u
#define M2P ((const volatile u32 *)MACHINE_TO_PHYS_VIRT)

static start_info_t *start_info;
static volatile shared_info_t *shared;
static char command_line[MAX_CMD_LEN];

/* ---- console ------------------------------------------------------------------------------- */

void platform_write(const char *text, u32 length) {
  while (length > 0) {
    u32 chunk = length > 256 ? 256 : length;
    HYPERVISOR_console_write(text, chunk);
    text += chunk;
    length -= chunk;
  }
}

const char *platform_command_line(void) {
  return command_line;
}

static void print(const char *text) {
  u32 n = 0;
  while (text[n] != 0) n++;
  platform_write(text, n);
}

static void print_hex(u32 value) {
  char digits[11];
  digits[0] = '0';
  digits[1] = 'x';
  for (int i = 0; i < 8; i++) digits[2 + i] = "0123456789abcdef"[(value >> (28 - 4 * i)) & 15];
  digits[10] = 0;
  print(digits);
}

__attribute__((noreturn)) void platform_exit(void) {
  for (;;) HYPERVISOR_sched_op(SCHEDOP_exit);
}

__attribute__((noreturn)) static void panic(const char *what, long value) {
  print("bench error pv: ");
  print(what);
  print(" ");
  print_hex((u32)value);
  print("\n");
  platform_exit();
}

/* A hypercall that must succeed (setup), or the run ends with the reason. */
static void require(const char *what, long result) {
  if (result != 0) panic(what, result);
}

/* Hypercalls in the measured loops: the first refusal is reported, the run goes on. */
static int refused;

static void note(const char *what, long result) {
  if (result != 0 && !refused) {
    refused = 1;
    print("bench error pv: ");
    print(what);
    print(" returned ");
    print_hex((u32)result);
    print("\n");
  }
}

/* ---- memory -------------------------------------------------------------------------------- */

static u8 shared_info_page[PAGE_SIZE] __attribute__((aligned(4096)));
static u8 window_pages[WINDOW_PAGES][PAGE_SIZE] __attribute__((aligned(4096)));
static u32 frames[2][1024] __attribute__((aligned(4096)));
volatile u32 *const remap_window = (volatile u32 *)window_pages;

extern char __user_start[], __user_end[];

/* The directory entry that covers `address` (the directory is mapped read-only at pt_base). */
static u32 directory_entry(u32 address) {
  return ((const volatile u32 *)start_info->pt_base)[address >> 22];
}

/* The PTE that maps `address`, through the read-only mapping of its L1 table. */
static u32 pte_of(u32 address) {
  u32 table_frame = directory_entry(address) >> 12;
  const volatile u32 *table = (const volatile u32 *)(LOAD_BASE + M2P[table_frame] * PAGE_SIZE);
  return table[(address >> 12) & 1023];
}

/* The machine address of that PTE (what mmu_update wants). */
static u32 pte_machine_address(u32 address) {
  return (directory_entry(address) & ~0xFFFu) + ((address >> 12) & 1023) * 4;
}

static u32 window_pte[WINDOW_PAGES];
static u32 frame_pte[2];
static mmu_update_t queue[WINDOW_PAGES + 1];
static u32 queued;

static void setup_memory(void) {
  require("mapping shared_info", HYPERVISOR_update_va_mapping((u32)shared_info_page >> 12, start_info->shared_info | PTE_KERNEL, UVMF_INVLPG));
  shared = (volatile shared_info_t *)shared_info_page;
  for (u32 a = (u32)__user_start; a < (u32)__user_end; a += PAGE_SIZE) {
    require("making a ring-3 page user-accessible", HYPERVISOR_update_va_mapping(a >> 12, pte_of(a) | PTE_USER, UVMF_INVLPG));
  }
  frames[0][0] = FRAME_A_MARK;
  frames[1][0] = FRAME_B_MARK;
  for (u32 k = 0; k < 2; k++) frame_pte[k] = (pte_of((u32)frames[k]) & ~0xFFFu) | PTE_KERNEL;
  for (u32 i = 0; i < WINDOW_PAGES; i++) window_pte[i] = pte_machine_address((u32)window_pages[i]);
}

void platform_remap_one(u32 index, u32 which) {
  note("update_va_mapping", HYPERVISOR_update_va_mapping(((u32)window_pages[index]) >> 12, frame_pte[which], UVMF_INVLPG));
}

void platform_remap_queue(u32 index, u32 which) {
  queue[queued].ptr = window_pte[index] | MMU_NORMAL_PT_UPDATE;
  queue[queued].val = frame_pte[which];
  queued++;
}

void platform_remap_flush(void) {
  queue[queued].ptr = MMU_EXTENDED_COMMAND;
  queue[queued].val = MMUEXT_TLB_FLUSH;
  note("mmu_update", HYPERVISOR_mmu_update(queue, queued + 1));
  queued = 0;
}

/* ---- the privileged layer ------------------------------------------------------------------ */

/* console_write with a count of 0 returns 0 without reading anything: a null hypercall. */
long platform_null_call(void) {
  return HYPERVISOR_console_write(0, 0);
}

/* ---- traps --------------------------------------------------------------------------------- */

extern void ud_entry(void), syscall_entry(void);
static u8 trap_stack[8192] __attribute__((aligned(16)));

static void setup_traps(void) {
  static trap_info_t traps[3];
  traps[0] = (trap_info_t){.vector = 6, .flags = 0, .cs = FLAT_RING1_CS, .address = (u32)ud_entry};
  traps[1] = (trap_info_t){.vector = 0x80, .flags = 3, .cs = FLAT_RING1_CS, .address = (u32)syscall_entry};
  traps[2] = (trap_info_t){.vector = 0, .flags = 0, .cs = 0, .address = 0};
  require("set_trap_table", HYPERVISOR_set_trap_table(traps));
  require("stack_switch", HYPERVISOR_stack_switch(FLAT_RING1_DS, (u32)(trap_stack + sizeof trap_stack)));
  require("set_fast_trap(0x80)", HYPERVISOR_set_fast_trap(0x80));
}

/* ---- two domains --------------------------------------------------------------------------- */

#define PORT 0 /* the first (only) channel: open takes the first free port */

static int role = -1;
static u32 peer;
static int connected;

int platform_role(void) {
  return role;
}

static int text_equal(const char *a, const char *b, u32 n) {
  for (u32 i = 0; i < n; i++) {
    if (a[i] != b[i]) return 0;
  }
  return 1;
}

/* role= and peer= from the command line. */
static void read_role(void) {
  for (const char *p = command_line; *p != 0; p++) {
    if (p != command_line && p[-1] != ' ') continue;
    if (text_equal(p, "role=ping", 9)) role = ROLE_PING;
    if (text_equal(p, "role=pong", 9)) role = ROLE_PONG;
    if (text_equal(p, "peer=", 5)) {
      peer = 0;
      for (const char *d = p + 5; *d >= '0' && *d <= '9'; d++) peer = peer * 10 + (u32)(*d - '0');
    }
  }
}

void platform_yield(void) {
  HYPERVISOR_sched_op(SCHEDOP_yield);
}

void platform_send(void) {
  note("event_channel_op send", HYPERVISOR_event_channel_op(EVTCHNOP_send, PORT));
}

int platform_poll(void) {
  /* Clear the event bit first: a notification after this point sets it again, so block returns at once. */
  __atomic_fetch_and(&shared->events, ~(u32)EVENT_EVTCHN, __ATOMIC_SEQ_CST);
  u32 before = __atomic_fetch_and(&shared->event_channel_pend[PORT / 32], ~(1u << (PORT % 32)), __ATOMIC_SEQ_CST);
  if ((before & (1u << (PORT % 32))) == 0) return 0;
  __atomic_fetch_and(&shared->event_channel_pend_sel, ~(1u << (PORT / 32)), __ATOMIC_SEQ_CST);
  return 1;
}

void platform_wait(void) {
  while (!platform_poll()) HYPERVISOR_sched_op(SCHEDOP_block);
}

/*
 * Opens the channel and leaves it with ping to send first and nothing
 * pending. The domain that opened first is told of the connection (its
 * pending bit): if that was pong, pong hands the turn to ping with one
 * notification. (A second opener that finds its bit set can only have
 * received that hand-over, and consumes it just the same.)
 */
static void connect(void) {
  require("event_channel_op open", HYPERVISOR_event_channel_op(EVTCHNOP_open, peer));
  while (HYPERVISOR_event_channel_op(EVTCHNOP_status, PORT) != EVTCHNSTAT_connected) HYPERVISOR_sched_op(SCHEDOP_block);
  int notified = platform_poll();
  if (notified && role == ROLE_PONG) platform_send();
  if (!notified && role == ROLE_PING) platform_wait();
  connected = 1;
}

void platform_pair_run(void (*body)(int role), int kind) {
  (void)kind; /* two domains: always two address spaces */
  if (role < 0) panic("pair benchmarks need role=ping|pong and peer=<domain> on the command line; role", role);
  if (!connected) connect();
  body(role);
}

/* ---- start of day -------------------------------------------------------------------------- */

void pv_start(start_info_t *info) {
  start_info = info;
  for (u32 i = 0; i < MAX_CMD_LEN - 1 && info->cmd_line[i] != 0; i++) command_line[i] = info->cmd_line[i];
  setup_memory();
  shared->events_mask = EVENT_EVTCHN; /* no master enable: no upcalls, but block wakes for the channel */
  setup_traps();
  read_role();
  bench_main();
  platform_exit();
}
