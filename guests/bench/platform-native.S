/*
 * The bare-PC side of the benchmark kernel: Multiboot v1 header and entry,
 * the interrupt stubs (exceptions, the #UD and int $0x80 handlers shared
 * with the pv build, the null kernel call int $0x81 and the task switch
 * int $0x82), and the start of a new task.
 */
#define KERNEL_CS 0x08
#define KERNEL_DS 0x10
#define USER_CS 0x1B
#define USER_DS 0x23
#define USER_EFLAGS 0x002               /* interrupts stay off: nothing here uses them */

#define MULTIBOOT_MAGIC 0x1BADB002
#define MULTIBOOT_FLAGS 0x00000003      /* page-aligned modules, memory information */

        .section .multiboot, "a"
        .balign 4
        .long MULTIBOOT_MAGIC
        .long MULTIBOOT_FLAGS
        .long -(MULTIBOOT_MAGIC + MULTIBOOT_FLAGS)

        .section .text.start, "ax"
        .globl _start
_start:
        cli
        cld
        movl %eax, %edx                 /* Multiboot magic */
        movl $__bss_start, %edi
        movl $__bss_end, %ecx
        subl %edi, %ecx
        xorl %eax, %eax
        rep stosb
        movl $boot_stack_top, %esp
        pushl %ebx                      /* Multiboot information */
        pushl %edx
        call native_start
1:      cli
        hlt
        jmp 1b

#include "entry-common.inc"

        .text
/* int $0x81 from the kernel: the native counterpart of a null hypercall. */
        .globl null_call_entry
null_call_entry:
        xorl %eax, %eax
        iret

/*
 * int $0x82 from a kernel task: EAX = yield, send, block or exit. The C
 * side gets the saved registers and returns the stack of the task to resume.
 */
        .globl switch_entry
switch_entry:
        pushal
        pushl %esp
        call native_switch
        movl %eax, %esp
        popal
        iret

/* Where a new task starts (its first frame was built by native_pair_run). */
        .globl task_start
task_start:
        call native_task_main
1:      jmp 1b

/* Exceptions nobody expects: vector (and a zero error code where the CPU pushes none), then C. */
.macro FAULT vector, has_error
        .globl fault_entry_\vector
fault_entry_\vector:
        .if \has_error == 0
        pushl $0
        .endif
        pushl $\vector
        jmp fault_common
.endm
FAULT 0, 0
FAULT 1, 0
FAULT 2, 0
FAULT 3, 0
FAULT 4, 0
FAULT 5, 0
FAULT 7, 0
FAULT 8, 1
FAULT 9, 0
FAULT 10, 1
FAULT 11, 1
FAULT 12, 1
FAULT 13, 1
FAULT 14, 1
FAULT 16, 0
FAULT 17, 1
FAULT 18, 0
FAULT 19, 0

fault_common:
        movl $KERNEL_DS, %eax
        movl %eax, %ds
        movl %eax, %es
        pushl %esp                      /* vector, error code, EIP, CS, EFLAGS */
        call native_fault
1:      cli
        hlt
        jmp 1b

        .bss
        .balign 16
boot_stack:
        .skip 16384
        .globl boot_stack_top
boot_stack_top:
