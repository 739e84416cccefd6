/**
 * The 1.x I/O structures (A.12 network, A.13 block), as data: the
 * hypercall arguments, the ring entries and the shared ring pages.
 */
import { BLK_MAX_SEGMENTS, BLK_RING_SIZE, NET_RING_SIZE } from "./io-rings";
import { byteArray, nested, nestedArray, u16, u32, u32Array, u64, u8, type StructLayout } from "./layout";

/** net_io_op argument. */
export const NETOP = {
  name: "netop_t",
  size: 20,
  doc: "net_io_op argument",
  fields: [u32("cmd", 0, "NETOP_*"), u32("vif", 4, "below 8"), u32("ring_mfn", 8, "GET_VIF_INFO reply: frame of the net_ring_t"), byteArray("vmac", 12, 6, "GET_VIF_INFO reply: MAC address")],
} as const satisfies StructLayout;

export const NET_TX_REQUEST = {
  name: "tx_req_entry_t",
  size: 8,
  fields: [u16("id", 0), u16("size", 2, "bytes"), u32("addr", 4, "machine address of the packet (must not cross a page)")],
} as const satisfies StructLayout;
export const NET_TX_RESPONSE = { name: "tx_resp_entry_t", size: 4, fields: [u16("id", 0), u8("status", 2, "NETSTAT_*")] } as const satisfies StructLayout;
export const NET_RX_REQUEST = {
  name: "rx_req_entry_t",
  size: 8,
  fields: [u16("id", 0), u32("addr", 4, "machine address of the PTE that maps the empty buffer page")],
} as const satisfies StructLayout;
export const NET_RX_RESPONSE = {
  name: "rx_resp_entry_t",
  size: 6,
  fields: [u16("id", 0), u16("size", 2), u8("status", 4, "NETSTAT_*"), u8("offset", 5, "packet offset in the page")],
} as const satisfies StructLayout;
export const NET_TX_ENTRY = { name: "tx_entry_t", size: 8, union: true, fields: [nested("req", 0, NET_TX_REQUEST), nested("resp", 0, NET_TX_RESPONSE)] } as const satisfies StructLayout;
export const NET_RX_ENTRY = { name: "rx_entry_t", size: 8, union: true, fields: [nested("req", 0, NET_RX_REQUEST), nested("resp", 0, NET_RX_RESPONSE)] } as const satisfies StructLayout;
/** One page per VIF; its indexes are in shared_info.net_idx. */
export const NET_RING = {
  name: "net_ring_t",
  size: 4096,
  doc: "one page per VIF; the indexes are shared_info.net_idx[vif]",
  fields: [nestedArray("tx_ring", 0, NET_TX_ENTRY, NET_RING_SIZE), nestedArray("rx_ring", 2048, NET_RX_ENTRY, NET_RING_SIZE)],
} as const satisfies StructLayout;

/** A virtual firewall-router rule. */
export const NET_RULE = {
  name: "net_rule_t",
  size: 40,
  fields: [
    u32("src_addr", 0),
    u32("dst_addr", 4),
    u16("src_port", 8),
    u16("dst_port", 10),
    u32("src_addr_mask", 12),
    u32("dst_addr_mask", 16),
    u16("src_port_mask", 20),
    u16("dst_port_mask", 22),
    u16("proto", 24, "NETWORK_PROTO_*"),
    u32("src_vif", 28),
    u32("dst_vif", 32),
    u16("action", 36, "NETWORK_ACTION_*"),
  ],
} as const satisfies StructLayout;
export const VIF_QUERY = { name: "vif_query_t", size: 8, fields: [u32("domain", 0), u32("buf", 4, "reply buffer pointer")] } as const satisfies StructLayout;
export const VIF_GETINFO = {
  name: "vif_getinfo_t",
  size: 48,
  fields: [
    u32("domain", 0),
    u32("vif", 4),
    u64("total_bytes_sent", 8),
    u64("total_bytes_received", 16),
    u64("total_packets_sent", 24),
    u64("total_packets_received", 32),
    u32("credit_bytes", 40),
    u32("credit_usec", 44),
  ],
} as const satisfies StructLayout;
export const VIF_SETPARAMS = {
  name: "vif_setparams_t",
  size: 16,
  fields: [u32("domain", 0), u32("vif", 4), u32("credit_bytes", 8), u32("credit_usec", 12)],
} as const satisfies StructLayout;
/** network_op argument. */
export const NETWORK_OP = {
  name: "network_op_t",
  size: 52,
  doc: "network_op argument",
  fields: [
    u32("cmd", 0, "NETWORK_OP_*"),
    nested("u", 4, {
      name: "network_op_payload_t",
      size: 48,
      union: true,
      fields: [nested("net_rule", 0, NET_RULE), nested("vif_query", 0, VIF_QUERY), nested("vif_getinfo", 0, VIF_GETINFO), nested("vif_setparams", 0, VIF_SETPARAMS)],
    }),
  ],
} as const satisfies StructLayout;

/** block_io_op argument: a command and a 20-byte payload (RING_ADDRESS replies with the ring's frame at offset 4). */
export const BLOCK_IO_OP = {
  name: "block_io_op_t",
  size: 24,
  doc: "block_io_op argument",
  fields: [u32("cmd", 0, "BLOCK_IO_OP_*"), byteArray("u", 4, 20, "command payload; RING_ADDRESS: the ring's frame number in the first word")],
} as const satisfies StructLayout;

export const BLK_REQUEST = {
  name: "blk_ring_req_entry_t",
  size: 60,
  fields: [
    u32("id", 0, "guest cookie, echoed in the response"),
    u32("sector_number", 4),
    u16("device", 8),
    u8("operation", 10, "XEN_BLOCK_*"),
    u8("nr_segments", 11),
    u32Array("buffer_and_sects", 12, BLK_MAX_SEGMENTS, "machine address (512-aligned) | sector count in bits 0-8"),
  ],
} as const satisfies StructLayout;
export const BLK_RESPONSE = {
  name: "blk_ring_resp_entry_t",
  size: 12,
  fields: [u32("id", 0), u16("operation", 4), u32("status", 8, "0 good, else bad")],
} as const satisfies StructLayout;
export const BLK_ENTRY = { name: "blk_ring_entry_t", size: 60, union: true, fields: [nested("req", 0, BLK_REQUEST), nested("resp", 0, BLK_RESPONSE)] } as const satisfies StructLayout;
/** One page per domain (3848 bytes used). */
export const BLK_RING = {
  name: "blk_ring_t",
  size: 8 + 60 * BLK_RING_SIZE,
  doc: "the block ring page (free-running indexes)",
  fields: [u32("req_prod", 0, "written by the guest"), u32("resp_prod", 4, "written by the hypervisor"), nestedArray("ring", 8, BLK_ENTRY, BLK_RING_SIZE)],
} as const satisfies StructLayout;

/** A VBD extent and a physical disk description (VBD requests). */
export const XEN_EXTENT = {
  name: "xen_extent_t",
  size: 12,
  fields: [u16("device", 0), u16("unused", 2), u32("start_sector", 4), u32("nr_sectors", 8)],
} as const satisfies StructLayout;
export const XEN_DISK = {
  name: "xen_disk_t",
  size: 12,
  fields: [u16("device", 0), u16("info", 2, "type in bits 0-5; 0x40 read-only; 0x80 virtual"), u32("capacity", 4, "sectors"), u32("domain", 8)],
} as const satisfies StructLayout;
