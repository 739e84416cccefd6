export { FrameTable, FrameType, FrameOwner, FRAME_TYPE_NAMES, type FrameTypeValue } from "./memory/frame-table";
export { PageTypes, FIRST_HOLE_SLOT, type FrameMemory, type DescriptorFrameValidator } from "./memory/page-types";
export { BvtScheduler, BvtEntity, MCU_NS, DEFAULT_MCU_ADVANCE, DEFAULT_CONTEXT_ALLOWANCE_NS, type BvtParameters, type SchedulingDecision } from "./scheduler/bvt";
export { checkGuestDescriptor, isGuestCodeSelector, GUEST_SEGMENT_END, FLAT_RING1_CS, FLAT_RING1_DS, FLAT_RING3_CS, FLAT_RING3_DS, FIRST_RESERVED_GDT_ENTRY, LAST_RESERVED_GDT_ENTRY } from "./cpu-state/descriptors";
