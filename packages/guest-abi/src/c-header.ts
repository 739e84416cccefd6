/**
 * Writes the C header for guest authors from the same tables the
 * TypeScript side uses. `npm run generate -w @xeno86/guest-abi` commits it
 * as include/xeno86/xen.h and a test checks that it is fresh and compiles.
 * Freestanding C11 for i386: no system headers, its own fixed-width types,
 * every struct's size and field offsets checked by _Static_assert. Names
 * are Xen's traditional ones where Xen had one.
 */
import {
  FIRST_RESERVED_GDT_ENTRY,
  FLAT_RING1_CS,
  FLAT_RING1_DS,
  FLAT_RING3_CS,
  FLAT_RING3_DS,
  GUEST_SEGMENT_END,
  HYPERVISOR_CS,
  HYPERVISOR_DS,
  HYPERVISOR_VIRT_START,
  LAST_RESERVED_GDT_ENTRY,
  MACHINE_TO_PHYS_VIRT,
  MAX_GDT_ENTRIES,
  MAX_GDT_FRAMES,
  MAX_LDT_ENTRIES,
  UPDATE_VA_MAPPING_PAGE_LIMIT,
} from "./address-space";
import { BOUNCE_FRAMES, FRAME_LAYOUTS, VECTORS_WITH_ERROR_CODE, type FrameWord } from "./bounce-frames";
import {
  DOM0_INTERFACE_VERSION,
  Dom0Op,
  FAST_TRAP_VECTORS,
  MemoryOp,
  MMU_COMMAND_MASK,
  MMUEXT_CMD_MASK,
  MMUEXT_CMD_SHIFT,
  MmuCommand,
  MmuExtended,
  SchedOp,
  TrapInfoFlag,
  UpdateVaMappingFlag,
} from "./commands";
import { DOM0_OP } from "./dom0-ops";
import { Errno } from "./errno";
import { Event, EVENTS_MASTER_ENABLE_BIT, EVENTS_MASTER_ENABLE_MASK, EventChannelOp, EventChannelStatus, MAX_EVENT_CHANNELS, TIMER_PERIOD_NS } from "./events";
import { GUEST_ABI_VERSION, GUEST_IMAGE_SECTION } from "./guest-image";
import { HYPERCALL_ARGUMENT_REGISTERS, HYPERCALL_VECTOR, HYPERCALLS, type HypercallRecord } from "./hypercalls";
import {
  BLK_MAX_SEGMENTS,
  BLK_RING_SIZE,
  BLK_SEGMENT_SECTORS_MASK,
  BlockIoOp,
  BlockOperation,
  NET_RING_SIZE,
  NetworkControlOp,
  NetworkOp,
  NetworkRuleAction,
  NetworkRuleProtocol,
  NetworkStatus,
  VIF_DOMAIN_SHIFT,
  VIF_SPECIAL_DOMAIN,
} from "./io-rings";
import { fieldSize, type FieldLayout, type StructLayout } from "./layout";
import { BLK_RING, BLOCK_IO_OP, NETOP, NET_RING, NETWORK_OP, XEN_DISK, XEN_EXTENT } from "./ring-structs";
import { DEFAULT_LOAD_BASE, MAX_CMD_LEN, START_EFLAGS, START_PDE, START_PTE_ORDINARY, START_PTE_PAGE_TABLE, StartInfoFlag } from "./start-of-day";
import { DOM_MEM_OP, ECF_I387_VALID, FULL_EXECUTION_CONTEXT, MAX_DOMAIN_VIFS, MMU_UPDATE, MULTICALL_ENTRY, SHARED_INFO, START_INFO, TRAP_INFO } from "./structs";

/** The structures the header declares (with what they contain), in this order. */
export const C_STRUCTS: readonly StructLayout[] = [
  TRAP_INFO,
  MMU_UPDATE,
  MULTICALL_ENTRY,
  DOM_MEM_OP,
  START_INFO,
  SHARED_INFO,
  FULL_EXECUTION_CONTEXT,
  DOM0_OP,
  NETOP,
  NET_RING,
  NETWORK_OP,
  BLOCK_IO_OP,
  BLK_RING,
  XEN_EXTENT,
  XEN_DISK,
  ...FRAME_LAYOUTS,
];

