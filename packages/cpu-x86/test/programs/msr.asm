; SYSENTER/SYSEXIT, RDTSC (the deterministic clock: one tick per retired
; instruction) and RDMSR/WRMSR, with their #GP(0) cases: unknown and
; read-only MSRs, MSR access at ring 3, SYSEXIT at ring 3, SYSENTER with
; SYSENTER_CS = 0, RDTSC at ring 3 with CR4.TSD.

%include "sys.inc"

SE_CODE     equ 0x60        ; SYSENTER_CS: ring-0 code; +8 ring-0 data
SE_DATA     equ 0x68
SX_CODE     equ 0x73        ; SYSEXIT: SYSENTER_CS + 16, RPL 3; +24 data
SX_DATA     equ 0x7b
SE_STACK    equ 0x5e000

%macro WRMSR_ 3             ; index, high, low
    mov ecx, %1
    mov edx, %2
    mov eax, %3
    wrmsr
%endmacro

main:
    SETDESC SE_CODE, 0, 0xfffff, 0x9a, FL_G32
    SETDESC SE_DATA, 0, 0xfffff, 0x92, FL_G32
    SETDESC SX_CODE, 0, 0xfffff, 0xfa, FL_G32
    SETDESC SX_DATA, 0, 0xfffff, 0xf2, FL_G32

    ; ---- the clock ----
    jmp .clock                      ; (a block starts here)
.clock:
    rdtsc                           ; T
    mov esi, eax
    nop
    nop
    nop
    rdtsc                           ; T + 5
    mov edi, eax
    mov ecx, 0x10
    rdmsr                           ; T + 8: the TSC as an MSR
    mov ebp, eax
    mov ecx, 0x10
    mov edx, 0x12
    mov eax, 0x34560000
    wrmsr                           ; TSC = 0x12_34560000
    rdtsc                           ; 0x12_34560001: the WRMSR retired since
    mov ebx, eax
    REPORT esi                      ; T
    sub edi, esi
    REPORT edi                      ; 5
    sub ebp, esi
    REPORT ebp                      ; 8
    REPORT edx                      ; 0x12
    REPORT ebx                      ; 0x34560001

    ; ---- MSRs ----
    WRMSR_ 0x174, 0, SE_CODE
    WRMSR_ 0x175, 0, SE_STACK
    WRMSR_ 0x176, 0, sysenter_entry
    mov ecx, 0x176
    rdmsr
    REPORT eax                      ; sysenter_entry
    REPORT edx                      ; 0
    EXPECT_FAULT .a1
    mov ecx, 0x12345678
.f_rdmsr_unknown:
    rdmsr                           ; #GP(0)
.a1:
    EXPECT_FAULT .a2
.f_wrmsr_unknown:
    wrmsr                           ; #GP(0)
.a2:
    EXPECT_FAULT .a3
    mov ecx, 0xfe                   ; MTRRcap: read-only
.f_wrmsr_readonly:
    wrmsr                           ; #GP(0)
.a3:
    ; ---- SYSENTER / SYSEXIT ----
    mov dword [r3_eflags], 0x3202   ; IOPL 3, IF set
    RING3 ring3_part, .back
.back:
    ; SYSENTER with SYSENTER_CS = 0
    WRMSR_ 0x174, 0, 0
    RING3 ring3_no_sysenter, .back2
.back2:
    ; CR4.TSD: RDTSC at ring 3 is #GP(0)
    mov eax, cr4
    or eax, 4
    mov cr4, eax
    RING3 ring3_tsd, .back3
.back3:
    ret

ring3_part:
    mov ax, DATA32_R3
    mov ds, ax
    mov ecx, esp
    mov edx, .after_sysexit
.sysenter:
    sysenter
.after_sysexit:
    mov ax, cs
    movzx eax, ax
    REPORT eax                      ; SX_CODE
    mov ax, ss
    REPORT eax                      ; SX_DATA
    mov eax, esp
    REPORT eax                      ; R3_STACK (ECX at SYSEXIT)
    pushfd
    pop eax
    and eax, 0x200
    REPORT eax                      ; IF: SYSEXIT does not touch EFLAGS (cleared by SYSENTER)
    mov ax, DATA32_R3
    mov ds, ax
    EXPECT_FAULT .b1
.f_sysexit_r3:
    sysexit                         ; CPL 3: #GP(0)
.b1:
    EXPECT_FAULT .b2
    mov ecx, 0x174
.f_rdmsr_r3:
    rdmsr                           ; CPL 3: #GP(0)
.b2:
    rdtsc                           ; CR4.TSD clear: allowed at CPL 3
    int 0x7f

ring3_no_sysenter:
    mov ax, DATA32_R3
    mov ds, ax
    EXPECT_FAULT .c1
.f_sysenter_cs0:
    sysenter                        ; SYSENTER_CS = 0: #GP(0)
.c1:
    int 0x7f

ring3_tsd:
    mov ax, DATA32_R3
    mov ds, ax
    EXPECT_FAULT .d1
.f_rdtsc_tsd:
    rdtsc                           ; #GP(0)
.d1:
    int 0x7f

sysenter_entry:
    mov ebx, esp
    REPORT ebx                      ; SE_STACK
    mov ax, cs
    movzx eax, ax
    REPORT eax                      ; SE_CODE
    mov ax, ss
    REPORT eax                      ; SE_DATA
    pushfd
    pop eax
    REPORT eax                      ; IF cleared, IOPL kept
    mov eax, cr0                    ; CPL 0 now
    and eax, 1
    REPORT eax
    sysexit                         ; to EDX with ESP = ECX
