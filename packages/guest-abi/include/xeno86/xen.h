/*
 * xeno86 paravirtual guest interface (Xen 1.2 style, 0-21 hypercall numbering).
 * Generated from @xeno86/guest-abi by `npm run generate -w @xeno86/guest-abi`: do not edit.
 * Freestanding C11 for i386 (clang -m32 -ffreestanding -nostdinc).
 */
#ifndef XENO86_XEN_H
#define XENO86_XEN_H

typedef unsigned char xen_u8;
typedef unsigned short xen_u16;
typedef unsigned int xen_u32;
/* 64-bit fields are 4-byte aligned, as in the i386 ABI. */
typedef unsigned long long xen_u64 __attribute__((aligned(4)));
_Static_assert(sizeof(xen_u8) == 1 && sizeof(xen_u16) == 2 && sizeof(xen_u32) == 4 && sizeof(xen_u64) == 8, "fixed-width types");

/* ---- calling convention: int $0x82, number in EAX, arguments EBX ECX EDX ESI EDI, result in EAX ---- */
/* (a negative XEN_E* value on failure; treat EBX-EDI as clobbered) */
#define HYPERCALL_VECTOR 0x82
#define TRAP_INSTR "int $0x82"
#define __HYPERVISOR_set_trap_table 0
#define __HYPERVISOR_mmu_update 1
#define __HYPERVISOR_console_write 2
#define __HYPERVISOR_set_gdt 3
#define __HYPERVISOR_stack_switch 4
#define __HYPERVISOR_set_callbacks 5
#define __HYPERVISOR_net_io_op 6
#define __HYPERVISOR_fpu_taskswitch 7
#define __HYPERVISOR_sched_op 8
#define __HYPERVISOR_set_dom_timer 9
#define __HYPERVISOR_dom0_op 10
#define __HYPERVISOR_network_op 11
#define __HYPERVISOR_block_io_op 12
#define __HYPERVISOR_set_debugreg 13
#define __HYPERVISOR_get_debugreg 14
#define __HYPERVISOR_update_descriptor 15
#define __HYPERVISOR_set_fast_trap 16
#define __HYPERVISOR_dom_mem_op 17
#define __HYPERVISOR_multicall 18
#define __HYPERVISOR_kbd_op 19
#define __HYPERVISOR_update_va_mapping 20
#define __HYPERVISOR_event_channel_op 21

/* ---- errors: hypercalls return the negative of these (set_fast_trap refuses with -1) ---- */
#define XEN_EPERM 1
#define XEN_ENOENT 2
#define XEN_ESRCH 3
#define XEN_EAGAIN 11
#define XEN_ENOMEM 12
#define XEN_EACCES 13
#define XEN_EFAULT 14
#define XEN_EBUSY 16
#define XEN_EEXIST 17
#define XEN_EINVAL 22
#define XEN_ENOSPC 28
#define XEN_ENOSYS 38

/* ---- address space, GDT and selectors ---- */
#define HYPERVISOR_VIRT_START 0xFC000000UL
#define MACHINE_TO_PHYS_VIRT 0xFC000000UL
#define GUEST_SEGMENT_END 0xFC400000UL
#define UPDATE_VA_MAPPING_PAGE_LIMIT 0xFC000UL
#define FIRST_RESERVED_GDT_ENTRY 256
#define LAST_RESERVED_GDT_ENTRY 295
#define HYPERVISOR_CS 0x0808
#define HYPERVISOR_DS 0x0810
#define FLAT_RING1_CS 0x0819
#define FLAT_RING1_DS 0x0821
#define FLAT_RING3_CS 0x082B
#define FLAT_RING3_DS 0x0833
#define MAX_GDT_FRAMES 16
#define MAX_GDT_ENTRIES 8192
#define MAX_LDT_ENTRIES 8192

/* ---- start of day: ring 1, CS = FLAT_RING1_CS, DS = ES = FS = GS = SS = FLAT_RING1_DS, ESI = ESP = &start_info ---- */
#define XENO86_DEFAULT_LOAD_BASE 0xC0000000UL
#define XENO86_START_EFLAGS 0x204
#define XENO86_START_PTE_PAGE_TABLE 0x021
#define XENO86_START_PTE 0x023
#define XENO86_START_PDE 0x067
#define MAX_CMD_LEN 256
#define SIF_PRIVILEGED 1
#define SIF_CONSOLE 2
#define XENO86_GUEST_SECTION "__xen_guest"
#define XENO86_ABI_VERSION "xeno86-1.2"

/* ---- mmu_update, update_va_mapping ---- */
#define MMU_NORMAL_PT_UPDATE 0
#define MMU_UNCHECKED_PT_UPDATE 1
#define MMU_MACHPHYS_UPDATE 2
#define MMU_EXTENDED_COMMAND 3
#define MMU_CMD_MASK 3
#define MMUEXT_PIN_L1_TABLE 0
#define MMUEXT_PIN_L2_TABLE 1
#define MMUEXT_PIN_L3_TABLE 2
#define MMUEXT_PIN_L4_TABLE 3
#define MMUEXT_UNPIN_TABLE 4
#define MMUEXT_NEW_BASEPTR 5
#define MMUEXT_TLB_FLUSH 6
#define MMUEXT_INVLPG 7
#define MMUEXT_SET_LDT 8
#define MMUEXT_CMD_MASK 0xFF
#define MMUEXT_CMD_SHIFT 8
#define UVMF_FLUSH_TLB 1
#define UVMF_INVLPG 2

/* ---- set_trap_table, set_fast_trap, sched_op ---- */
#define TI_DPL_MASK 3
#define TI_MASK_EVENTS 4
#define FAST_TRAP_FIRST_VECTOR 0x20
#define FAST_TRAP_LAST_VECTOR 0x2F
#define FAST_TRAP_SYSCALL_VECTOR 0x80
#define SCHEDOP_yield 0
#define SCHEDOP_block 1
#define SCHEDOP_exit 3
#define SCHEDOP_stop 4

/* ---- events: _EVENT_* are bit numbers, EVENT_* masks ---- */
#define _EVENT_BLKDEV 0
#define _EVENT_TIMER 1
#define _EVENT_DIE 2
#define _EVENT_DEBUG 3
#define _EVENT_NET 4
#define _EVENT_PS2 5
#define _EVENT_STOP 6
#define _EVENT_EVTCHN 7
#define _EVENT_VBD_UPD 8
#define EVENT_BLKDEV 0x1
#define EVENT_TIMER 0x2
#define EVENT_DIE 0x4
#define EVENT_DEBUG 0x8
#define EVENT_NET 0x10
#define EVENT_PS2 0x20
#define EVENT_STOP 0x40
#define EVENT_EVTCHN 0x80
#define EVENT_VBD_UPD 0x100
#define EVENTS_MASTER_ENABLE_BIT 31
#define EVENTS_MASTER_ENABLE_MASK 0x80000000U
#define XENO86_TIMER_PERIOD_NS 10000000ULL
#define EVTCHNOP_open 0
#define EVTCHNOP_close 1
#define EVTCHNOP_send 2
#define EVTCHNOP_status 3
#define EVTCHNSTAT_closed 0
#define EVTCHNSTAT_disconnected 1
#define EVTCHNSTAT_connected 2
#define NR_EVENT_CHANNELS 1024

/* ---- dom0_op, dom_mem_op ---- */
#define DOM0_GETMEMLIST 2
#define DOM0_BVTCTL 6
#define DOM0_ADJUSTDOM 7
#define DOM0_CREATEDOMAIN 8
#define DOM0_DESTROYDOMAIN 9
#define DOM0_STARTDOMAIN 10
#define DOM0_STOPDOMAIN 11
#define DOM0_GETDOMAININFO 12
#define DOM0_BUILDDOMAIN 13
#define DOM0_IOPL 14
#define DOM0_MSR 15
#define DOM0_DEBUG 16
#define DOM0_SETTIME 17
#define DOM0_GETPAGEFRAMEINFO 18
#define DOM0_READCONSOLE 19
#define DOM0_PINCPUDOMAIN 20
#define DOM0_INTERFACE_VERSION 0xAAAA0003U
#define ECF_I387_VALID 1
#define MEMOP_RESERVATION_INCREASE 0
#define MEMOP_RESERVATION_DECREASE 1

/* ---- network and block I/O (ring indexes are free-running: mask with the ring size - 1) ---- */
#define MAX_DOMAIN_VIFS 8
#define TX_RING_SIZE 256
#define RX_RING_SIZE 256
#define NETOP_PUSH_BUFFERS 0
#define NETOP_FLUSH_BUFFERS 1
#define NETOP_RESET_RINGS 2
#define NETOP_GET_VIF_INFO 3
#define NETWORK_OP_ADDRULE 0
#define NETWORK_OP_DELETERULE 1
#define NETWORK_OP_GETRULELIST 2
#define NETWORK_OP_VIFQUERY 3
#define NETWORK_OP_VIFGETINFO 4
#define NETWORK_OP_VIFSETPARAMS 5
#define NETSTAT_OK 0
#define NETSTAT_BAD_PAGE 1
#define NETSTAT_DROPPED 2
#define NETWORK_PROTO_ANY 0
#define NETWORK_PROTO_IP 1
#define NETWORK_PROTO_TCP 2
#define NETWORK_PROTO_UDP 3
#define NETWORK_PROTO_ARP 4
#define NETWORK_ACTION_ACCEPT 0
#define NETWORK_ACTION_COUNT 1
#define VIF_DOMAIN_SHIFT 12
#define VIF_SPECIAL_DOMAIN 0xFFFFF
#define BLK_RING_SIZE 64
#define MAX_BLK_SEGS 12
#define BLK_SEG_SECTORS_MASK 0x1FF
#define BLOCK_IO_OP_SIGNAL 0
#define BLOCK_IO_OP_RESET 1
#define BLOCK_IO_OP_RING_ADDRESS 2
#define BLOCK_IO_OP_VBD_CREATE 3
#define BLOCK_IO_OP_VBD_GROW 4
#define BLOCK_IO_OP_VBD_SHRINK 5
#define BLOCK_IO_OP_VBD_SET_EXTENTS 6
#define BLOCK_IO_OP_VBD_DELETE 7
#define BLOCK_IO_OP_VBD_PROBE 8
#define BLOCK_IO_OP_VBD_INFO 9
#define XEN_BLOCK_READ 0
#define XEN_BLOCK_WRITE 1
#define XEN_BLOCK_READA 2
#define XEN_BLOCK_SPECIAL 4
#define XEN_BLOCK_DEBUG 5

/*
 * Bounce frames (the xeno86 contract). The hypervisor enters a guest handler
 * as an interrupt gate would, on the ring-1 stack given to stack_switch when
 * the guest was in ring 3 (the frame then ends with the ring-3 ESP and SS),
 * otherwise on the current stack. From the lowest address up:
 *
 *   trap: [CR2: vector 14 only] [ERROR_CODE: vectors 8, 10, 11, 12, 13, 14, 17]
 *       EIP CS EFLAGS [ESP SS: from ring 3 only]
 *     when: an exception or an `int n` the guest's trap table handles (`int n`
 *       returns past the instruction, with no error code).
 *     events: the master enable (events_mask bit 31) is cleared when the
 *       trap-table entry has flag bit 2 (TI_MASK_EVENTS).
 *   pageFault: CR2 ERROR_CODE EIP CS EFLAGS [ESP SS: from ring 3 only]
 *     when: a page fault (vector 14) the hypervisor does not fix up itself.
 *     events: as for trap.
 *   event: EIP CS EFLAGS [ESP SS: from ring 3 only]
 *     when: on the way back to the guest, when events & events_mask is non-zero
 *       and events_mask bit 31 is set.
 *     events: the delivered bits and bit 31 (the master enable) are cleared in
 *       events_mask first; events is left as it is.
 *   failsafe: DS ES FS GS EIP CS EFLAGS [ESP SS: from ring 3 only]
 *     when: a saved DS, ES, FS or GS (or the return frame) can no longer be
 *       loaded on the way back to the guest.
 *     events: the master enable is cleared.
 *   fastTrap: EIP CS EFLAGS [ESP SS: from ring 3 only]
 *     when: `int <vector>` after set_fast_trap(vector): a real trap gate in the
 *       IDT, the hypervisor is not involved (the ordinary hardware frame).
 *     events: unchanged (a fast trap may not ask for TI_MASK_EVENTS).
 *
 * The handler pops CR2, the error code or DS ES FS GS itself, then IRETs.
 * The structs below are the full-size frames: esp and ss are only on the
 * stack when (cs & 3) == 3.
 * EVENT_TIMER is raised every 10 ms of system time and when a set_dom_timer
 * deadline passes.
 */

/* ---- structures ---- */
/* set_trap_table entry; the array ends at the first entry whose address is 0 */
typedef struct trap_info {
  xen_u8 vector;
  xen_u8 flags; /* bits 0-1: DPL that int n needs; bit 2 (TI_MASK_EVENTS): clear the master enable on entry */
  xen_u16 cs; /* 0x0819, or RPL 1 outside the reserved GDT entries 256-295 */
  xen_u32 address;
} trap_info_t;
_Static_assert(sizeof(trap_info_t) == 8, "trap_info_t size");
_Static_assert(__builtin_offsetof(trap_info_t, vector) == 0, "trap_info_t.vector");
_Static_assert(__builtin_offsetof(trap_info_t, flags) == 1, "trap_info_t.flags");
_Static_assert(__builtin_offsetof(trap_info_t, cs) == 2, "trap_info_t.cs");
_Static_assert(__builtin_offsetof(trap_info_t, address) == 4, "trap_info_t.address");

/* mmu_update request: the low 2 bits of ptr are the command (MMU_*) */
typedef struct mmu_update {
  xen_u32 ptr; /* machine address | command */
  xen_u32 val; /* new entry, M2P value, or MMUEXT_* | argument << MMUEXT_CMD_SHIFT */
} mmu_update_t;
_Static_assert(sizeof(mmu_update_t) == 8, "mmu_update_t size");
_Static_assert(__builtin_offsetof(mmu_update_t, ptr) == 0, "mmu_update_t.ptr");
_Static_assert(__builtin_offsetof(mmu_update_t, val) == 4, "mmu_update_t.val");

/* multicall entry: op and five arguments are read; args[5..6] are ignored and no result is written back */
typedef struct multicall_entry {
  xen_u32 op;
  xen_u32 args[7];
} multicall_entry_t;
_Static_assert(sizeof(multicall_entry_t) == 32, "multicall_entry_t size");
_Static_assert(__builtin_offsetof(multicall_entry_t, op) == 0, "multicall_entry_t.op");
_Static_assert(__builtin_offsetof(multicall_entry_t, args) == 4, "multicall_entry_t.args");

/* dom_mem_op: MEMOP_RESERVATION_INCREASE/DECREASE */
typedef struct dom_mem_op {
  xen_u32 op;
  xen_u32 size; /* number of frames */
  xen_u32 pages; /* pointer to an array of u32 machine frame numbers */
} dom_mem_op_t;
_Static_assert(sizeof(dom_mem_op_t) == 12, "dom_mem_op_t size");
_Static_assert(__builtin_offsetof(dom_mem_op_t, op) == 0, "dom_mem_op_t.op");
_Static_assert(__builtin_offsetof(dom_mem_op_t, size) == 4, "dom_mem_op_t.size");
_Static_assert(__builtin_offsetof(dom_mem_op_t, pages) == 8, "dom_mem_op_t.pages");

/* what ESI points at when the kernel starts */
typedef struct start_info {
  xen_u32 nr_pages;
  xen_u32 shared_info; /* machine address of the shared_info frame (not mapped) */
  xen_u32 dom_id;
  xen_u32 flags; /* SIF_PRIVILEGED, SIF_CONSOLE */
  xen_u32 pt_base; /* virtual address of the page directory */
  xen_u32 mod_start; /* virtual address of the module (initrd), 0 if none */
  xen_u32 mod_len;
  char cmd_line[256];
} start_info_t;
_Static_assert(sizeof(start_info_t) == 284, "start_info_t size");
_Static_assert(__builtin_offsetof(start_info_t, nr_pages) == 0, "start_info_t.nr_pages");
_Static_assert(__builtin_offsetof(start_info_t, shared_info) == 4, "start_info_t.shared_info");
_Static_assert(__builtin_offsetof(start_info_t, dom_id) == 8, "start_info_t.dom_id");
_Static_assert(__builtin_offsetof(start_info_t, flags) == 12, "start_info_t.flags");
_Static_assert(__builtin_offsetof(start_info_t, pt_base) == 16, "start_info_t.pt_base");
_Static_assert(__builtin_offsetof(start_info_t, mod_start) == 20, "start_info_t.mod_start");
_Static_assert(__builtin_offsetof(start_info_t, mod_len) == 24, "start_info_t.mod_len");
_Static_assert(__builtin_offsetof(start_info_t, cmd_line) == 28, "start_info_t.cmd_line");

/* ring indexes of one VIF (free-running; mask with the ring size) */
typedef struct net_idx {
  xen_u32 tx_req_prod;
  xen_u32 tx_resp_prod;
  xen_u32 tx_event;
  xen_u32 rx_req_prod;
  xen_u32 rx_resp_prod;
  xen_u32 rx_event;
} net_idx_t;
_Static_assert(sizeof(net_idx_t) == 24, "net_idx_t size");
_Static_assert(__builtin_offsetof(net_idx_t, tx_req_prod) == 0, "net_idx_t.tx_req_prod");
_Static_assert(__builtin_offsetof(net_idx_t, tx_resp_prod) == 4, "net_idx_t.tx_resp_prod");
_Static_assert(__builtin_offsetof(net_idx_t, tx_event) == 8, "net_idx_t.tx_event");
_Static_assert(__builtin_offsetof(net_idx_t, rx_req_prod) == 12, "net_idx_t.rx_req_prod");
_Static_assert(__builtin_offsetof(net_idx_t, rx_resp_prod) == 16, "net_idx_t.rx_resp_prod");
_Static_assert(__builtin_offsetof(net_idx_t, rx_event) == 20, "net_idx_t.rx_event");

