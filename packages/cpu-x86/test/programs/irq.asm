; External interrupts (the rig's INTR line, vector 0x50): when a pending
; interrupt is taken. POPF and IRET enable at once; STI and MOV SS hold
; interrupts off until after the next instruction; an interrupt raised by an
; instruction (an IN from the rig's port 0xE0 or a read of its trigger page)
; is taken right after it; HLT waits for an interrupt (the test raises it
; after run() returned Exit.Halt) and `sti; hlt` with an interrupt already
; pending still halts first and wakes after the HLT. Last, NMIs (raised by
; the test while the program is paused): taken with IF clear, and held off
; from the NMI's delivery until the next IRET.
;
; Each scenario reports a marker 0x5C0000nn; the handler reports 0x1A0 and
; the EIP it interrupted. Every scenario ends with CLI and the line low.

%include "sys.inc"

IRQ_PORT    equ 0xe0
PAUSE_PORT  equ 0xe1
TRIGGER     equ 0xfed00000

%macro SCENARIO 1
    cli
    mov al, 0
    out IRQ_PORT, al
    REPORT 0x5c000000 + %1
%endmacro

main:
    IDT_GATE 0x50, irq_handler, CODE32, 0x8e

    ; 1: POPF sets IF with an interrupt pending: taken right after the POPF
    SCENARIO 1
    mov al, 1
    out IRQ_PORT, al
    push dword 0x202
    popfd
.after_popf:
    nop

    ; 2: STI: the next instruction runs first
    SCENARIO 2
    mov al, 1
    out IRQ_PORT, al
    sti
.sti_next:
    nop
.sti_after_next:
    nop
    cli

    ; 3: an instruction that raises the line (MMIO read into DS): taken right after it
    SCENARIO 3
    mov ebx, esp
    sti
    nop
.mov_ds:
    mov ds, [TRIGGER]
.after_mov_ds:
    nop
    cli

    ; 4: the same read into SS: the next instruction runs first
    SCENARIO 4
    sti
    nop
.mov_ss:
    mov ss, [TRIGGER]
.ss_next:
    mov esp, ebx
.ss_after_next:
    nop
    cli

    ; 5: an IN that raises the line: taken right after it
    SCENARIO 5
    sti
    nop
.in:
    in al, IRQ_PORT
.after_in:
    cli

    ; 6: HLT with nothing pending: run() returns; the test raises the line
    SCENARIO 6
    sti
.hlt:
    hlt
.after_hlt:
    cli

    ; 7: `sti; hlt` with the interrupt already pending: halts, then wakes
    SCENARIO 7
    mov al, 1
    out IRQ_PORT, al
    sti
.idle_hlt:
    hlt
.after_idle_hlt:
    SCENARIO 8
    REPORT [irq_count]

    ; 9: NMI (raised by the test while paused): taken with IF clear; a second
    ;    NMI raised inside the handler waits for its IRET
    IDT_GATE 2, nmi_handler, CODE32, 0x8e
    SCENARIO 9
.nmi_pause:
    out PAUSE_PORT, al              ; the test raises NMI
.after_nmi_pause:
    nop
    SCENARIO 10
    REPORT [nmi_count]
    ret

nmi_handler:
    push ebp
    mov ebp, esp
    REPORT 0x2a0
    REPORT [ebp + 4]
    inc dword [nmi_count]
    cmp dword [nmi_count], 1
    jne .done
    out PAUSE_PORT, al              ; the test raises a second NMI: held until the IRET
    REPORT 0x2a1
.done:
    pop ebp
    iretd

irq_handler:
    push ebp
    mov ebp, esp
    push eax
    mov al, 0
    out IRQ_PORT, al
    REPORT 0x1a0
    REPORT [ebp + 4]
    inc dword [irq_count]
    pop eax
    pop ebp
    iretd

align 4
irq_count: dd 0
nmi_count: dd 0
