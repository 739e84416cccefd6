/*
 * Event channels between two domains: each opens a channel to the other
 * ("peer=N" on the command line); the lower id serves first, and they
 * ping-pong 20 notifications, each waiting (blocked) for the other's.
 */
#include "guest.h"
XENO86_GUEST("test-evtchn");

#define ROUNDS 20
static volatile ulong received;

static void on_events(ulong events) {
  if (!(events & EVENT_EVTCHN)) return;
  if (__atomic_exchange_n(&shared->event_channel_pend[0], 0, __ATOMIC_SEQ_CST) & 1) received++;
  __atomic_and_fetch(&shared->event_channel_pend_sel, ~1UL, __ATOMIC_SEQ_CST);
}

int main(void) {
  char value[16];
  CHECK(command_line_value("peer", value, sizeof value) != NULL, "no peer= on the command line");
  ulong peer = (ulong)parse_number(value);
  set_event_handler(on_events, EVENT_EVTCHN);
  events_enable();
  EXPECT_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_open, peer), 0, "open");
  EXPECT_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_open, peer), -XEN_EEXIST, "a second channel to the same domain");
  while (HYPERVISOR_event_channel_op(EVTCHNOP_status, 0) != EVTCHNSTAT_connected) block();
  /* The domain that opened first was notified of the connection: that is not a ping. */
  int serve = start_info->dom_id < peer;
  if (serve) received = 0;
  ulong sent = 0;
  for (ulong round = 1; round <= ROUNDS; round++) {
    if (serve) {
      EXPECT_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_send, 0), 0, "send");
      sent++;
    }
    while (received < round) block();
    if (!serve) {
      EXPECT_EQ(HYPERVISOR_event_channel_op(EVTCHNOP_send, 0), 0, "send");
      sent++;
    }
  }
  EXPECT_EQ(sent, ROUNDS, "notifications sent");
  printf("evtchn: %lu sent, %lu received from domain %lu\n", sent, received, peer);
  /* The first to finish closes its end (the other then sees it disconnected). */
  return 0;
}
