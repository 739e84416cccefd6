/*
 * The failsafe callback: FS still holds a selector whose descriptor the
 * guest has since made not-present (update_descriptor). Blocking lets the
 * CPU idle; when the domain is switched back in, the hypervisor reloads its
 * data segments, loads FS as null and enters the failsafe callback with the
 * four original selectors on the frame. The callback returns to where the
 * domain blocked.
 */
#include "guest.h"
XENO86_GUEST("test-failsafe");

static ulong gdt_page[1024] __attribute__((aligned(4096)));
static volatile ulong window[4];
static volatile ulong failsafe_calls, seen_ds, seen_fs, seen_eip;
static volatile ulong timer_events;

#define WINDOW_SELECTOR (300 * 8 + 1)

static void on_failsafe(struct failsafe_regs *regs) {
  failsafe_calls++;
  seen_ds = regs->ds;
  seen_fs = regs->fs;
  seen_eip = regs->eip;
  events_enable(); /* the callback was entered with events masked */
}

static void on_event(ulong events) {
  if (events & EVENT_TIMER) timer_events++;
}

static ulong read_fs(void) {
  ulong selector;
  __asm__ __volatile__("movl %%fs, %0" : "=r"(selector));
  return selector & 0xFFFF;
}

int main(void) {
  window[2] = 0x5afe5afe;
  memset(gdt_page, 0, sizeof gdt_page);
  EXPECT_EQ(map_page((ulong)gdt_page, *pte_of((ulong)gdt_page) & ~2UL, UVMF_INVLPG), 0, "the GDT frame mapped read-only");
  ulong frame = virtual_to_machine((ulong)gdt_page) >> 12;
  EXPECT_EQ(HYPERVISOR_set_gdt(&frame, 512), 0, "set_gdt");
  ulong base = (ulong)window, limit = sizeof window - 1;
  ulong low = (base << 16) | limit;
  ulong high = (base & 0xFF000000) | ((base >> 16) & 0xFF) | 0x0040B200; /* present, DPL 1, writable data */
  ulong entry = (frame << 12) + 300 * 8;
  EXPECT_EQ(HYPERVISOR_update_descriptor(entry, low, high), 0, "update_descriptor");

  failsafe_handler = on_failsafe;
  set_event_handler(on_event, EVENT_TIMER);
  events_enable();
  ulong value;
  __asm__ __volatile__("movw %w1, %%fs; movl %%fs:8, %0" : "=r"(value) : "r"(WINDOW_SELECTOR) : "memory");
  EXPECT_EQ(value, 0x5afe5afe, "reading through FS");

  /* Not present from now on; FS keeps its cached copy until the next load, as on hardware. */
  EXPECT_EQ(HYPERVISOR_update_descriptor(entry, low, high & ~0x8000UL), 0, "marking the descriptor not present");
  __asm__ __volatile__("movl %%fs:8, %0" : "=r"(value) : : "memory");
  EXPECT_EQ(value, 0x5afe5afe, "the loaded FS still works");
  EXPECT_EQ(failsafe_calls, 0, "no failsafe callback yet");

  ulong ticks = timer_events;
  while (timer_events == ticks) block();
  EXPECT_EQ(failsafe_calls, 1, "one failsafe callback after being switched back in");
  EXPECT_EQ(seen_fs, WINDOW_SELECTOR, "the frame holds the FS that failed");
  EXPECT_EQ(seen_ds, FLAT_RING1_DS, "and the DS that was fine");
  CHECK(seen_eip >= LOAD_BASE && seen_eip < HYPERVISOR_VIRT_START, "the callback returns into the kernel (eip %lx)", seen_eip);
  EXPECT_EQ(read_fs(), 0, "FS was loaded as null");

  /* A repaired descriptor loads again. */
  EXPECT_EQ(HYPERVISOR_update_descriptor(entry, low, high), 0, "marking it present again");
  __asm__ __volatile__("movw %w1, %%fs; movl %%fs:8, %0; movw %w2, %%fs" : "=r"(value) : "r"(WINDOW_SELECTOR), "r"(0) : "memory");
  EXPECT_EQ(value, 0x5afe5afe, "FS loads after the repair");
  return 0;
}
