/*
 * The demo kernel: a heartbeat every 100 ms of system time with some
 * visible work (counting primes a little further each tick), a ring-3
 * process making fast system calls every half second, and, with
 * "peer=N" on the command line, events sent to and received from domain N
 * over an event channel. It stops after 2 s of system time unless the
 * command line says "forever". With "spin" it never blocks: it counts
 * primes as fast as it can (a CPU-bound domain, for the scheduler's
 * fairness) and reports its progress every 100 ms.
 */
#include "guest.h"
XENO86_GUEST("xeno86-demo");

#define TICK_NS 100000000ULL
#define RUN_NS 2000000000ULL

static volatile ulong timer_events, channel_events;
static char user_stack[4096] __attribute__((aligned(16))) USER_DATA;
USER_DATA static char user_message[] = "user process: hello from ring 3\n";
USER_DATA static volatile long user_pid;

USER_TEXT static void user_main(void) {
  user_pid = user_syscall(SYS_getpid, 0, 0);
  user_syscall(SYS_write, (long)user_message, sizeof user_message - 1);
  for (int i = 0; i < 100; i++) user_syscall(SYS_getpid, 0, 0);
  user_syscall(SYS_exit, 0, 0);
}

static long system_call(struct trap_regs *regs) {
  if (regs->eax == SYS_getpid) return (long)start_info->dom_id;
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

static void on_events(ulong events) {
  if (events & EVENT_TIMER) timer_events++;
  if (events & EVENT_EVTCHN) {
    ulong selector = __atomic_exchange_n(&shared->event_channel_pend_sel, 0, __ATOMIC_SEQ_CST);
    for (uint word = 0; word < 32; word++) {
      if (!(selector & (1UL << word))) continue;
      ulong bits = __atomic_exchange_n(&shared->event_channel_pend[word], 0, __ATOMIC_SEQ_CST);
      while (bits) channel_events++, bits &= bits - 1;
    }
  }
}

/* Primes below `limit`, counted from where the last call stopped. */
static ulong primes_found = 0, primes_next = 2;
static void count_primes(ulong limit) {
  for (; primes_next < limit; primes_next++) {
    int prime = 1;
    for (ulong d = 2; d * d <= primes_next; d++) {
      if (primes_next % d == 0) { prime = 0; break; }
    }
    primes_found += (ulong)prime;
  }
}

int main(void) {
  char value[16];
  int forever = command_line_value("forever", value, sizeof value) != NULL;
  int spin = command_line_value("spin", value, sizeof value) != NULL;
  long peer = command_line_value("peer", value, sizeof value) != NULL ? parse_number(value) : -1;
  syscall_handler = system_call;
  setup_system_calls();
  set_event_handler(on_events, EVENT_TIMER | EVENT_EVTCHN);
  if (peer >= 0) {
    long result = HYPERVISOR_event_channel_op(EVTCHNOP_open, (ulong)peer);
    if (result != 0) printf("cannot open an event channel to domain %ld: %ld\n", peer, result);
  }
  printf("demo kernel in domain %u: %u KiB, command line \"%s\"\n", start_info->dom_id, start_info->nr_pages * 4, start_info->cmd_line);
  events_enable();
  unsigned long long start = system_time(), next_tick = start + TICK_NS;
  ulong ticks = 0, sent = 0;
  for (;;) {
    if (spin) count_primes(primes_next + 64);
    else block();
    unsigned long long now = system_time();
    if (now < next_tick) continue;
    next_tick += TICK_NS;
    ticks++;
    if (!spin) count_primes(2000 + ticks * 500);
    if (peer >= 0 && HYPERVISOR_event_channel_op(EVTCHNOP_status, 0) == EVTCHNSTAT_connected) {
      if (HYPERVISOR_event_channel_op(EVTCHNOP_send, 0) == 0) sent++;
    }
    ulong elapsed_ms = (ulong)((now - start) >> 20); /* ~ms, without 64-bit division */
    printf("tick %lu (t~%lu ms): %lu primes below %lu", ticks, elapsed_ms, primes_found, primes_next);
    if (peer >= 0) printf(", events to domain %ld: %lu sent, %lu received", peer, sent, channel_events);
    print("\n");
    if (ticks % 5 == 0) enter_user(user_main, user_stack + sizeof user_stack);
    if (!forever && now - start >= RUN_NS) break;
  }
  printf("demo kernel in domain %u done: %lu ticks, %lu timer events\n", start_info->dom_id, ticks, timer_events);
  HYPERVISOR_sched_op(SCHEDOP_exit);
  return 0;
}
