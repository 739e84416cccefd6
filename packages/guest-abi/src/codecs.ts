/**
 * Typed encoders and decoders for the structures guests and tools handle
 * most: thin wrappers over the generic readStruct/writeStruct, so each
 * returns and takes the typed record of its layout.
 */
import { DOM0_OP_HEADER, DOM0_OP_PAYLOAD_OFFSET, DOM0_PAYLOADS } from "./dom0-ops";
import { DOM0_INTERFACE_VERSION, Dom0Op, type Dom0OpName } from "./commands";
import { readArray, readStruct, writeArray, writeStruct, type StructInput, type StructValueOf } from "./layout";
import { DOM_MEM_OP, EXECUTION_CONTEXT, FULL_EXECUTION_CONTEXT, MMU_UPDATE, MULTICALL_ENTRY, SHARED_INFO, START_INFO, TRAP_INFO } from "./structs";

export type StartInfo = StructValueOf<typeof START_INFO>;
export type SharedInfo = StructValueOf<typeof SHARED_INFO>;
export type ExecutionContext = StructValueOf<typeof EXECUTION_CONTEXT>;
export type FullExecutionContext = StructValueOf<typeof FULL_EXECUTION_CONTEXT>;
export type TrapInfo = StructValueOf<typeof TRAP_INFO>;
export type MmuUpdate = StructValueOf<typeof MMU_UPDATE>;
export type MulticallEntry = StructValueOf<typeof MULTICALL_ENTRY>;
export type DomMemOp = StructValueOf<typeof DOM_MEM_OP>;
export type Dom0Payload<K extends Dom0OpName> = StructValueOf<(typeof DOM0_PAYLOADS)[K]>;

export const readStartInfo = (view: DataView, base = 0): StartInfo => readStruct(view, base, START_INFO);
export const writeStartInfo = (view: DataView, base: number, value: StructInput<typeof START_INFO>): void => writeStruct(view, base, START_INFO, value);
export const readSharedInfo = (view: DataView, base = 0): SharedInfo => readStruct(view, base, SHARED_INFO);
export const writeSharedInfo = (view: DataView, base: number, value: StructInput<typeof SHARED_INFO>): void => writeStruct(view, base, SHARED_INFO, value);
export const readTrapInfo = (view: DataView, base = 0): TrapInfo => readStruct(view, base, TRAP_INFO);
export const writeTrapInfo = (view: DataView, base: number, value: StructInput<typeof TRAP_INFO>): void => writeStruct(view, base, TRAP_INFO, value);
export const readMmuUpdates = (view: DataView, base: number, count: number): MmuUpdate[] => readArray(view, base, MMU_UPDATE, count);
export const writeMmuUpdates = (view: DataView, base: number, requests: readonly StructInput<typeof MMU_UPDATE>[]): number => writeArray(view, base, MMU_UPDATE, requests);
export const readMulticallEntries = (view: DataView, base: number, count: number): MulticallEntry[] => readArray(view, base, MULTICALL_ENTRY, count);
export const writeMulticallEntries = (view: DataView, base: number, entries: readonly StructInput<typeof MULTICALL_ENTRY>[]): number =>
  writeArray(view, base, MULTICALL_ENTRY, entries);
export const readDomMemOp = (view: DataView, base = 0): DomMemOp => readStruct(view, base, DOM_MEM_OP);
export const writeDomMemOp = (view: DataView, base: number, value: StructInput<typeof DOM_MEM_OP>): void => writeStruct(view, base, DOM_MEM_OP, value);

/**
 * Encodes a trap table for set_trap_table: the entries, then the entry
 * with address 0 that ends it. Returns the bytes written.
 */
export function writeTrapTable(view: DataView, base: number, entries: readonly StructInput<typeof TRAP_INFO>[]): number {
  return writeArray(view, base, TRAP_INFO, [...entries, { vector: 0, flags: 0, cs: 0, address: 0 }]);
}

/** Decodes a trap table up to (not including) the entry whose address is 0, reading at most `limit` entries. */
export function readTrapTable(view: DataView, base: number, limit = 256): TrapInfo[] {
  const table: TrapInfo[] = [];
  for (let i = 0; i < limit && base + (i + 1) * TRAP_INFO.size <= view.byteLength; i++) {
    const entry = readTrapInfo(view, base + i * TRAP_INFO.size);
    if (entry.address === 0) break;
    table.push(entry);
  }
  return table;
}

/** Encodes a dom0_op_t: the command, DOM0_INTERFACE_VERSION, then the command's payload. */
export function writeDom0Op<K extends Dom0OpName>(view: DataView, base: number, command: K, payload: StructInput<(typeof DOM0_PAYLOADS)[K]>): void {
  writeStruct(view, base, DOM0_OP_HEADER, { cmd: Dom0Op[command], interface_version: DOM0_INTERFACE_VERSION });
  writeStruct(view, base + DOM0_OP_PAYLOAD_OFFSET, DOM0_PAYLOADS[command] as (typeof DOM0_PAYLOADS)[Dom0OpName], payload as StructInput<(typeof DOM0_PAYLOADS)[Dom0OpName]>);
}

/** A decoded dom0_op_t: the header, and the payload of its command (both undefined for a command that does not exist). */
export type Dom0OpValue =
  | { [K in Dom0OpName]: { readonly cmd: number; readonly interfaceVersion: number; readonly command: K; readonly payload: Dom0Payload<K> } }[Dom0OpName]
  | { readonly cmd: number; readonly interfaceVersion: number; readonly command: undefined; readonly payload: undefined };

export function readDom0Op(view: DataView, base = 0): Dom0OpValue {
  const { cmd, interface_version: interfaceVersion } = readStruct(view, base, DOM0_OP_HEADER);
  const command = (Object.keys(Dom0Op) as Dom0OpName[]).find((name) => Dom0Op[name] === cmd);
  if (command === undefined) return { cmd, interfaceVersion, command, payload: undefined };
  const payload = readStruct(view, base + DOM0_OP_PAYLOAD_OFFSET, DOM0_PAYLOADS[command] as (typeof DOM0_PAYLOADS)[Dom0OpName]);
  return { cmd, interfaceVersion, command, payload } as Dom0OpValue;
}