const hex = (value: number, digits = 1) => `0x${(value >>> 0).toString(16).toUpperCase().padStart(digits, "0")}`;

function defines(prefix: string, table: Readonly<Record<string, number>>, format: (n: number) => string = String): string[] {
  return Object.entries(table).map(([name, value]) => `#define ${prefix}${name} ${format(value)}`);
}

function comment(text: string): string {
  if (text.includes("*/")) throw new Error(`comment text may not contain */: ${text}`);
  return `/* ${text} */`;
}

function cMember(f: FieldLayout): string {
  if (f.cDeclaration !== undefined) return f.cDeclaration;
  const dimension = f.length === undefined ? "" : `[${f.length}]`;
  switch (f.kind) {
    case "u8":
      return `xen_u8 ${f.name}${dimension}`;
    case "u16":
      return `xen_u16 ${f.name}${dimension}`;
    case "u32":
      return `xen_u32 ${f.name}${dimension}`;
    case "u64":
      return `xen_u64 ${f.name}${dimension}`;
    case "bytes":
      return `xen_u8 ${f.name}${dimension}`;
    case "string":
      return `char ${f.name}${dimension}`;
    case "struct":
      return `${(f.layout as StructLayout).name} ${f.name}${dimension}`;
  }
}

function structTag(layout: StructLayout): string {
  return layout.name.endsWith("_t") ? layout.name.slice(0, -2) : layout.name;
}

function cStruct(layout: StructLayout): string[] {
  const lines: string[] = [];
  if (layout.doc !== undefined) lines.push(comment(layout.doc));
  lines.push(`typedef ${layout.union === true ? "union" : "struct"} ${structTag(layout)} {`);
  const member = (f: FieldLayout) => `  ${cMember(f)};${f.doc === undefined ? "" : ` ${comment(f.doc)}`}`;
  if (layout.union === true) {
    for (const f of layout.fields) lines.push(member(f));
  } else {
    let at = 0;
    let pad = 0;
    for (const f of [...layout.fields].sort((a, b) => a.offset - b.offset)) {
      if (f.offset > at) lines.push(`  xen_u8 _pad${pad++}[${f.offset - at}];`);
      lines.push(member(f));
      at = f.offset + fieldSize(f);
    }
    if (at < layout.size) lines.push(`  xen_u8 _pad${pad++}[${layout.size - at}];`);
  }
  lines.push(`} ${layout.name};`);
  lines.push(`_Static_assert(sizeof(${layout.name}) == ${layout.size}, "${layout.name} size");`);
  if (layout.union !== true) {
    for (const f of layout.fields) lines.push(`_Static_assert(__builtin_offsetof(${layout.name}, ${f.name}) == ${f.offset}, "${layout.name}.${f.name}");`);
  }
  return lines;
}

/** Every layout the roots need, nested ones first, each once. */
function inDependencyOrder(roots: readonly StructLayout[]): StructLayout[] {
  const ordered: StructLayout[] = [];
  const seen = new Set<string>();
  const visit = (layout: StructLayout) => {
    if (seen.has(layout.name)) return;
    seen.add(layout.name);
    for (const f of layout.fields) if (f.kind === "struct" && f.layout !== undefined) visit(f.layout);
    ordered.push(layout);
  };
  roots.forEach(visit);
  return ordered;
}

function parameter(argument: HypercallRecord["arguments"][number]): string {
  return argument.cType.endsWith("*") ? `${argument.cType}${argument.name}` : `${argument.cType} ${argument.name}`;
}

