; Self-modifying code: a store that patches an instruction later in the same
; block (right after the store, and a few instructions on), a patched
; function in another block, a loop that rewrites its own immediate on every
; iteration, REP MOVSB copying new code over the instructions that follow
; it, code patched through an alias mapping of the same physical page (and
; run through the alias), and code replaced by the test while the program is
; paused (a DMA-style write into a code page).

%include "sys.inc"

ALIAS       equ 0x00800000      ; maps the physical page of alias_page
PT2_BASE    equ 0x102000
PAUSE_PORT  equ 0xe1

main:
    ; ---- the next instruction, in the same block ----
    mov byte [.next + 1], 0x42
.next:
    mov al, 0x00                    ; B0 00 -> B0 42
    movzx eax, al
    REPORT eax                      ; 0x42
    ; ---- a few instructions on, in the same block ----
    mov dword [.later + 1], 0x11223344
    nop
    nop
    add ebx, ebx
.later:
    mov eax, 0                      ; B8 imm32
    REPORT eax                      ; 0x11223344

    ; ---- a function in another block ----
    call patched_fn
    REPORT eax                      ; 1
    mov dword [patched_fn + 1], 2
    call patched_fn
    REPORT eax                      ; 2

    ; ---- a loop that rewrites its own immediate ----
    mov ecx, 100
    xor ebx, ebx
.loop:
    add ebx, strict dword 1         ; 81 C3 imm32: adds 1, 2, ..., 100
    inc dword [.loop + 2]
    dec ecx
    jnz .loop
    REPORT ebx                      ; 5050

    ; ---- REP MOVSB over the code that follows ----
    mov esi, .replacement
    mov edi, .overwritten
    mov ecx, .replacement_end - .replacement
    rep movsb
.overwritten:
    mov eax, 0xdead0001             ; replaced by `mov eax, 0x600d0001`
    REPORT eax                      ; 0x600D0001
    jmp .after_replacement
.replacement:
    mov eax, 0x600d0001
.replacement_end:
.after_replacement:

    ; ---- an alias mapping of the same physical page ----
    call paging_on
    call alias_fn
    REPORT eax                      ; 0xAAAA0001
    mov dword [ALIAS + (alias_fn - alias_page) + 1], 0xaaaa0002
    call alias_fn                   ; patched through the alias
    REPORT eax                      ; 0xAAAA0002
    call ALIAS + (alias_fn - alias_page)
    REPORT eax                      ; 0xAAAA0002, run through the alias
    mov dword [alias_fn + 1], 0xaaaa0003
    call ALIAS + (alias_fn - alias_page)
    REPORT eax                      ; 0xAAAA0003

    ; ---- replaced by the test while paused ----
    call dma_fn
    REPORT eax                      ; 0xD0A0001
    out PAUSE_PORT, al              ; the test rewrites dma_fn's immediate
    call dma_fn
    REPORT eax                      ; what the test wrote
    ret

patched_fn:
    mov eax, 1
    ret

dma_fn:
    mov eax, 0x0d0a0001
    ret

paging_on:
    mov edi, PD_BASE
    mov ecx, 1024 * 3
    xor eax, eax
    rep stosd
    mov dword [PD_BASE], PT0_BASE | 3
    mov dword [PD_BASE + 2 * 4], PT2_BASE | 3
    mov edi, PT0_BASE
    mov eax, 3
    mov ecx, 1024
.map:
    stosd
    add eax, 0x1000
    loop .map
    mov dword [PT2_BASE], alias_page + 3
    mov eax, PD_BASE
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    ret

align 4096
alias_page:
alias_fn:
    mov eax, 0xaaaa0001
    ret
