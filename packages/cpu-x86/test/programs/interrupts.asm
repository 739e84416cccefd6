; Interrupt and trap gates: the exact frames (32- and 16-bit gates, same
; privilege and ring 3 -> ring 0 through the TSS stack), IF handling, IRET
; to the same ring and to ring 3 (data segments nulled), the gate checks of
; INT n (DPL, presence, IDT limit), IOPL-sensitive instructions at ring 3,
; IRET into virtual-8086 mode, INT n from V86 back to ring 0 (with GS, FS,
; DS, ES on the frame) and the IOPL-sensitive instructions of V86 mode.
;
; Handlers report the bytes the CPU pushed (or the ESP they got) and the
; frame, one dword each; faults go through the stubs of sys.inc.

%include "sys.inc"

SMALL_CODE  equ 0x60          ; 32-bit code, base 0, limit 0xFFFF
V86_CS      equ 0x0700          ; V86 code runs at CS 0x0700: IP = linear - 0x7000
V86_BASE    equ V86_CS * 16
TEST_FLAGS  equ 0x0ad7          ; OF DF=0 IF SF ZF AF PF CF and bit 1

; V86_EXPECT label: EXPECT_FAULT from V86 code (CS-relative store, IP-relative label)
%macro V86_EXPECT 1
    mov dword [cs:resume - V86_BASE], %1 - V86_BASE
%endmacro

main:
    IDT_GATE 0x40, h_interrupt32, CODE32, 0x8e     ; interrupt gate, DPL 0
    IDT_GATE 0x41, h_trap32, CODE32, 0x8f          ; trap gate, DPL 0
    IDT_GATE 0x42, h_interrupt16, CODE32, 0x86     ; 16-bit interrupt gate
    IDT_GATE 0x43, h_from_ring3, CODE32, 0xee      ; interrupt gate, DPL 3
    IDT_GATE 0x44, h_from_ring3, CODE32, 0x6e      ; DPL 3, not present
    IDT_GATE 0x45, h_from_v86, CODE32, 0xee        ; DPL 3, for V86
    mov dword [0x20000], 0x11111111
    mov dword [0x21000], 0x21212121

    ; ---- same privilege, 32-bit interrupt gate ----
    push dword TEST_FLAGS
    popfd
    mov [esp_before], esp
.int40:
    int 0x40
.after40:
    pushfd
    pop eax
    REPORT eax                      ; IRET restored TEST_FLAGS (IF set again)
    ; ---- same privilege, trap gate ----
    push dword TEST_FLAGS
    popfd
    mov [esp_before], esp
.int41:
    int 0x41
.after41:
    ; ---- same privilege, 16-bit interrupt gate ----
    push dword TEST_FLAGS
    popfd
    mov [esp_before], esp
.int42:
    int 0x42
.after42:
    mov eax, esp
    sub eax, [esp_before]
    REPORT eax                      ; 0: the 16-bit IRET popped 6 bytes
    push dword 2
    popfd                           ; IF off again

    ; ---- INT n beyond the IDT limit ----
    mov word [idt_pointer], 0x80 * 8 - 1
    lidt [idt_pointer]
    EXPECT_FAULT .a1
.f_beyond_idt:
    int 0x80                        ; #GP(0x80 * 8 + 2)
.a1:
    mov word [idt_pointer], 256 * 8 - 1
    lidt [idt_pointer]

    ; ---- a gate whose offset lies beyond its code segment's limit ----
%ifndef QEMU                        ; (QEMU 7.2 does not check this and crashes)
    SETDESC SMALL_CODE, 0, 0xffff, 0x9a, FL_32
    IDT_GATE 0x49, 0x12345, SMALL_CODE, 0x8e
    IDT_GATE 6, 0x12345, SMALL_CODE, 0x8e
    mov [esp_before], esp
    EXPECT_FAULT .a2
.f_gate_beyond_limit:
    int 0x49                        ; #GP(0), nothing pushed, CS unchanged
.a2:
    EXPECT_FAULT .a3
.f_ud_beyond_limit:
    ud2                             ; #GP(EXT = 1): an exception was being delivered
.a3:
    mov eax, esp
    sub eax, [esp_before]
    REPORT eax                      ; 0
    IDT_GATE 6, exc_stubs + 6 * 8, CODE32, 0x8e
%endif

    ; ---- ring 3 with IOPL 3 ----
    mov dword [r3_eflags], 0x3202   ; IOPL 3, IF set
    RING3 ring3_iopl3, .back1