/** A static inline wrapper: int $0x82, number in EAX, each argument in its register, EBX-EDI clobbered. */
function wrapper(call: HypercallRecord): string[] {
  const signature = call.arguments.length === 0 ? "void" : call.arguments.map(parameter).join(", ");
  const constraints = ["b", "c", "d", "S", "D"];
  const outputs = ['"=a"(result)', ...constraints.map((c, i) => `"=${c}"(clobber${i})`)];
  const inputs = [
    `"0"(__HYPERVISOR_${call.name})`,
    ...call.arguments.map((argument) => `"${HYPERCALL_ARGUMENT_REGISTERS.indexOf(argument.register) + 1}"((unsigned long)(${argument.name}))`),
  ];
  const documentation = [
    `/* ${call.summary}`,
    ...call.arguments.map((argument) => ` *   ${argument.register.toUpperCase()} ${argument.name}: ${argument.description}`),
    ` *   returns ${call.returns} */`,
  ];
  for (const text of [call.summary, call.returns, ...call.arguments.map((argument) => argument.description)]) {
    if (text.includes("*/")) throw new Error(`comment text may not contain */ (${call.name}): ${text}`);
  }
  return [
    ...documentation,
    `static inline __attribute__((unused)) long HYPERVISOR_${call.name}(${signature}) {`,
    `  long result;`,
    `  unsigned long ${constraints.map((_, i) => `clobber${i}`).join(", ")};`,
    `  __asm__ __volatile__(TRAP_INSTR : ${outputs.join(", ")} : ${inputs.join(", ")} : "memory");`,
    `  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;`,
    `  return result;`,
    `}`,
    ``,
  ];
}

const PRESENCE: Record<FrameWord["presence"], string> = {
  always: "",
  "page-fault": "vector 14 only",
  "error-code": `vectors ${VECTORS_WITH_ERROR_CODE.join(", ")}`,
  "from-ring-3": "from ring 3 only",
};

/** `[CR2: vector 14 only] EIP CS EFLAGS [ESP SS: from ring 3 only]`: consecutive words that come together are grouped. */
function frameWords(words: readonly FrameWord[]): string {
  const groups: { presence: FrameWord["presence"]; names: string[] }[] = [];
  for (const word of words) {
    const last = groups[groups.length - 1];
    if (last !== undefined && last.presence === word.presence) last.names.push(word.name.toUpperCase());
    else groups.push({ presence: word.presence, names: [word.name.toUpperCase()] });
  }
  return groups.map((group) => (group.presence === "always" ? group.names.join(" ") : `[${group.names.join(" ")}: ${PRESENCE[group.presence]}]`)).join(" ");
}

/** Words of `text`, as comment lines of at most 80 characters starting with `prefix`. */
function wrapComment(prefix: string, text: string, continuation = prefix): string[] {
  const lines: string[] = [];
  let line = prefix;
  for (const word of text.split(" ")) {
    if (line.length + word.length + 1 > 80 && line.trim() !== "*" && line !== prefix) {
      lines.push(line);
      line = continuation;
    }
    line += line.endsWith(" ") ? word : ` ${word}`;
  }
  lines.push(line);
  return lines;
}

function bounceFrameComment(): string[] {
  const lines = [
    "/*",
    " * Bounce frames (the xeno86 contract). The hypervisor enters a guest handler",
    " * as an interrupt gate would, on the ring-1 stack given to stack_switch when",
    " * the guest was in ring 3 (the frame then ends with the ring-3 ESP and SS),",
    " * otherwise on the current stack. From the lowest address up:",
    " *",
  ];
  for (const [name, frame] of Object.entries(BOUNCE_FRAMES)) {
    lines.push(...wrapComment(` *   ${name}:`, frameWords(frame.words), " *       "));
    lines.push(...wrapComment(" *     when:", `${frame.entered}.`, " *       "));
    lines.push(...wrapComment(" *     events:", `${frame.events}.`, " *       "));
  }
  lines.push(
    " *",
    " * The handler pops CR2, the error code or DS ES FS GS itself, then IRETs.",
    " * The structs below are the full-size frames: esp and ss are only on the",
    " * stack when (cs & 3) == 3.",
    ` * EVENT_TIMER is raised every ${TIMER_PERIOD_NS / 1_000_000} ms of system time and when a set_dom_timer`,
    " * deadline passes.",
    " */",
  );
  for (const line of lines.slice(1, -1)) if (line.includes("*/")) throw new Error("bounce-frame text may not contain */");
  return lines;
}

