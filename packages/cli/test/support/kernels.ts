/**
 * Tiny xeno86 paravirtual kernels for the CLI's tests, assembled by hand so
 * that the tests need no toolchain and no guest images: an ELF32 i386
 * executable with one loadable segment at 0xC0000000 and the `__xen_guest`
 * section the domain builder asks for.
 */

const BASE = 0xc0000000;
const CODE_OFFSET = 0x100;

function le32(value: number): number[] {
  return [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
}

/** An ELF image whose single segment holds `code` at 0xC0000000 (the entry point). */
export function guestElf(code: Uint8Array): Uint8Array {
  const declarations = "GUEST_OS=cli-test,XEN_VER=xeno86-1.2,VIRT_BASE=0xC0000000,LOADER=generic\0";
  const names = "\0__xen_guest\0.shstrtab\0";
  const declarationsAt = CODE_OFFSET + code.length;
  const namesAt = declarationsAt + declarations.length;
  const sectionHeadersAt = (namesAt + names.length + 3) & ~3;
  const bytes = new Uint8Array(sectionHeadersAt + 3 * 40);
  const view = new DataView(bytes.buffer);
  bytes.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1]); // ELF, 32-bit, little-endian, version 1
  view.setUint16(16, 2, true); // executable
  view.setUint16(18, 3, true); // i386
  view.setUint32(20, 1, true);
  view.setUint32(24, BASE, true); // entry
  view.setUint32(28, 52, true); // program headers right after the ELF header
  view.setUint32(32, sectionHeadersAt, true);
  view.setUint16(40, 52, true);
  view.setUint16(42, 32, true);
  view.setUint16(44, 1, true);
  view.setUint16(46, 40, true);
  view.setUint16(48, 3, true);
  view.setUint16(50, 2, true); // .shstrtab is section 2
  // PT_LOAD: the code, read/execute.
  view.setUint32(52, 1, true);
  view.setUint32(56, CODE_OFFSET, true);
  view.setUint32(60, BASE, true);
  view.setUint32(64, BASE, true);
  view.setUint32(68, code.length, true);
  view.setUint32(72, code.length, true);
  view.setUint32(76, 5, true);
  view.setUint32(80, 0x1000, true);
  bytes.set(code, CODE_OFFSET);
  for (let i = 0; i < declarations.length; i++) bytes[declarationsAt + i] = declarations.charCodeAt(i);
  for (let i = 0; i < names.length; i++) bytes[namesAt + i] = names.charCodeAt(i);
  const section = (index: number, name: number, offset: number, size: number) => {
    const at = sectionHeadersAt + index * 40;
    view.setUint32(at, name, true);
    view.setUint32(at + 4, 1, true); // PROGBITS
    view.setUint32(at + 16, offset, true);
    view.setUint32(at + 20, size, true);
  };
  section(1, 1, declarationsAt, declarations.length);
  section(2, 13, namesAt, names.length);
  return bytes;
}

const text = (line: string) => Array.from(line, (char) => char.charCodeAt(0));

/** console_write(line), then about 2 × `spin` instructions of counting down, forever. */
export function tickKernel(line = "tick", spin = 1_000_000): Uint8Array {
  const message = text(`${line}\n`);
  const code = [
    0xb8, ...le32(2), //          0: mov eax, 2 (console_write)
    0xbb, ...le32(BASE + 0x1b), // 5: mov ebx, message
    0xb9, ...le32(message.length), // a: mov ecx, length
    0xcd, 0x82, //                f: int 0x82
    0xb9, ...le32(spin), //      11: mov ecx, spin
    0x49, //                     16: dec ecx
    0x75, 0xfd, //               17: jnz 16
    0xeb, 0xe5, //               19: jmp 0
    ...message, //               1b
  ];
  return guestElf(Uint8Array.from(code));
}

/** console_write(line), then sched_op(exit). */
export function exitKernel(line = "hello"): Uint8Array {
  const message = text(`${line}\n`);
  const code = [
    0xb8, ...le32(2), //          0: mov eax, 2 (console_write)
    0xbb, ...le32(BASE + 0x1f), // 5: mov ebx, message
    0xb9, ...le32(message.length), // a: mov ecx, length
    0xcd, 0x82, //                f: int 0x82
    0xb8, ...le32(8), //         11: mov eax, 8 (sched_op)
    0xbb, ...le32(3), //         16: mov ebx, 3 (exit)
    0xcd, 0x82, //               1b: int 0x82
    0xeb, 0xfe, //               1d: jmp $
    ...message, //               1f
  ];
  return guestElf(Uint8Array.from(code));
}

/** hlt in ring 1 with no trap table: a #GP the kernel cannot handle, so the hypervisor kills it. */
export function crashKernel(): Uint8Array {
  return guestElf(Uint8Array.from([0xf4, 0xeb, 0xfe]));
}