/* the 17-word register set (shared_info, full contexts) */
typedef struct execution_context {
  xen_u32 ebx;
  xen_u32 ecx;
  xen_u32 edx;
  xen_u32 esi;
  xen_u32 edi;
  xen_u32 ebp;
  xen_u32 eax;
  xen_u32 ds;
  xen_u32 es;
  xen_u32 fs;
  xen_u32 gs;
  xen_u32 _unused;
  xen_u32 eip;
  xen_u32 cs;
  xen_u32 eflags;
  xen_u32 esp;
  xen_u32 ss;
} execution_context_t;
_Static_assert(sizeof(execution_context_t) == 68, "execution_context_t size");
_Static_assert(__builtin_offsetof(execution_context_t, ebx) == 0, "execution_context_t.ebx");
_Static_assert(__builtin_offsetof(execution_context_t, ecx) == 4, "execution_context_t.ecx");
_Static_assert(__builtin_offsetof(execution_context_t, edx) == 8, "execution_context_t.edx");
_Static_assert(__builtin_offsetof(execution_context_t, esi) == 12, "execution_context_t.esi");
_Static_assert(__builtin_offsetof(execution_context_t, edi) == 16, "execution_context_t.edi");
_Static_assert(__builtin_offsetof(execution_context_t, ebp) == 20, "execution_context_t.ebp");
_Static_assert(__builtin_offsetof(execution_context_t, eax) == 24, "execution_context_t.eax");
_Static_assert(__builtin_offsetof(execution_context_t, ds) == 28, "execution_context_t.ds");
_Static_assert(__builtin_offsetof(execution_context_t, es) == 32, "execution_context_t.es");
_Static_assert(__builtin_offsetof(execution_context_t, fs) == 36, "execution_context_t.fs");
_Static_assert(__builtin_offsetof(execution_context_t, gs) == 40, "execution_context_t.gs");
_Static_assert(__builtin_offsetof(execution_context_t, _unused) == 44, "execution_context_t._unused");
_Static_assert(__builtin_offsetof(execution_context_t, eip) == 48, "execution_context_t.eip");
_Static_assert(__builtin_offsetof(execution_context_t, cs) == 52, "execution_context_t.cs");
_Static_assert(__builtin_offsetof(execution_context_t, eflags) == 56, "execution_context_t.eflags");
_Static_assert(__builtin_offsetof(execution_context_t, esp) == 60, "execution_context_t.esp");
_Static_assert(__builtin_offsetof(execution_context_t, ss) == 64, "execution_context_t.ss");

/* the shared_info frame (the guest maps it itself) */
typedef struct shared_info {
  xen_u32 events; /* pending event bits (EVENT_*) */
  xen_u32 events_mask; /* bit n enables event n; bit 31 is the master enable */
  xen_u32 event_channel_pend[32]; /* pending bit per port */
  xen_u32 event_channel_pend_sel;
  xen_u32 event_channel_disc[32]; /* remote-end-closed bit per port */
  xen_u32 event_channel_disc_sel;
  xen_u32 rdtsc_bitshift;
  xen_u64 cpu_freq; /* Hz */
  xen_u32 time_version1; /* incremented before an update */
  xen_u32 time_version2; /* incremented after an update */
  xen_u32 tsc_timestamp;
  xen_u64 system_time; /* ns since boot */
  xen_u32 wc_sec;
  xen_u32 wc_usec;
  xen_u64 domain_time; /* ns this domain has run */
  xen_u64 wall_timeout; /* present, not read */
  xen_u64 domain_timeout; /* present, not read */
  net_idx_t net_idx[8];
  execution_context_t execution_context;
} shared_info_t;
_Static_assert(sizeof(shared_info_t) == 596, "shared_info_t size");
_Static_assert(__builtin_offsetof(shared_info_t, events) == 0, "shared_info_t.events");
_Static_assert(__builtin_offsetof(shared_info_t, events_mask) == 4, "shared_info_t.events_mask");
_Static_assert(__builtin_offsetof(shared_info_t, event_channel_pend) == 8, "shared_info_t.event_channel_pend");
_Static_assert(__builtin_offsetof(shared_info_t, event_channel_pend_sel) == 136, "shared_info_t.event_channel_pend_sel");
_Static_assert(__builtin_offsetof(shared_info_t, event_channel_disc) == 140, "shared_info_t.event_channel_disc");
_Static_assert(__builtin_offsetof(shared_info_t, event_channel_disc_sel) == 268, "shared_info_t.event_channel_disc_sel");
_Static_assert(__builtin_offsetof(shared_info_t, rdtsc_bitshift) == 272, "shared_info_t.rdtsc_bitshift");
_Static_assert(__builtin_offsetof(shared_info_t, cpu_freq) == 276, "shared_info_t.cpu_freq");
_Static_assert(__builtin_offsetof(shared_info_t, time_version1) == 284, "shared_info_t.time_version1");
_Static_assert(__builtin_offsetof(shared_info_t, time_version2) == 288, "shared_info_t.time_version2");
_Static_assert(__builtin_offsetof(shared_info_t, tsc_timestamp) == 292, "shared_info_t.tsc_timestamp");
_Static_assert(__builtin_offsetof(shared_info_t, system_time) == 296, "shared_info_t.system_time");
_Static_assert(__builtin_offsetof(shared_info_t, wc_sec) == 304, "shared_info_t.wc_sec");
_Static_assert(__builtin_offsetof(shared_info_t, wc_usec) == 308, "shared_info_t.wc_usec");
_Static_assert(__builtin_offsetof(shared_info_t, domain_time) == 312, "shared_info_t.domain_time");
_Static_assert(__builtin_offsetof(shared_info_t, wall_timeout) == 320, "shared_info_t.wall_timeout");
_Static_assert(__builtin_offsetof(shared_info_t, domain_timeout) == 328, "shared_info_t.domain_timeout");
_Static_assert(__builtin_offsetof(shared_info_t, net_idx) == 336, "shared_info_t.net_idx");
_Static_assert(__builtin_offsetof(shared_info_t, execution_context) == 528, "shared_info_t.execution_context");

/* the whole saved state of a domain (GETDOMAININFO, BUILDDOMAIN) */
typedef struct full_execution_context {
  xen_u32 flags; /* bit 0: the FPU state is valid */
  execution_context_t cpu_ctxt;
  xen_u8 fpu_ctxt[256]; /* FSAVE image */
  trap_info_t trap_ctxt[256];
  xen_u32 fast_trap_idx;
  xen_u32 ldt_base;
  xen_u32 ldt_ents;
  xen_u32 gdt_frames[16];
  xen_u32 gdt_ents;
  xen_u32 ring1_ss;
  xen_u32 ring1_esp;
  xen_u32 pt_base; /* machine address of the page directory */
  xen_u32 debugreg[8];
  xen_u32 event_callback_cs;
  xen_u32 event_callback_eip;
  xen_u32 failsafe_callback_cs;
  xen_u32 failsafe_callback_eip;
} full_execution_context_t;
_Static_assert(sizeof(full_execution_context_t) == 2516, "full_execution_context_t size");
_Static_assert(__builtin_offsetof(full_execution_context_t, flags) == 0, "full_execution_context_t.flags");
_Static_assert(__builtin_offsetof(full_execution_context_t, cpu_ctxt) == 4, "full_execution_context_t.cpu_ctxt");
_Static_assert(__builtin_offsetof(full_execution_context_t, fpu_ctxt) == 72, "full_execution_context_t.fpu_ctxt");
_Static_assert(__builtin_offsetof(full_execution_context_t, trap_ctxt) == 328, "full_execution_context_t.trap_ctxt");
_Static_assert(__builtin_offsetof(full_execution_context_t, fast_trap_idx) == 2376, "full_execution_context_t.fast_trap_idx");
_Static_assert(__builtin_offsetof(full_execution_context_t, ldt_base) == 2380, "full_execution_context_t.ldt_base");
_Static_assert(__builtin_offsetof(full_execution_context_t, ldt_ents) == 2384, "full_execution_context_t.ldt_ents");
_Static_assert(__builtin_offsetof(full_execution_context_t, gdt_frames) == 2388, "full_execution_context_t.gdt_frames");
_Static_assert(__builtin_offsetof(full_execution_context_t, gdt_ents) == 2452, "full_execution_context_t.gdt_ents");
_Static_assert(__builtin_offsetof(full_execution_context_t, ring1_ss) == 2456, "full_execution_context_t.ring1_ss");
_Static_assert(__builtin_offsetof(full_execution_context_t, ring1_esp) == 2460, "full_execution_context_t.ring1_esp");
_Static_assert(__builtin_offsetof(full_execution_context_t, pt_base) == 2464, "full_execution_context_t.pt_base");
_Static_assert(__builtin_offsetof(full_execution_context_t, debugreg) == 2468, "full_execution_context_t.debugreg");
_Static_assert(__builtin_offsetof(full_execution_context_t, event_callback_cs) == 2500, "full_execution_context_t.event_callback_cs");
_Static_assert(__builtin_offsetof(full_execution_context_t, event_callback_eip) == 2504, "full_execution_context_t.event_callback_eip");
_Static_assert(__builtin_offsetof(full_execution_context_t, failsafe_callback_cs) == 2508, "full_execution_context_t.failsafe_callback_cs");
_Static_assert(__builtin_offsetof(full_execution_context_t, failsafe_callback_eip) == 2512, "full_execution_context_t.failsafe_callback_eip");

