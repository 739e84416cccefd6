/**
 * Writes the C header for guest authors from the same tables the
 * TypeScript side uses (`npm run generate -w @xeno86/guest-abi` commits it
 * as include/xeno86/xen.h; a test checks it is fresh). Freestanding C11 for
 * i386: no system headers, the layouts checked by _Static_assert.
 */
import { DEFAULT_LOAD_BASE, FIRST_RESERVED_GDT_ENTRY, FLAT_RING1_CS, FLAT_RING1_DS, FLAT_RING3_CS, FLAT_RING3_DS, GUEST_SEGMENT_END, HYPERVISOR_VIRT_START, LAST_RESERVED_GDT_ENTRY, MACHINE_TO_PHYS_VIRT, MAX_CMD_LEN, START_EFLAGS } from "./address-space";
import { BOUNCE_FRAMES, TIMER_PERIOD_NS, VECTORS_WITH_ERROR_CODE } from "./bounce-frames";
import { DOM0_INTERFACE_VERSION, Dom0Op, Event, EventChannelOp, EventChannelStatus, EVENTS_MASTER_ENABLE_BIT, MAX_EVENT_CHANNELS, MemoryOp, MMUEXT_CMD_SHIFT, MmuCommand, MmuExtended, SchedOp, StartInfoFlag, TrapInfoFlag, UpdateVaMappingFlag } from "./commands";
import { GUEST_ABI_VERSION, GUEST_IMAGE_SECTION } from "./guest-image";
import { Errno, HYPERCALL_VECTOR, HYPERCALLS } from "./hypercalls";
import type { FieldLayout, StructLayout } from "./layout";
import { fieldSize } from "./layout";
import { C_STRUCTS } from "./structs";

const hex = (value: number) => `0x${(value >>> 0).toString(16).toUpperCase()}`;

function defines(prefix: string, table: Record<string, number>, format: (n: number) => string = String): string[] {
  return Object.entries(table).map(([name, value]) => `#define ${prefix}${name} ${format(value)}`);
}

function cField(f: FieldLayout): string {
  if (f.cType !== undefined) return `${f.cType};`;
  switch (f.kind) {
    case "u8":
      return `xen_u8 ${f.name};`;
    case "u16":
      return `xen_u16 ${f.name};`;
    case "u32":
      return `xen_u32 ${f.name};`;
    case "u64":
      return `xen_u64 ${f.name};`;
    case "u32-array":
      return `xen_u32 ${f.name}[${f.length}];`;
    case "bytes":
      return `xen_u8 ${f.name}[${f.length}];`;
    case "string":
      return `char ${f.name}[${f.length}];`;
  }
}

function cStruct(layout: StructLayout): string[] {
  const lines = [`typedef struct {`];
  let at = 0;
  let pad = 0;
  for (const f of [...layout.fields].sort((a, b) => a.offset - b.offset)) {
    if (f.offset > at) lines.push(`  xen_u8 _pad${pad++}[${f.offset - at}];`);
    lines.push(`  ${cField(f)}`);
    at = f.offset + fieldSize(f);
  }
  if (at < layout.size && layout.size - at >= 4) lines.push(`  xen_u8 _pad${pad++}[${layout.size - at}];`);
  lines.push(`} ${layout.name};`);
  lines.push(`_Static_assert(sizeof(${layout.name}) == ${layout.size}, "${layout.name} size");`);
  for (const f of layout.fields) lines.push(`_Static_assert(__builtin_offsetof(${layout.name}, ${f.name}) == ${f.offset}, "${layout.name}.${f.name}");`);
  return lines;
}

