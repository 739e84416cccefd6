/**
 * The 1.x I/O model's commands and ring constants (A.12 network, A.13
 * block). Ring indexes are free-running 32-bit counters in the 0-21
 * interface: the reader masks them with the ring size minus one.
 */

/** net_io_op (hypercall 6) commands, netop_t.cmd. */
export const NetworkOp = { PUSH_BUFFERS: 0, FLUSH_BUFFERS: 1, RESET_RINGS: 2, GET_VIF_INFO: 3 } as const;
/** network_op (hypercall 11) commands, network_op_t.cmd. */
export const NetworkControlOp = { ADDRULE: 0, DELETERULE: 1, GETRULELIST: 2, VIFQUERY: 3, VIFGETINFO: 4, VIFSETPARAMS: 5 } as const;
/** Entries in each of a VIF's transmit and receive rings. */
export const NET_RING_SIZE = 256;
/** Network response status. */
export const NetworkStatus = { OK: 0, BAD_PAGE: 1, DROPPED: 2 } as const;
/** net_rule_t.proto and .action. */
export const NetworkRuleProtocol = { ANY: 0, IP: 1, TCP: 2, UDP: 3, ARP: 4 } as const;
export const NetworkRuleAction = { ACCEPT: 0, COUNT: 1 } as const;
/** A vif id is (domain << VIF_DOMAIN_SHIFT) | index; domain VIF_SPECIAL_DOMAIN names index 0 unknown, 1 physical, 2 any. */
export const VIF_DOMAIN_SHIFT = 12;
export const VIF_SPECIAL_DOMAIN = 0xfffff;

/** block_io_op (hypercall 12) commands, block_io_op_t.cmd. */
export const BlockIoOp = { SIGNAL: 0, RESET: 1, RING_ADDRESS: 2, VBD_CREATE: 3, VBD_GROW: 4, VBD_SHRINK: 5, VBD_SET_EXTENTS: 6, VBD_DELETE: 7, VBD_PROBE: 8, VBD_INFO: 9 } as const;
/** Slots in the block ring. */
export const BLK_RING_SIZE = 64;
/** Segments per block request; each is (machine address, 512-byte aligned) | sector count in bits 0-8. */
export const BLK_MAX_SEGMENTS = 12;
export const BLK_SEGMENT_SECTORS_MASK = 0x1ff;
/** Block request operations. */
export const BlockOperation = { READ: 0, WRITE: 1, READA: 2, SPECIAL: 4, DEBUG: 5 } as const;
