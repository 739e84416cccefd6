/*
 * The bare-PC platform of the benchmark kernel: a Multiboot v1 kernel in
 * ring 0 with its own GDT (kernel and user segments, a TSS), IDT, and 4 KiB
 * page tables identity-mapping the first 8 MiB (the ring-3 section is the
 * only user-accessible part), and a polled COM1 console.
 *
 * The two parties of the pair benchmarks are two kernel tasks with their
 * own stacks; int $0x82 switches between them (yield), or signals and
 * blocks (send, block), the way a small kernel would. For PAIR_PROCESSES
 * each task has its own page directory (they differ in the page mapped at
 * PROCESS_PAGE), so a switch also loads CR3.
 */
#include "platform.h"

const char platform_name[] = "native";

#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define USER_CS 0x1B
#define USER_DS 0x23
#define TSS_SELECTOR 0x28

#define PTE_PRESENT 0x001
#define PTE_WRITABLE 0x002
#define PTE_USER 0x004
#define PTE_ACCESSED 0x020
/* Kernel pages; the window's entries are written the same way on both platforms. */
#define PTE_KERNEL (PTE_PRESENT | PTE_WRITABLE | PTE_ACCESSED)
#define PDE_FLAGS (PTE_PRESENT | PTE_WRITABLE | PTE_USER | PTE_ACCESSED)

#define IDENTITY_TABLES 2 /* 8 MiB */
#define PROCESS_PAGE 0x40000000u
#define PROCESS_TAG(k) (0x50524F30u + (k)) /* "PRO0", "PRO1" */

/* ---- port I/O and the console -------------------------------------------------------------- */

static inline void outb(u16 port, u8 value) {
  __asm__ __volatile__("outb %0, %1" : : "a"(value), "Nd"(port));
}

static inline u8 inb(u16 port) {
  u8 value;
  __asm__ __volatile__("inb %1, %0" : "=a"(value) : "Nd"(port));
  return value;
}

#define COM1 0x3F8
#define LSR_THR_EMPTY 0x20

static void serial_init(void) {
  outb(COM1 + 1, 0x00); /* no interrupts */
  outb(COM1 + 3, 0x80); /* divisor latch */
  outb(COM1 + 0, 0x01); /* 115200 baud */
  outb(COM1 + 1, 0x00);
  outb(COM1 + 3, 0x03); /* 8N1 */
  outb(COM1 + 2, 0x07); /* FIFOs on, cleared */
  outb(COM1 + 4, 0x03); /* DTR, RTS */
}

void platform_write(const char *text, u32 length) {
  for (u32 i = 0; i < length; i++) {
    while ((inb(COM1 + 5) & LSR_THR_EMPTY) == 0) {
    }
    outb(COM1, (u8)text[i]);
  }
}

static char command_line[256];

const char *platform_command_line(void) {
  return command_line;
}

static void copy_command_line(u32 magic, const u32 *info) {
  if (magic != 0x2BADB002u || (info[0] & (1u << 2)) == 0) return;
  const char *source = (const char *)info[4];
  for (u32 i = 0; i < sizeof command_line - 1 && source[i] != 0; i++) command_line[i] = source[i];
}

static void print(const char *text) {
  u32 n = 0;
  while (text[n] != 0) n++;
  platform_write(text, n);
}

static void print_hex(u32 value) {
  char digits[11] = "0x";
  for (int i = 0; i < 8; i++) digits[2 + i] = "0123456789abcdef"[(value >> (28 - 4 * i)) & 15];
  digits[10] = 0;
  print(digits);
}

__attribute__((noreturn)) void platform_exit(void) {
  for (;;) __asm__ __volatile__("cli; hlt");
}

__attribute__((noreturn)) static void panic(const char *what, u32 value) {
  print("bench error native: ");
  print(what);
  print(" ");
  print_hex(value);
  print("\n");
  platform_exit();
}

/* ---- descriptor tables --------------------------------------------------------------------- */

struct tss {
  u32 link, esp0, ss0, esp1, ss1, esp2, ss2, cr3, eip, eflags;
  u32 eax, ecx, edx, ebx, esp, ebp, esi, edi;
  u32 es, cs, ss, ds, fs, gs, ldt;
  u16 trap, io_map_base;
};

