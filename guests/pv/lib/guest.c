/* The guest library's C half; see guest.h. */
#include "guest.h"
/* Freestanding varargs, without the compiler's headers. */
typedef __builtin_va_list va_list;
#define va_start(list, last) __builtin_va_start(list, last)
#define va_arg(list, type) __builtin_va_arg(list, type)
#define va_end(list) __builtin_va_end(list)

start_info_t *start_info;
volatile shared_info_t *shared;
failsafe_handler_t failsafe_handler;
syscall_handler_t syscall_handler;

/* A page of the image that the shared_info frame is mapped over. */
static char shared_page[PAGE_SIZE] __attribute__((aligned(4096)));
static char fast_trap_stack[8192] __attribute__((aligned(16)));

/* ---- strings ---- */

void *memset(void *dst, int value, uint count) {
  unsigned char *d = dst;
  while (count--) *d++ = (unsigned char)value;
  return dst;
}

void *memcpy(void *dst, const void *src, uint count) {
  unsigned char *d = dst;
  const unsigned char *s = src;
  while (count--) *d++ = *s++;
  return dst;
}

uint strlen(const char *text) {
  uint n = 0;
  while (text[n]) n++;
  return n;
}

int strcmp(const char *a, const char *b) {
  while (*a && *a == *b) a++, b++;
  return (unsigned char)*a - (unsigned char)*b;
}

long parse_number(const char *text) {
  long value = 0;
  int negative = *text == '-';
  if (negative) text++;
  while (*text >= '0' && *text <= '9') value = value * 10 + (*text++ - '0');
  return negative ? -value : value;
}

const char *command_line_value(const char *key, char *buffer, uint size) {
  const char *line = start_info->cmd_line;
  uint length = strlen(key);
  for (const char *at = line; *at; at++) {
    if ((at == line || at[-1] == ' ')) {
      uint i = 0;
      while (i < length && at[i] == key[i]) i++;
      if (i == length && (at[i] == '=' || at[i] == ' ' || at[i] == 0)) {
        const char *value = at[i] == '=' ? at + i + 1 : at + i;
        uint n = 0;
        while (value[n] && value[n] != ' ' && n + 1 < size) buffer[n] = value[n], n++;
        buffer[n] = 0;
        return buffer;
      }
    }
  }
  return NULL;
}

/* ---- formatted output ---- */

struct sink {
  char *buffer;
  uint size, length;
};

static void put(struct sink *s, char c) {
  if (s->length + 1 < s->size) s->buffer[s->length] = c;
  s->length++;
}

/* value /= base, returning the remainder, in 32-bit steps (no 64-bit division helper in a freestanding kernel). */
static uint divide_small(unsigned long long *value, uint base) {
  ulong high = (ulong)(*value >> 32), low = (ulong)*value;
  ulong high_quotient = high / base, remainder = high % base, low_quotient = 0;
  for (int bit = 31; bit >= 0; bit--) {
    remainder = (remainder << 1) | ((low >> bit) & 1);
    low_quotient <<= 1;
    if (remainder >= base) remainder -= base, low_quotient |= 1;
  }
  *value = ((unsigned long long)high_quotient << 32) | low_quotient;
  return (uint)remainder;
}

static void put_number(struct sink *s, unsigned long long value, uint base, int width, char pad, int negative) {
  char digits[24];
  int n = 0;
  do digits[n++] = "0123456789abcdef"[divide_small(&value, base)];
  while (value);
  if (negative) digits[n++] = '-';
  while (n < width) put(s, pad), width--;
  while (n) put(s, digits[--n]);
}

static void format(struct sink *s, const char *f, va_list args) {
  for (; *f; f++) {
    if (*f != '%') {
      put(s, *f);
      continue;
    }
    f++;
    char pad = ' ';
    int width = 0, longs = 0;
    if (*f == '0') pad = '0', f++;
    while (*f >= '0' && *f <= '9') width = width * 10 + (*f++ - '0');
    while (*f == 'l') longs++, f++;
    switch (*f) {
      case 'd': {
        long long v = longs >= 2 ? va_arg(args, long long) : longs ? va_arg(args, long) : va_arg(args, int);
        put_number(s, v < 0 ? -(unsigned long long)v : (unsigned long long)v, 10, width, pad, v < 0);
        break;
      }
      case 'u':
        put_number(s, longs >= 2 ? va_arg(args, unsigned long long) : longs ? va_arg(args, unsigned long) : va_arg(args, unsigned), 10, width, pad, 0);
        break;
      case 'x':
        put_number(s, longs >= 2 ? va_arg(args, unsigned long long) : longs ? va_arg(args, unsigned long) : va_arg(args, unsigned), 16, width, pad, 0);
        break;
      case 'p':
        put(s, '0'), put(s, 'x');
        put_number(s, (ulong)va_arg(args, void *), 16, 8, '0', 0);
        break;
      case 'c':
        put(s, (char)va_arg(args, int));
        break;
      case 's': {
        const char *text = va_arg(args, const char *);
        while (*text) put(s, *text++);
        break;
      }
      default:
        put(s, *f);
    }
  }
}