typedef struct dom0_getmemlist {
  xen_u32 domain;
  xen_u32 max_pfns;
  xen_u32 buffer; /* pointer to an array of u32 machine frame numbers */
  xen_u32 num_pfns; /* out */
} dom0_getmemlist_t;
_Static_assert(sizeof(dom0_getmemlist_t) == 16, "dom0_getmemlist_t size");
_Static_assert(__builtin_offsetof(dom0_getmemlist_t, domain) == 0, "dom0_getmemlist_t.domain");
_Static_assert(__builtin_offsetof(dom0_getmemlist_t, max_pfns) == 4, "dom0_getmemlist_t.max_pfns");
_Static_assert(__builtin_offsetof(dom0_getmemlist_t, buffer) == 8, "dom0_getmemlist_t.buffer");
_Static_assert(__builtin_offsetof(dom0_getmemlist_t, num_pfns) == 12, "dom0_getmemlist_t.num_pfns");

typedef struct dom0_bvtctl {
  xen_u32 ctx_allow; /* context-switch allowance */
} dom0_bvtctl_t;
_Static_assert(sizeof(dom0_bvtctl_t) == 4, "dom0_bvtctl_t size");
_Static_assert(__builtin_offsetof(dom0_bvtctl_t, ctx_allow) == 0, "dom0_bvtctl_t.ctx_allow");

typedef struct dom0_adjustdom {
  xen_u32 domain;
  xen_u32 mcu_adv;
  xen_u32 warp;
  xen_u32 warpl;
  xen_u32 warpu;
} dom0_adjustdom_t;
_Static_assert(sizeof(dom0_adjustdom_t) == 20, "dom0_adjustdom_t size");
_Static_assert(__builtin_offsetof(dom0_adjustdom_t, domain) == 0, "dom0_adjustdom_t.domain");
_Static_assert(__builtin_offsetof(dom0_adjustdom_t, mcu_adv) == 4, "dom0_adjustdom_t.mcu_adv");
_Static_assert(__builtin_offsetof(dom0_adjustdom_t, warp) == 8, "dom0_adjustdom_t.warp");
_Static_assert(__builtin_offsetof(dom0_adjustdom_t, warpl) == 12, "dom0_adjustdom_t.warpl");
_Static_assert(__builtin_offsetof(dom0_adjustdom_t, warpu) == 16, "dom0_adjustdom_t.warpu");

typedef struct dom0_createdomain {
  xen_u32 memory_kb;
  char name[16];
  xen_u32 domain; /* out */
} dom0_createdomain_t;
_Static_assert(sizeof(dom0_createdomain_t) == 24, "dom0_createdomain_t size");
_Static_assert(__builtin_offsetof(dom0_createdomain_t, memory_kb) == 0, "dom0_createdomain_t.memory_kb");
_Static_assert(__builtin_offsetof(dom0_createdomain_t, name) == 4, "dom0_createdomain_t.name");
_Static_assert(__builtin_offsetof(dom0_createdomain_t, domain) == 20, "dom0_createdomain_t.domain");

typedef struct dom0_destroydomain {
  xen_u32 domain;
  xen_u32 force;
} dom0_destroydomain_t;
_Static_assert(sizeof(dom0_destroydomain_t) == 8, "dom0_destroydomain_t size");
_Static_assert(__builtin_offsetof(dom0_destroydomain_t, domain) == 0, "dom0_destroydomain_t.domain");
_Static_assert(__builtin_offsetof(dom0_destroydomain_t, force) == 4, "dom0_destroydomain_t.force");

typedef struct dom0_startdomain {
  xen_u32 domain;
} dom0_startdomain_t;
_Static_assert(sizeof(dom0_startdomain_t) == 4, "dom0_startdomain_t size");
_Static_assert(__builtin_offsetof(dom0_startdomain_t, domain) == 0, "dom0_startdomain_t.domain");

typedef struct dom0_stopdomain {
  xen_u32 domain;
} dom0_stopdomain_t;
_Static_assert(sizeof(dom0_stopdomain_t) == 4, "dom0_stopdomain_t size");
_Static_assert(__builtin_offsetof(dom0_stopdomain_t, domain) == 0, "dom0_stopdomain_t.domain");

typedef struct dom0_getdomaininfo {
  xen_u32 domain;
  char name[16]; /* out, and every field below */
  xen_u32 processor;
  xen_u32 has_cpu;
  xen_u32 state; /* 0 active, 1 stopped */
  xen_u32 hyp_events;
  xen_u32 mcu_advance;
  xen_u32 tot_pages;
  xen_u64 cpu_time; /* ns */
  xen_u32 shared_info_frame;
  full_execution_context_t ctxt;
} dom0_getdomaininfo_t;
_Static_assert(sizeof(dom0_getdomaininfo_t) == 2572, "dom0_getdomaininfo_t size");
_Static_assert(__builtin_offsetof(dom0_getdomaininfo_t, domain) == 0, "dom0_getdomaininfo_t.domain");
_Static_assert(__builtin_offsetof(dom0_getdomaininfo_t, name) == 4, "dom0_getdomaininfo_t.name");
_Static_assert(__builtin_offsetof(dom0_getdomaininfo_t, processor) == 20, "dom0_getdomaininfo_t.processor");
_Static_assert(__builtin_offsetof(dom0_getdomaininfo_t, has_cpu) == 24, "dom0_getdomaininfo_t.has_cpu");
_Static_assert(__builtin_offsetof(dom0_getdomaininfo_t, state) == 28, "dom0_getdomaininfo_t.state");
_Static_assert(__builtin_offsetof(dom0_getdomaininfo_t, hyp_events) == 32, "dom0_getdomaininfo_t.hyp_events");
_Static_assert(__builtin_offsetof(dom0_getdomaininfo_t, mcu_advance) == 36, "dom0_getdomaininfo_t.mcu_advance");
_Static_assert(__builtin_offsetof(dom0_getdomaininfo_t, tot_pages) == 40, "dom0_getdomaininfo_t.tot_pages");
_Static_assert(__builtin_offsetof(dom0_getdomaininfo_t, cpu_time) == 44, "dom0_getdomaininfo_t.cpu_time");
_Static_assert(__builtin_offsetof(dom0_getdomaininfo_t, shared_info_frame) == 52, "dom0_getdomaininfo_t.shared_info_frame");
_Static_assert(__builtin_offsetof(dom0_getdomaininfo_t, ctxt) == 56, "dom0_getdomaininfo_t.ctxt");

typedef struct dom0_builddomain {
  xen_u32 domain;
  xen_u32 num_vifs;
  full_execution_context_t ctxt;
} dom0_builddomain_t;
_Static_assert(sizeof(dom0_builddomain_t) == 2524, "dom0_builddomain_t size");
_Static_assert(__builtin_offsetof(dom0_builddomain_t, domain) == 0, "dom0_builddomain_t.domain");
_Static_assert(__builtin_offsetof(dom0_builddomain_t, num_vifs) == 4, "dom0_builddomain_t.num_vifs");
_Static_assert(__builtin_offsetof(dom0_builddomain_t, ctxt) == 8, "dom0_builddomain_t.ctxt");

typedef struct dom0_iopl {
  xen_u32 domain;
  xen_u32 iopl;
} dom0_iopl_t;
_Static_assert(sizeof(dom0_iopl_t) == 8, "dom0_iopl_t size");
_Static_assert(__builtin_offsetof(dom0_iopl_t, domain) == 0, "dom0_iopl_t.domain");
_Static_assert(__builtin_offsetof(dom0_iopl_t, iopl) == 4, "dom0_iopl_t.iopl");

typedef struct dom0_msr {
  xen_u32 write;
  xen_u32 cpu_mask;
  xen_u32 msr;
  xen_u32 in1;
  xen_u32 in2;
  xen_u32 out1; /* out */
  xen_u32 out2; /* out */
} dom0_msr_t;
_Static_assert(sizeof(dom0_msr_t) == 28, "dom0_msr_t size");
_Static_assert(__builtin_offsetof(dom0_msr_t, write) == 0, "dom0_msr_t.write");
_Static_assert(__builtin_offsetof(dom0_msr_t, cpu_mask) == 4, "dom0_msr_t.cpu_mask");
_Static_assert(__builtin_offsetof(dom0_msr_t, msr) == 8, "dom0_msr_t.msr");
_Static_assert(__builtin_offsetof(dom0_msr_t, in1) == 12, "dom0_msr_t.in1");
_Static_assert(__builtin_offsetof(dom0_msr_t, in2) == 16, "dom0_msr_t.in2");
_Static_assert(__builtin_offsetof(dom0_msr_t, out1) == 20, "dom0_msr_t.out1");
_Static_assert(__builtin_offsetof(dom0_msr_t, out2) == 24, "dom0_msr_t.out2");