struct table_register {
  u16 limit;
  u32 base;
} __attribute__((packed));

static u64 gdt[6] __attribute__((aligned(8)));
static u64 idt[256] __attribute__((aligned(8)));
static struct tss tss __attribute__((aligned(16)));
static u8 trap_stack[8192] __attribute__((aligned(16)));

static u64 segment(u32 base, u32 limit, u32 access, u32 flags) {
  u32 low = (limit & 0xFFFF) | (base << 16);
  u32 high = ((base >> 16) & 0xFF) | (access << 8) | (limit & 0xF0000) | (flags << 20) | (base & 0xFF000000);
  return ((u64)high << 32) | low;
}

#define INTERRUPT_GATE 0x8E
#define TRAP_GATE 0x8F
#define USER_TRAP_GATE 0xEF

static void set_gate(u32 vector, void (*handler)(void), u32 type) {
  u32 address = (u32)handler;
  u32 low = (address & 0xFFFF) | (KERNEL_CS << 16);
  u32 high = (address & 0xFFFF0000) | (type << 8);
  idt[vector] = ((u64)high << 32) | low;
}

extern void ud_entry(void), syscall_entry(void), null_call_entry(void), switch_entry(void);
extern void fault_entry_0(void), fault_entry_1(void), fault_entry_2(void), fault_entry_3(void), fault_entry_4(void),
    fault_entry_5(void), fault_entry_7(void), fault_entry_8(void), fault_entry_9(void), fault_entry_10(void),
    fault_entry_11(void), fault_entry_12(void), fault_entry_13(void), fault_entry_14(void), fault_entry_16(void),
    fault_entry_17(void), fault_entry_18(void), fault_entry_19(void);

static void setup_descriptor_tables(void) {
  gdt[0] = 0;
  gdt[1] = segment(0, 0xFFFFF, 0x9A, 0xC); /* ring-0 code */
  gdt[2] = segment(0, 0xFFFFF, 0x92, 0xC); /* ring-0 data */
  gdt[3] = segment(0, 0xFFFFF, 0xFA, 0xC); /* ring-3 code */
  gdt[4] = segment(0, 0xFFFFF, 0xF2, 0xC); /* ring-3 data */
  gdt[5] = segment((u32)&tss, sizeof tss - 1, 0x89, 0x0);
  tss.ss0 = KERNEL_DS;
  tss.esp0 = (u32)(trap_stack + sizeof trap_stack);
  tss.io_map_base = sizeof tss; /* no I/O bitmap: ring 3 has no ports */
  struct table_register gdtr = {sizeof gdt - 1, (u32)gdt};
  __asm__ __volatile__("lgdt %0" : : "m"(gdtr));
  __asm__ __volatile__(
      "ljmp %0, $1f\n"
      "1:\n\t"
      "movl %1, %%eax\n\t"
      "movl %%eax, %%ds\n\t"
      "movl %%eax, %%es\n\t"
      "movl %%eax, %%fs\n\t"
      "movl %%eax, %%gs\n\t"
      "movl %%eax, %%ss\n\t"
      :
      : "i"(KERNEL_CS), "i"(KERNEL_DS)
      : "eax", "memory");
  __asm__ __volatile__("ltr %w0" : : "r"(TSS_SELECTOR));

  void (*const faults[])(void) = {fault_entry_0, fault_entry_1, fault_entry_2, fault_entry_3, fault_entry_4,
                                  fault_entry_5, 0, fault_entry_7, fault_entry_8, fault_entry_9,
                                  fault_entry_10, fault_entry_11, fault_entry_12, fault_entry_13, fault_entry_14,
                                  0, fault_entry_16, fault_entry_17, fault_entry_18, fault_entry_19};
  for (u32 vector = 0; vector < sizeof faults / sizeof faults[0]; vector++) {
    if (faults[vector] != 0) set_gate(vector, faults[vector], INTERRUPT_GATE);
  }
  set_gate(6, ud_entry, TRAP_GATE);
  set_gate(0x80, syscall_entry, USER_TRAP_GATE);
  set_gate(0x81, null_call_entry, TRAP_GATE);
  set_gate(0x82, switch_entry, TRAP_GATE);
  struct table_register idtr = {sizeof idt - 1, (u32)idt};
  __asm__ __volatile__("lidt %0" : : "m"(idtr));
}