int snprintf(char *buffer, uint size, const char *f, ...) {
  struct sink s = {buffer, size, 0};
  va_list args;
  va_start(args, f);
  format(&s, f, args);
  va_end(args);
  if (size) buffer[s.length < size ? s.length : size - 1] = 0;
  return (int)s.length;
}

void print(const char *text) {
  uint length = strlen(text);
  while (length) {
    uint chunk = length > 256 ? 256 : length;
    HYPERVISOR_console_write(text, chunk);
    text += chunk, length -= chunk;
  }
}

void printf(const char *f, ...) {
  char line[512];
  struct sink s = {line, sizeof line, 0};
  va_list args;
  va_start(args, f);
  format(&s, f, args);
  va_end(args);
  line[s.length < sizeof line ? s.length : sizeof line - 1] = 0;
  print(line);
}

void test_success(void) {
  print("Test result: SUCCESS\n");
  HYPERVISOR_sched_op(SCHEDOP_exit);
  for (;;) {}
}

void test_failure(const char *f, ...) {
  char line[400];
  struct sink s = {line, sizeof line, 0};
  va_list args;
  va_start(args, f);
  format(&s, f, args);
  va_end(args);
  line[s.length < sizeof line ? s.length : sizeof line - 1] = 0;
  printf("Test result: FAILURE: %s\n", line);
  HYPERVISOR_sched_op(SCHEDOP_exit);
  for (;;) {}
}

/* ---- traps ---- */

static trap_handler_t handlers[256];
static trap_info_t trap_table[257];
static uint trap_count;

#define ENTRY(v) extern char trap_entry_##v[];
ENTRY(0) ENTRY(1) ENTRY(3) ENTRY(4) ENTRY(5) ENTRY(6) ENTRY(7) ENTRY(8) ENTRY(10) ENTRY(11) ENTRY(12) ENTRY(13) ENTRY(14) ENTRY(16) ENTRY(17) ENTRY(0x40) ENTRY(0x41)
extern char syscall_entry[], event_entry[], failsafe_entry[];

static ulong entry_point(uint vector) {
  switch (vector) {
#define CASE(v) case v: return (ulong)trap_entry_##v;
    CASE(0) CASE(1) CASE(3) CASE(4) CASE(5) CASE(6) CASE(7) CASE(8) CASE(10) CASE(11) CASE(12) CASE(13) CASE(14) CASE(16) CASE(17) CASE(0x40) CASE(0x41)
    case 0x80: return (ulong)syscall_entry;
    default: return 0;
  }
}

void set_trap(uint vector, trap_handler_t handler, uint dpl) {
  ulong address = entry_point(vector);
  if (address == 0) test_failure("the guest library has no entry stub for vector %u", vector);
  handlers[vector] = handler;
  for (uint i = 0; i < trap_count; i++) {
    if (trap_table[i].vector == vector) {
      trap_table[i].flags = (xen_u8)dpl;
      return;
    }
  }
  trap_table[trap_count].vector = (xen_u8)vector;
  trap_table[trap_count].flags = (xen_u8)dpl;
  trap_table[trap_count].cs = FLAT_RING1_CS;
  trap_table[trap_count].address = address;
  trap_count++;
}

long install_traps(void) {
  trap_table[trap_count].address = 0;
  return HYPERVISOR_set_trap_table(trap_table);
}

void trap_dispatch(struct trap_regs *regs) {
  trap_handler_t handler = handlers[regs->vector & 0xff];
  if (handler == NULL) test_failure("unexpected trap %lu (error code 0x%lx, cr2 0x%lx) at %lx:%lx", regs->vector, regs->error_code, regs->cr2, regs->cs, regs->eip);
  handler(regs);
}

void failsafe_dispatch(struct failsafe_regs *regs) {
  if (failsafe_handler == NULL) {
    test_failure("unexpected failsafe callback at %lx:%lx (ds %lx es %lx fs %lx gs %lx)", regs->cs, regs->eip, regs->ds, regs->es, regs->fs, regs->gs);
  }
  failsafe_handler(regs);
}