typedef struct dom0_debug {
  xen_u8 opcode;
  xen_u8 _pad0[3];
  xen_u32 domain;
  xen_u32 in1;
  xen_u32 in2;
  xen_u32 status; /* out */
  xen_u32 out1; /* out */
  xen_u32 out2; /* out */
} dom0_debug_t;
_Static_assert(sizeof(dom0_debug_t) == 28, "dom0_debug_t size");
_Static_assert(__builtin_offsetof(dom0_debug_t, opcode) == 0, "dom0_debug_t.opcode");
_Static_assert(__builtin_offsetof(dom0_debug_t, domain) == 4, "dom0_debug_t.domain");
_Static_assert(__builtin_offsetof(dom0_debug_t, in1) == 8, "dom0_debug_t.in1");
_Static_assert(__builtin_offsetof(dom0_debug_t, in2) == 12, "dom0_debug_t.in2");
_Static_assert(__builtin_offsetof(dom0_debug_t, status) == 16, "dom0_debug_t.status");
_Static_assert(__builtin_offsetof(dom0_debug_t, out1) == 20, "dom0_debug_t.out1");
_Static_assert(__builtin_offsetof(dom0_debug_t, out2) == 24, "dom0_debug_t.out2");

typedef struct dom0_settime {
  xen_u32 secs;
  xen_u32 usecs;
  xen_u64 system_time;
} dom0_settime_t;
_Static_assert(sizeof(dom0_settime_t) == 16, "dom0_settime_t size");
_Static_assert(__builtin_offsetof(dom0_settime_t, secs) == 0, "dom0_settime_t.secs");
_Static_assert(__builtin_offsetof(dom0_settime_t, usecs) == 4, "dom0_settime_t.usecs");
_Static_assert(__builtin_offsetof(dom0_settime_t, system_time) == 8, "dom0_settime_t.system_time");

typedef struct dom0_getpageframeinfo {
  xen_u32 pfn; /* machine frame */
  xen_u32 domain;
  xen_u32 type; /* out: 0 none, 1 L1, 2 L2 */
} dom0_getpageframeinfo_t;
_Static_assert(sizeof(dom0_getpageframeinfo_t) == 12, "dom0_getpageframeinfo_t size");
_Static_assert(__builtin_offsetof(dom0_getpageframeinfo_t, pfn) == 0, "dom0_getpageframeinfo_t.pfn");
_Static_assert(__builtin_offsetof(dom0_getpageframeinfo_t, domain) == 4, "dom0_getpageframeinfo_t.domain");
_Static_assert(__builtin_offsetof(dom0_getpageframeinfo_t, type) == 8, "dom0_getpageframeinfo_t.type");

typedef struct dom0_readconsole {
  xen_u32 str; /* buffer pointer */
  xen_u32 count;
  xen_u32 cmd;
} dom0_readconsole_t;
_Static_assert(sizeof(dom0_readconsole_t) == 12, "dom0_readconsole_t size");
_Static_assert(__builtin_offsetof(dom0_readconsole_t, str) == 0, "dom0_readconsole_t.str");
_Static_assert(__builtin_offsetof(dom0_readconsole_t, count) == 4, "dom0_readconsole_t.count");
_Static_assert(__builtin_offsetof(dom0_readconsole_t, cmd) == 8, "dom0_readconsole_t.cmd");

typedef struct dom0_pincpudomain {
  xen_u32 domain;
  xen_u32 cpu; /* -1 unpins */
} dom0_pincpudomain_t;
_Static_assert(sizeof(dom0_pincpudomain_t) == 8, "dom0_pincpudomain_t size");
_Static_assert(__builtin_offsetof(dom0_pincpudomain_t, domain) == 0, "dom0_pincpudomain_t.domain");
_Static_assert(__builtin_offsetof(dom0_pincpudomain_t, cpu) == 4, "dom0_pincpudomain_t.cpu");

typedef union dom0_op_payload {
  dom0_getmemlist_t getmemlist;
  dom0_bvtctl_t bvtctl;
  dom0_adjustdom_t adjustdom;
  dom0_createdomain_t createdomain;
  dom0_destroydomain_t destroydomain;
  dom0_startdomain_t startdomain;
  dom0_stopdomain_t stopdomain;
  dom0_getdomaininfo_t getdomaininfo;
  dom0_builddomain_t builddomain;
  dom0_iopl_t iopl;
  dom0_msr_t msr;
  dom0_debug_t debug;
  dom0_settime_t settime;
  dom0_getpageframeinfo_t getpageframeinfo;
  dom0_readconsole_t readconsole;
  dom0_pincpudomain_t pincpudomain;
  xen_u8 bytes[2572];
} dom0_op_payload_t;
_Static_assert(sizeof(dom0_op_payload_t) == 2572, "dom0_op_payload_t size");

/* dom0_op argument, copied in whole (2580 bytes) */
typedef struct dom0_op {
  xen_u32 cmd; /* DOM0_* */
  xen_u32 interface_version; /* DOM0_INTERFACE_VERSION */
  dom0_op_payload_t u;
} dom0_op_t;
_Static_assert(sizeof(dom0_op_t) == 2580, "dom0_op_t size");
_Static_assert(__builtin_offsetof(dom0_op_t, cmd) == 0, "dom0_op_t.cmd");
_Static_assert(__builtin_offsetof(dom0_op_t, interface_version) == 4, "dom0_op_t.interface_version");
_Static_assert(__builtin_offsetof(dom0_op_t, u) == 8, "dom0_op_t.u");

/* net_io_op argument */
typedef struct netop {
  xen_u32 cmd; /* NETOP_* */
  xen_u32 vif; /* below 8 */
  xen_u32 ring_mfn; /* GET_VIF_INFO reply: frame of the net_ring_t */
  xen_u8 vmac[6]; /* GET_VIF_INFO reply: MAC address */
  xen_u8 _pad0[2];
} netop_t;
_Static_assert(sizeof(netop_t) == 20, "netop_t size");
_Static_assert(__builtin_offsetof(netop_t, cmd) == 0, "netop_t.cmd");
_Static_assert(__builtin_offsetof(netop_t, vif) == 4, "netop_t.vif");
_Static_assert(__builtin_offsetof(netop_t, ring_mfn) == 8, "netop_t.ring_mfn");
_Static_assert(__builtin_offsetof(netop_t, vmac) == 12, "netop_t.vmac");

typedef struct tx_req_entry {
  xen_u16 id;
  xen_u16 size; /* bytes */
  xen_u32 addr; /* machine address of the packet (must not cross a page) */
} tx_req_entry_t;
_Static_assert(sizeof(tx_req_entry_t) == 8, "tx_req_entry_t size");
_Static_assert(__builtin_offsetof(tx_req_entry_t, id) == 0, "tx_req_entry_t.id");
_Static_assert(__builtin_offsetof(tx_req_entry_t, size) == 2, "tx_req_entry_t.size");
_Static_assert(__builtin_offsetof(tx_req_entry_t, addr) == 4, "tx_req_entry_t.addr");

typedef struct tx_resp_entry {
  xen_u16 id;
  xen_u8 status; /* NETSTAT_* */
  xen_u8 _pad0[1];
} tx_resp_entry_t;
_Static_assert(sizeof(tx_resp_entry_t) == 4, "tx_resp_entry_t size");
_Static_assert(__builtin_offsetof(tx_resp_entry_t, id) == 0, "tx_resp_entry_t.id");
_Static_assert(__builtin_offsetof(tx_resp_entry_t, status) == 2, "tx_resp_entry_t.status");

typedef union tx_entry {
  tx_req_entry_t req;
  tx_resp_entry_t resp;
} tx_entry_t;
_Static_assert(sizeof(tx_entry_t) == 8, "tx_entry_t size");

typedef struct rx_req_entry {
  xen_u16 id;
  xen_u8 _pad0[2];
  xen_u32 addr; /* machine address of the PTE that maps the empty buffer page */
} rx_req_entry_t;
_Static_assert(sizeof(rx_req_entry_t) == 8, "rx_req_entry_t size");
_Static_assert(__builtin_offsetof(rx_req_entry_t, id) == 0, "rx_req_entry_t.id");
_Static_assert(__builtin_offsetof(rx_req_entry_t, addr) == 4, "rx_req_entry_t.addr");

