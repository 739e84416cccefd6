/*
 * xeno86 paravirtual guest interface (Xen 1.2 style, 0-21 hypercall numbering).
 * Generated from @xeno86/guest-abi by `npm run generate -w @xeno86/guest-abi`: do not edit.
 * Freestanding C11 for i386 (clang -m32 -ffreestanding).
 */
#ifndef XENO86_XEN_H
#define XENO86_XEN_H

typedef unsigned char xen_u8;
typedef unsigned short xen_u16;
typedef unsigned int xen_u32;
/* 64-bit fields are 4-byte aligned, as in the i386 ABI. */
typedef unsigned long long xen_u64 __attribute__((aligned(4)));

/* ---- calling convention: int 0x82, number in EAX, arguments EBX ECX EDX ESI EDI, result in EAX ---- */
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

/* ---- errors: negative values of these ---- */
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

/* ---- address space and selectors ---- */
#define HYPERVISOR_VIRT_START 0xFC000000UL
#define MACHINE_TO_PHYS_VIRT 0xFC000000UL
#define GUEST_SEGMENT_END 0xFC400000UL
#define FIRST_RESERVED_GDT_ENTRY 256
#define LAST_RESERVED_GDT_ENTRY 295
#define FLAT_RING1_CS 0x819
#define FLAT_RING1_DS 0x821
#define FLAT_RING3_CS 0x82B
#define FLAT_RING3_DS 0x833
#define XENO86_DEFAULT_LOAD_BASE 0xC0000000UL
#define XENO86_START_EFLAGS 0x204
#define MAX_CMD_LEN 256
#define XENO86_GUEST_SECTION "__xen_guest"
#define XENO86_ABI_VERSION "xeno86-1.2"

/* ---- commands ---- */
#define MMU_NORMAL_PT_UPDATE 0
#define MMU_UNCHECKED_PT_UPDATE 1
#define MMU_MACHPHYS_UPDATE 2
#define MMU_EXTENDED_COMMAND 3
#define MMUEXT_PIN_L1_TABLE 0
#define MMUEXT_PIN_L2_TABLE 1
#define MMUEXT_PIN_L3_TABLE 2
#define MMUEXT_PIN_L4_TABLE 3
#define MMUEXT_UNPIN_TABLE 4
#define MMUEXT_NEW_BASEPTR 5
#define MMUEXT_TLB_FLUSH 6
#define MMUEXT_INVLPG 7
#define MMUEXT_SET_LDT 8
#define MMUEXT_CMD_SHIFT 8
#define UVMF_FLUSH_TLB 1
#define UVMF_INVLPG 2
#define SCHEDOP_yield 0
#define SCHEDOP_block 1
#define SCHEDOP_exit 3
#define SCHEDOP_stop 4
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
#define EVTCHNOP_open 0
#define EVTCHNOP_close 1
#define EVTCHNOP_send 2
#define EVTCHNOP_status 3
#define EVTCHNSTAT_closed 0
#define EVTCHNSTAT_disconnected 1
#define EVTCHNSTAT_connected 2
#define NR_EVENT_CHANNELS 1024
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
#define MEMOP_RESERVATION_INCREASE 0
#define MEMOP_RESERVATION_DECREASE 1
#define SIF_PRIVILEGED 1
#define SIF_CONSOLE 2
#define TI_DPL_MASK 3
#define TI_MASK_EVENTS 4
#define XENO86_TIMER_PERIOD_NS 10000000ULL

/* ---- bounce frames on the ring-1 stack, lowest address first ---- */
/*   trap: [cr2: vector 14] [error_code: vectors 8, 10-14, 17] eip cs eflags [esp: interrupted in ring 3] [ss: interrupted in ring 3] */
/*   event: eip cs eflags [esp: interrupted in ring 3] [ss: interrupted in ring 3] */
/*   failsafe: ds es fs gs eip cs eflags [esp: interrupted in ring 3] [ss: interrupted in ring 3] */
/*   error codes come with vectors 8, 10, 11, 12, 13, 14, 17; CR2 with vector 14 */

