/*
 * The hypervisor overhead benchmark: one kernel, built for the bare PC and
 * for the xeno86 hypervisor (see platform.h), that runs each
 * operation N times between two console lines
 *
 *     bench <name> begin
 *     bench <name> end <N>
 *
 * which the host timestamps. Every operation first runs W*N times unmarked
 * (so the emulator has compiled the code and the host's JIT has optimized
 * it and the monitor's paths), then `reps` marked times.
 *
 * Command line: `reps=R` (default 3), `warm=W` (default 1) and `<name>=N`
 * for each operation to run (absent or 0: skipped); pv pairs add
 * `role=ping|pong peer=<domain>`.
 *
 *   syscall     int $0x80 from ring 3 to the kernel and back
 *   hypercall   the kernel enters the privileged layer and returns
 *   trap        ud2 in the kernel, handled by the kernel's #UD handler
 *   pte-single  one page remapped per operation, each change applied alone
 *   pte-batch   the same changes queued 64 at a time, one TLB flush each
 *   ctxswitch   round trip between two address spaces (yield, yield back)
 *   event       round trip of a notification (send, the peer answers)
 *
 * Problems are reported as `bench error <text>` lines; the run ends with
 * `bench done`.
 */
#include "platform.h"

/* ---- what a freestanding kernel provides ----------------------------------------------------- */

/* The compiler may call these for structure copies and zeroing. */
void *memset(void *destination, int value, u32 count) {
  u8 *d = destination;
  while (count-- > 0) *d++ = (u8)value;
  return destination;
}

void *memcpy(void *destination, const void *source, u32 count) {
  u8 *d = destination;
  const u8 *s = source;
  while (count-- > 0) *d++ = *s++;
  return destination;
}

/* ---- console ------------------------------------------------------------------------------- */

static u32 text_length(const char *text) {
  u32 n = 0;
  while (text[n] != 0) n++;
  return n;
}

struct line {
  char text[160];
  u32 length;
};

static void line_add(struct line *line, const char *text) {
  while (*text != 0 && line->length < sizeof line->text - 1) line->text[line->length++] = *text++;
}

static void line_number(struct line *line, u32 value) {
  char digits[10];
  u32 count = 0;
  do {
    digits[count++] = (char)('0' + value % 10);
    value /= 10;
  } while (value != 0);
  while (count > 0 && line->length < sizeof line->text - 1) line->text[line->length++] = digits[--count];
}

static void line_hex(struct line *line, u32 value) {
  line_add(line, "0x");
  for (int shift = 28; shift >= 0; shift -= 4) {
    char digit = "0123456789abcdef"[(value >> shift) & 15];
    if (line->length < sizeof line->text - 1) line->text[line->length++] = digit;
  }
}

static void line_print(struct line *line) {
  line->text[line->length++] = '\n';
  platform_write(line->text, line->length);
  line->length = 0;
}

static void say(const char *a, const char *b, const char *c) {
  struct line line;
  line.length = 0;
  line_add(&line, a);
  line_add(&line, b);
  line_add(&line, c);
  line_print(&line);
}

static void marker_begin(const char *name) {
  say("bench ", name, " begin");
}

static void marker_end(const char *name, u32 count) {
  struct line line;
  line.length = 0;
  line_add(&line, "bench ");
  line_add(&line, name);
  line_add(&line, " end ");
  line_number(&line, count);
  line_print(&line);
}

static void report_error(const char *name, const char *what, u32 value) {
  struct line line;
  line.length = 0;
  line_add(&line, "bench error ");
  line_add(&line, name);
  line_add(&line, ": ");
  line_add(&line, what);
  line_add(&line, " ");
  line_hex(&line, value);
  line_print(&line);
}

/* ---- command line -------------------------------------------------------------------------- */

/* The number after `key=` in the command line, or `fallback`. */
static u32 option(const char *key, u32 fallback) {
  const char *p = platform_command_line();
  u32 key_length = text_length(key);
  while (*p != 0) {
    while (*p == ' ') p++;
    u32 i = 0;
    while (i < key_length && p[i] == key[i]) i++;
    if (i == key_length && p[i] == '=') {
      p += i + 1;
      u32 value = 0;
      while (*p >= '0' && *p <= '9') value = value * 10 + (u32)(*p++ - '0');
      return value;
    }
    while (*p != 0 && *p != ' ') p++;
  }
  return fallback;
}

/* ---- the operations ------------------------------------------------------------------------ */

USER_DATA static u8 user_stack[2048] __attribute__((aligned(16)));

/* Ring 3: n null system calls, then the exit call that returns to the kernel. */
USER_TEXT __attribute__((noreturn)) static void user_null_calls(u32 n) {
  for (u32 i = 0; i < n; i++) {
    u32 eax = SYS_NULL;
    __asm__ __volatile__("int $0x80" : "+a"(eax) : : "memory");
  }
  u32 eax = SYS_EXIT;
  __asm__ __volatile__("int $0x80" : "+a"(eax) : : "memory");
  __builtin_unreachable();
}