typedef struct rx_resp_entry {
  xen_u16 id;
  xen_u16 size;
  xen_u8 status; /* NETSTAT_* */
  xen_u8 offset; /* packet offset in the page */
} rx_resp_entry_t;
_Static_assert(sizeof(rx_resp_entry_t) == 6, "rx_resp_entry_t size");
_Static_assert(__builtin_offsetof(rx_resp_entry_t, id) == 0, "rx_resp_entry_t.id");
_Static_assert(__builtin_offsetof(rx_resp_entry_t, size) == 2, "rx_resp_entry_t.size");
_Static_assert(__builtin_offsetof(rx_resp_entry_t, status) == 4, "rx_resp_entry_t.status");
_Static_assert(__builtin_offsetof(rx_resp_entry_t, offset) == 5, "rx_resp_entry_t.offset");

typedef union rx_entry {
  rx_req_entry_t req;
  rx_resp_entry_t resp;
} rx_entry_t;
_Static_assert(sizeof(rx_entry_t) == 8, "rx_entry_t size");

/* one page per VIF; the indexes are shared_info.net_idx[vif] */
typedef struct net_ring {
  tx_entry_t tx_ring[256];
  rx_entry_t rx_ring[256];
} net_ring_t;
_Static_assert(sizeof(net_ring_t) == 4096, "net_ring_t size");
_Static_assert(__builtin_offsetof(net_ring_t, tx_ring) == 0, "net_ring_t.tx_ring");
_Static_assert(__builtin_offsetof(net_ring_t, rx_ring) == 2048, "net_ring_t.rx_ring");

typedef struct net_rule {
  xen_u32 src_addr;
  xen_u32 dst_addr;
  xen_u16 src_port;
  xen_u16 dst_port;
  xen_u32 src_addr_mask;
  xen_u32 dst_addr_mask;
  xen_u16 src_port_mask;
  xen_u16 dst_port_mask;
  xen_u16 proto; /* NETWORK_PROTO_* */
  xen_u8 _pad0[2];
  xen_u32 src_vif;
  xen_u32 dst_vif;
  xen_u16 action; /* NETWORK_ACTION_* */
  xen_u8 _pad1[2];
} net_rule_t;
_Static_assert(sizeof(net_rule_t) == 40, "net_rule_t size");
_Static_assert(__builtin_offsetof(net_rule_t, src_addr) == 0, "net_rule_t.src_addr");
_Static_assert(__builtin_offsetof(net_rule_t, dst_addr) == 4, "net_rule_t.dst_addr");
_Static_assert(__builtin_offsetof(net_rule_t, src_port) == 8, "net_rule_t.src_port");
_Static_assert(__builtin_offsetof(net_rule_t, dst_port) == 10, "net_rule_t.dst_port");
_Static_assert(__builtin_offsetof(net_rule_t, src_addr_mask) == 12, "net_rule_t.src_addr_mask");
_Static_assert(__builtin_offsetof(net_rule_t, dst_addr_mask) == 16, "net_rule_t.dst_addr_mask");
_Static_assert(__builtin_offsetof(net_rule_t, src_port_mask) == 20, "net_rule_t.src_port_mask");
_Static_assert(__builtin_offsetof(net_rule_t, dst_port_mask) == 22, "net_rule_t.dst_port_mask");
_Static_assert(__builtin_offsetof(net_rule_t, proto) == 24, "net_rule_t.proto");
_Static_assert(__builtin_offsetof(net_rule_t, src_vif) == 28, "net_rule_t.src_vif");
_Static_assert(__builtin_offsetof(net_rule_t, dst_vif) == 32, "net_rule_t.dst_vif");
_Static_assert(__builtin_offsetof(net_rule_t, action) == 36, "net_rule_t.action");

typedef struct vif_query {
  xen_u32 domain;
  xen_u32 buf; /* reply buffer pointer */
} vif_query_t;
_Static_assert(sizeof(vif_query_t) == 8, "vif_query_t size");
_Static_assert(__builtin_offsetof(vif_query_t, domain) == 0, "vif_query_t.domain");
_Static_assert(__builtin_offsetof(vif_query_t, buf) == 4, "vif_query_t.buf");

typedef struct vif_getinfo {
  xen_u32 domain;
  xen_u32 vif;
  xen_u64 total_bytes_sent;
  xen_u64 total_bytes_received;
  xen_u64 total_packets_sent;
  xen_u64 total_packets_received;
  xen_u32 credit_bytes;
  xen_u32 credit_usec;
} vif_getinfo_t;
_Static_assert(sizeof(vif_getinfo_t) == 48, "vif_getinfo_t size");
_Static_assert(__builtin_offsetof(vif_getinfo_t, domain) == 0, "vif_getinfo_t.domain");
_Static_assert(__builtin_offsetof(vif_getinfo_t, vif) == 4, "vif_getinfo_t.vif");
_Static_assert(__builtin_offsetof(vif_getinfo_t, total_bytes_sent) == 8, "vif_getinfo_t.total_bytes_sent");
_Static_assert(__builtin_offsetof(vif_getinfo_t, total_bytes_received) == 16, "vif_getinfo_t.total_bytes_received");
_Static_assert(__builtin_offsetof(vif_getinfo_t, total_packets_sent) == 24, "vif_getinfo_t.total_packets_sent");
_Static_assert(__builtin_offsetof(vif_getinfo_t, total_packets_received) == 32, "vif_getinfo_t.total_packets_received");
_Static_assert(__builtin_offsetof(vif_getinfo_t, credit_bytes) == 40, "vif_getinfo_t.credit_bytes");
_Static_assert(__builtin_offsetof(vif_getinfo_t, credit_usec) == 44, "vif_getinfo_t.credit_usec");

typedef struct vif_setparams {
  xen_u32 domain;
  xen_u32 vif;
  xen_u32 credit_bytes;
  xen_u32 credit_usec;
} vif_setparams_t;
_Static_assert(sizeof(vif_setparams_t) == 16, "vif_setparams_t size");
_Static_assert(__builtin_offsetof(vif_setparams_t, domain) == 0, "vif_setparams_t.domain");
_Static_assert(__builtin_offsetof(vif_setparams_t, vif) == 4, "vif_setparams_t.vif");
_Static_assert(__builtin_offsetof(vif_setparams_t, credit_bytes) == 8, "vif_setparams_t.credit_bytes");
_Static_assert(__builtin_offsetof(vif_setparams_t, credit_usec) == 12, "vif_setparams_t.credit_usec");

typedef union network_op_payload {
  net_rule_t net_rule;
  vif_query_t vif_query;
  vif_getinfo_t vif_getinfo;
  vif_setparams_t vif_setparams;
} network_op_payload_t;
_Static_assert(sizeof(network_op_payload_t) == 48, "network_op_payload_t size");

/* network_op argument */
typedef struct network_op {
  xen_u32 cmd; /* NETWORK_OP_* */
  network_op_payload_t u;
} network_op_t;
_Static_assert(sizeof(network_op_t) == 52, "network_op_t size");
_Static_assert(__builtin_offsetof(network_op_t, cmd) == 0, "network_op_t.cmd");
_Static_assert(__builtin_offsetof(network_op_t, u) == 4, "network_op_t.u");

/* block_io_op argument */
typedef struct block_io_op {
  xen_u32 cmd; /* BLOCK_IO_OP_* */
  xen_u8 u[20]; /* command payload; RING_ADDRESS: the ring's frame number in the first word */
} block_io_op_t;
_Static_assert(sizeof(block_io_op_t) == 24, "block_io_op_t size");
_Static_assert(__builtin_offsetof(block_io_op_t, cmd) == 0, "block_io_op_t.cmd");
_Static_assert(__builtin_offsetof(block_io_op_t, u) == 4, "block_io_op_t.u");

typedef struct blk_ring_req_entry {
  xen_u32 id; /* guest cookie, echoed in the response */
  xen_u32 sector_number;
  xen_u16 device;
  xen_u8 operation; /* XEN_BLOCK_* */
  xen_u8 nr_segments;
  xen_u32 buffer_and_sects[12]; /* machine address (512-aligned) | sector count in bits 0-8 */
} blk_ring_req_entry_t;
_Static_assert(sizeof(blk_ring_req_entry_t) == 60, "blk_ring_req_entry_t size");
_Static_assert(__builtin_offsetof(blk_ring_req_entry_t, id) == 0, "blk_ring_req_entry_t.id");
_Static_assert(__builtin_offsetof(blk_ring_req_entry_t, sector_number) == 4, "blk_ring_req_entry_t.sector_number");
_Static_assert(__builtin_offsetof(blk_ring_req_entry_t, device) == 8, "blk_ring_req_entry_t.device");
_Static_assert(__builtin_offsetof(blk_ring_req_entry_t, operation) == 10, "blk_ring_req_entry_t.operation");
_Static_assert(__builtin_offsetof(blk_ring_req_entry_t, nr_segments) == 11, "blk_ring_req_entry_t.nr_segments");
_Static_assert(__builtin_offsetof(blk_ring_req_entry_t, buffer_and_sects) == 12, "blk_ring_req_entry_t.buffer_and_sects");

