/** Test support: a minimal xeno86 kernel image built in memory (no toolchain needed). */

export interface ElfSpec {
  code?: Uint8Array;
  guestSection?: string | null;
  entry?: number;
  vaddr?: number;
  memsz?: number;
}

/** A minimal ELF32 i386 executable: one PT_LOAD of 16 bytes, and section headers (null, __xen_guest, .shstrtab). */
export function elf(spec: ElfSpec = {}): Uint8Array {
  const vaddr = spec.vaddr ?? 0xc0000000;
  const code = spec.code ?? new Uint8Array(16).fill(0x90);
  const section = spec.guestSection === null ? null : `${spec.guestSection ?? "GUEST_OS=test,XEN_VER=xeno86-1.2,VIRT_BASE=0xC0000000,LOADER=generic"}\0`;
  const names = "\0__xen_guest\0.shstrtab\0";
  const codeAt = 0x100;
  const sectionAt = 0x200;
  const namesAt = 0x300;
  const headersAt = 0x400;
  const bytes = new Uint8Array(headersAt + 3 * 40);
  const view = new DataView(bytes.buffer);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1], 0);
  view.setUint16(16, 2, true); // ET_EXEC
  view.setUint16(18, 3, true); // EM_386
  view.setUint32(20, 1, true);
  view.setUint32(24, spec.entry ?? vaddr, true);
  view.setUint32(28, 52, true); // phoff
  view.setUint32(32, headersAt, true); // shoff
  view.setUint16(40, 52, true);
  view.setUint16(42, 32, true);
  view.setUint16(44, 1, true);
  view.setUint16(46, 40, true);
  view.setUint16(48, 3, true);
  view.setUint16(50, 2, true);
  // PT_LOAD
  view.setUint32(52, 1, true);
  view.setUint32(56, codeAt, true);
  view.setUint32(60, vaddr, true);
  view.setUint32(64, vaddr, true);
  view.setUint32(68, code.length, true);
  view.setUint32(72, spec.memsz ?? code.length, true);
  view.setUint32(76, 5, true);
  bytes.set(code, codeAt);
  if (section !== null) for (let i = 0; i < section.length; i++) bytes[sectionAt + i] = section.charCodeAt(i);
  for (let i = 0; i < names.length; i++) bytes[namesAt + i] = names.charCodeAt(i);
  const header = (index: number, name: number, offset: number, size: number) => {
    const at = headersAt + index * 40;
    view.setUint32(at, name, true);
    view.setUint32(at + 4, 1, true);
    view.setUint32(at + 16, offset, true);
    view.setUint32(at + 20, size, true);
  };
  header(1, section === null ? 13 : 1, sectionAt, section?.length ?? 0);
  header(2, 13, namesAt, names.length);
  return bytes;
}