/* The stubs hand over: vector, error code, EIP, CS, EFLAGS. */
void native_fault(const u32 *frame) {
  print("bench error native: exception ");
  print_hex(frame[0]);
  print(" error code ");
  print_hex(frame[1]);
  print(" at ");
  print_hex(frame[2]);
  print("\n");
  platform_exit();
}

/* ---- paging -------------------------------------------------------------------------------- */

static u32 directory_main[1024] __attribute__((aligned(4096)));
static u32 directory_other[1024] __attribute__((aligned(4096)));
static u32 kernel_tables[IDENTITY_TABLES][1024] __attribute__((aligned(4096)));
static u32 process_tables[2][1024] __attribute__((aligned(4096)));
static u32 process_pages[2][1024] __attribute__((aligned(4096)));

static u8 window_pages[WINDOW_PAGES][PAGE_SIZE] __attribute__((aligned(4096)));
static u32 frames[2][1024] __attribute__((aligned(4096)));
volatile u32 *const remap_window = (volatile u32 *)window_pages;

extern char __user_start[], __user_end[];

static inline void write_cr3(u32 value) {
  __asm__ __volatile__("movl %0, %%cr3" : : "r"(value) : "memory");
}

static inline u32 read_cr3(void) {
  u32 value;
  __asm__ __volatile__("movl %%cr3, %0" : "=r"(value));
  return value;
}

static volatile u32 *pte_of(u32 address) {
  return &kernel_tables[address >> 22][(address >> 12) & 1023];
}

static void setup_paging(void) {
  for (u32 t = 0; t < IDENTITY_TABLES; t++) {
    for (u32 i = 0; i < 1024; i++) kernel_tables[t][i] = ((t * 1024 + i) * PAGE_SIZE) | PTE_KERNEL;
    directory_main[t] = (u32)kernel_tables[t] | PDE_FLAGS;
    directory_other[t] = (u32)kernel_tables[t] | PDE_FLAGS;
  }
  kernel_tables[0][0] = 0; /* page 0 stays unmapped: a null pointer faults */
  for (u32 a = (u32)__user_start; a < (u32)__user_end; a += PAGE_SIZE) *pte_of(a) |= PTE_USER;
  for (u32 k = 0; k < 2; k++) {
    process_pages[k][0] = PROCESS_TAG(k);
    process_tables[k][0] = (u32)process_pages[k] | PTE_KERNEL;
  }
  directory_main[PROCESS_PAGE >> 22] = (u32)process_tables[0] | PDE_FLAGS;
  directory_other[PROCESS_PAGE >> 22] = (u32)process_tables[1] | PDE_FLAGS;
  frames[0][0] = FRAME_A_MARK;
  frames[1][0] = FRAME_B_MARK;
  write_cr3((u32)directory_main);
  u32 cr0;
  __asm__ __volatile__("movl %%cr0, %0" : "=r"(cr0));
  cr0 |= 0x80000000u | 0x10000u; /* PG, and WP as the hypervisor sets it for its guests */
  __asm__ __volatile__("movl %0, %%cr0" : : "r"(cr0) : "memory");
}

void platform_remap_one(u32 index, u32 which) {
  u32 address = (u32)window_pages[index];
  *pte_of(address) = (u32)frames[which] | PTE_KERNEL;
  __asm__ __volatile__("invlpg (%0)" : : "r"(address) : "memory");
}

void platform_remap_queue(u32 index, u32 which) {
  *pte_of((u32)window_pages[index]) = (u32)frames[which] | PTE_KERNEL;
}

void platform_remap_flush(void) {
  write_cr3(read_cr3());
}

/* ---- the privileged layer ------------------------------------------------------------------ */

long platform_null_call(void) {
  long result;
  __asm__ __volatile__("int $0x81" : "=a"(result) : : "memory");
  return result;
}

/* ---- two tasks ----------------------------------------------------------------------------- */

enum { SWITCH_YIELD = 0, SWITCH_SEND = 1, SWITCH_BLOCK = 2, SWITCH_EXIT = 3 };
enum { TASK_RUNNABLE = 0, TASK_BLOCKED = 1, TASK_DEAD = 2 };

struct task {
  u32 esp;
  u32 cr3;
  u32 state;
  volatile u32 pending;
};

