; Arithmetic: a long loop of register-only integer work (multiply, add,
; shifts, rotates, logic, LEA). The answer in EAX is recomputed by the tests.

%include "boot32.inc"

ITERATIONS equ 20000000

main:
    mov ecx, ITERATIONS
    mov eax, 1
    mov edx, 0x12345678
    xor esi, esi
    mov edi, 0x9abcdef0
.loop:
    imul eax, eax, 1103515245
    add eax, 12345
    mov ebx, eax
    shr ebx, 7
    xor edx, ebx
    rol edx, 5
    add esi, edx
    sub edi, esi
    and ebx, 0xff
    or edi, ebx
    lea esi, [esi + edi*2 + 7]
    dec ecx
    jnz .loop
    mov eax, esi
    xor eax, edi
    xor eax, edx
    ret