.back1:
    ; ---- ring 3 with IOPL 0 ----
    mov dword [r3_eflags], 0x0202   ; IOPL 0, IF set
    RING3 ring3_iopl0, .back2
.back2:
    ; ---- virtual-8086 mode, IOPL 3 ----
    mov dword [k_cont], .back3
    mov [k_esp], esp
    push dword 0x2300               ; GS
    push dword 0x2200               ; FS
    push dword 0x2000               ; DS
    push dword 0x2100               ; ES
    push dword 0x6000               ; SS
    push dword 0xfff0               ; ESP
    push dword 0x00023002           ; EFLAGS: VM, IOPL 3
    push dword V86_CS
    push dword v86_iopl3 - V86_BASE
    iretd
.back3:
    ; ---- virtual-8086 mode, IOPL 0 ----
    IDT_GATE 6, v86_leave, CODE32, 0x8e     ; UD2 leaves V86 mode
    mov dword [k_cont], .back4
    mov [k_esp], esp
    push dword 0
    push dword 0
    push dword 0x2000
    push dword 0
    push dword 0x6000
    push dword 0xfff0
    push dword 0x00020002           ; EFLAGS: VM, IOPL 0
    push dword V86_CS
    push dword v86_iopl0 - V86_BASE
    iretd
.back4:
    ret

; ---------------------------------------------------------------------------
; Handlers
; ---------------------------------------------------------------------------

; ebp = frame, ecx = dwords: report them
report_frame:
    REPORT [ebp]
    add ebp, 4
    loop report_frame
    ret

h_interrupt32:
    pushfd                          ; EFLAGS as the handler starts
    pop dword [flags_inside]
    mov ebp, esp
    mov eax, [esp_before]
    sub eax, ebp
    REPORT eax                      ; 12 bytes pushed
    mov ecx, 3
    call report_frame               ; EIP, CS, EFLAGS
    REPORT [flags_inside]           ; IF cleared, the rest kept
    iretd

h_trap32:
    pushfd                          ; EFLAGS as the handler starts
    pop dword [flags_inside]
    mov ebp, esp
    mov eax, [esp_before]
    sub eax, ebp
    REPORT eax
    mov ecx, 3
    call report_frame
    REPORT [flags_inside]           ; inside a trap gate IF stays set
    iretd

h_interrupt16:
    pushfd                          ; EFLAGS as the handler starts
    pop dword [flags_inside]
    mov ebp, esp
    mov eax, [esp_before]
    sub eax, ebp
    REPORT eax                      ; 6 bytes pushed
    movzx eax, word [ebp]
    REPORT eax                      ; IP
    movzx eax, word [ebp + 2]
    REPORT eax                      ; CS
    movzx eax, word [ebp + 4]
    REPORT eax                      ; FLAGS
    REPORT [flags_inside]
    o16 iret

; INT 0x43 from ring 3: the frame is on the TSS's ring-0 stack.
h_from_ring3:
    mov ebp, esp
    REPORT ebp                      ; R0_STACK - 20
    mov ax, ss
    movzx eax, ax
    REPORT eax                      ; SS0 from the TSS
    mov ecx, 5
    call report_frame               ; EIP, CS, EFLAGS, ESP, SS
    ; segment registers for the return: DS and FS DPL 0, ES DPL 3, GS null
    mov ax, DATA32
    mov ds, ax
    mov fs, ax
    mov ax, DATA32_R3
    mov es, ax
    xor eax, eax
    mov gs, ax
    iretd

; INT 0x45 from V86 mode: GS, FS, DS, ES, SS, ESP, EFLAGS, CS, EIP on the ring-0 stack.
h_from_v86:
    mov ebp, esp
    REPORT ebp                      ; R0_STACK - 36
    mov ax, ds
    REPORT eax                      ; data segments are null inside
    mov ax, es
    REPORT eax
    mov ax, fs
    REPORT eax
    mov ax, gs
    REPORT eax
    mov ecx, 9
    call report_frame
    iretd                           ; back to V86 (VM in the EFLAGS image)

; UD2 from V86 mode: back to the ring-0 continuation.
v86_leave:
    mov ebp, esp
    mov ecx, 3
    call report_frame               ; EIP, CS, EFLAGS of the UD2
    jmp ring0_return

; ---------------------------------------------------------------------------
; Ring 3
; ---------------------------------------------------------------------------