/* ---- events ---- */

static event_handler_t event_handler;
static ulong event_mask;

void set_event_handler(event_handler_t handler, ulong wanted) {
  event_handler = handler;
  event_mask = wanted;
  shared->events_mask = wanted; /* master still off */
}

void events_enable(void) {
  __atomic_or_fetch(&shared->events_mask, EVENTS_MASTER_ENABLE_MASK | event_mask, __ATOMIC_SEQ_CST);
}

void events_disable(void) {
  __atomic_and_fetch(&shared->events_mask, ~EVENTS_MASTER_ENABLE_MASK, __ATOMIC_SEQ_CST);
}

void event_dispatch(void) {
  ulong events = __atomic_exchange_n(&shared->events, 0, __ATOMIC_SEQ_CST) & event_mask;
  if (event_handler != NULL && events != 0) event_handler(events);
  /* The hypervisor cleared the delivered bits and the master bit in the mask. */
  __atomic_or_fetch(&shared->events_mask, event_mask | EVENTS_MASTER_ENABLE_MASK, __ATOMIC_SEQ_CST);
}

unsigned long long system_time(void) {
  for (;;) {
    xen_u32 version = shared->time_version2;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    unsigned long long t = shared->system_time;
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (shared->time_version1 == version) return t;
  }
}

void block(void) {
  HYPERVISOR_sched_op(SCHEDOP_block);
}

/* ---- memory ---- */

ulong pseudo_to_virtual(ulong pfn) {
  return LOAD_BASE + pfn * PAGE_SIZE;
}

volatile ulong *pte_of(ulong va) {
  const ulong *directory = (const ulong *)start_info->pt_base;
  ulong pde = directory[va >> 22];
  if (!(pde & 1)) return NULL;
  ulong *table = (ulong *)pseudo_to_virtual(M2P[pde >> 12]);
  return &table[(va >> 12) & 1023];
}

ulong virtual_to_machine(ulong va) {
  volatile ulong *pte = pte_of(va);
  if (pte == NULL || !(*pte & 1)) return 0;
  return (*pte & ~0xFFFUL) | (va & 0xFFF);
}

ulong machine_address_of_pte(ulong va) {
  return virtual_to_machine((ulong)pte_of(va));
}

long map_page(ulong va, ulong pte, ulong flags) {
  return HYPERVISOR_update_va_mapping(va >> 12, pte, flags);
}

extern char __user_start[], __user_end[];

void make_user_pages(void) {
  for (ulong va = (ulong)__user_start; va < (ulong)__user_end; va += PAGE_SIZE) {
    long result = map_page(va, *pte_of(va) | 4, UVMF_INVLPG);
    if (result != 0) test_failure("cannot make page %lx user-accessible: %ld", va, result);
  }
}

long syscall_dispatch(struct trap_regs *regs) {
  if (regs->eax == SYS_exit) return 1;
  if (syscall_handler != NULL) regs->eax = (ulong)syscall_handler(regs);
  else if (regs->eax == SYS_write) {
    char text[257];
    uint length = regs->ecx > 256 ? 256 : regs->ecx;
    memcpy(text, (const char *)regs->ebx, length);
    text[length] = 0;
    print(text);
    regs->eax = length;
  } else regs->eax = (ulong)-38;
  return 0;
}

void setup_system_calls(void) {
  set_trap(0x80, NULL, 3);
  long result = install_traps();
  if (result != 0) test_failure("set_trap_table: %ld", result);
  result = HYPERVISOR_stack_switch(FLAT_RING1_DS, (ulong)(fast_trap_stack + sizeof fast_trap_stack));
  if (result != 0) test_failure("stack_switch: %ld", result);
  result = HYPERVISOR_set_fast_trap(0x80);
  if (result != 0) test_failure("set_fast_trap(0x80): %ld", result);
  make_user_pages();
}

/* ---- start of day ---- */

void guest_start(start_info_t *info) {
  start_info = info;
  ulong va = (ulong)shared_page;
  long result = map_page(va, info->shared_info | 0x23, UVMF_INVLPG);
  if (result != 0) test_failure("cannot map shared_info: %ld", result);
  shared = (volatile shared_info_t *)va;
  HYPERVISOR_set_callbacks(FLAT_RING1_CS, (ulong)event_entry, FLAT_RING1_CS, (ulong)failsafe_entry);
  int status = main();
  if (status == 0) test_success();
  test_failure("main returned %d", status);
}