static void run_syscall(u32 n) {
  platform_run_user(user_null_calls, n, user_stack + sizeof user_stack);
}

static void run_hypercall(u32 n) {
  for (u32 i = 0; i < n; i++) platform_null_call();
}

static void run_trap(u32 n) {
  /* The kernel's #UD handler steps over the 2-byte instruction. */
  for (u32 i = 0; i < n; i++) __asm__ __volatile__("ud2" : : : "memory");
}

static u32 window_word(u32 index) {
  return remap_window[index * (PAGE_SIZE / 4)];
}

static u32 mark_of(u32 which) {
  return which ? FRAME_B_MARK : FRAME_A_MARK;
}

/* Each change is read back through the window (it must show the new frame). */
static void run_pte_single(u32 n) {
  u32 wrong = 0;
  for (u32 i = 0; i < n; i++) {
    platform_remap_one(0, i & 1);
    wrong += window_word(0) != mark_of(i & 1);
  }
  if (wrong != 0) report_error("pte-single", "window reads that saw the old frame:", wrong);
}

static void run_pte_batch(u32 n) {
  u32 wrong = 0;
  for (u32 done = 0, round = 0; done < n; done += WINDOW_PAGES, round++) {
    for (u32 page = 0; page < WINDOW_PAGES; page++) platform_remap_queue(page, round & 1);
    platform_remap_flush();
    for (u32 page = 0; page < WINDOW_PAGES; page++) wrong += window_word(page) != mark_of(round & 1);
  }
  if (wrong != 0) report_error("pte-batch", "window reads that saw the old frame:", wrong);
}

struct operation {
  const char *name;
  void (*run)(u32 n);
  /* N is rounded down to a multiple of this. */
  u32 granule;
};

static const struct operation SOLO[] = {
    {"syscall", run_syscall, 1},
    {"hypercall", run_hypercall, 1},
    {"trap", run_trap, 1},
    {"pte-single", run_pte_single, 1},
    {"pte-batch", run_pte_batch, WINDOW_PAGES},
};

static u32 reps;
static u32 warm_factor;

static u32 count_of(const char *name, u32 granule) {
  return option(name, 0) / granule * granule;
}

/* Unmarked runs first: the emulator compiles the loop and the host's JIT optimizes it and the monitor's paths. */
static u32 warm_up_count(u32 n, u32 granule) {
  u32 warm = n * warm_factor;
  return warm > granule ? warm : granule;
}

static void measure(const struct operation *op) {
  u32 n = count_of(op->name, op->granule);
  if (n == 0) return;
  op->run(warm_up_count(n, op->granule));
  for (u32 r = 0; r < reps; r++) {
    marker_begin(op->name);
    op->run(n);
    marker_end(op->name, n);
  }
}

/* ---- two parties --------------------------------------------------------------------------- */

/*
 * Each body starts with the ping side to send and ends the same way, so
 * notifications strictly alternate and never merge into one pending bit.
 */

static void yields(u32 n) {
  for (u32 i = 0; i < n; i++) platform_yield();
}

static void ctxswitch_body(int role) {
  u32 n = count_of("ctxswitch", 1);
  if (role == ROLE_PING) {
    yields(warm_up_count(n, 1));
    for (u32 r = 0; r < reps; r++) {
      marker_begin("ctxswitch");
      yields(n);
      marker_end("ctxswitch", n);
    }
    platform_send(); /* done */
    platform_wait(); /* the peer saw it */
  } else {
    /* Keeps handing the processor back until ping says it is done. */
    for (;;) {
      platform_yield();
      if (platform_poll()) break;
    }
    platform_send();
  }
}

static void ping_pongs(u32 n) {
  for (u32 i = 0; i < n; i++) {
    platform_send();
    platform_wait();
  }
}

static void event_body(int role) {
  u32 n = count_of("event", 1);
  u32 warm = warm_up_count(n, 1);
  if (role == ROLE_PING) {
    ping_pongs(warm);
    for (u32 r = 0; r < reps; r++) {
      marker_begin("event");
      ping_pongs(n);
      marker_end("event", n);
    }
  } else {
    for (u32 i = 0; i < warm + reps * n; i++) {
      platform_wait();
      platform_send();
    }
  }
}

/* ---- main ---------------------------------------------------------------------------------- */

void bench_main(void) {
  reps = option("reps", 3);
  warm_factor = option("warm", 1);
  say("bench start ", platform_name, "");
  long check = platform_null_call();
  if (check != 0) report_error("hypercall", "the null call returned", (u32)check);
  if (platform_role() < 0) {
    for (u32 i = 0; i < sizeof SOLO / sizeof SOLO[0]; i++) measure(&SOLO[i]);
  }
  if (count_of("ctxswitch", 1) != 0) platform_pair_run(ctxswitch_body, PAIR_PROCESSES);
  if (count_of("event", 1) != 0) platform_pair_run(event_body, PAIR_THREADS);
  say("bench done", "", "");
}
