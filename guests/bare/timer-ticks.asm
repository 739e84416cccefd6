; Devices and interrupts on the PC: remaps the 8259 pair, programs the 8254
; for 1 kHz on IRQ 0, and counts timer interrupts while halted; every tenth
; tick it prints a digit on COM1, and after 100 ticks it prints "done",
; disables interrupts and halts for good. Used to check that a saved and
; restored machine continues exactly like the original.

%include "boot32.inc"

COM1 equ 0x3f8

main:
    ; IDT: vector 0x20 (IRQ 0) is an interrupt gate to `tick`; the rest stay empty.
    mov eax, tick
    mov [idt + 0x20 * 8], ax
    mov word [idt + 0x20 * 8 + 2], 0x08
    mov word [idt + 0x20 * 8 + 4], 0x8e00
    shr eax, 16
    mov [idt + 0x20 * 8 + 6], ax
    lidt [idt_descriptor]

    ; 8259 pair: ICW1-4, master at 0x20, slave at 0x28, only IRQ 0 unmasked.
    mov al, 0x11
    out 0x20, al
    out 0xa0, al
    mov al, 0x20
    out 0x21, al
    mov al, 0x28
    out 0xa1, al
    mov al, 4
    out 0x21, al
    mov al, 2
    out 0xa1, al
    mov al, 1
    out 0x21, al
    out 0xa1, al
    mov al, 0xfe
    out 0x21, al
    mov al, 0xff
    out 0xa1, al

    ; 8254 channel 0, mode 2, divisor 1193 (about 1 kHz).
    mov al, 0x34
    out 0x43, al
    mov ax, 1193
    out 0x40, al
    mov al, ah
    out 0x40, al

    sti
.wait:
    hlt
    cmp dword [ticks], 100
    jb .wait
    cli
    mov esi, done_text
.print:
    lodsb
    test al, al
    jz .halt
    call putc
    jmp .print
.halt:
    hlt
    jmp .halt

tick:
    push eax
    push edx
    inc dword [ticks]
    mov eax, [ticks]
    xor edx, edx
    push ecx
    mov ecx, 10
    div ecx
    pop ecx
    test edx, edx
    jnz .eoi
    add al, '0' - 1
    call putc
.eoi:
    mov al, 0x20
    out 0x20, al
    pop edx
    pop eax
    iret

; al: the byte to send (waits for the transmitter to be empty)
putc:
    push edx
    push eax
    mov dx, COM1 + 5
.busy:
    in al, dx
    test al, 0x20
    jz .busy
    pop eax
    mov dx, COM1
    out dx, al
    pop edx
    ret

ticks: dd 0
done_text: db "done", 13, 10, 0

align 8
idt_descriptor:
    dw 256 * 8 - 1
    dd idt
idt:
    times 256 * 8 db 0
