/*
 * The platform interface of the overhead benchmark kernel (bench.c).
 *
 * bench.c holds the measured loops and nothing else; everything that
 * differs between the bare PC and the xeno86 hypervisor sits behind these
 * functions, implemented once per target:
 *
 *   platform-native.c/.S  Multiboot kernel in ring 0 of the bare PC: its own
 *                         GDT, TSS, IDT and page tables, COM1 console.
 *   platform-pv.c/.S      xeno86 paravirtual kernel in ring 1: trap table,
 *                         fast trap, hypercalls, event channels.
 *
 * Both implementations give every operation the same shape (a call into the
 * platform, the privileged work, a return) so the ratio of the two is the
 * cost of the monitor, not of different code around it.
 */
#ifndef BENCH_PLATFORM_H
#define BENCH_PLATFORM_H

typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef unsigned long long u64;

#define PAGE_SIZE 4096u

/* Sections of the ring-3 part of the kernel (mapped user-accessible by the platform). */
#define USER_TEXT __attribute__((section(".user.text"), noinline))
#define USER_DATA __attribute__((section(".user.data")))

/* System call numbers (int $0x80 from ring 3, EAX = number). */
#define SYS_NULL 0
#define SYS_EXIT 1

/* ---- start of day and console --------------------------------------------------------------- */

/* The kernel's C entry, called by the platform once it is set up. */
void bench_main(void);
/* "native" or "pv". */
extern const char platform_name[];
/* The command line (Multiboot command line or start_info.cmd_line). */
const char *platform_command_line(void);
/* Writes bytes to the console (COM1 polled / console_write). */
void platform_write(const char *text, u32 length);
/* Ends the kernel (native: halts the machine; pv: sched_op exit). */
__attribute__((noreturn)) void platform_exit(void);

/* ---- ring 3 ---------------------------------------------------------------------------------- */

/*
 * Runs entry(argument) in ring 3 on `stack_top` (in the user section) until
 * it makes the SYS_EXIT system call; then returns here in the kernel.
 */
void platform_run_user(void (*entry)(u32), u32 argument, void *stack_top);

/* ---- the privileged layer -------------------------------------------------------------------- */

/* Enters the privileged layer and comes straight back (pv: a null hypercall; native: int $0x81). */
long platform_null_call(void);

/* ---- page tables ----------------------------------------------------------------------------- */

/* Pages in the remapping window (a batch covers all of them). */
#define WINDOW_PAGES 64
/* The window: WINDOW_PAGES page-aligned pages whose mappings the benchmark changes. */
extern volatile u32 *const remap_window;
/* Maps window page `index` to frame A (which 0) or B (which 1) now, invalidating its TLB entry. */
void platform_remap_one(u32 index, u32 which);
/* Queues the same change; nothing is visible until platform_remap_flush(). */
void platform_remap_queue(u32 index, u32 which);
/* Applies the queued changes and flushes the TLB once. */
void platform_remap_flush(void);
/* The first word of frame A and of frame B, as the window reads them. */
#define FRAME_A_MARK 0xA0A0A0A0u
#define FRAME_B_MARK 0xB0B0B0B0u

/* ---- two parties ----------------------------------------------------------------------------- */

enum { ROLE_PING = 0, ROLE_PONG = 1 };
enum { PAIR_PROCESSES = 0, PAIR_THREADS = 1 };

/*
 * Runs `body` for both parties. pv: this domain is one party (its role comes
 * from the command line) and the peer domain runs the same image; body runs
 * once, here. Native: two tasks of this kernel, in two address spaces
 * (PAIR_PROCESSES) or one (PAIR_THREADS), run body(ROLE_PING) and
 * body(ROLE_PONG); returns when both are done.
 * Each call starts with the ping side to send first and nothing pending.
 */
void platform_pair_run(void (*body)(int role), int kind);
/* This party's role in a pv pair, or -1 when the domain runs alone (always -1 natively). */
int platform_role(void);
/* Gives the processor to the other party (pv: sched_op yield; native: int $0x82, which loads CR3). */
void platform_yield(void);
/* Notifies the other party (pv: event_channel_op send; native: int $0x82). */
void platform_send(void);
/* Blocks until the other party's notification arrives, and consumes it. */
void platform_wait(void);
/* Consumes a pending notification without blocking; 1 if there was one. */
int platform_poll(void);

#endif
