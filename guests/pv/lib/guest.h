/*
 * The small library every xeno86 test guest links with: start of day,
 * console output, trap and event dispatch, page-table helpers, ring-3
 * entry, and XTF-style result reporting.
 */
#ifndef GUEST_H
#define GUEST_H
#include "xeno86/xen.h"

typedef unsigned long ulong;
typedef unsigned int uint;
#define NULL ((void *)0)
#define PAGE_SIZE 4096UL
#define LOAD_BASE 0xC0000000UL

/* Declares the image a xeno86 kernel named `name` (the __xen_guest section). */
#define XENO86_GUEST(name) \
  __attribute__((section("__xen_guest"), used)) static const char xen_guest_declaration[] = \
      "GUEST_OS=" name ",XEN_VER=xeno86-1.2,VIRT_BASE=0xC0000000,LOADER=generic"

/* What guest_start hands main: start_info and the mapped shared_info. */
extern start_info_t *start_info;
extern volatile shared_info_t *shared;
int main(void);

/* Console. */
void print(const char *text);
void printf(const char *format, ...) __attribute__((format(printf, 1, 2)));
int snprintf(char *buffer, uint size, const char *format, ...) __attribute__((format(printf, 3, 4)));
void *memset(void *dst, int value, uint count);
void *memcpy(void *dst, const void *src, uint count);
int strcmp(const char *a, const char *b);
uint strlen(const char *text);
/* The value of key=... in the command line, or NULL. */
const char *command_line_value(const char *key, char *buffer, uint size);
long parse_number(const char *text);

/* Results (one line, then sched_op exit). */
__attribute__((noreturn)) void test_success(void);
__attribute__((noreturn)) void test_failure(const char *format, ...) __attribute__((format(printf, 1, 2)));
#define CHECK(condition, ...) do { if (!(condition)) test_failure(__VA_ARGS__); } while (0)
#define EXPECT_EQ(actual, expected, what) do { long a_ = (long)(actual), e_ = (long)(expected); \
    if (a_ != e_) test_failure("%s: got %ld, expected %ld (line %d)", what, a_, e_, __LINE__); } while (0)

/* Traps: the frame trap_dispatch sees. */
struct trap_regs {
  ulong edi, esi, ebp, esp_pusha, ebx, edx, ecx, eax;
  ulong vector, cr2, error_code;
  ulong eip, cs, eflags, esp, ss; /* esp, ss: only from ring 3 */
};
typedef void (*trap_handler_t)(struct trap_regs *regs);
/* Installs `handler` for `vector` in the trap table; dpl is what `int n` needs. */
void set_trap(uint vector, trap_handler_t handler, uint dpl);
/* Installs the trap table (traps set before are kept). */
long install_traps(void);
void trap_dispatch(struct trap_regs *regs);

/* Events: the handler sees (and owns) the bits it was given. */
typedef void (*event_handler_t)(ulong events);
void set_event_handler(event_handler_t handler, ulong wanted_mask);
void events_enable(void);
void events_disable(void);
void event_dispatch(void);
/* The failsafe callback's frame: the four data selectors that no longer loaded (DS lowest), then the return frame. */
struct failsafe_regs {
  ulong edi, esi, ebp, esp_pusha, ebx, edx, ecx, eax;
  ulong ds, es, fs, gs;
  ulong eip, cs, eflags;
};
typedef void (*failsafe_handler_t)(struct failsafe_regs *regs);
extern failsafe_handler_t failsafe_handler;
void failsafe_dispatch(struct failsafe_regs *regs);
/* System time in ns, read consistently with the version counters. */
unsigned long long system_time(void);
/* Blocks until an event is pending (and delivered). */
void block(void);

/* Memory: the domain's own page tables, read-only, and the machine-to-physical table. */
#define M2P ((const ulong *)MACHINE_TO_PHYS_VIRT)
ulong pseudo_to_virtual(ulong pfn);
/* The PTE that maps `va` (a pointer into the read-only L1), or NULL. */
volatile ulong *pte_of(ulong va);
ulong virtual_to_machine(ulong va);
ulong machine_address_of_pte(ulong va);
long map_page(ulong va, ulong pte, ulong flags);
/* Adds the user bit to every page of the ring-3 section (code marked USER_TEXT / data USER_DATA). */
void make_user_pages(void);
#define USER_TEXT __attribute__((section(".user.text")))
#define USER_DATA __attribute__((section(".user.data")))

/* Ring 3: runs entry on stack until it calls the exit system call. */
int enter_user(void (*entry)(void), void *stack_top);
typedef long (*syscall_handler_t)(struct trap_regs *regs);
extern syscall_handler_t syscall_handler;
long syscall_dispatch(struct trap_regs *regs);
/* Installs int 0x80 (DPL 3) as a fast trap, with a ring-1 stack for traps from ring 3. */
void setup_system_calls(void);
#define SYS_write 1
#define SYS_exit 2
#define SYS_getpid 3

static inline long user_syscall(long number, long a, long b) {
  long result;
  __asm__ __volatile__("int $0x80" : "=a"(result) : "a"(number), "b"(a), "c"(b) : "memory");
  return result;
}
#endif
