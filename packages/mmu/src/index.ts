export { PhysicalMemory, PageKind, type MmioDevice, type CodeWriteListener } from "./physical-memory";
export { PageWalker, PageFaultCode, type PagingControl } from "./page-walker";
export { Mmu, PageFault } from "./mmu";
export { TlbFlag, FAST_READ_BITS, FAST_WRITE_BITS } from "./tlb-entry";
