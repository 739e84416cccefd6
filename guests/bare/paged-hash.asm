; Memory through paging: fills a 4 MiB window, mapped onto scrambled
; physical frames, with an LCG sequence, hashes it byte by byte with
; FNV-1a (several passes, each feeding the next), then does a random walk
; of dependent loads and stores across the window. The answer in EAX is
; recomputed by the tests in TypeScript.

%include "boot32.inc"
%include "paging.inc"

WINDOW      equ 0x40000000
PAGES       equ 1024                ; 4 MiB
DWORDS      equ PAGES * 1024
PASSES      equ 2
WALK_STEPS  equ 1000000

main:
    call paging_identity_low
    mov ebx, WINDOW
    mov ecx, PAGES
    call map_scattered
    call paging_enable

    ; fill with x = x * 1103515245 + 12345
    mov edi, WINDOW
    mov ecx, DWORDS
    mov eax, 0x2545f491
.fill:
    imul eax, eax, 1103515245
    add eax, 12345
    mov [edi], eax
    add edi, 4
    dec ecx
    jnz .fill

    ; FNV-1a over every byte; each pass stores its hash in the first dword
    mov ebp, PASSES
    mov edx, 2166136261
.pass:
    mov esi, WINDOW
    mov ecx, PAGES * 4096
.byte:
    movzx eax, byte [esi]
    xor edx, eax
    imul edx, edx, 16777619
    inc esi
    dec ecx
    jnz .byte
    mov [WINDOW], edx
    dec ebp
    jnz .pass

    ; random walk: index = index * 1664525 + 1013904223, sum += word; word = sum
    mov ecx, WALK_STEPS
    xor ebx, ebx
.walk:
    imul ebx, ebx, 1664525
    add ebx, 1013904223
    mov edi, ebx
    and edi, DWORDS - 1
    add edx, [WINDOW + edi*4]
    mov [WINDOW + edi*4], edx
    dec ecx
    jnz .walk

    mov eax, edx
    ret
