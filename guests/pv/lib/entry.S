/*
 * Start of day and the entry stubs for the hypervisor's bounce frames
 * (see @xeno86/guest-abi: trap frames are [CR2 for #PF] [error code]
 * EIP CS EFLAGS [ESP SS]; events and fast traps have EIP CS EFLAGS [ESP SS]).
 * Every trap reaches trap_dispatch() with one layout: pusha, vector, cr2,
 * error code, then the hardware-style frame.
 */
        .section .text.start, "ax"
        .globl _start
_start:
        cld
        movl $boot_stack_top, %esp
        pushl %esi                      /* start_info */
        call guest_start
1:      jmp 1b

        .text
.macro TRAP_NO_ERROR vector
        .globl trap_entry_\vector
trap_entry_\vector:
        pushl $0                        /* error code */
        pushl $0                        /* cr2 */
        pushl $\vector
        jmp trap_common
.endm
.macro TRAP_ERROR vector
        .globl trap_entry_\vector
trap_entry_\vector:
        pushl $0                        /* cr2 */
        pushl $\vector
        jmp trap_common
.endm

TRAP_NO_ERROR 0
TRAP_NO_ERROR 1
TRAP_NO_ERROR 3
TRAP_NO_ERROR 4
TRAP_NO_ERROR 5
TRAP_NO_ERROR 6
TRAP_NO_ERROR 7
TRAP_ERROR 8
TRAP_ERROR 10
TRAP_ERROR 11
TRAP_ERROR 12
TRAP_ERROR 13
TRAP_NO_ERROR 16
TRAP_ERROR 17
TRAP_NO_ERROR 0x40
TRAP_NO_ERROR 0x41

        .globl trap_entry_14
trap_entry_14:                          /* the hypervisor pushed CR2 below the error code */
        pushl $14
        jmp trap_common

trap_common:
        pushal
        pushl %esp
        call trap_dispatch
        addl $4, %esp
        popal
        addl $12, %esp                  /* vector, cr2, error code */
        iret

        .globl event_entry
event_entry:
        pushal
        call event_dispatch
        popal
        iret

        .globl failsafe_entry
failsafe_entry:
        pushal
        pushl %esp
        call failsafe_dispatch
        addl $4, %esp
        popal
        addl $16, %esp                  /* ds es fs gs */
        iret

/* int $0x80 from ring 3 through the fast trap gate (or a bounce): EAX = number, EBX/ECX = arguments. */
        .globl syscall_entry
syscall_entry:
        pushal
        pushl %esp
        call syscall_dispatch
        addl $4, %esp
        testl %eax, %eax
        jnz leave_user
        popal
        iret
leave_user:
        movl $0x0821, %ecx              /* the kernel's own data segments again */
        movl %ecx, %ds
        movl %ecx, %es
        movl saved_kernel_esp, %esp     /* back into enter_user's caller */
        popl %ebp
        popl %edi
        popl %esi
        popl %ebx
        movl $1, %eax
        ret

/* int enter_user(entry, user_stack): runs ring-3 code until it makes the exit system call. */
        .globl enter_user
enter_user:
        movl 4(%esp), %eax
        movl 8(%esp), %edx
        pushl %ebx
        pushl %esi
        pushl %edi
        pushl %ebp
        movl %esp, saved_kernel_esp
        movl $0x0833, %ecx
        movl %ecx, %ds
        movl %ecx, %es
        pushl $0x0833                   /* ss */
        pushl %edx                      /* esp */
        pushl $0x202                    /* eflags */
        pushl $0x082B                   /* cs */
        pushl %eax                      /* eip */
        iret

        .bss
        .balign 16
        .globl saved_kernel_esp
saved_kernel_esp:
        .long 0
        .balign 16
boot_stack:
        .skip 16384
boot_stack_top:
