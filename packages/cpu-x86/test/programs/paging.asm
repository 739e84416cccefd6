; Paging: 4 KiB and 4 MiB pages (CR4.PSE), accessed and dirty bits,
; page-fault error codes and CR2 (not present, protection, user/supervisor,
; CR0.WP, reserved bits of a 4 MiB PDE, instruction fetch, a page-crossing
; access), and the TLB: a stale translation is used until INVLPG or a CR3
; load drops it, global pages (CR4.PGE) survive a CR3 load, INVLPG of any
; address in a 4 MiB page drops the whole page.
;
; Page faults are reported by the stubs as 0xEC00000E, error code, EIP, CS,
; CR2 (see sys.inc).

%include "sys.inc"

PT2_BASE    equ 0x102000        ; page table for 0x00800000-0x00BFFFFF
PT6_BASE    equ 0x103000        ; page table for 0x01800000 (reached through a supervisor PDE)

PAGE_AD     equ 0x00800000      ; -> 0x300000, user RW (A/D test)
PAGE_ABSENT equ 0x00801000      ; not present
PAGE_SUPER  equ 0x00802000      ; -> 0x302000, supervisor RW
PAGE_USR_RO equ 0x00803000      ; -> 0x303000, user read-only
PAGE_SUP_RO equ 0x00804000      ; -> 0x304000, supervisor read-only
PAGE_STALE  equ 0x00806000      ; -> 0x306000, then 0x307000
PAGE_GLOBAL equ 0x00807000      ; -> 0x308000 global, then 0x309000
PAGE_LOCAL  equ 0x00808000      ; -> 0x30a000, then 0x30b000
LARGE       equ 0x00c00000      ; 4 MiB page -> 0x400000, supervisor RW
LARGE_RSVD  equ 0x01000000      ; 4 MiB page with PDE bit 21 (always reserved) set
LARGE_RSVD13 equ 0x01400000     ; 4 MiB page with PDE bit 13 (reserved without PSE-36) set
USER_UNDER_SUPER equ 0x01800000 ; PTE user, PDE supervisor

%macro PTE 2                    ; linear, value
    mov dword [PT2_BASE + (((%1) >> 12) & 0x3ff) * 4], %2
%endmacro

main:
    ; ---- tables ----
    mov edi, PD_BASE
    mov ecx, 1024 * 4
    xor eax, eax
    rep stosd
    mov dword [PD_BASE + 0 * 4], PT0_BASE | 7
    mov dword [PD_BASE + 2 * 4], PT2_BASE | 7
    mov dword [PD_BASE + 3 * 4], 0x400000 | 0x83        ; PS, RW, P
    mov dword [PD_BASE + 4 * 4], 0x400000 | 0x200000 | 0x87
    mov dword [PD_BASE + 5 * 4], 0x400000 | 0x2000 | 0x87
    mov dword [PD_BASE + 6 * 4], PT6_BASE | 3           ; supervisor
    mov dword [PT6_BASE], 0x30c000 | 7
    mov edi, PT0_BASE
    mov eax, 7
    mov ecx, 1024
.identity:
    stosd
    add eax, 0x1000
    loop .identity
    PTE PAGE_AD, 0x300000 | 7
    PTE PAGE_SUPER, 0x302000 | 3
    PTE PAGE_USR_RO, 0x303000 | 5
    PTE PAGE_SUP_RO, 0x304000 | 1
    PTE PAGE_STALE, 0x306000 | 3
    PTE PAGE_GLOBAL, 0x308000 | 0x103
    PTE PAGE_LOCAL, 0x30a000 | 3
    mov dword [0x300000], 0xa0a0a0a0
    mov dword [0x303000], 0x03030303
    mov dword [0x304000], 0x04040404
    mov dword [0x306000], 0x06060606
    mov dword [0x307000], 0x07070707
    mov dword [0x308000], 0x08080808
    mov dword [0x309000], 0x09090909
    mov dword [0x30a000], 0x0a0a0a0a
    mov dword [0x30b000], 0x0b0b0b0b
    mov dword [0x405000], 0x45454545
    mov dword [0x805000], 0x85858585

    mov eax, cr4
    or eax, 0x10                    ; PSE
    mov cr4, eax
    mov eax, PD_BASE
    mov cr3, eax
    mov eax, cr0
    or eax, 0x80000000
    mov cr0, eax

    ; ---- accessed and dirty bits ----
    REPORT [PT2_BASE]               ; 0x300007: nothing set yet
    mov eax, [PAGE_AD]
    REPORT eax                      ; 0xA0A0A0A0
    REPORT [PT2_BASE]               ; 0x300027: A after a read
    REPORT [PD_BASE + 2 * 4]        ; PDE A set too
    mov [PAGE_AD + 4], eax
    REPORT [PT2_BASE]               ; 0x300067: D after a write
    REPORT [PD_BASE + 3 * 4]        ; 4 MiB PDE: 0x400083 before any access
    mov eax, [LARGE + 0x1234]
    REPORT [PD_BASE + 3 * 4]        ; 0x4000A3: A
    mov dword [LARGE + 0x1234], 0x4444abcd
    REPORT [PD_BASE + 3 * 4]        ; 0x4000E3: A and D

    ; ---- supervisor faults ----
    EXPECT_FAULT .a1
.f_read_absent:
    mov eax, [PAGE_ABSENT + 0x10]   ; #PF(0), CR2 = the address
.a1:
    EXPECT_FAULT .a2
.f_write_absent:
    mov dword [PAGE_ABSENT + 0x20], 1   ; #PF(2)
.a2:
    EXPECT_FAULT .a3
.f_crossing:
    mov eax, [PAGE_AD + 0xffe]      ; bytes in PAGE_AD and PAGE_ABSENT: #PF(0), CR2 = 0x801000
.a3:
    mov dword [PAGE_SUP_RO], 0x14141414 ; CR0.WP = 0: a supervisor write to a read-only page works
    REPORT [PT2_BASE + 4 * 4]       ; 0x304061: A and D
    mov eax, cr0
    or eax, 0x10000                 ; WP
    mov cr0, eax
    EXPECT_FAULT .a4
.f_wp_super:
    mov dword [PAGE_SUP_RO], 0x24242424 ; #PF(3)
.a4:
    EXPECT_FAULT .a5
.f_wp_user_ro:
    mov dword [PAGE_USR_RO], 0x13131313 ; a user read-only page too: #PF(3)
.a5:
    mov eax, [PAGE_SUP_RO]
    REPORT eax                      ; 0x14141414
    EXPECT_FAULT .a6
.f_rsvd_read:
    mov eax, [LARGE_RSVD + 0x10]    ; #PF(P|RSVD = 9)
.a6:
    EXPECT_FAULT .a7
.f_rsvd_write:
    mov dword [LARGE_RSVD + 0x20], 0    ; #PF(P|W|RSVD = 0xB)
.a7:
    EXPECT_FAULT .a8
.f_fetch:
    jmp PAGE_ABSENT + 0x123         ; the fetch faults: #PF(0) at EIP = CR2 = 0x801123
.a8:
    ; ---- user faults ----
    RING3 ring3_part, .back
.back:
    REPORT [PT2_BASE + 3 * 4]       ; 0x303025: the user read set A; the faulting writes set nothing

    ; ---- the TLB: a stale entry is used until INVLPG ----
    mov eax, [PAGE_STALE]
    REPORT eax                      ; 0x06060606
    PTE PAGE_STALE, 0x307000 | 3
    mov eax, [PAGE_STALE]
    REPORT eax                      ; still 0x06060606: the TLB has the old frame
    invlpg [PAGE_STALE]
    mov eax, [PAGE_STALE]
    REPORT eax                      ; 0x07070707

    ; ---- global pages survive a CR3 load ----
    mov eax, cr4
    or eax, 0x80                    ; PGE
    mov cr4, eax
    mov eax, [PAGE_GLOBAL]
    REPORT eax                      ; 0x08080808
    mov eax, [PAGE_LOCAL]
    REPORT eax                      ; 0x0A0A0A0A
    PTE PAGE_GLOBAL, 0x309000 | 0x103
    PTE PAGE_LOCAL, 0x30b000 | 3
    mov eax, cr3
    mov cr3, eax
    mov eax, [PAGE_GLOBAL]
    REPORT eax                      ; 0x08080808: the global entry survived
    mov eax, [PAGE_LOCAL]
    REPORT eax                      ; 0x0B0B0B0B: the other one was dropped
    invlpg [PAGE_GLOBAL]
    mov eax, [PAGE_GLOBAL]
    REPORT eax                      ; 0x09090909: INVLPG drops global entries too
    PTE PAGE_GLOBAL, 0x308000 | 0x103
    mov eax, cr3
    mov cr3, eax
    mov eax, [PAGE_GLOBAL]
    REPORT eax                      ; 0x09090909: stale again
    mov eax, cr4
    and eax, ~0x80
    mov cr4, eax                    ; clearing PGE flushes everything
    mov eax, [PAGE_GLOBAL]
    REPORT eax                      ; 0x08080808

    ; ---- INVLPG anywhere in a 4 MiB page drops all of it ----
    mov eax, [LARGE + 0x5000]
    REPORT eax                      ; 0x45454545 (physical 0x405000)
    mov dword [PD_BASE + 3 * 4], 0x800000 | 0xe3
    mov eax, [LARGE + 0x5000]
    REPORT eax                      ; stale: 0x45454545
    invlpg [LARGE + 0x3ff000]       ; another 4 KiB of the same 4 MiB page
    mov eax, [LARGE + 0x5000]
    REPORT eax                      ; 0x85858585 (physical 0x805000)
    ret

ring3_part:
    mov ax, DATA32_R3
    mov ds, ax
    EXPECT_FAULT .b1
.f_user_read_super:
    mov eax, [PAGE_SUPER]           ; #PF(P|U = 5)
.b1:
    EXPECT_FAULT .b2
.f_user_write_super:
    mov dword [PAGE_SUPER], 1       ; #PF(P|W|U = 7)
.b2:
    mov eax, [PAGE_USR_RO]
    REPORT eax                      ; 0x03030303: user read-only reads
    EXPECT_FAULT .b3
.f_user_write_ro:
    mov [PAGE_USR_RO], eax          ; #PF(7)
.b3:
    EXPECT_FAULT .b4
.f_user_read_absent:
    mov eax, [PAGE_ABSENT]          ; #PF(U = 4)
.b4:
    EXPECT_FAULT .b5
.f_user_under_super_pde:
    mov eax, [USER_UNDER_SUPER]     ; the PDE is supervisor: #PF(5)
.b5:
    EXPECT_FAULT .b6
.f_user_rsvd:
    mov eax, [LARGE_RSVD13]         ; #PF(P|U|RSVD = 0xD): this CPU has no PSE-36
.b6:
    EXPECT_FAULT .b7
.f_user_large_super:
    mov eax, [LARGE]                ; a supervisor 4 MiB page: #PF(5)
.b7:
    int 0x7f