/** The last identifier of a C parameter declaration ("const char *text" → "text"). */
function parameterName(declaration: string): string {
  const match = /([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(declaration);
  if (match === null) throw new Error(`cannot name parameter ${declaration}`);
  return match[1];
}

const ARGUMENT_CONSTRAINTS = ["b", "c", "d", "S", "D"];

function wrapper(call: (typeof HYPERCALLS)[number]): string[] {
  const parameters = call.parameters as readonly string[];
  const signature = parameters.length === 0 ? "void" : parameters.join(", ");
  const outputs = ['"=a"(result)', ...ARGUMENT_CONSTRAINTS.map((c, i) => `"=${c}"(clobber${i})`)];
  const inputs = [`"0"(__HYPERVISOR_${call.name})`, ...parameters.map((p, i) => `"${i + 1}"((unsigned long)(${parameterName(p)}))`)];
  return [
    `/* ${call.summary} */`,
    `static inline __attribute__((unused)) long HYPERVISOR_${call.name}(${signature}) {`,
    `  long result;`,
    `  unsigned long ${ARGUMENT_CONSTRAINTS.map((_, i) => `clobber${i}`).join(", ")};`,
    `  __asm__ __volatile__(TRAP_INSTR : ${outputs.join(", ")} : ${inputs.join(", ")} : "memory");`,
    `  (void)clobber0; (void)clobber1; (void)clobber2; (void)clobber3; (void)clobber4;`,
    `  return result;`,
    `}`,
    ``,
  ];
}

export function generateCHeader(): string {
  const lines: string[] = [
    "/*",
    " * xeno86 paravirtual guest interface (Xen 1.2 style, 0-21 hypercall numbering).",
    " * Generated from @xeno86/guest-abi by `npm run generate -w @xeno86/guest-abi`: do not edit.",
    " * Freestanding C11 for i386 (clang -m32 -ffreestanding).",
    " */",
    "#ifndef XENO86_XEN_H",
    "#define XENO86_XEN_H",
    "",
    "typedef unsigned char xen_u8;",
    "typedef unsigned short xen_u16;",
    "typedef unsigned int xen_u32;",
    "/* 64-bit fields are 4-byte aligned, as in the i386 ABI. */",
    "typedef unsigned long long xen_u64 __attribute__((aligned(4)));",
    "",
    "/* ---- calling convention: int 0x82, number in EAX, arguments EBX ECX EDX ESI EDI, result in EAX ---- */",
    `#define HYPERCALL_VECTOR ${hex(HYPERCALL_VECTOR)}`,
    `#define TRAP_INSTR "int $${hex(HYPERCALL_VECTOR)}"`,
    ...HYPERCALLS.map((call) => `#define __HYPERVISOR_${call.name} ${call.number}`),
    "",
    "/* ---- errors: negative values of these ---- */",
    ...defines("XEN_", Errno),
    "",
    "/* ---- address space and selectors ---- */",
    `#define HYPERVISOR_VIRT_START ${hex(HYPERVISOR_VIRT_START)}UL`,
    `#define MACHINE_TO_PHYS_VIRT ${hex(MACHINE_TO_PHYS_VIRT)}UL`,
    `#define GUEST_SEGMENT_END ${hex(GUEST_SEGMENT_END)}UL`,
    `#define FIRST_RESERVED_GDT_ENTRY ${FIRST_RESERVED_GDT_ENTRY}`,
    `#define LAST_RESERVED_GDT_ENTRY ${LAST_RESERVED_GDT_ENTRY}`,
    `#define FLAT_RING1_CS ${hex(FLAT_RING1_CS)}`,
    `#define FLAT_RING1_DS ${hex(FLAT_RING1_DS)}`,
    `#define FLAT_RING3_CS ${hex(FLAT_RING3_CS)}`,
    `#define FLAT_RING3_DS ${hex(FLAT_RING3_DS)}`,
    `#define XENO86_DEFAULT_LOAD_BASE ${hex(DEFAULT_LOAD_BASE)}UL`,
    `#define XENO86_START_EFLAGS ${hex(START_EFLAGS)}`,
    `#define MAX_CMD_LEN ${MAX_CMD_LEN}`,
    `#define XENO86_GUEST_SECTION "${GUEST_IMAGE_SECTION}"`,
    `#define XENO86_ABI_VERSION "${GUEST_ABI_VERSION}"`,
    "",
    "/* ---- commands ---- */",
    ...defines("MMU_", MmuCommand),
    ...defines("MMUEXT_", MmuExtended),
    `#define MMUEXT_CMD_SHIFT ${MMUEXT_CMD_SHIFT}`,
    ...defines("UVMF_", UpdateVaMappingFlag),
    ...defines("SCHEDOP_", SchedOp),
    ...defines("_EVENT_", Event),
    ...Object.entries(Event).map(([name, bit]) => `#define EVENT_${name} ${hex(1 << bit)}`),
    `#define EVENTS_MASTER_ENABLE_BIT ${EVENTS_MASTER_ENABLE_BIT}`,
    `#define EVENTS_MASTER_ENABLE_MASK ${hex(2 ** EVENTS_MASTER_ENABLE_BIT)}U`,
    ...defines("EVTCHNOP_", EventChannelOp),
    ...defines("EVTCHNSTAT_", EventChannelStatus),
    `#define NR_EVENT_CHANNELS ${MAX_EVENT_CHANNELS}`,
    ...defines("DOM0_", Dom0Op),
    `#define DOM0_INTERFACE_VERSION ${hex(DOM0_INTERFACE_VERSION)}U`,
    ...defines("MEMOP_", MemoryOp),
    ...defines("SIF_", StartInfoFlag),
    `#define TI_DPL_MASK ${TrapInfoFlag.DPL_MASK}`,
    `#define TI_MASK_EVENTS ${TrapInfoFlag.MASK_EVENTS}`,
    `#define XENO86_TIMER_PERIOD_NS ${TIMER_PERIOD_NS}ULL`,
    "",
    "/* ---- bounce frames on the ring-1 stack, lowest address first ---- */",
    ...Object.entries(BOUNCE_FRAMES).map(([name, words]) => `/*   ${name}: ${words.map((w) => ("when" in w ? `[${w.name}: ${w.when}]` : w.name)).join(" ")} */`),
    `/*   error codes come with vectors ${VECTORS_WITH_ERROR_CODE.join(", ")}; CR2 with vector 14 */`,
    "",
    "/* ---- structures ---- */",
  ];
  for (const layout of C_STRUCTS) lines.push(...cStruct(layout), "");
  lines.push("/* ---- hypercalls ---- */");
  for (const call of HYPERCALLS) lines.push(...wrapper(call));
  lines.push("#endif /* XENO86_XEN_H */", "");
  return lines.join("\n");
}
