export { ImageFormatError, writeFlatGdt, type BootEntry, type FlatProtectedEntry, type RealModeEntry, type LoadTarget } from "./boot-entry";
export { E820Type, pcMemoryMap, type MemoryRegion } from "./e820";
export { inspectLinuxImage, loadLinux, type LinuxImageInfo, type LinuxLoadOptions, type LinuxLoadResult } from "./linux";
export { loadMultiboot, findMultibootHeader, type MultibootHeader, type MultibootModule } from "./multiboot";
export { loadElf32, parseElf32, type ElfImage, type ElfSegment } from "./elf";
