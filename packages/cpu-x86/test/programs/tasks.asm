; Hardware task switches: JMP to a TSS (busy bits move, no back link), CALL
; to a TSS (back link, NT, the caller stays busy) and IRET back (NT in the
; saved image cleared, busy released), CALL through a task gate, CALL to a
; busy TSS (#GP), INT n through an IDT task gate, and the Linux double-fault
; pattern: a kernel stack overflow page-faults, the page fault cannot be
; delivered on that stack, and #DF goes through a task gate to a clean stack.

%include "sys.inc"

TSS_A       equ 0x60
TSS_B       equ 0x68
GATE_B      equ 0x70        ; task gate in the GDT -> TSS_B
TSS_C       equ 0x78        ; reached by INT 0x48 through an IDT task gate
TSS_DF      equ 0x80        ; the double-fault task
TSS_SHORT   equ 0x88        ; a 32-bit TSS whose limit is below 0x67
TSS_16      equ 0x90        ; a 16-bit TSS
LDT_SEL     equ 0x98        ; the LDT of task C
LDT_DATA    equ 0x0c        ; its entry 1: data at 0x20000

TSS_A_BASE  equ 0x22000
TSS_B_BASE  equ 0x22100
TSS_C_BASE  equ 0x22200
TSS_DF_BASE equ 0x22300
TSS16_BASE  equ 0x22400
BAD_PAGE    equ 0x5f000     ; not present once paging is on
BAD_STACK   equ 0x60000     ; ESP for the overflow: the next push lands in BAD_PAGE

; TSS_INIT base, eip, esp, eax
%macro TSS_INIT 4
    pushad
    mov edi, %1
    mov ebx, %2
    mov ecx, %3
    mov edx, %4
    call init_tss
    popad
%endmacro

main:
    TSS_INIT TSS_A_BASE, task_a, 0x5a000, 0xaaaa0001
    TSS_INIT TSS_B_BASE, task_b, 0x5b000, 0xbbbb0001
    TSS_INIT TSS_C_BASE, task_c, 0x5c000, 0xcccc0001
    TSS_INIT TSS_DF_BASE, task_df, 0x5d000, 0xdddd0001
    SETDESC TSS_A, TSS_A_BASE, 0x67, 0x89, 0
    SETDESC TSS_B, TSS_B_BASE, 0x67, 0x89, 0
    SETDESC TSS_C, TSS_C_BASE, 0x67, 0x89, 0
    SETDESC TSS_DF, TSS_DF_BASE, 0x67, 0x89, 0
    SETDESC TSS_SHORT, TSS_A_BASE, 0x60, 0x89, 0
    SETDESC TSS_16, TSS16_BASE, 0x2b, 0x81, 0
    SETDESC LDT_SEL, ldt_table, 0xf, 0x82, 0
    mov dword [TSS_C_BASE + 0x54], LDT_DATA     ; task C's DS is in its LDT
    mov dword [TSS_C_BASE + 0x60], LDT_SEL
    mov dword [0x20000], 0x1d71d700
    ; the 16-bit TSS: IP, FLAGS, AX..DI, ES, CS, SS, DS, LDT
    mov edi, TSS16_BASE
    mov ecx, 0x2c / 4
    xor eax, eax
    rep stosd
    mov word [TSS16_BASE + 0x0e], task_16
    mov word [TSS16_BASE + 0x10], 2
    mov word [TSS16_BASE + 0x12], 0x1616      ; AX
    mov word [TSS16_BASE + 0x1a], 0xf000      ; SP
    mov word [TSS16_BASE + 0x22], DATA16      ; ES
    mov word [TSS16_BASE + 0x24], CODE16      ; CS
    mov word [TSS16_BASE + 0x26], DATA16      ; SS
    mov word [TSS16_BASE + 0x28], DATA16      ; DS
    GDT_GATE GATE_B, 0, TSS_B, 0x85, 0
    IDT_GATE 0x48, 0, TSS_C, 0x85
    IDT_GATE 8, 0, TSS_DF, 0x85

    ; ---- JMP to a TSS ----
    mov ebx, 0x12345678
.jmp_a:
    jmp TSS_A:0
.after_jmp_a:
    REPORT ebx                      ; the main task's registers came back from its TSS
    str ax
    movzx eax, ax
    REPORT eax                      ; TR = 0x38 again
    movzx eax, byte [gdt + TSS_A + 5]
    REPORT eax                      ; 0x89: A is no longer busy
    movzx eax, byte [gdt + TSS_SEL + 5]
    REPORT eax                      ; 0x8B
    REPORT [TSS_A_BASE + 0x20]      ; A's saved EIP: after its JMP back

    ; ---- CALL to a TSS, IRET back ----
.call_b:
    call TSS_B:0
.after_call_b:
    pushfd
    pop eax
    and eax, 0x4000
    REPORT eax                      ; NT clear in the caller
    movzx eax, byte [gdt + TSS_B + 5]
    REPORT eax                      ; 0x89: released by the IRET
    movzx eax, byte [gdt + TSS_SEL + 5]
    REPORT eax                      ; 0x8B
    REPORT [TSS_B_BASE + 0x20]      ; B's saved EIP: after its IRET
    REPORT [TSS_B_BASE + 0x24]      ; B's saved EFLAGS: NT cleared by the IRET

    ; ---- CALL through a task gate ----
    call GATE_B:0
    REPORT 0x600d0001

    ; ---- CALL to a busy TSS ----
    EXPECT_FAULT .a1
.f_call_busy:
    call TSS_SEL:0                  ; the running task is busy: #GP(0x38)
.a1:
    ; ---- a TSS whose limit is too small ----
    EXPECT_FAULT .t1
.f_jmp_short_tss:
    jmp TSS_SHORT:0                 ; #TS(0x88)
.t1:
    ; ---- INT n through a task gate to a busy TSS ----
    IDT_GATE 0x49, 0, TSS_SEL, 0x85
    EXPECT_FAULT .t1b
.f_int_busy:
    int 0x49                        ; #GP(0x38), reported at the INT
.t1b:
    ; ---- IRET with NT, back to a task that is not busy ----
    mov word [TSS_BASE], TSS_A
    pushfd
    or dword [esp], 0x4000
    popfd
    EXPECT_FAULT .t2
.f_iret_not_busy:
    iretd                           ; #TS(0x60)
.t2:
    pushfd
    and dword [esp], ~0x4000
    popfd
    mov word [TSS_BASE], 0
    ; ---- a 16-bit TSS ----
.call16:
    call TSS_16:0
.after_call16:
    movzx eax, word [TSS16_BASE + 0x0e]
    REPORT eax                      ; its saved IP: after its IRET
    movzx eax, byte [gdt + TSS_16 + 5]
    REPORT eax                      ; 0x81: available again
    REPORT [TSS_BASE + 0x20]        ; our own saved EIP: after the CALL
    mov eax, cr0
    and eax, 8
    REPORT eax                      ; CR0.TS set by the task switches
    clts
    ; ---- INT n through a task gate ----
    int 0x48
    REPORT 0x600d0002

    ; ---- #DF through a task gate ----
    call paging_on
    mov esp, BAD_STACK
.f_overflow:
    push eax                        ; #PF; its frame cannot be pushed: #DF
    REPORT 0xbad0bad0
    ret

paging_on:
    mov edi, PD_BASE
    mov ecx, 1024 * 2
    xor eax, eax
    rep stosd
    mov dword [PD_BASE], PT0_BASE | 3
    mov edi, PT0_BASE
    mov eax, 3
    mov ecx, 1024
.map:
    stosd
    add eax, 0x1000
    loop .map
    mov dword [PT0_BASE + (BAD_PAGE >> 12) * 4], 0
    mov eax, PD_BASE
    mov cr3, eax
    mov [TSS_DF_BASE + 0x1c], eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    ret

; edi = TSS base, ebx = EIP, ecx = ESP, edx = EAX; ring-0 flat selectors, no LDT, no I/O bitmap
init_tss:
    push edi
    push ecx
    xor eax, eax
    mov ecx, 0x68 / 4
    rep stosd
    pop ecx
    pop edi
    mov eax, cr3
    mov [edi + 0x1c], eax
    mov [edi + 0x20], ebx
    mov dword [edi + 0x24], 2
    mov [edi + 0x28], edx
    mov [edi + 0x38], ecx
    mov dword [edi + 0x48], DATA32  ; ES
    mov dword [edi + 0x4c], CODE32  ; CS
    mov dword [edi + 0x50], DATA32  ; SS
    mov dword [edi + 0x54], DATA32  ; DS
    mov dword [edi + 0x58], DATA32  ; FS
    mov dword [edi + 0x5c], DATA32  ; GS
    mov word [edi + 0x66], 0x68
    ret

; ---------------------------------------------------------------------------
; The tasks
; ---------------------------------------------------------------------------

task_a:
    REPORT eax                      ; 0xAAAA0001 from A's TSS
    str ax
    movzx eax, ax
    REPORT eax                      ; 0x60
    pushfd
    pop eax
    REPORT eax                      ; 2: NT clear after a JMP
    movzx eax, byte [gdt + TSS_SEL + 5]
    REPORT eax                      ; 0x89: JMP released the main task
    movzx eax, byte [gdt + TSS_A + 5]
    REPORT eax                      ; 0x8B
    REPORT [TSS_A_BASE]             ; back link: 0 (not written by JMP)
    REPORT [TSS_BASE + 0x20]        ; the main task's saved EIP
    REPORT [TSS_BASE + 0x34]        ; ...and EBX
    jmp TSS_SEL:0
.after_jmp_back:

task_b:
    REPORT eax                      ; 0xBBBB0001
    str ax
    movzx eax, ax
    REPORT eax                      ; 0x68
    pushfd
    pop eax
    REPORT eax                      ; 0x4002: NT set by CALL
    REPORT [TSS_B_BASE]             ; back link 0x38
    movzx eax, byte [gdt + TSS_SEL + 5]
    REPORT eax                      ; 0x8B: the caller stays busy
    movzx eax, byte [gdt + TSS_B + 5]
    REPORT eax                      ; 0x8B
    iretd
.second:                            ; entered again through the task gate
    str ax
    movzx eax, ax
    REPORT eax                      ; 0x68
    REPORT [TSS_B_BASE]             ; back link 0x38
    pushfd
    pop eax
    REPORT eax                      ; 0x4002
    iretd

task_c:
    str ax
    movzx eax, ax
    REPORT eax                      ; 0x78
    REPORT [es:TSS_C_BASE]          ; back link 0x38
    sldt ax
    REPORT eax                      ; the LDT from the TSS: 0x98
    mov ax, ds
    REPORT eax                      ; DS 0x0C, from the LDT
    REPORT [0]                      ; DS:0 = linear 0x20000
    movzx eax, byte [es:ldt_table + 8 + 5]
    REPORT eax                      ; 0x93: loading DS set the accessed bit
    pushfd
    pop eax
    REPORT eax                      ; 0x4002
    mov eax, esp
    REPORT eax                      ; 0x5C000: INT n pushes no error code
    iretd

bits 16
task_16:
    REPORT eax                      ; AX from the 16-bit TSS (the upper half is the caller's)
    str ax
    movzx eax, ax
    REPORT eax                      ; 0x90
    mov ax, DATA32
    mov es, ax
    movzx eax, word [es:dword TSS16_BASE]
    REPORT eax                      ; back link 0x38
    pushf
    pop ax
    REPORT eax                      ; NT set
    movzx eax, byte [gdt + TSS_16 + 5]
    REPORT eax                      ; 0x83: busy
    iret                            ; 16-bit IRET with NT: back to the caller
.after_iret:
bits 32

task_df:
    mov eax, esp
    REPORT eax                      ; 0x5D000 - 4: the error code
    mov ebx, [esp]
    REPORT ebx                      ; 0
    str ax
    movzx eax, ax
    REPORT eax                      ; 0x80
    mov eax, cr2
    REPORT eax                      ; the stack address that faulted
    REPORT [TSS_DF_BASE]            ; back link 0x38
    REPORT [TSS_BASE + 0x20]        ; the interrupted EIP: the PUSH
    REPORT [TSS_BASE + 0x38]        ; the interrupted ESP: BAD_STACK
    pushfd
    pop eax
    REPORT eax                      ; NT set
    movzx eax, byte [gdt + TSS_SEL + 5]
    REPORT eax                      ; 0x8B
    movzx eax, byte [gdt + TSS_DF + 5]
    REPORT eax                      ; 0x8B
    EXIT STATUS_OK

align 8
ldt_table:
    dq 0
    DESC 0x20000, 0xffff, 0x92, FL_32
