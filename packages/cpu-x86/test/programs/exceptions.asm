; Exceptions: fault and trap restart points, single-step traps (and their
; suppression after MOV SS), restarting a faulting instruction after the
; handler fixed the cause (also in the middle of REP MOVSD), the EXT bit and
; the double-fault rules (contributory + contributory and page fault + page
; fault give #DF; benign + anything and contributory + page fault are handled
; one after the other), and finally a triple fault.

%include "sys.inc"

BAD_PAGE    equ 0x5f000     ; not present once paging is on
BAD_ESP     equ 0x60000     ; a stack whose first push lands in BAD_PAGE
FIX_PAGE    equ 0x400000    ; PDE 1 -> PT1, pages not present until the handler maps them
PT1_BASE    equ 0x102000
IDT2_BASE   equ 0x2ef90     ; an IDT copy: gates 0-13 on page 0x2E000, 14 onward on 0x2F000

main:
    ; ---- faults restart at the instruction, traps continue after it ----
    EXPECT_FAULT .a1
    xor edx, edx
    xor ecx, ecx
    mov eax, 1
.f_div:
    div ecx                         ; #DE: EIP of the DIV
.a1:
    EXPECT_FAULT .a2
.f_ud2:
    ud2                             ; #UD
.a2:
    mov dword [bounds], 0
    mov dword [bounds + 4], 10
    mov eax, 11
    EXPECT_FAULT .a3
.f_bound:
    bound eax, [bounds]             ; #BR: a fault
.a3:
    EXPECT_FAULT .a4
.t_int3:
    int3                            ; #BP: a trap, EIP after the INT3
.a4:
    mov al, 0x7f
    add al, 1                       ; OF = 1
    EXPECT_FAULT .a5
.t_into:
    into                            ; #OF: a trap
.a5:
    ; ---- single-step ----
    IDT_GATE 1, db_handler, CODE32, 0x8e
    pushfd
    or dword [esp], 0x100
    popfd                           ; TF now set: the next instruction traps
.s1:
    nop
.s2:
    nop
    pushfd
    or dword [esp], 0x100
    mov ax, ss
    popfd
.s3:
    mov ss, ax                      ; no trap right after MOV SS...
.s4:
    nop                             ; ...but after the instruction that follows it
.s5:
    nop

    ; ---- the EXT bit and benign + contributory ----
    IDT_GATE 6, exc_stubs + 6 * 8, CODE32, 0x0e    ; #UD gate not present
    EXPECT_FAULT .b1
.f_ud_absent:
    ud2                             ; #NP(6*8+2+EXT): delivered, no #DF
.b1:
    IDT_GATE 6, exc_stubs + 6 * 8, CODE32, 0x8e
    IDT_GATE 3, exc_stubs + 3 * 8, CODE32, 0x0e    ; #BP gate not present
    EXPECT_FAULT .b2
.f_int3_absent:
    int3                            ; #NP(3*8+2): software interrupts have no EXT
.b2:
    IDT_GATE 3, exc_stubs + 3 * 8, CODE32, 0x8e

    ; ---- contributory + contributory = #DF ----
    IDT_GATE 0, exc_stubs, CODE32, 0x0e            ; #DE gate not present
    EXPECT_FAULT .b3
    xor ecx, ecx
.f_div_df:
    div ecx                         ; #DE, then #NP reading its gate: #DF(0)
.b3:
    IDT_GATE 0, exc_stubs, CODE32, 0x8e
    IDT_GATE 13, exc_stubs + 13 * 8, CODE32, 0x0e  ; #GP gate not present
    EXPECT_FAULT .b4
    mov ax, 0x1000
.f_gp_df:
    mov es, ax                      ; #GP, then #NP: #DF(0)
.b4:
    IDT_GATE 13, exc_stubs + 13 * 8, CODE32, 0x8e

    ; ---- paging for the rest ----
    call paging_on

    ; ---- a fault handler fixes the cause; the instruction runs again ----
    IDT_GATE 14, pf_fix_handler, CODE32, 0x8e
    mov dword [pf_count], 0
.r1:
    mov dword [FIX_PAGE + 0x10], 0x600d600d     ; #PF, mapped, restarted
    REPORT [FIX_PAGE + 0x10]
    REPORT [pf_count]               ; 1
    ; REP MOVSD into two missing pages: each fault leaves ECX/ESI/EDI at the faulting element
    mov esi, source_data
    mov edi, FIX_PAGE + 0x1ff8
    mov ecx, 4
.r2:
    rep movsd                       ; faults at the 0th element (page 1), then at the 2nd (page 2)
    REPORT ecx                      ; 0
    REPORT edi                      ; FIX_PAGE + 0x2008
    REPORT [FIX_PAGE + 0x1ff8]
    REPORT [FIX_PAGE + 0x2004]
    REPORT [pf_count]               ; 3
    IDT_GATE 14, exc_stubs + 14 * 8, CODE32, 0x8e

    ; ---- contributory + page fault: handled one after the other ----
    IDT_GATE 13, exc_stubs + 13 * 8, CODE32_R1, 0xae    ; #GP to ring 1
    mov dword [TSS_BASE + 12], BAD_ESP                  ; ESP1 on a missing page
    RING3 ring3_gp_then_pf, .back1