ring3_iopl3:
    mov ax, DATA32_R3
    mov ds, ax
    mov es, ax
    mov fs, ax
    mov gs, ax
    mov ebx, esp
    REPORT ebx                      ; R3_STACK
.int43:
    int 0x43
.after43:
    mov ax, ds
    movzx eax, ax
    REPORT eax                      ; 0: DPL-0 data nulled by IRET to ring 3
    mov ax, es
    REPORT eax                      ; 0x33 kept
    mov ax, fs
    REPORT eax                      ; 0
    mov ax, gs
    REPORT eax                      ; 0
    mov eax, esp
    REPORT eax                      ; R3_STACK again
    mov ax, DATA32_R3
    mov ds, ax
    ; IOPL 3: CLI and STI are allowed at CPL 3
    cli
    pushfd
    pop eax
    REPORT eax                      ; IF cleared
    EXPECT_FAULT .b1
.f_int_dpl0:
    int 0x40                        ; DPL 0 gate: #GP(0x40 * 8 + 2)
.b1:
    EXPECT_FAULT .b2
.f_int_absent:
    int 0x44                        ; not present: #NP(0x44 * 8 + 2)
.b2:
    int 0x7f

ring3_iopl0:
    mov ax, DATA32_R3
    mov ds, ax
    EXPECT_FAULT .c1
.f_cli:
    cli                             ; CPL 3 > IOPL 0: #GP(0)
.c1:
    EXPECT_FAULT .c2
.f_sti:
    sti                             ; #GP(0)
.c2:
    ; POPF at CPL 3 > IOPL: IF and IOPL silently keep their values
    push dword 0x3000 | 0x0001      ; IOPL 3, IF 0, CF
    popfd
    pushfd
    pop eax
    REPORT eax                      ; 0x0203: CF changed, IF and IOPL did not
    int 0x7f

; ---------------------------------------------------------------------------
; Virtual-8086 mode (CS = 0x0700)
; ---------------------------------------------------------------------------

bits 16
v86_iopl3:
    mov ax, cs
    movzx eax, ax
    REPORT eax                      ; 0x0700
    mov eax, [0]
    REPORT eax                      ; DS:0 = linear 0x20000
    mov eax, [es:0]
    REPORT eax                      ; ES:0 = linear 0x21000
    mov ax, sp
    movzx eax, ax
    REPORT eax                      ; 0xFFF0
.int45:
    int 0x45                        ; IOPL 3: through the DPL-3 gate to ring 0
.after45:
    mov ax, ds
    movzx eax, ax
    REPORT eax                      ; DS 0x2000 again after IRET
    mov ax, sp
    REPORT eax                      ; SP 0xFFF0 again
    pushfd
    pop eax
    REPORT eax                      ; VM and RF are never pushed: 0x3002 | flags
    int 0x7f                        ; back to ring 0 for good

v86_iopl0:
    V86_EXPECT .d1
.f_cli:
    cli                             ; IOPL 0 in V86: #GP(0)
.d1:
    V86_EXPECT .d2
.f_sti:
    sti
.d2:
    V86_EXPECT .d3
.f_pushf:
    pushf
.d3:
    V86_EXPECT .d4
.f_popf:
    popf
.d4:
    V86_EXPECT .d5
.f_int:
    int 0x45
.d5:
    V86_EXPECT .d6
.f_iret:
    iret
.d6:
    ; INT3 and INTO are not IOPL-sensitive: they go to the IDT, where the gate's DPL counts
    V86_EXPECT .d7
.f_int3_dpl0:
    int3                            ; gate 3 has DPL 0: #GP(3*8+2)
.d7:
    mov ax, IDT_BASE >> 4
    mov es, ax
    mov byte [es:3 * 8 + 5], 0xee   ; gate 3: DPL 3
    V86_EXPECT .d8
    int3                            ; #BP in ring 0, from V86 (a trap: EIP after the INT3)
.d8:
    mov byte [es:3 * 8 + 5], 0x8e
    mov al, 0x7f
    add al, 1                       ; OF
    V86_EXPECT .d9
.f_into_dpl0:
    into                            ; gate 4 has DPL 0: #GP(4*8+2)
.d9:
    mov ax, cs
    REPORT eax                      ; still in V86 at CS 0x0700
.leave:
    ud2

bits 32
align 4
esp_before: dd 0
flags_inside: dd 0
