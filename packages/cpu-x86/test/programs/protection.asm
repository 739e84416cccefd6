; Protection checks on the way in and out of a privilege level: IRET and
; RETF with bad return selectors, inner stacks that are invalid (#TS) or too
; small (#SS) with the EXT bit for exceptions, gates whose target is absent,
; not code or less privileged, LTR/LLDT type checks, and LAR, LSL, VERR,
; VERW. The faulting stack switches go to ring 1 so that the faults
; themselves can be delivered on the ring-0 stack. (Without paging, ring 3
; may write the TSS here; the program uses that to change SS1:ESP1.)

%include "sys.inc"

R1_GATE2    equ 0x60        ; call gate DPL 3 -> CODE32_R1, 2 parameters
SMALL_SS1   equ 0x69        ; writable data DPL 1, base 0x50000, limit 0x1F
ABSENT_CODE equ 0x70        ; code DPL 0, not present
DATA_DPL3   equ 0x78        ; writable data DPL 3 (RPL 0 in the selector below)
LDT_SEL     equ 0x80        ; an LDT
AVAIL_TSS   equ 0x88        ; an available TSS
EXEC_ONLY   equ 0x90        ; execute-only code DPL 0
CODE16_R3   equ 0x9b        ; 16-bit code DPL 3 (LAR of a code segment)

main:
    GDT_GATE R1_GATE2, ring1_target, CODE32_R1, 0xec, 2
    SETDESC SMALL_SS1, 0x50000, 0x1f, 0xb3, FL_32
    SETDESC ABSENT_CODE, 0, 0xfffff, 0x1a, FL_G32
    SETDESC DATA_DPL3, 0, 0xfffff, 0xf2, FL_G32
    SETDESC LDT_SEL, 0x20000, 0xff, 0x82, 0
    SETDESC AVAIL_TSS, 0x22000, 0x67, 0x89, 0
    SETDESC EXEC_ONLY, 0, 0xfffff, 0x98, FL_G32
    SETDESC CODE16_R3, 0x12345, 0xabcd, 0xfa, FL_16
    IDT_GATE 0x46, ring1_target, CODE32_R1, 0xee     ; DPL 3 gate to ring 1
    IDT_GATE 0x47, ring1_target, ABSENT_CODE, 0xee   ; target not present
    IDT_GATE 0x48, ring1_target, DATA32, 0xee        ; target is data

    ; ---- IRET with bad return selectors ----
    EXPECT_FAULT .a1
    push dword DATA32_R3 & ~3       ; SS with RPL 0 for a ring-3 return
    push dword R3_STACK
    push dword 0x2
    push dword CODE32_R3
    push dword .never
.f_iret_ss_rpl:
    iretd                           ; #GP(0x30)
.a1:
    add esp, 20
    EXPECT_FAULT .a2
    push dword DATA32_R3
    push dword R3_STACK
    push dword 0x2
    push dword CODE32 | 3           ; DPL 0 code with RPL 3
    push dword .never
.f_iret_cs_dpl:
    iretd                           ; #GP(0x08)
.a2:
    add esp, 20
    EXPECT_FAULT .a3
    push dword 0x2
    push dword ABSENT_CODE
    push dword .never
.f_iret_cs_absent:
    iretd                           ; #NP(0x70)
.a3:
    add esp, 12

    ; ---- gates whose target is wrong (INT n at ring 0) ----
    EXPECT_FAULT .b1
.f_int_outer:
    int 0x46                        ; ring-1 code from CPL 0: #GP(0x40)
.b1:
    EXPECT_FAULT .b2
.f_int_absent_code:
    int 0x47                        ; #NP(0x70)
.b2:
    EXPECT_FAULT .b3
.f_int_data:
    int 0x48                        ; #GP(0x10)
.b3:
    ; ---- LTR and LLDT ----
    EXPECT_FAULT .c1
    mov ax, TSS_SEL
.f_ltr_busy:
    ltr ax                          ; the running TSS is busy: #GP(0x38)
.c1:
    EXPECT_FAULT .c2
    mov ax, LDT_SEL
.f_ltr_ldt:
    ltr ax                          ; not a TSS: #GP(0x80)
.c2:
    EXPECT_FAULT .c3
    mov ax, AVAIL_TSS
.f_lldt_tss:
    lldt ax                         ; not an LDT: #GP(0x88)
.c3:
    ; ---- LAR, LSL, VERR, VERW ----
    mov ebx, CODE16_R3
    lar eax, ebx
    REPORT eax                      ; 0x0000FA00: access byte, flags nibble 0
    lsl eax, ebx
    REPORT eax                      ; 0xABCD
    mov ebx, TSS_SEL
    lar eax, ebx
    REPORT eax                      ; 0x00008B00: a busy TSS is visible to LAR
    mov eax, 0x5555
    mov ebx, IDT_BASE               ; a selector beyond the GDT
    lar eax, ebx
    setz cl
    movzx ecx, cl
    REPORT ecx                      ; 0: ZF clear
    REPORT eax                      ; 0x5555 unchanged
    mov bx, EXEC_ONLY
    verr bx
    setz cl
    REPORT ecx                      ; 0: execute-only is not readable
    verw bx
    setz cl
    REPORT ecx                      ; 0
    mov bx, DATA_DPL3
    verw bx
    setz cl
    REPORT ecx                      ; 1

    ; ---- ring 3: stack switches to ring 1 that fail ----
    IDT_GATE 6, ring1_target, CODE32_R1, 0xee       ; #UD to ring 1
    RING3 ring3_part, .back
.back:
    ret
.never:
    REPORT 0xbad0bad0
    EXIT STATUS_UNEXPECTED

ring3_part:
    mov ax, DATA32_R3
    mov ds, ax
    ; RETF to an inner ring
    EXPECT_FAULT .d1
    push dword CODE32
    push dword .never3
.f_retf_inner:
    retf                            ; #GP(0x08)
.d1:
    add esp, 8
    ; privileged instructions at CPL 3: #GP(0)
    EXPECT_FAULT .p1
.f_hlt:
    hlt
.p1:
    EXPECT_FAULT .p2
.f_lidt:
    lidt [idt_pointer]
.p2:
    EXPECT_FAULT .p3
.f_mov_from_cr0:
    mov eax, cr0
.p3:
    EXPECT_FAULT .p4
.f_mov_to_cr3:
    mov cr3, eax
.p4:
    EXPECT_FAULT .p5
.f_invlpg:
    invlpg [0]
.p5:
    EXPECT_FAULT .p6
.f_clts:
    clts
.p6:
    EXPECT_FAULT .p7
.f_lmsw:
    lmsw ax
.p7:
    EXPECT_FAULT .p8
.f_mov_dr7:
    mov eax, dr7
.p8:
    smsw eax                        ; not privileged
    REPORT eax                      ; CR0 = 0x60000011 (PE, ET, CD, NW)
    ; RETF to the same ring is fine; to an outer ring with a bad SS is not
    ; (checked at ring 1 below)
    ; ---- SS1 invalid: #TS ----
    mov dword [TSS_BASE + 16], DATA32_R3    ; SS1 = 0x33: DPL 3, RPL 3
    EXPECT_FAULT .d2
    push dword 1
    push dword 2
.f_call_ts:
    call (R1_GATE2 | 3):0           ; #TS(0x30): no EXT for CALL
.d2:
    add esp, 8
    EXPECT_FAULT .d3
.f_int_ts:
    int 0x46                        ; #TS(0x30): no EXT for INT n
.d3:
    EXPECT_FAULT .d4
.f_ud_ts:
    ud2                             ; #TS(0x31): EXT, an exception was being delivered
.d4:
    ; ---- SS1 too small for the frame and the parameters: #SS ----
    mov dword [TSS_BASE + 16], SMALL_SS1
    mov dword [TSS_BASE + 12], 0x10         ; 16 bytes; the call needs 24
    EXPECT_FAULT .d5
    push dword 1
    push dword 2
.f_call_ss:
    call (R1_GATE2 | 3):0           ; #SS(0x68)
.d5:
    add esp, 8
    mov dword [TSS_BASE + 12], 0x20         ; 32 bytes: enough for the call
    push dword 3
    push dword 4
    call (R1_GATE2 | 3):0           ; ring 1 returns with a bad SS: see ring1_target
.d6:
    int 0x7f
.never3:
    REPORT 0xbad0bad0
    int 0x7f

; Ring 1 through R1_GATE2 with SMALL_SS1: report the parameters, then try a
; RETF 8 whose return SS is not usable at ring 3, then return properly.
ring1_target:
    mov ebp, esp
    REPORT [ebp + 8]                ; 4
    REPORT [ebp + 12]               ; 3
    mov eax, [ebp + 20]             ; the caller's SS
    mov dword [ebp + 20], DATA_DPL3 ; RPL 0: not the RPL of the return CS
    mov [saved_ss], eax
    mov ax, DATA32_R1
    mov ds, ax
    mov dword [resume], .fixed      ; (a DPL-1 data segment can reach `resume`)
.f_retf_bad_ss:
    retf 8                          ; #GP(0x78)
.fixed:
    mov eax, [saved_ss]
    mov [ebp + 20], eax
    retf 8

align 4
saved_ss: dd 0