/* ---- structures ---- */
typedef struct {
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

typedef struct {
  xen_u8 vector;
  xen_u8 flags;
  xen_u16 cs;
  xen_u32 address;
} trap_info_t;
_Static_assert(sizeof(trap_info_t) == 8, "trap_info_t size");
_Static_assert(__builtin_offsetof(trap_info_t, vector) == 0, "trap_info_t.vector");
_Static_assert(__builtin_offsetof(trap_info_t, flags) == 1, "trap_info_t.flags");
_Static_assert(__builtin_offsetof(trap_info_t, cs) == 2, "trap_info_t.cs");
_Static_assert(__builtin_offsetof(trap_info_t, address) == 4, "trap_info_t.address");

typedef struct {
  xen_u32 ptr;
  xen_u32 val;
} mmu_update_t;
_Static_assert(sizeof(mmu_update_t) == 8, "mmu_update_t size");
_Static_assert(__builtin_offsetof(mmu_update_t, ptr) == 0, "mmu_update_t.ptr");
_Static_assert(__builtin_offsetof(mmu_update_t, val) == 4, "mmu_update_t.val");

typedef struct {
  xen_u32 op;
  xen_u32 args[7];
} multicall_entry_t;
_Static_assert(sizeof(multicall_entry_t) == 32, "multicall_entry_t size");
_Static_assert(__builtin_offsetof(multicall_entry_t, op) == 0, "multicall_entry_t.op");
_Static_assert(__builtin_offsetof(multicall_entry_t, args) == 4, "multicall_entry_t.args");

typedef struct {
  xen_u32 op;
  xen_u32 size;
  xen_u32 pages;
} dom_mem_op_t;
_Static_assert(sizeof(dom_mem_op_t) == 12, "dom_mem_op_t size");
_Static_assert(__builtin_offsetof(dom_mem_op_t, op) == 0, "dom_mem_op_t.op");
_Static_assert(__builtin_offsetof(dom_mem_op_t, size) == 4, "dom_mem_op_t.size");
_Static_assert(__builtin_offsetof(dom_mem_op_t, pages) == 8, "dom_mem_op_t.pages");

typedef struct {
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

typedef struct {
  xen_u32 nr_pages;
  xen_u32 shared_info;
  xen_u32 dom_id;
  xen_u32 flags;
  xen_u32 pt_base;
  xen_u32 mod_start;
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

typedef struct {
  xen_u32 events;
  xen_u32 events_mask;
  xen_u32 event_channel_pend[32];
  xen_u32 event_channel_pend_sel;
  xen_u32 event_channel_disc[32];
  xen_u32 event_channel_disc_sel;
  xen_u32 rdtsc_bitshift;
  xen_u64 cpu_freq;
  xen_u32 time_version1;
  xen_u32 time_version2;
  xen_u32 tsc_timestamp;
  xen_u64 system_time;
  xen_u32 wc_sec;
  xen_u32 wc_usec;
  xen_u64 domain_time;
  xen_u64 wall_timeout;
  xen_u64 domain_timeout;
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

typedef struct {
  xen_u32 flags;
  execution_context_t cpu_ctxt;
  xen_u8 fpu_ctxt[256];
  trap_info_t trap_ctxt[256];
  xen_u32 fast_trap_idx;
  xen_u32 ldt_base;
  xen_u32 ldt_ents;
  xen_u32 gdt_frames[16];
  xen_u32 gdt_ents;
  xen_u32 ring1_ss;
  xen_u32 ring1_esp;
  xen_u32 pt_base;
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

typedef struct {
  xen_u32 cmd;
  xen_u32 interface_version;
  xen_u8 u[2572];
} dom0_op_t;
_Static_assert(sizeof(dom0_op_t) == 2580, "dom0_op_t size");
_Static_assert(__builtin_offsetof(dom0_op_t, cmd) == 0, "dom0_op_t.cmd");
_Static_assert(__builtin_offsetof(dom0_op_t, interface_version) == 4, "dom0_op_t.interface_version");
_Static_assert(__builtin_offsetof(dom0_op_t, u) == 8, "dom0_op_t.u");

typedef struct {
  xen_u32 domain;
  xen_u32 max_pfns;
  xen_u32 buffer;
  xen_u32 num_pfns;
} dom0_getmemlist_t;
_Static_assert(sizeof(dom0_getmemlist_t) == 16, "dom0_getmemlist_t size");
_Static_assert(__builtin_offsetof(dom0_getmemlist_t, domain) == 0, "dom0_getmemlist_t.domain");
_Static_assert(__builtin_offsetof(dom0_getmemlist_t, max_pfns) == 4, "dom0_getmemlist_t.max_pfns");
_Static_assert(__builtin_offsetof(dom0_getmemlist_t, buffer) == 8, "dom0_getmemlist_t.buffer");
_Static_assert(__builtin_offsetof(dom0_getmemlist_t, num_pfns) == 12, "dom0_getmemlist_t.num_pfns");

typedef struct {
  xen_u32 ctx_allow;
} dom0_bvtctl_t;
_Static_assert(sizeof(dom0_bvtctl_t) == 4, "dom0_bvtctl_t size");
_Static_assert(__builtin_offsetof(dom0_bvtctl_t, ctx_allow) == 0, "dom0_bvtctl_t.ctx_allow");

typedef struct {
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

typedef struct {
  xen_u32 memory_kb;
  char name[16];
  xen_u32 domain;
} dom0_createdomain_t;
_Static_assert(sizeof(dom0_createdomain_t) == 24, "dom0_createdomain_t size");
_Static_assert(__builtin_offsetof(dom0_createdomain_t, memory_kb) == 0, "dom0_createdomain_t.memory_kb");
_Static_assert(__builtin_offsetof(dom0_createdomain_t, name) == 4, "dom0_createdomain_t.name");
_Static_assert(__builtin_offsetof(dom0_createdomain_t, domain) == 20, "dom0_createdomain_t.domain");

typedef struct {
  xen_u32 domain;
  xen_u32 force;
} dom0_destroydomain_t;
_Static_assert(sizeof(dom0_destroydomain_t) == 8, "dom0_destroydomain_t size");
_Static_assert(__builtin_offsetof(dom0_destroydomain_t, domain) == 0, "dom0_destroydomain_t.domain");
_Static_assert(__builtin_offsetof(dom0_destroydomain_t, force) == 4, "dom0_destroydomain_t.force");

typedef struct {
  xen_u32 domain;
} dom0_startdomain_t;
_Static_assert(sizeof(dom0_startdomain_t) == 4, "dom0_startdomain_t size");
_Static_assert(__builtin_offsetof(dom0_startdomain_t, domain) == 0, "dom0_startdomain_t.domain");

typedef struct {
  xen_u32 domain;
} dom0_stopdomain_t;
_Static_assert(sizeof(dom0_stopdomain_t) == 4, "dom0_stopdomain_t size");
_Static_assert(__builtin_offsetof(dom0_stopdomain_t, domain) == 0, "dom0_stopdomain_t.domain");

typedef struct {
  xen_u32 domain;
  char name[16];
  xen_u32 processor;
  xen_u32 has_cpu;
  xen_u32 state;
  xen_u32 hyp_events;
  xen_u32 mcu_advance;
  xen_u32 tot_pages;
  xen_u64 cpu_time;
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

typedef struct {
  xen_u32 domain;
  xen_u32 num_vifs;
  full_execution_context_t ctxt;
} dom0_builddomain_t;
_Static_assert(sizeof(dom0_builddomain_t) == 2524, "dom0_builddomain_t size");
_Static_assert(__builtin_offsetof(dom0_builddomain_t, domain) == 0, "dom0_builddomain_t.domain");
_Static_assert(__builtin_offsetof(dom0_builddomain_t, num_vifs) == 4, "dom0_builddomain_t.num_vifs");
_Static_assert(__builtin_offsetof(dom0_builddomain_t, ctxt) == 8, "dom0_builddomain_t.ctxt");

typedef struct {
  xen_u32 domain;
  xen_u32 iopl;
} dom0_iopl_t;
_Static_assert(sizeof(dom0_iopl_t) == 8, "dom0_iopl_t size");
_Static_assert(__builtin_offsetof(dom0_iopl_t, domain) == 0, "dom0_iopl_t.domain");
_Static_assert(__builtin_offsetof(dom0_iopl_t, iopl) == 4, "dom0_iopl_t.iopl");

typedef struct {
  xen_u32 write;
  xen_u32 cpu_mask;
  xen_u32 msr;
  xen_u32 in1;
  xen_u32 in2;
  xen_u32 out1;
  xen_u32 out2;
} dom0_msr_t;
_Static_assert(sizeof(dom0_msr_t) == 28, "dom0_msr_t size");
_Static_assert(__builtin_offsetof(dom0_msr_t, write) == 0, "dom0_msr_t.write");
_Static_assert(__builtin_offsetof(dom0_msr_t, cpu_mask) == 4, "dom0_msr_t.cpu_mask");
_Static_assert(__builtin_offsetof(dom0_msr_t, msr) == 8, "dom0_msr_t.msr");
_Static_assert(__builtin_offsetof(dom0_msr_t, in1) == 12, "dom0_msr_t.in1");
_Static_assert(__builtin_offsetof(dom0_msr_t, in2) == 16, "dom0_msr_t.in2");
_Static_assert(__builtin_offsetof(dom0_msr_t, out1) == 20, "dom0_msr_t.out1");
_Static_assert(__builtin_offsetof(dom0_msr_t, out2) == 24, "dom0_msr_t.out2");

typedef struct {
  xen_u8 opcode;
  xen_u8 _pad0[3];
  xen_u32 domain;
  xen_u32 in1;
  xen_u32 in2;
  xen_u32 status;
  xen_u32 out1;
  xen_u32 out2;
} dom0_debug_t;
_Static_assert(sizeof(dom0_debug_t) == 28, "dom0_debug_t size");
_Static_assert(__builtin_offsetof(dom0_debug_t, opcode) == 0, "dom0_debug_t.opcode");
_Static_assert(__builtin_offsetof(dom0_debug_t, domain) == 4, "dom0_debug_t.domain");
_Static_assert(__builtin_offsetof(dom0_debug_t, in1) == 8, "dom0_debug_t.in1");
_Static_assert(__builtin_offsetof(dom0_debug_t, in2) == 12, "dom0_debug_t.in2");
_Static_assert(__builtin_offsetof(dom0_debug_t, status) == 16, "dom0_debug_t.status");
_Static_assert(__builtin_offsetof(dom0_debug_t, out1) == 20, "dom0_debug_t.out1");
_Static_assert(__builtin_offsetof(dom0_debug_t, out2) == 24, "dom0_debug_t.out2");

typedef struct {
  xen_u32 secs;
  xen_u32 usecs;
  xen_u64 system_time;
} dom0_settime_t;
_Static_assert(sizeof(dom0_settime_t) == 16, "dom0_settime_t size");
_Static_assert(__builtin_offsetof(dom0_settime_t, secs) == 0, "dom0_settime_t.secs");
_Static_assert(__builtin_offsetof(dom0_settime_t, usecs) == 4, "dom0_settime_t.usecs");
_Static_assert(__builtin_offsetof(dom0_settime_t, system_time) == 8, "dom0_settime_t.system_time");

typedef struct {
  xen_u32 pfn;
  xen_u32 domain;
  xen_u32 type;
} dom0_getpageframeinfo_t;
_Static_assert(sizeof(dom0_getpageframeinfo_t) == 12, "dom0_getpageframeinfo_t size");
_Static_assert(__builtin_offsetof(dom0_getpageframeinfo_t, pfn) == 0, "dom0_getpageframeinfo_t.pfn");
_Static_assert(__builtin_offsetof(dom0_getpageframeinfo_t, domain) == 4, "dom0_getpageframeinfo_t.domain");
_Static_assert(__builtin_offsetof(dom0_getpageframeinfo_t, type) == 8, "dom0_getpageframeinfo_t.type");

typedef struct {
  xen_u32 str;
  xen_u32 count;
  xen_u32 cmd;
} dom0_readconsole_t;
_Static_assert(sizeof(dom0_readconsole_t) == 12, "dom0_readconsole_t size");
_Static_assert(__builtin_offsetof(dom0_readconsole_t, str) == 0, "dom0_readconsole_t.str");
_Static_assert(__builtin_offsetof(dom0_readconsole_t, count) == 4, "dom0_readconsole_t.count");
_Static_assert(__builtin_offsetof(dom0_readconsole_t, cmd) == 8, "dom0_readconsole_t.cmd");

typedef struct {
  xen_u32 domain;
  xen_u32 cpu;
} dom0_pincpudomain_t;
_Static_assert(sizeof(dom0_pincpudomain_t) == 8, "dom0_pincpudomain_t size");
_Static_assert(__builtin_offsetof(dom0_pincpudomain_t, domain) == 0, "dom0_pincpudomain_t.domain");
_Static_assert(__builtin_offsetof(dom0_pincpudomain_t, cpu) == 4, "dom0_pincpudomain_t.cpu");

/* ---- hypercalls ---- */
/* install the virtual IDT (array ends at address 0) */
static inline __attribute__((unused)) long HYPERVISOR_set_trap_table(const trap_info_t *table) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_set_trap_table), "1"((unsigned long)(table)) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

/* checked page-table writes, machine-to-physical updates, extended commands */
static inline __attribute__((unused)) long HYPERVISOR_mmu_update(const mmu_update_t *requests, unsigned int count) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_mmu_update), "1"((unsigned long)(requests)), "2"((unsigned long)(count)) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

/* debug console output (at most 256 bytes, up to a NUL) */
static inline __attribute__((unused)) long HYPERVISOR_console_write(const char *text, unsigned int count) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_console_write), "1"((unsigned long)(text)), "2"((unsigned long)(count)) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

/* install a GDT of 296..8192 entries from machine frames */
static inline __attribute__((unused)) long HYPERVISOR_set_gdt(const unsigned long *frames, unsigned int entries) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_set_gdt), "1"((unsigned long)(frames)), "2"((unsigned long)(entries)) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

/* the ring-1 stack used when a trap arrives from ring 3 */
static inline __attribute__((unused)) long HYPERVISOR_stack_switch(unsigned long ss, unsigned long esp) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_stack_switch), "1"((unsigned long)(ss)), "2"((unsigned long)(esp)) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

/* event upcall and failsafe entry points */
static inline __attribute__((unused)) long HYPERVISOR_set_callbacks(unsigned long event_cs, unsigned long event_eip, unsigned long failsafe_cs, unsigned long failsafe_eip) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_set_callbacks), "1"((unsigned long)(event_cs)), "2"((unsigned long)(event_eip)), "3"((unsigned long)(failsafe_cs)), "4"((unsigned long)(failsafe_eip)) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

/* virtual network interface operations */
static inline __attribute__((unused)) long HYPERVISOR_net_io_op(void *op) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_net_io_op), "1"((unsigned long)(op)) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

