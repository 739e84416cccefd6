; Branches: Collatz sequences for every n up to LIMIT, one CALL per step
; and a data-dependent branch inside, plus an indirect call through a table
; every step. The answer in EAX (total steps mixed with a checksum) is
; recomputed by the tests.

%include "boot32.inc"

LIMIT equ 60000

main:
    xor esi, esi                ; total steps
    xor edi, edi                ; checksum from the indirect calls
    mov ebx, 1
.next_n:
    mov eax, ebx
.step:
    cmp eax, 1
    je .done_n
    call collatz_step
    mov ecx, eax
    and ecx, 3
    call [mixers + ecx*4]
    inc esi
    jmp .step
.done_n:
    inc ebx
    cmp ebx, LIMIT
    jbe .next_n
    mov eax, esi
    xor eax, edi
    ret

collatz_step:
    test eax, 1
    jnz .odd
    shr eax, 1
    ret
.odd:
    lea eax, [eax + eax*2 + 1]
    ret

mixer0:
    add edi, eax
    ret
mixer1:
    xor edi, eax
    ret
mixer2:
    rol edi, 3
    ret
mixer3:
    sub edi, ecx
    ret

align 4
mixers:
    dd mixer0, mixer1, mixer2, mixer3
