; Modes: real mode (with its 64 KiB limit fault), protected mode by CR0.PE
; and a far jump, paging on (an alias mapping shows translation), back to
; real mode, and unreal mode (a 4 GiB limit cached in FS survives the return
; to real mode and a real-mode reload of FS).
;
; Reports, in order:
;   real mode:  CR0, the #GP (vector 13 through the IVT) of a word read at
;               DS:FFFF as 0xEC00000D, 0xFFFFFFFF, IP, CS; INT 0x60: bytes
;               pushed, IP, CS, FLAGS, FLAGS inside; FLAGS after IRET
;   protected:  CR0, CS, SS
;   paging:     CR0, CR3, the dword read through the alias (0x12345678),
;               PDE/PTE of the alias after the access (A and D set)
;   real again: CR0, CS, the dword at FS:0x200000 in unreal mode
;               (0xCAFEF00D), again after `mov fs, ax`, then the #GP of the
;               same read through DS (limit 0xFFFF) in the same format
; and exits with status 0 from real mode.

%define REAL_MAIN
%include "sys.inc"

ALIAS_LINEAR equ 0x00400000         ; PDE 1 -> PT1, first page -> physical 0x20000
PT1_BASE     equ 0x102000
UNREAL_DATA  equ 0x200000

bits 16
real_main:
    mov eax, cr0
    REPORT eax
    ; real-mode #GP handler in the IVT
    mov word [13 * 4], real_gp
    mov word [13 * 4 + 2], 0
    mov word [resume16], .after_gp
.f_gp:
    mov ax, [0xffff]                ; the word crosses the 64 KiB limit: #GP
    REPORT 0xbad0bad0               ; not reached
.after_gp:
    ; INT n in real mode: FLAGS, CS, IP on the stack; IF and TF cleared; IRET restores
    mov word [0x60 * 4], real_int60
    mov word [0x60 * 4 + 2], 0
    push word 0x0ad7                ; OF, IF, SF, ZF, AF, PF, CF
    popf
    mov [sp_before], sp
.int60:
    int 0x60
.after_int60:
    pushf
    pop ax
    movzx eax, ax
    REPORT eax                      ; 0x0AD7 again
    push word 0x0002
    popf
    ret

; Real-mode INT 0x60: report SP's drop, IP, CS, FLAGS from the stack, and FLAGS inside.
real_int60:
    pushf
    pop ax
    movzx ebx, ax
    mov bp, sp
    mov ax, [sp_before]
    sub ax, bp
    movzx eax, ax
    REPORT eax                      ; 6
    movzx eax, word [bp]
    REPORT eax                      ; IP after the INT
    movzx eax, word [bp + 2]
    REPORT eax                      ; CS 0
    movzx eax, word [bp + 4]
    REPORT eax                      ; FLAGS 0x0AD7
    REPORT ebx                      ; inside: IF cleared (0x08D7)
    iret

; Real-mode #GP: report vector, IP, CS, then resume at [resume16].
real_gp:
    push bp
    mov bp, sp
    REPORT 0xec00000d
    REPORT 0xffffffff               ; (real mode pushes no error code)
    movzx eax, word [bp + 2]
    REPORT eax
    movzx eax, word [bp + 4]
    REPORT eax
    mov ax, [resume16]
    mov [bp + 2], ax
    pop bp
    iret

bits 32
main:
    mov eax, cr0
    REPORT eax
    xor eax, eax
    mov ax, cs
    REPORT eax
    mov ax, ss
    REPORT eax

    ; identity map the low 4 MiB, and map ALIAS_LINEAR onto physical 0x20000
    mov edi, PD_BASE
    mov ecx, 1024 * 3
    xor eax, eax
    rep stosd
    mov dword [PD_BASE], PT0_BASE | 3
    mov dword [PD_BASE + 4], PT1_BASE | 3
    mov edi, PT0_BASE
    mov eax, 3
    mov ecx, 1024
.identity:
    stosd
    add eax, 0x1000
    loop .identity
    mov dword [PT1_BASE], 0x20000 | 3
    mov dword [0x20000], 0x12345678

    mov eax, PD_BASE
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    jmp .paged                      ; (a jump after setting PG, as the SDM asks)
.paged:
    mov eax, cr0
    REPORT eax
    mov eax, cr3
    REPORT eax
    mov eax, [ALIAS_LINEAR]
    REPORT eax
    mov dword [ALIAS_LINEAR + 4], 1 ; a write: sets D in the PTE
    mov eax, [PD_BASE + 4]
    REPORT eax
    mov eax, [PT1_BASE]
    REPORT eax

    ; data for unreal mode, above 1 MiB
    mov dword [UNREAL_DATA], 0xcafef00d

    ; back to real mode: paging off, 16-bit code segment, 64 KiB data
    ; segments (FS keeps its 4 GiB limit), PE off, far jump
    mov eax, cr0
    and eax, 0x7fffffff
    mov cr0, eax
    jmp CODE16:.code16
bits 16
.code16:
    mov ax, DATA16
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov ax, DATA32                  ; FS: 4 GiB
    mov fs, ax
    lidt [real_idt_pointer]         ; the IVT again
    mov eax, cr0
    and eax, 0x7ffffffe
    mov cr0, eax
    jmp 0:.real_again
.real_again:
    xor ax, ax
    mov ds, ax
    mov es, ax
    mov ss, ax
    mov sp, 0x7c00
    mov eax, cr0
    REPORT eax
    mov ax, cs
    movzx eax, ax
    REPORT eax
    mov eax, [fs:dword UNREAL_DATA]
    REPORT eax
    xor ax, ax
    mov fs, ax                      ; a real-mode load keeps the cached limit
    mov eax, [fs:dword UNREAL_DATA]
    REPORT eax
    mov word [resume16], .after_ds_gp
.ds_read:
    mov eax, [dword UNREAL_DATA]    ; DS still has the 64 KiB limit: #GP
    REPORT 0xbad0bad0
.after_ds_gp:
    EXIT STATUS_OK

resume16: dw 0
sp_before: dw 0
real_idt_pointer:
    dw 0x3ff
    dd 0
