; Segment-register loads and segment checks in protected mode: null
; selectors, table limits, types, privilege (RPL/CPL/DPL), presence (#NP,
; #SS), limits of expand-up and expand-down (16- and 32-bit) segments,
; read-only and execute-only segments, the stack limit, the CS limit for
; instruction fetch, conforming code, the accessed bit and an LDT.
;
; Every faulting instruction has a label `.f_*`; the exception stubs report
; 0xEC0000vv, error code, EIP, CS (see sys.inc) and resume at the label after
; it. Values that are not faults are reported as they are read.

%include "sys.inc"

SMALL       equ 0x60        ; data, base 0x20000, limit 0xFFF, not yet accessed
READONLY    equ 0x68        ; read-only data, base 0x20000, limit 0xFFFF
DOWN16      equ 0x70        ; expand-down, B=0, base 0x30000, limit 0xFFF
DOWN32      equ 0x78        ; expand-down, B=1, base 0x40000, limit 0xFFF
EXEC_ONLY   equ 0x80        ; execute-only code, flat, 32-bit
CONFORMING  equ 0x88        ; conforming readable code, DPL 0, flat, 32-bit
ABSENT      equ 0x90        ; writable data, DPL 0, not present
PLAIN       equ 0xa0        ; writable data, DPL 0, base 0x20000
R3_SMALL_SS equ 0xb3        ; writable data, DPL 3, base 0x60000, limit 0xFFF, B=1
LDT_SEL     equ 0xc0        ; LDT: base ldt_table, two entries
LIMITED1    equ 0xc8        ; 32-bit code, base 0, limit just before .f_past_limit
LIMITED2    equ 0xd0        ; 32-bit code, base 0, limit inside the instruction at .f_straddle
LDT_DATA    equ 0x0c        ; LDT entry 1: data, base 0x20000
LDT_BEYOND  equ 0x14        ; LDT entry 2: beyond the LDT's limit

main:
    SETDESC SMALL, 0x20000, 0xfff, 0x92 & ~1, FL_32
    SETDESC READONLY, 0x20000, 0xffff, 0x91, FL_32
    SETDESC DOWN16, 0x30000, 0xfff, 0x97, FL_16
    SETDESC DOWN32, 0x40000, 0xfff, 0x97, FL_32
    SETDESC EXEC_ONLY, 0, 0xfffff, 0x99, FL_G32
    SETDESC CONFORMING, 0, 0xfffff, 0x9f, FL_G32
    SETDESC ABSENT, 0x20000, 0xffff, 0x13, FL_32
    SETDESC PLAIN, 0x20000, 0xffff, 0x93, FL_32
    SETDESC R3_SMALL_SS, 0x60000, 0xfff, 0xf3, FL_32
    SETDESC LDT_SEL, ldt_table, 0xf, 0x82, 0
    mov dword [0x20000], 0x11111111
    mov dword [0x20ffc], 0x22222222
    mov dword [0x31000], 0x33333333
    mov dword [0x3fffc], 0x44444444     ; DOWN32 offset 0xFFFFFFFC wraps to 0x3FFFC
    mov dword [0x40ff0], 0x55555555     ; DOWN32 offset 0xFF0 (below the limit)

    ; ---- null selectors ----
    EXPECT_FAULT .a1
    xor eax, eax
    mov ds, ax                          ; a null DS loads fine...
.f_null_ds_use:
    mov eax, [es:0]                     ; (ES is still flat: no fault)
    mov eax, [ds:0]                     ; ...but using it is #GP(0)
.a1:
    mov ax, DATA32
    mov ds, ax
    EXPECT_FAULT .a2
    xor eax, eax
.f_null_ss:
    mov ss, ax                          ; #GP(0)
.a2:
    ; ---- selectors outside the table ----
    EXPECT_FAULT .a3
    mov ax, 0x1000
.f_beyond_gdt:
    mov es, ax                          ; #GP(0x1000)
.a3:
    EXPECT_FAULT .a4
    mov ax, LDT_DATA
.f_ldt_without_ldtr:
    mov es, ax                          ; no LDT yet: #GP(0x0C)
.a4:
    ; ---- types ----
    EXPECT_FAULT .a5
    mov ax, TSS_SEL
.f_system_into_ds:
    mov es, ax                          ; #GP(0x38)
.a5:
    EXPECT_FAULT .a6
    mov ax, EXEC_ONLY
.f_exec_only_into_ds:
    mov es, ax                          ; #GP(0x80)
.a6:
    EXPECT_FAULT .a7
    mov ax, READONLY
.f_readonly_into_ss:
    mov ss, ax                          ; #GP(0x68)
.a7:
    EXPECT_FAULT .a8
    mov ax, DATA32_R3
.f_ss_rpl:
    mov ss, ax                          ; RPL 3 != CPL 0: #GP(0x30)
.a8:
    ; ---- privilege ----
    EXPECT_FAULT .a9
    mov ax, PLAIN | 3
.f_rpl_above_dpl:
    mov es, ax                          ; RPL 3 > DPL 0: #GP(0xA0)
.a9:
    ; ---- presence ----
    EXPECT_FAULT .a10
    mov ax, ABSENT
.f_absent_ds:
    mov es, ax                          ; #NP(0x90)
.a10:
    EXPECT_FAULT .a11
    mov ax, ABSENT
.f_absent_ss:
    mov ss, ax                          ; #SS(0x90)
.a11:
    ; ---- a fault leaves the old segment and ESP as they were ----
    mov ax, DATA32
    mov es, ax
    mov ebx, esp
    push dword TSS_SEL
    EXPECT_FAULT .a12
.f_pop_es:
    pop es                              ; #GP(0x38)
.a12:
    mov eax, esp
    sub eax, ebx
    REPORT eax                          ; -4: the selector is still on the stack
    add esp, 4
    mov ax, es
    movzx eax, ax
    REPORT eax                          ; ES is still 0x10

    ; ---- the accessed bit ----
    movzx eax, byte [gdt + SMALL + 5]
    REPORT eax                          ; 0x92
    mov ax, SMALL
    mov es, ax
    movzx eax, byte [gdt + SMALL + 5]
    REPORT eax                          ; 0x93

    ; ---- expand-up limit 0xFFF (ES = SMALL) ----
    mov eax, [es:0xffc]
    REPORT eax                          ; 0x22222222
    EXPECT_FAULT .b1
.f_small_dword:
    mov eax, [es:0xffd]                 ; last byte at 0x1000: #GP(0)
.b1:
    movzx eax, byte [es:0xfff]
    REPORT eax                          ; 0x22
    EXPECT_FAULT .b2
.f_small_byte:
    mov byte [es:0x1000], 1             ; #GP(0)
.b2:
    ; ---- read-only data ----
    mov ax, READONLY
    mov es, ax
    mov eax, [es:0]
    REPORT eax                          ; 0x11111111
    EXPECT_FAULT .b3
.f_readonly_write:
    mov [es:0], eax                     ; #GP(0)
.b3:
    ; ---- expand-down, 16-bit: valid offsets 0x1000..0xFFFF ----
    mov ax, DOWN16
    mov fs, ax
    EXPECT_FAULT .c1
.f_down16_at_limit:
    mov al, [fs:0xfff]                  ; #GP(0)
.c1:
    mov eax, [fs:0x1000]
    REPORT eax                          ; 0x33333333
    mov eax, [fs:0xfffc]                ; the last dword: fine
    EXPECT_FAULT .c2
.f_down16_past_top:
    mov eax, [fs:0xfffe]                ; runs past 0xFFFF: #GP(0)
.c2:
    EXPECT_FAULT .c3
.f_down16_beyond_64k:
    mov al, [fs:0x10000]                ; #GP(0)
.c3:
    ; ---- expand-down, 32-bit: valid offsets 0x1000..0xFFFFFFFF ----
    mov ax, DOWN32
    mov gs, ax
    EXPECT_FAULT .c4
.f_down32_below:
    mov eax, [gs:0xff0]                 ; #GP(0)
.c4:
    mov eax, [gs:0xfffffffc]
    REPORT eax                          ; [gs:0xFFFFFFFC] = 0x44444444
    EXPECT_FAULT .c5
.f_down32_past_top:
    mov eax, [gs:0xfffffffd]            ; runs past 4 GiB: #GP(0)
.c5:
    ; ---- code segments as data ----
    mov ax, CONFORMING
    mov es, ax                          ; readable code may be loaded...
    mov eax, [es:start]
    REPORT eax                          ; ...and read (the first bytes of the program)
    EXPECT_FAULT .d1
.f_write_code:
    mov [es:0x20000], eax               ; ...never written: #GP(0)
.d1:
    EXPECT_FAULT .d2
.f_write_cs:
    mov [cs:0x20000], eax               ; #GP(0)
.d2:
    jmp EXEC_ONLY:.in_exec_only         ; run in execute-only code
.in_exec_only:
    mov ax, cs
    movzx eax, ax
    REPORT eax                          ; 0x80
    EXPECT_FAULT .d3
.f_read_exec_only:
    mov eax, [cs:start]                 ; #GP(0)
.d3:
    jmp CODE32:.d4
.d4:
    EXPECT_FAULT .d5
.f_jump_to_data:
    jmp DATA32:.d5                      ; #GP(0x10)
.d5:
    mov ax, DATA32
    mov es, ax

    ; ---- instruction fetch and the CS limit ----
    SETDESC LIMITED1, 0, limited_code.f_past_limit - 1, 0x9a, FL_32
    SETDESC LIMITED2, 0, limited_code.f_straddle + 1, 0x9a, FL_32
    EXPECT_FAULT limited_code.back_out
    jmp LIMITED1:limited_code
.cs1:
    EXPECT_FAULT limited_code.back_out
    jmp LIMITED2:limited_code.straddle
.cs2:

    ; ---- the LDT ----
    mov ax, LDT_SEL
    lldt ax
    mov ax, LDT_DATA
    mov es, ax
    mov eax, [es:0]
    REPORT eax                          ; 0x11111111
    mov ax, es
    movzx eax, ax
    REPORT eax                          ; 0x0C
    EXPECT_FAULT .e1
    mov ax, LDT_BEYOND
.f_beyond_ldt:
    mov es, ax                          ; #GP(0x14)
.e1:
    mov ax, DATA32
    mov es, ax

    ; ---- ring 3 ----
    RING3 ring3_part, .back
.back:
    ; the conforming code segment, entered from ring 3, kept CPL 3
    REPORT [r3_cs_in_conforming]
    ret

bits 32
ring3_part:
    mov ax, ds
    movzx eax, ax
    REPORT eax                          ; IRET to ring 3 nulled DS (DPL 0)
    mov ax, DATA32_R3
    mov ds, ax
    EXPECT_FAULT .r1
    mov ax, DATA32
.f_r3_dpl0_data:
    mov ds, ax                          ; CPL 3 > DPL 0: #GP(0x10)
.r1:
    mov ax, CONFORMING | 3
    mov es, ax                          ; conforming code: no privilege check
    mov eax, [es:start]
    REPORT eax
    ; a small ring-3 stack: limit 0xFFF
    mov ax, R3_SMALL_SS
    mov ss, ax
    mov esp, 0x1000
    push dword 0x66666666               ; fills 0xFFC..0xFFF: fine
    mov esp, 0x1002
    EXPECT_FAULT .r2
.f_r3_stack_limit:
    push eax                            ; 0xFFE..0x1001: #SS(0)
.r2:
    mov ebx, esp
    mov ax, DATA32_R3
    mov ss, ax
    mov esp, R3_STACK
    REPORT ebx                          ; ESP was still 0x1002
    ; conforming code from ring 3: CPL stays 3
    jmp CONFORMING:.r3
.r3:
    mov ax, cs
    movzx eax, ax
    mov [r3_cs_in_conforming], eax
    EXPECT_FAULT .r4
.f_r3_call_ring0:
    call CODE32:.r4                     ; non-conforming DPL 0: #GP(0x08)
.r4:
    EXPECT_FAULT .r5
.f_r3_jump_ring0:
    jmp CODE32:.r5                      ; #GP(0x08)
.r5:
    int 0x7f

; Runs towards the end of a code segment's limit (see LIMITED1/2).
limited_code:
    jmp short .run
.back_out:                          ; the stubs resume here, still inside the limit
    mov ax, cs
    cmp ax, LIMITED1
    je .from1
    jmp CODE32:main.cs2
.from1:
    jmp CODE32:main.cs1
.run:
    nop
.f_past_limit:
    nop                             ; the first byte past LIMITED1's limit: #GP(0) fetching it
.straddle:
    nop
.f_straddle:
    mov eax, 0x12345678             ; only 2 of its 5 bytes are inside LIMITED2: #GP(0)

align 8
ldt_table:
    dq 0
    DESC 0x20000, 0xffff, 0x92, FL_32
r3_cs_in_conforming: dd 0