/* set CR0.TS (the next FPU instruction traps to the guest) */
static inline __attribute__((unused)) long HYPERVISOR_fpu_taskswitch(void) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_fpu_taskswitch) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

/* yield, block, exit, stop */
static inline __attribute__((unused)) long HYPERVISOR_sched_op(unsigned long command) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_sched_op), "1"((unsigned long)(command)) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

/* one-shot EVENT_TIMER at an absolute system time (0 cancels) */
static inline __attribute__((unused)) long HYPERVISOR_set_dom_timer(unsigned long time_high, unsigned long time_low) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_set_dom_timer), "1"((unsigned long)(time_high)), "2"((unsigned long)(time_low)) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

/* control operations (privileged domains) */
static inline __attribute__((unused)) long HYPERVISOR_dom0_op(dom0_op_t *op) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_dom0_op), "1"((unsigned long)(op)) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

/* virtual firewall-router rules and VIF queries */
static inline __attribute__((unused)) long HYPERVISOR_network_op(void *op) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_network_op), "1"((unsigned long)(op)) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

/* virtual block device operations */
static inline __attribute__((unused)) long HYPERVISOR_block_io_op(void *op) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_block_io_op), "1"((unsigned long)(op)) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

/* write a debug register (checked) */
static inline __attribute__((unused)) long HYPERVISOR_set_debugreg(int reg, unsigned long value) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_set_debugreg), "1"((unsigned long)(reg)), "2"((unsigned long)(value)) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

