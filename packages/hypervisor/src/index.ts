export { FrameTable, FrameType, FrameOwner, FRAME_TYPE_NAMES, type FrameTypeValue } from "./memory/frame-table";
export { PageTypes, FIRST_HOLE_SLOT, type FrameMemory, type DescriptorFrameValidator } from "./memory/page-types";
