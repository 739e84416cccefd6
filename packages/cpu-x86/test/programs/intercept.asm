; The intercept bitmap, driven from the test (it intercepts 13, 14, 0x82 and
; external interrupts): a page fault leaves run() with CR2 and is retried
; once the test mapped the page; INT 0x82 from ring 3 (a DPL-3 gate) leaves
; run() after the instruction; INT 0x80 from ring 3 through a DPL-0 gate
; becomes an intercepted #GP(0x80*8+2) at the instruction; an external
; interrupt leaves run() before it is acknowledged; a vector that is not
; intercepted (#UD) still goes through the IDT.

%include "sys.inc"

PT2_BASE    equ 0x102000        ; 0x00800000-0x00BFFFFF: nothing mapped

main:
    mov edi, PD_BASE
    mov ecx, 1024 * 3
    xor eax, eax
    rep stosd
    mov dword [PD_BASE], PT0_BASE | 7
    mov dword [PD_BASE + 2 * 4], PT2_BASE | 7
    mov edi, PT0_BASE
    mov eax, 7
    mov ecx, 1024
.map:
    stosd
    add eax, 0x1000
    loop .map
    mov eax, PD_BASE
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax
    IDT_GATE 0x82, never, CODE32, 0xee  ; the hypercall gate (DPL 3)
    IDT_GATE 0x80, never, CODE32, 0x8e  ; DPL 0

.f_pf:
    mov eax, [0x801000]             ; intercepted #PF; the test maps the page
    REPORT eax
    RING3 ring3_part, .back
.back:
    sti
    mov al, 1
.f_irq:
    out 0xe0, al                    ; raises INTR: an intercepted external interrupt
.after_irq:
    cli
    EXPECT_FAULT .a1
.f_ud:
    ud2                             ; not intercepted: through the IDT
.a1:
    ret

ring3_part:
    mov eax, 0x1234
.f_hypercall:
    int 0x82                        ; intercepted; EIP after the INT
.after_hypercall:
    REPORT eax                      ; what the test put in EAX
.f_int80:
    int 0x80                        ; DPL 0 gate: intercepted #GP(0x402) at the INT
.after_int80:
    REPORT eax
    int 0x7f

never:
    REPORT 0xbad0bad0
    EXIT STATUS_UNEXPECTED
