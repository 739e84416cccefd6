/*
 * Events and time: periodic EVENT_TIMER delivered by upcall while the
 * master enable is on, held back while it is off, a set_dom_timer alarm
 * while blocked, and system time that only moves forward.
 */
#include "guest.h"
XENO86_GUEST("test-events");

static volatile ulong timer_events;

static void on_event(ulong events) {
  if (events & EVENT_TIMER) timer_events++;
}

int main(void) {
  set_event_handler(on_event, EVENT_TIMER);
  unsigned long long start = system_time();
  events_enable();
  while (timer_events < 3) block();
  unsigned long long after_three = system_time();
  CHECK(after_three >= start + 20000000ULL, "three ticks took %llu ns, less than two periods", after_three - start);

  /* Masked: nothing is delivered, but the event stays pending. */
  events_disable();
  ulong before = timer_events;
  __atomic_and_fetch(&shared->events, ~(xen_u32)EVENT_TIMER, __ATOMIC_SEQ_CST);
  block(); /* a raised event wakes a blocked domain even while masked */
  EXPECT_EQ(timer_events, before, "no upcall while the master enable is off");
  CHECK(shared->events & EVENT_TIMER, "the timer event is pending (events = 0x%x)", shared->events);
  events_enable();
  HYPERVISOR_sched_op(SCHEDOP_yield); /* the next return to the guest delivers it */
  CHECK(timer_events > before, "the pending event is delivered once enabled");

  /* A one-shot alarm 25 ms ahead, waited for by blocking. */
  unsigned long long alarm = system_time() + 25000000ULL;
  EXPECT_EQ(HYPERVISOR_set_dom_timer((ulong)(alarm >> 32), (ulong)alarm), 0, "set_dom_timer");
  while (system_time() < alarm) block();
  CHECK(system_time() >= alarm, "woke before the alarm");
  CHECK(shared->wc_sec > 1000000000UL, "the wall clock is set (wc_sec %u)", shared->wc_sec);
  printf("events: %lu timer events, t = %llu ns\n", timer_events, system_time());
  return 0;
}