typedef struct blk_ring_resp_entry {
  xen_u32 id;
  xen_u16 operation;
  xen_u8 _pad0[2];
  xen_u32 status; /* 0 good, else bad */
} blk_ring_resp_entry_t;
_Static_assert(sizeof(blk_ring_resp_entry_t) == 12, "blk_ring_resp_entry_t size");
_Static_assert(__builtin_offsetof(blk_ring_resp_entry_t, id) == 0, "blk_ring_resp_entry_t.id");
_Static_assert(__builtin_offsetof(blk_ring_resp_entry_t, operation) == 4, "blk_ring_resp_entry_t.operation");
_Static_assert(__builtin_offsetof(blk_ring_resp_entry_t, status) == 8, "blk_ring_resp_entry_t.status");

typedef union blk_ring_entry {
  blk_ring_req_entry_t req;
  blk_ring_resp_entry_t resp;
} blk_ring_entry_t;
_Static_assert(sizeof(blk_ring_entry_t) == 60, "blk_ring_entry_t size");

/* the block ring page (free-running indexes) */
typedef struct blk_ring {
  xen_u32 req_prod; /* written by the guest */
  xen_u32 resp_prod; /* written by the hypervisor */
  blk_ring_entry_t ring[64];
} blk_ring_t;
_Static_assert(sizeof(blk_ring_t) == 3848, "blk_ring_t size");
_Static_assert(__builtin_offsetof(blk_ring_t, req_prod) == 0, "blk_ring_t.req_prod");
_Static_assert(__builtin_offsetof(blk_ring_t, resp_prod) == 4, "blk_ring_t.resp_prod");
_Static_assert(__builtin_offsetof(blk_ring_t, ring) == 8, "blk_ring_t.ring");

typedef struct xen_extent {
  xen_u16 device;
  xen_u16 unused;
  xen_u32 start_sector;
  xen_u32 nr_sectors;
} xen_extent_t;
_Static_assert(sizeof(xen_extent_t) == 12, "xen_extent_t size");
_Static_assert(__builtin_offsetof(xen_extent_t, device) == 0, "xen_extent_t.device");
_Static_assert(__builtin_offsetof(xen_extent_t, unused) == 2, "xen_extent_t.unused");
_Static_assert(__builtin_offsetof(xen_extent_t, start_sector) == 4, "xen_extent_t.start_sector");
_Static_assert(__builtin_offsetof(xen_extent_t, nr_sectors) == 8, "xen_extent_t.nr_sectors");

typedef struct xen_disk {
  xen_u16 device;
  xen_u16 info; /* type in bits 0-5; 0x40 read-only; 0x80 virtual */
  xen_u32 capacity; /* sectors */
  xen_u32 domain;
} xen_disk_t;
_Static_assert(sizeof(xen_disk_t) == 12, "xen_disk_t size");
_Static_assert(__builtin_offsetof(xen_disk_t, device) == 0, "xen_disk_t.device");
_Static_assert(__builtin_offsetof(xen_disk_t, info) == 2, "xen_disk_t.info");
_Static_assert(__builtin_offsetof(xen_disk_t, capacity) == 4, "xen_disk_t.capacity");
_Static_assert(__builtin_offsetof(xen_disk_t, domain) == 8, "xen_disk_t.domain");

/* trap without an error code, event upcall, fast trap */
typedef struct xen_trap_frame {
  xen_u32 eip;
  xen_u32 cs;
  xen_u32 eflags;
  xen_u32 esp;
  xen_u32 ss;
} xen_trap_frame;
_Static_assert(sizeof(xen_trap_frame) == 20, "xen_trap_frame size");
_Static_assert(__builtin_offsetof(xen_trap_frame, eip) == 0, "xen_trap_frame.eip");
_Static_assert(__builtin_offsetof(xen_trap_frame, cs) == 4, "xen_trap_frame.cs");
_Static_assert(__builtin_offsetof(xen_trap_frame, eflags) == 8, "xen_trap_frame.eflags");
_Static_assert(__builtin_offsetof(xen_trap_frame, esp) == 12, "xen_trap_frame.esp");
_Static_assert(__builtin_offsetof(xen_trap_frame, ss) == 16, "xen_trap_frame.ss");

/* trap with an error code (vectors 8, 10-13, 17) */
typedef struct xen_trap_frame_error {
  xen_u32 error_code;
  xen_u32 eip;
  xen_u32 cs;
  xen_u32 eflags;
  xen_u32 esp;
  xen_u32 ss;
} xen_trap_frame_error;
_Static_assert(sizeof(xen_trap_frame_error) == 24, "xen_trap_frame_error size");
_Static_assert(__builtin_offsetof(xen_trap_frame_error, error_code) == 0, "xen_trap_frame_error.error_code");
_Static_assert(__builtin_offsetof(xen_trap_frame_error, eip) == 4, "xen_trap_frame_error.eip");
_Static_assert(__builtin_offsetof(xen_trap_frame_error, cs) == 8, "xen_trap_frame_error.cs");
_Static_assert(__builtin_offsetof(xen_trap_frame_error, eflags) == 12, "xen_trap_frame_error.eflags");
_Static_assert(__builtin_offsetof(xen_trap_frame_error, esp) == 16, "xen_trap_frame_error.esp");
_Static_assert(__builtin_offsetof(xen_trap_frame_error, ss) == 20, "xen_trap_frame_error.ss");

/* page fault (vector 14) */
typedef struct xen_page_fault_frame {
  xen_u32 cr2;
  xen_u32 error_code;
  xen_u32 eip;
  xen_u32 cs;
  xen_u32 eflags;
  xen_u32 esp;
  xen_u32 ss;
} xen_page_fault_frame;
_Static_assert(sizeof(xen_page_fault_frame) == 28, "xen_page_fault_frame size");
_Static_assert(__builtin_offsetof(xen_page_fault_frame, cr2) == 0, "xen_page_fault_frame.cr2");
_Static_assert(__builtin_offsetof(xen_page_fault_frame, error_code) == 4, "xen_page_fault_frame.error_code");
_Static_assert(__builtin_offsetof(xen_page_fault_frame, eip) == 8, "xen_page_fault_frame.eip");
_Static_assert(__builtin_offsetof(xen_page_fault_frame, cs) == 12, "xen_page_fault_frame.cs");
_Static_assert(__builtin_offsetof(xen_page_fault_frame, eflags) == 16, "xen_page_fault_frame.eflags");
_Static_assert(__builtin_offsetof(xen_page_fault_frame, esp) == 20, "xen_page_fault_frame.esp");
_Static_assert(__builtin_offsetof(xen_page_fault_frame, ss) == 24, "xen_page_fault_frame.ss");

/* event upcall */
typedef struct xen_event_frame {
  xen_u32 eip;
  xen_u32 cs;
  xen_u32 eflags;
  xen_u32 esp;
  xen_u32 ss;
} xen_event_frame;
_Static_assert(sizeof(xen_event_frame) == 20, "xen_event_frame size");
_Static_assert(__builtin_offsetof(xen_event_frame, eip) == 0, "xen_event_frame.eip");
_Static_assert(__builtin_offsetof(xen_event_frame, cs) == 4, "xen_event_frame.cs");
_Static_assert(__builtin_offsetof(xen_event_frame, eflags) == 8, "xen_event_frame.eflags");
_Static_assert(__builtin_offsetof(xen_event_frame, esp) == 12, "xen_event_frame.esp");
_Static_assert(__builtin_offsetof(xen_event_frame, ss) == 16, "xen_event_frame.ss");

/* failsafe callback */
typedef struct xen_failsafe_frame {
  xen_u32 ds;
  xen_u32 es;
  xen_u32 fs;
  xen_u32 gs;
  xen_u32 eip;
  xen_u32 cs;
  xen_u32 eflags;
  xen_u32 esp;
  xen_u32 ss;
} xen_failsafe_frame;
_Static_assert(sizeof(xen_failsafe_frame) == 36, "xen_failsafe_frame size");
_Static_assert(__builtin_offsetof(xen_failsafe_frame, ds) == 0, "xen_failsafe_frame.ds");
_Static_assert(__builtin_offsetof(xen_failsafe_frame, es) == 4, "xen_failsafe_frame.es");
_Static_assert(__builtin_offsetof(xen_failsafe_frame, fs) == 8, "xen_failsafe_frame.fs");
_Static_assert(__builtin_offsetof(xen_failsafe_frame, gs) == 12, "xen_failsafe_frame.gs");
_Static_assert(__builtin_offsetof(xen_failsafe_frame, eip) == 16, "xen_failsafe_frame.eip");
_Static_assert(__builtin_offsetof(xen_failsafe_frame, cs) == 20, "xen_failsafe_frame.cs");
_Static_assert(__builtin_offsetof(xen_failsafe_frame, eflags) == 24, "xen_failsafe_frame.eflags");
_Static_assert(__builtin_offsetof(xen_failsafe_frame, esp) == 28, "xen_failsafe_frame.esp");
_Static_assert(__builtin_offsetof(xen_failsafe_frame, ss) == 32, "xen_failsafe_frame.ss");