export function generateCHeader(): string {
  const lines: string[] = [
    "/*",
    " * xeno86 paravirtual guest interface (Xen 1.2 style, 0-21 hypercall numbering).",
    " * Generated from @xeno86/guest-abi by `npm run generate -w @xeno86/guest-abi`: do not edit.",
    " * Freestanding C11 for i386 (clang -m32 -ffreestanding -nostdinc).",
    " */",
    "#ifndef XENO86_XEN_H",
    "#define XENO86_XEN_H",
    "",
    "typedef unsigned char xen_u8;",
    "typedef unsigned short xen_u16;",
    "typedef unsigned int xen_u32;",
    "/* 64-bit fields are 4-byte aligned, as in the i386 ABI. */",
    "typedef unsigned long long xen_u64 __attribute__((aligned(4)));",
    "_Static_assert(sizeof(xen_u8) == 1 && sizeof(xen_u16) == 2 && sizeof(xen_u32) == 4 && sizeof(xen_u64) == 8, \"fixed-width types\");",
    "",
    "/* ---- calling convention: int $0x82, number in EAX, arguments EBX ECX EDX ESI EDI, result in EAX ---- */",
    "/* (a negative XEN_E* value on failure; treat EBX-EDI as clobbered) */",
    `#define HYPERCALL_VECTOR ${hex(HYPERCALL_VECTOR)}`,
    `#define TRAP_INSTR "int $${hex(HYPERCALL_VECTOR)}"`,
    ...HYPERCALLS.map((call) => `#define __HYPERVISOR_${call.name} ${call.number}`),
    "",
    "/* ---- errors: hypercalls return the negative of these (set_fast_trap refuses with -1) ---- */",
    ...defines("XEN_", Errno),
    "",
    "/* ---- address space, GDT and selectors ---- */",
    `#define HYPERVISOR_VIRT_START ${hex(HYPERVISOR_VIRT_START)}UL`,
    `#define MACHINE_TO_PHYS_VIRT ${hex(MACHINE_TO_PHYS_VIRT)}UL`,
    `#define GUEST_SEGMENT_END ${hex(GUEST_SEGMENT_END)}UL`,
    `#define UPDATE_VA_MAPPING_PAGE_LIMIT ${hex(UPDATE_VA_MAPPING_PAGE_LIMIT)}UL`,
    `#define FIRST_RESERVED_GDT_ENTRY ${FIRST_RESERVED_GDT_ENTRY}`,
    `#define LAST_RESERVED_GDT_ENTRY ${LAST_RESERVED_GDT_ENTRY}`,
    `#define HYPERVISOR_CS ${hex(HYPERVISOR_CS, 4)}`,
    `#define HYPERVISOR_DS ${hex(HYPERVISOR_DS, 4)}`,
    `#define FLAT_RING1_CS ${hex(FLAT_RING1_CS, 4)}`,
    `#define FLAT_RING1_DS ${hex(FLAT_RING1_DS, 4)}`,
    `#define FLAT_RING3_CS ${hex(FLAT_RING3_CS, 4)}`,
    `#define FLAT_RING3_DS ${hex(FLAT_RING3_DS, 4)}`,
    `#define MAX_GDT_FRAMES ${MAX_GDT_FRAMES}`,
    `#define MAX_GDT_ENTRIES ${MAX_GDT_ENTRIES}`,
    `#define MAX_LDT_ENTRIES ${MAX_LDT_ENTRIES}`,
    "",
    "/* ---- start of day: ring 1, CS = FLAT_RING1_CS, DS = ES = FS = GS = SS = FLAT_RING1_DS, ESI = ESP = &start_info ---- */",
    `#define XENO86_DEFAULT_LOAD_BASE ${hex(DEFAULT_LOAD_BASE)}UL`,
    `#define XENO86_START_EFLAGS ${hex(START_EFLAGS)}`,
    `#define XENO86_START_PTE_PAGE_TABLE ${hex(START_PTE_PAGE_TABLE, 3)}`,
    `#define XENO86_START_PTE ${hex(START_PTE_ORDINARY, 3)}`,
    `#define XENO86_START_PDE ${hex(START_PDE, 3)}`,
    `#define MAX_CMD_LEN ${MAX_CMD_LEN}`,
    ...defines("SIF_", StartInfoFlag),
    `#define XENO86_GUEST_SECTION "${GUEST_IMAGE_SECTION}"`,
    `#define XENO86_ABI_VERSION "${GUEST_ABI_VERSION}"`,
    "",
    "/* ---- mmu_update, update_va_mapping ---- */",
    ...defines("MMU_", MmuCommand),
    `#define MMU_CMD_MASK ${MMU_COMMAND_MASK}`,
    ...defines("MMUEXT_", MmuExtended),
    `#define MMUEXT_CMD_MASK ${hex(MMUEXT_CMD_MASK)}`,
    `#define MMUEXT_CMD_SHIFT ${MMUEXT_CMD_SHIFT}`,
    ...defines("UVMF_", UpdateVaMappingFlag),
    "",
    "/* ---- set_trap_table, set_fast_trap, sched_op ---- */",
    `#define TI_DPL_MASK ${TrapInfoFlag.DPL_MASK}`,
    `#define TI_MASK_EVENTS ${TrapInfoFlag.MASK_EVENTS}`,
    `#define FAST_TRAP_FIRST_VECTOR ${hex(FAST_TRAP_VECTORS.first)}`,
    `#define FAST_TRAP_LAST_VECTOR ${hex(FAST_TRAP_VECTORS.last)}`,
    `#define FAST_TRAP_SYSCALL_VECTOR ${hex(FAST_TRAP_VECTORS.syscall)}`,
    ...defines("SCHEDOP_", SchedOp),
    "",
    "/* ---- events: _EVENT_* are bit numbers, EVENT_* masks ---- */",
    ...defines("_EVENT_", Event),
    ...Object.entries(Event).map(([name, bit]) => `#define EVENT_${name} ${hex(1 << bit)}`),
    `#define EVENTS_MASTER_ENABLE_BIT ${EVENTS_MASTER_ENABLE_BIT}`,
    `#define EVENTS_MASTER_ENABLE_MASK ${hex(EVENTS_MASTER_ENABLE_MASK)}U`,
    `#define XENO86_TIMER_PERIOD_NS ${TIMER_PERIOD_NS}ULL`,
    ...defines("EVTCHNOP_", EventChannelOp),
    ...defines("EVTCHNSTAT_", EventChannelStatus),
    `#define NR_EVENT_CHANNELS ${MAX_EVENT_CHANNELS}`,
    "",
    "/* ---- dom0_op, dom_mem_op ---- */",
    ...defines("DOM0_", Dom0Op),
    `#define DOM0_INTERFACE_VERSION ${hex(DOM0_INTERFACE_VERSION)}U`,
    `#define ECF_I387_VALID ${ECF_I387_VALID}`,
    ...defines("MEMOP_", MemoryOp),
    "",
    "/* ---- network and block I/O (ring indexes are free-running: mask with the ring size - 1) ---- */",
    `#define MAX_DOMAIN_VIFS ${MAX_DOMAIN_VIFS}`,
    `#define TX_RING_SIZE ${NET_RING_SIZE}`,
    `#define RX_RING_SIZE ${NET_RING_SIZE}`,
    ...defines("NETOP_", NetworkOp),
    ...defines("NETWORK_OP_", NetworkControlOp),
    ...defines("NETSTAT_", NetworkStatus),
    ...defines("NETWORK_PROTO_", NetworkRuleProtocol),
    ...defines("NETWORK_ACTION_", NetworkRuleAction),
    `#define VIF_DOMAIN_SHIFT ${VIF_DOMAIN_SHIFT}`,
    `#define VIF_SPECIAL_DOMAIN ${hex(VIF_SPECIAL_DOMAIN)}`,
    `#define BLK_RING_SIZE ${BLK_RING_SIZE}`,
    `#define MAX_BLK_SEGS ${BLK_MAX_SEGMENTS}`,
    `#define BLK_SEG_SECTORS_MASK ${hex(BLK_SEGMENT_SECTORS_MASK)}`,
    ...defines("BLOCK_IO_OP_", BlockIoOp),
    ...defines("XEN_BLOCK_", BlockOperation),
    "",
    ...bounceFrameComment(),
    "",
    "/* ---- structures ---- */",
  ];
  for (const layout of inDependencyOrder(C_STRUCTS)) lines.push(...cStruct(layout), "");
  lines.push("/* ---- hypercalls ---- */");
  for (const call of HYPERCALLS) lines.push(...wrapper(call));
  lines.push("#endif /* XENO86_XEN_H */", "");
  return lines.join("\n");
}