/* read a debug register */
static inline __attribute__((unused)) long HYPERVISOR_get_debugreg(int reg) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_get_debugreg), "1"((unsigned long)(reg)) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

/* write one checked GDT/LDT entry */
static inline __attribute__((unused)) long HYPERVISOR_update_descriptor(unsigned long machine_address, unsigned long low, unsigned long high) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_update_descriptor), "1"((unsigned long)(machine_address)), "2"((unsigned long)(low)), "3"((unsigned long)(high)) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

/* let int vector (0x20-0x2f, 0x80) enter ring 1 directly */
static inline __attribute__((unused)) long HYPERVISOR_set_fast_trap(int vector) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_set_fast_trap), "1"((unsigned long)(vector)) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

/* balloon: increase or decrease the reservation */
static inline __attribute__((unused)) long HYPERVISOR_dom_mem_op(dom_mem_op_t *op) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_dom_mem_op), "1"((unsigned long)(op)) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

/* several hypercalls in one trap */
static inline __attribute__((unused)) long HYPERVISOR_multicall(multicall_entry_t *calls, unsigned int count) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_multicall), "1"((unsigned long)(calls)), "2"((unsigned long)(count)) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

/* keyboard controller pass-through (console domain) */
static inline __attribute__((unused)) long HYPERVISOR_kbd_op(unsigned char op, unsigned char value) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_kbd_op), "1"((unsigned long)(op)), "2"((unsigned long)(value)) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

/* checked write of the PTE mapping one virtual page */
static inline __attribute__((unused)) long HYPERVISOR_update_va_mapping(unsigned long page_number, unsigned long pte, unsigned long flags) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_update_va_mapping), "1"((unsigned long)(page_number)), "2"((unsigned long)(pte)), "3"((unsigned long)(flags)) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

/* open, close, send, status of event channels */
static inline __attribute__((unused)) long HYPERVISOR_event_channel_op(unsigned long command, unsigned long id) {
  long result;
  unsigned long clobber0, clobber1, clobber2, clobber3, clobber4;
  __asm__ __volatile__(TRAP_INSTR : "=a"(result), "=b"(clobber0), "=c"(clobber1), "=d"(clobber2), "=S"(clobber3), "=D"(clobber4) : "0"(__HYPERVISOR_event_channel_op), "1"((unsigned long)(command)), "2"((unsigned long)(id)) : "memory");
  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;
  return result;
}

#endif /* XENO86_XEN_H */
