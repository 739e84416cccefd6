; Far calls through call gates: ring 3 -> ring 0 with a stack switch and the
; parameters copied (32- and 16-bit gates), ring 3 -> ring 1, a gate to
; conforming code (no switch), JMP through a gate, the gate checks, and RETF
; to the outer ring (data segments the outer ring may not use are nulled).

%include "sys.inc"

GATE32      equ 0x60        ; 32-bit call gate, DPL 3 -> CODE32, 2 parameters
GATE16      equ 0x68        ; 16-bit call gate, DPL 3 -> CODE16, 3 parameters
GATE_DPL0   equ 0x70        ; 32-bit call gate, DPL 0 -> CODE32
GATE_CONF   equ 0x78        ; 32-bit call gate, DPL 3 -> CONFORMING
GATE_JMP    equ 0x80        ; 32-bit call gate, DPL 0 -> CODE32 (for JMP)
CONFORMING  equ 0x88        ; conforming readable code, DPL 0
GATE_RING1  equ 0x90        ; 32-bit call gate, DPL 3 -> CODE32_R1, 1 parameter
GATE_ABSENT equ 0x98        ; 32-bit call gate, DPL 3, not present

main:
    GDT_GATE GATE32, gate32_target, CODE32, 0xec, 2
    GDT_GATE GATE16, gate16_target, CODE16, 0xe4, 3
    GDT_GATE GATE_DPL0, gate32_target, CODE32, 0x8c, 0
    GDT_GATE GATE_CONF, conforming_target, CONFORMING, 0xec, 0
    GDT_GATE GATE_JMP, .jumped, CODE32, 0x8c, 0
    SETDESC CONFORMING, 0, 0xfffff, 0x9e, FL_G32
    GDT_GATE GATE_RING1, ring1_target, CODE32_R1, 0xec, 1
    GDT_GATE GATE_ABSENT, gate32_target, CODE32, 0x6c, 0

    ; ---- JMP through a call gate at the same privilege ----
    jmp GATE_JMP:0
    REPORT 0xbad0bad0
.jumped:
    mov ax, cs
    movzx eax, ax
    REPORT eax                      ; 0x08
    ; a gate selector whose RPL is above the gate's DPL
    EXPECT_FAULT .a1
.f_rpl:
    call (GATE_DPL0 | 3):0          ; #GP(0x70)
.a1:
    RING3 ring3_calls, .back
.back:
    ret

bits 32
ring3_calls:
    mov ax, DATA32_R3
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    ; ---- 32-bit gate, 2 parameters ----
    push dword 0x11111111
    push dword 0x22222222
.call32:
    call (GATE32 | 3):0
.after32:
    mov eax, esp
    REPORT eax                      ; R3_STACK: RETF 8 released the parameters
    mov ax, ds
    movzx eax, ax
    REPORT eax                      ; 0: DPL-0 data nulled by RETF to ring 3
    mov ax, es
    REPORT eax                      ; 0x33 kept
    mov ax, fs
    REPORT eax                      ; 0: DPL-0 data nulled
    mov ax, gs
    REPORT eax                      ; 0x88: conforming code is kept
    mov ax, DATA32_R3
    mov ds, ax
    mov fs, ax
    mov gs, ax
    ; ---- 16-bit gate, 3 word parameters (SP below 64 KiB: the gate saves only SP) ----
    mov esp, 0xfff0
    push word 0xa1
    push word 0xa2
    push word 0xa3
.call16:
    call (GATE16 | 3):0
.after16:
    mov eax, esp
    REPORT eax                      ; 0xFFF0
    mov esp, R3_STACK
    ; ---- to ring 1 ----
    push dword 0x33333333
    call (GATE_RING1 | 3):0
.after_ring1:
    mov eax, esp
    REPORT eax                      ; R3_STACK
    ; ---- a gate to conforming code: no privilege change, no stack switch ----
    call (GATE_CONF | 3):0
.after_conforming:
    ; ---- the checks ----
    EXPECT_FAULT .b1
.f_gate_dpl:
    call (GATE_DPL0 | 3):0          ; gate DPL 0 < CPL 3: #GP(0x70)
.b1:
    EXPECT_FAULT .b2
.f_gate_absent:
    call (GATE_ABSENT | 3):0        ; #NP(0x98)
.b2:
    EXPECT_FAULT .b3
.f_jmp_inner:
    jmp (GATE32 | 3):0              ; JMP cannot raise the privilege: #GP(0x08)
.b3:
    int 0x7f

; Ring 0 through GATE32: EIP, CS, the two parameters, ESP, SS on the TSS stack.
gate32_target:
    mov ebp, esp
    REPORT ebp                      ; R0_STACK - 24
    mov ax, ss
    movzx eax, ax
    REPORT eax                      ; 0x10
    mov ax, cs
    REPORT eax                      ; 0x08
    mov ecx, 6
.frame:
    REPORT [ebp]
    add ebp, 4
    loop .frame
    ; leave DS and FS with DPL-0 data and GS with conforming code for the RETF
    mov ax, DATA32
    mov ds, ax
    mov fs, ax
    mov ax, CONFORMING
    mov gs, ax
    retf 8

; Ring 1 through GATE_RING1: the TSS's SS1:ESP1.
ring1_target:
    mov ebp, esp
    REPORT ebp                      ; R1_STACK - 20
    mov ax, ss
    movzx eax, ax
    REPORT eax                      ; 0x49
    mov ax, cs
    REPORT eax                      ; 0x41
    REPORT [ebp + 8]                ; the parameter
    retf 4

; Conforming code through GATE_CONF: CPL stays 3.
conforming_target:
    mov ebp, esp
    REPORT ebp                      ; R3_STACK - 8
    mov ax, cs
    movzx eax, ax
    REPORT eax                      ; 0x8B
    retf

bits 16
; Ring 0 through GATE16 (16-bit code): IP, CS, three words, SP, SS on the TSS stack.
gate16_target:
    mov ebp, esp
    REPORT ebp                      ; R0_STACK - 14
    mov ecx, 7
.frame:
    movzx eax, word [ebp]
    REPORT eax
    add ebp, 2
    dec ecx
    jnz .frame
    retf 6
