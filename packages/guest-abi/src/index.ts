export { HYPERCALLS, HYPERCALL_VECTOR, HYPERCALL_ARGUMENT_REGISTERS, Hypercall, Errno, type HypercallRecord } from "./hypercalls";
export {
  MmuCommand,
  MmuExtended,
  MMUEXT_CMD_SHIFT,
  UpdateVaMappingFlag,
  SchedOp,
  Event,
  EVENTS_MASTER_ENABLE_BIT,
  EventChannelOp,
  EventChannelStatus,
  MAX_EVENT_CHANNELS,
  Dom0Op,
  DOM0_INTERFACE_VERSION,
  MemoryOp,
  StartInfoFlag,
  TrapInfoFlag,
  NetworkOp,
  BlockIoOp,
} from "./commands";
export * from "./address-space";
export {
  readStruct,
  writeStruct,
  readField,
  writeField,
  field,
  fieldSize,
  type FieldKind,
  type FieldLayout,
  type StructLayout,
  type FieldValue,
  type StructValue,
} from "./layout";
export {
  EXECUTION_CONTEXT,
  TRAP_INFO,
  MMU_UPDATE,
  MULTICALL_ENTRY,
  DOM_MEM_OP,
  NET_IDX,
  START_INFO,
  SHARED_INFO,
  FULL_EXECUTION_CONTEXT,
  DOM0_OP,
  DOM0_OP_PAYLOAD_OFFSET,
  DOM0_PAYLOADS,
  NETOP,
  NET_TX_REQUEST,
  NET_TX_RESPONSE,
  NET_RX_REQUEST,
  NET_RX_RESPONSE,
  BLK_REQUEST,
  BLK_RESPONSE,
  C_STRUCTS,
} from "./structs";
export { BOUNCE_FRAMES, VECTORS_WITH_ERROR_CODE, PAGE_FAULT_VECTOR, TIMER_PERIOD_NS, type FrameWord } from "./bounce-frames";
export { GUEST_IMAGE_SECTION, GUEST_ABI_VERSION, GuestDeclarationError, parseGuestDeclarations, formatGuestDeclarations } from "./guest-image";
export { generateCHeader } from "./c-header";