.back1:
    ; ---- page fault + page fault = #DF ----
    IDT_GATE 13, exc_stubs + 13 * 8, CODE32, 0x8e
    IDT_GATE 14, exc_stubs + 14 * 8, CODE32_R1, 0xae    ; #PF to ring 1 (its stack is missing)
    RING3 ring3_pf_then_pf, .back2
.back2:
    mov eax, cr2
    REPORT eax                      ; BAD_ESP - 4: the second page fault's address
    IDT_GATE 14, exc_stubs + 14 * 8, CODE32, 0x8e
    mov dword [TSS_BASE + 12], R1_STACK

    ; ---- a page fault reading the #PF gate = #DF ----
    mov esi, IDT_BASE
    mov edi, IDT2_BASE
    mov ecx, 256 * 2
    rep movsd
    mov dword [PT0_BASE + 0x2f * 4], 0              ; the second half of the copy: missing
    invlpg [0x2f000]
    mov word [idt_pointer], 256 * 8 - 1
    mov dword [idt_pointer + 2], IDT2_BASE
    lidt [idt_pointer]
    EXPECT_FAULT .c1
.f_pf_idt:
    mov eax, [BAD_PAGE]             ; #PF; gate 14 is on a missing page: #PF again: #DF
.c1:
    mov eax, cr2
    REPORT eax                      ; the address of gate 14

    ; ---- a fault while delivering #DF: the CPU shuts down ----
    mov byte [IDT2_BASE + 8 * 8 + 5], 0x0e          ; #DF gate not present
    mov byte [IDT2_BASE + 13 * 8 + 5], 0x0e         ; #GP gate not present
    mov ax, 0x1000
.f_triple:
    mov es, ax                      ; #GP -> #NP -> #DF -> #NP: triple fault
    REPORT 0xbad0bad0
    ret

; TF traps: report 0xDB, the EIP after the trapping instruction and DR6.BS; clear TF.
db_handler:
    push ebp
    mov ebp, esp
    REPORT 0xdb
    REPORT [ebp + 4]
    mov eax, dr6
    and eax, 0x4000
    REPORT eax
    and dword [ebp + 12], ~0x100
    pop ebp
    iretd

; #PF: map the page of CR2 (identity, writable), report CR2, EIP, ECX; restart.
pf_fix_handler:
    push ebp
    mov ebp, esp
    push eax
    push ebx
    mov eax, cr2
    REPORT 0xec00000e
    REPORT [ebp + 4]                ; error code
    REPORT [ebp + 8]                ; EIP
    REPORT eax                      ; CR2
    REPORT ecx                      ; ECX at the fault (REP MOVSD)
    mov ebx, eax
    shr ebx, 12
    and ebx, 0x3ff
    and eax, 0xfffff000
    or eax, 3
    mov [PT1_BASE + ebx * 4], eax
    inc dword [pf_count]
    pop ebx
    pop eax
    pop ebp
    add esp, 4                      ; the error code
    iretd

paging_on:
    mov edi, PD_BASE
    mov ecx, 1024 * 3
    xor eax, eax
    rep stosd
    mov dword [PD_BASE], PT0_BASE | 7
    mov dword [PD_BASE + 4], PT1_BASE | 7
    mov edi, PT0_BASE
    mov eax, 7
    mov ecx, 1024
.map:
    stosd
    add eax, 0x1000
    loop .map
    mov dword [PT0_BASE + (BAD_PAGE >> 12) * 4], 0
    mov eax, PD_BASE
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    ret

; #GP from ring 3 through a ring-1 gate whose stack is missing: the #PF of
; the push is delivered instead (through the ring-0 #PF gate).
ring3_gp_then_pf:
    mov ax, DATA32_R3
    mov ds, ax
    EXPECT_FAULT .d1
    mov ax, DATA32
.f_gp:
    mov es, ax                      ; #GP(0x10) -> #PF(2) pushing on the ring-1 stack
.d1:
    int 0x7f

; #PF from ring 3 through a ring-1 gate whose stack is missing: #DF.
ring3_pf_then_pf:
    mov ax, DATA32_R3
    mov ds, ax
    EXPECT_FAULT .e1
.f_pf:
    mov eax, [BAD_PAGE + 0x40]      ; #PF -> #PF pushing on the ring-1 stack -> #DF(0)
.e1:
    int 0x7f

align 4
bounds:      dd 0, 0
pf_count:    dd 0
source_data: dd 0x11111111, 0x22222222, 0x33333333, 0x44444444