static struct task tasks[2];
static u32 current_task;
static void (*pair_body)(int role);
static int pair_kind;
static u32 pong_stack[4096] __attribute__((aligned(16)));

int platform_role(void) {
  return -1;
}

/* The saved registers of int $0x82 (pushal order, then the CPU's frame). */
struct switch_frame {
  u32 edi, esi, ebp, esp, ebx, edx, ecx, eax;
  u32 eip, cs, eflags;
};

u32 native_switch(struct switch_frame *frame) {
  struct task *self = &tasks[current_task];
  struct task *other = &tasks[current_task ^ 1];
  switch (frame->eax) {
    case SWITCH_YIELD:
      if (other->state != TASK_RUNNABLE) return (u32)frame;
      break;
    case SWITCH_SEND:
      other->pending = 1;
      if (other->state == TASK_BLOCKED) other->state = TASK_RUNNABLE;
      return (u32)frame;
    case SWITCH_BLOCK:
      if (self->pending) return (u32)frame;
      if (other->state != TASK_RUNNABLE) panic("both tasks blocked; task", current_task);
      self->state = TASK_BLOCKED;
      break;
    case SWITCH_EXIT:
      self->state = TASK_DEAD;
      if (other->state == TASK_DEAD) panic("both tasks ended; task", current_task);
      other->state = TASK_RUNNABLE; /* as a dying peer's disconnect wakes a pv domain */
      break;
    default:
      panic("unknown task switch", frame->eax);
  }
  self->esp = (u32)frame;
  current_task ^= 1;
  if (other->cr3 != self->cr3) write_cr3(other->cr3);
  return other->esp;
}

static inline void switch_call(u32 operation) {
  __asm__ __volatile__("int $0x82" : "+a"(operation) : : "memory");
}

void platform_yield(void) {
  switch_call(SWITCH_YIELD);
}

void platform_send(void) {
  switch_call(SWITCH_SEND);
}

int platform_poll(void) {
  struct task *self = &tasks[current_task];
  if (!self->pending) return 0;
  self->pending = 0;
  return 1;
}

void platform_wait(void) {
  while (!platform_poll()) switch_call(SWITCH_BLOCK);
}

static void check_process_page(u32 k) {
  if (pair_kind == PAIR_PROCESSES && *(volatile u32 *)PROCESS_PAGE != PROCESS_TAG(k)) {
    panic("task sees the wrong address space:", *(volatile u32 *)PROCESS_PAGE);
  }
}

extern void task_start(void);

__attribute__((noreturn)) void native_task_main(void) {
  pair_body(ROLE_PONG);
  check_process_page(1);
  switch_call(SWITCH_EXIT);
  panic("an ended task ran again", 1);
}

void platform_pair_run(void (*body)(int role), int kind) {
  pair_body = body;
  pair_kind = kind;
  u32 ping_space = (u32)directory_main;
  u32 pong_space = kind == PAIR_PROCESSES ? (u32)directory_other : ping_space;
  /* The pong task's first frame: registers for popal, then an IRET frame into task_start. */
  struct switch_frame *first = (struct switch_frame *)((u8 *)pong_stack + sizeof pong_stack) - 1;
  *first = (struct switch_frame){.eip = (u32)task_start, .cs = KERNEL_CS, .eflags = 0x002};
  tasks[0] = (struct task){.esp = 0, .cr3 = ping_space, .state = TASK_RUNNABLE, .pending = 0};
  tasks[1] = (struct task){.esp = (u32)first, .cr3 = pong_space, .state = TASK_RUNNABLE, .pending = 0};
  current_task = 0;
  body(ROLE_PING);
  check_process_page(0);
  for (u32 tries = 0; tasks[1].state != TASK_DEAD; tries++) {
    if (tries == 1000) panic("the pong task did not end", tasks[1].state);
    platform_yield();
  }
}

/* ---- start of day -------------------------------------------------------------------------- */

void native_start(u32 magic, const u32 *multiboot_info) {
  serial_init();
  outb(0x21, 0xFF); /* mask every PIC line: nothing here takes interrupts */
  outb(0xA1, 0xFF);
  copy_command_line(magic, multiboot_info);
  setup_descriptor_tables();
  setup_paging();
  bench_main();
  platform_exit();
}