/* ---- hypercalls ---- */
/* install entries of the virtual IDT (the array ends at an entry whose address is 0)
 *   EBX table: trap_info_t array
 *   returns 0; -EFAULT; -EPERM for a bad CS (entries before it stay installed) */
static inline __attribute__((unused)) long HYPERVISOR_set_trap_table(const trap_info_t *table) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_set_trap_table), "1"((unsigned long)(table)) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

/* checked page-table writes, machine-to-physical updates and extended commands, in a batch
 *   EBX requests: mmu_update_t array (ptr is a machine address | MMU_* command)
 *   ECX count: number of requests
 *   returns 0 when all are done; -EINVAL at the first bad request (earlier ones stay applied); -EFAULT */
static inline __attribute__((unused)) long HYPERVISOR_mmu_update(const mmu_update_t *requests, unsigned int count) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_mmu_update), "1"((unsigned long)(requests)), "2"((unsigned long)(count)) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

/* debug console output (at most 256 bytes, up to a NUL; each line prefixed with DOM<id>: )
 *   EBX text: the bytes
 *   ECX count: byte count
 *   returns 0; -EFAULT */
static inline __attribute__((unused)) long HYPERVISOR_console_write(const char *text, unsigned int count) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_console_write), "1"((unsigned long)(text)), "2"((unsigned long)(count)) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

/* install a GDT of 296..8192 entries held in up to 16 of the caller's frames
 *   EBX frames: list of machine frame numbers
 *   ECX entries: number of descriptors
 *   returns 0; -EINVAL; -EFAULT */
static inline __attribute__((unused)) long HYPERVISOR_set_gdt(const unsigned long *frames, unsigned int entries) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_set_gdt), "1"((unsigned long)(frames)), "2"((unsigned long)(entries)) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

/* the ring-1 stack that traps and events from ring 3 are bounced onto
 *   EBX ss: ring-1 stack segment
 *   ECX esp: ring-1 stack pointer
 *   returns 0; -EPERM if SS has RPL 0 */
static inline __attribute__((unused)) long HYPERVISOR_stack_switch(unsigned long ss, unsigned long esp) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_stack_switch), "1"((unsigned long)(ss)), "2"((unsigned long)(esp)) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

/* the event upcall and failsafe entry points
 *   EBX event_cs: event callback code selector
 *   ECX event_eip: event callback address
 *   EDX failsafe_cs: failsafe callback code selector
 *   ESI failsafe_eip: failsafe callback address
 *   returns 0; -EPERM if a CS is not a valid guest code selector */
static inline __attribute__((unused)) long HYPERVISOR_set_callbacks(unsigned long event_cs, unsigned long event_eip, unsigned long failsafe_cs, unsigned long failsafe_eip) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_set_callbacks), "1"((unsigned long)(event_cs)), "2"((unsigned long)(event_eip)), "3"((unsigned long)(failsafe_cs)), "4"((unsigned long)(failsafe_eip)) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

/* virtual network interface operations (netop_t)
 *   EBX op: netop_t
 *   returns 0; -EINVAL; xeno86 answers -ENOSYS until virtual network interfaces exist */
static inline __attribute__((unused)) long HYPERVISOR_net_io_op(void *op) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_net_io_op), "1"((unsigned long)(op)) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

/* set CR0.TS: the next FPU instruction raises #NM in the guest
 *   returns 0 */
static inline __attribute__((unused)) long HYPERVISOR_fpu_taskswitch(void) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_fpu_taskswitch) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

/* yield, block until an event, exit (destroy this domain) or stop (pause it)
 *   EBX command: SCHEDOP_*
 *   returns 0 (exit does not return); -ENOSYS for other commands */
static inline __attribute__((unused)) long HYPERVISOR_sched_op(unsigned long command) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_sched_op), "1"((unsigned long)(command)) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

/* one-shot EVENT_TIMER when system time reaches an absolute value in ns (0 cancels)
 *   EBX time_high: bits 63-32 of the deadline
 *   ECX time_low: bits 31-0 of the deadline
 *   returns 0 */
static inline __attribute__((unused)) long HYPERVISOR_set_dom_timer(unsigned long time_high, unsigned long time_low) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_set_dom_timer), "1"((unsigned long)(time_high)), "2"((unsigned long)(time_low)) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

/* control operations (privileged domains only)
 *   EBX op: dom0_op_t (copied in whole, results copied out)
 *   returns 0 or a result; -EPERM unprivileged; -EFAULT; -EACCES wrong interface_version; -ENOSYS unknown command */
static inline __attribute__((unused)) long HYPERVISOR_dom0_op(dom0_op_t *op) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_dom0_op), "1"((unsigned long)(op)) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

/* virtual firewall-router rules and VIF queries
 *   EBX op: network_op_t
 *   returns xeno86 answers -ENOSYS until virtual network interfaces exist */
static inline __attribute__((unused)) long HYPERVISOR_network_op(void *op) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_network_op), "1"((unsigned long)(op)) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

/* virtual block device operations
 *   EBX op: block_io_op_t
 *   returns xeno86 answers -ENOSYS until virtual block devices exist */
static inline __attribute__((unused)) long HYPERVISOR_block_io_op(void *op) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_block_io_op), "1"((unsigned long)(op)) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

/* write a debug register (checked)
 *   EBX reg: 0-3, 6 or 7
 *   ECX value: new value
 *   returns 0; -EPERM (DR0-3 above 0xFC3FFFFC, DR7 with GD, R/W or LEN 10b); -EINVAL other registers */
static inline __attribute__((unused)) long HYPERVISOR_set_debugreg(int reg, unsigned long value) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_set_debugreg), "1"((unsigned long)(reg)), "2"((unsigned long)(value)) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

/* read a debug register
 *   EBX reg: register number
 *   returns the value */
static inline __attribute__((unused)) long HYPERVISOR_get_debugreg(int reg) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_get_debugreg), "1"((unsigned long)(reg)) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

/* write one checked GDT or LDT entry
 *   EBX machine_address: machine address of the 8-byte entry (8-aligned)
 *   ECX low: low word
 *   EDX high: high word
 *   returns 0; -EINVAL */
static inline __attribute__((unused)) long HYPERVISOR_update_descriptor(unsigned long machine_address, unsigned long low, unsigned long high) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_update_descriptor), "1"((unsigned long)(machine_address)), "2"((unsigned long)(low)), "3"((unsigned long)(high)) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

/* let int <vector> (0x20-0x2F or 0x80) enter the guest's ring-1 handler directly through a trap gate
 *   EBX vector: vector, 0 = off
 *   returns 0; -1 for another vector or one whose trap-table entry has TI_MASK_EVENTS */
static inline __attribute__((unused)) long HYPERVISOR_set_fast_trap(int vector) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_set_fast_trap), "1"((unsigned long)(vector)) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

/* balloon: increase or decrease the domain's reservation
 *   EBX op: dom_mem_op_t
 *   returns frames done (increase may do fewer than asked, even 0); -EINVAL at the first bad frame of a decrease; -ENOSYS */
static inline __attribute__((unused)) long HYPERVISOR_dom_mem_op(dom_mem_op_t *op) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_dom_mem_op), "1"((unsigned long)(op)) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

/* several hypercalls in one trap (op and the first five arguments of each entry)
 *   EBX calls: multicall_entry_t array
 *   ECX count: number of entries
 *   returns 0 after the last entry whatever they returned; -EFAULT if reading an entry faults */
static inline __attribute__((unused)) long HYPERVISOR_multicall(multicall_entry_t *calls, unsigned int count) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_multicall), "1"((unsigned long)(calls)), "2"((unsigned long)(count)) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

/* PS/2 keyboard controller pass-through for the console domain
 *   EBX op: 0 write output, 1 write command, 2 read
 *   ECX value: byte to write
 *   returns -EPERM unless the domain owns the console */
static inline __attribute__((unused)) long HYPERVISOR_kbd_op(unsigned char op, unsigned char value) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_kbd_op), "1"((unsigned long)(op)), "2"((unsigned long)(value)) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

/* checked write of the PTE that maps one virtual page
 *   EBX page_number: virtual address >> 12 (below 0xFC000)
 *   ECX pte: new PTE
 *   EDX flags: UVMF_FLUSH_TLB | UVMF_INVLPG
 *   returns 0; -EINVAL (page in the hole, or the PTE refused); -EFAULT if the page directory entry is absent */
static inline __attribute__((unused)) long HYPERVISOR_update_va_mapping(unsigned long page_number, unsigned long pte, unsigned long flags) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_update_va_mapping), "1"((unsigned long)(page_number)), "2"((unsigned long)(pte)), "3"((unsigned long)(flags)) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

/* open, close, send on and query event channels
 *   EBX command: EVTCHNOP_*
 *   ECX id: target domain (open) or local port (16 bits)
 *   returns 0 or an EVTCHNSTAT_* value; -EINVAL; -EEXIST; -ENOSPC; -ENOSYS */
static inline __attribute__((unused)) long HYPERVISOR_event_channel_op(unsigned long command, unsigned long id) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_event_channel_op), "1"((unsigned long)(command)), "2"((unsigned long)(id)) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

#endif /* XENO86_XEN_H */
