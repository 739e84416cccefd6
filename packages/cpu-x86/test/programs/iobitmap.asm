; The I/O permission bitmap of the TSS: consulted at CPL > IOPL and always in
; V86 mode; every port byte of a multi-byte access must be allowed (the bits
; may lie in two bitmap bytes); the processor reads two bitmap bytes, so a
; port whose byte is the last one inside the TSS limit is refused too, as is
; every port past the limit.
;
; Refused ports: 0x80, 0x3F9, 0x400. Each refused access is a #GP(0) through
; the stubs; allowed accesses reach the bus (the test checks the rig's log).

%include "sys.inc"

BITMAP      equ TSS_BASE + 0x68

main:
    or byte [BITMAP + 0x80 / 8], 1 << (0x80 & 7)
    or byte [BITMAP + 0x3f9 / 8], 1 << (0x3f9 & 7)
    or byte [BITMAP + 0x400 / 8], 1 << (0x400 & 7)
    mov byte [0x20000], 0x33

    ; CPL 0 <= IOPL 0: no bitmap
    mov al, 0x11
    out 0x80, al

    mov dword [r3_eflags], 0x0002   ; IOPL 0
    RING3 ring3_iopl0, .back1
.back1:
    mov dword [r3_eflags], 0x3002   ; IOPL 3: no bitmap at CPL 3
    RING3 ring3_iopl3, .back2
.back2:
    ; a TSS whose limit ends the bitmap after port 0x3FF (byte 0x7F is the last one)
    and byte [gdt + TSS_SEL + 5], ~2    ; not busy, so LTR takes it again
    SETDESC TSS_SEL, TSS_BASE, 0x68 + 0x80 - 1, 0x89, 0
    mov ax, TSS_SEL
    ltr ax
    mov dword [r3_eflags], 0x0002
    RING3 ring3_short, .back3
.back3:
    ; V86 mode with IOPL 3 still uses the bitmap (the short one)
    mov dword [k_cont], .back4
    mov [k_esp], esp
    push dword 0
    push dword 0
    push dword 0
    push dword 0
    push dword 0x6000
    push dword 0xfff0
    push dword 0x00023002
    push dword 0
    push dword v86_part
    iretd
.back4:
    ret

ring3_iopl0:
    mov ax, DATA32_R3
    mov ds, ax
    mov es, ax
    EXPECT_FAULT .a1
    mov al, 0x99
.f_out80:
    out 0x80, al                    ; refused
.a1:
    mov dx, 0x3f8
    mov al, 0x22
    out dx, al                      ; allowed
    EXPECT_FAULT .a2
.f_out_word_3f8:
    out dx, ax                      ; 0x3F9 is refused: #GP(0)
.a2:
    inc dx
    EXPECT_FAULT .a3
.f_in_3f9:
    in al, dx                       ; refused
.a3:
    mov dx, 0x3fc
    in eax, dx                      ; 0x3FC-0x3FF: allowed
    inc dx
    EXPECT_FAULT .a4
.f_in_dword_3fd:
    in eax, dx                      ; 0x3FD-0x400: the bit of 0x400 is in the next byte: #GP(0)
.a4:
    mov dx, 0x3fe
    in ax, dx                       ; 0x3FE-0x3FF: allowed
    inc dx
    EXPECT_FAULT .a5
.f_in_word_3ff:
    in ax, dx                       ; 0x3FF-0x400: #GP(0)
.a5:
    in al, dx                       ; 0x3FF alone: allowed
    mov dx, 0x3f8
    mov esi, 0x20000
    outsb                           ; string output is checked the same way: allowed
    int 0x7f

ring3_iopl3:
    mov al, 0x44
    out 0x80, al                    ; IOPL 3: allowed whatever the bitmap says
    int 0x7f

ring3_short:
    mov ax, DATA32_R3
    mov ds, ax
    mov dx, 0x3f0
    mov al, 0x55
    out dx, al                      ; byte 0x7E and the one after it are inside the limit
    mov dx, 0x3f8
    EXPECT_FAULT .b1
.f_last_byte:
    out dx, al                      ; byte 0x7F is the last one: refused although its bit is clear
.b1:
    mov dx, 0x8000
    EXPECT_FAULT .b2
.f_beyond_limit:
    out dx, al                      ; far past the limit: refused
.b2:
    int 0x7f

bits 16
v86_part:
    mov dword [cs:resume], .c1
    mov al, 0x77
.f_out80:
    out 0x80, al                    ; V86: the bitmap applies even with IOPL 3
.c1:
    mov dx, 0x3f0
    mov al, 0x66
    out dx, al                      ; allowed
    int 0x7f
