/*
 * The xeno86 side of the benchmark kernel: the start of day (ring 1, ESI =
 * start_info) and the entry stubs shared with the native build. The
 * hypervisor bounces #UD onto the ring-1 stack as EIP CS EFLAGS, and
 * int $0x80 from ring 3 arrives through the fast trap gate as EIP CS EFLAGS
 * ESP SS: the same frames the bare CPU builds.
 */
#define KERNEL_DS 0x0821                /* FLAT_RING1_DS */
#define USER_CS 0x082B                  /* FLAT_RING3_CS */
#define USER_DS 0x0833                  /* FLAT_RING3_DS */
#define USER_EFLAGS 0x202               /* guests keep IF set; events are masked in shared_info */

        .section .text.start, "ax"
        .globl _start
_start:
        cld
        movl $__bss_start, %edi
        movl $__bss_end, %ecx
        subl %edi, %ecx
        xorl %eax, %eax
        rep stosb
        movl $boot_stack_top, %esp
        pushl %esi                      /* start_info */
        call pv_start
1:      jmp 1b

#include "entry-common.inc"

        .bss
        .balign 16
boot_stack:
        .skip 16384
boot_stack_top:
