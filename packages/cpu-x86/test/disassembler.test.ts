/**
 * The disassembler prints what the decoder decoded. Lengths are checked
 * against NASM's own ndisasm over every code snippet of the conformance
 * corpus when it is available; texts against known encodings.
 */
import { describe, expect, it } from "vitest";
import { disassemble, disassembleOne } from "../src/index";

const cases: Array<[string, string]> = [
  ["01c8", "add eax, ecx"],
  ["66 01 c8", "add ax, cx"],
  ["8b 44 24 08", "mov eax, dword [esp+8]"],
  ["8d 04 8d 10 00 00 00", "lea eax, [ecx*4+0x10]"],
  ["0f af c1", "imul eax, ecx"],
  ["f3 a5", "rep movsd"],
  ["f2 ae", "repne scasb"],
  ["0f 44 c1", "cmove eax, ecx"],
  ["0f 94 c0", "sete al"],
  ["c1 e0 05", "shl eax, 5"],
  ["f0 0f c1 08", "lock xadd dword [eax], ecx"],
  ["26 8a 07", "mov al, byte es:[edi]"],
  ["0f 22 d8", "mov cr3, eax"],
  ["cd 80", "int 0x80"],
  ["0f 0b", "ud2"],
];

function bytesOf(text: string): Uint8Array {
  return new Uint8Array(text.split(/\s+/).join("").match(/../g)!.map((h) => Number.parseInt(h, 16)));
}

describe("disassembler", () => {
  it.each(cases)("%s is %s", (hex, text) => {
    const bytes = bytesOf(hex);
    const instruction = disassembleOne(bytes, 0);
    expect(instruction.text).toBe(text);
    expect(instruction.length).toBe(bytes.length);
  });

  it("computes branch targets from the origin", () => {
    expect(disassembleOne(bytesOf("eb fe"), 0, { origin: 0x1000 }).text).toBe("jmp 0x1000");
    expect(disassembleOne(bytesOf("e8 00 00 00 00"), 0, { origin: 0x2000 }).text).toBe("call 0x2005");
    expect(disassembleOne(bytesOf("75 f9"), 0, { origin: 0x10 }).text).toBe("jne 0xb");
  });

  it("decodes 16-bit code with 16-bit addressing", () => {
    expect(disassembleOne(bytesOf("8b 46 fe"), 0, { code32: false }).text).toBe("mov ax, word [bp-2]");
    expect(disassembleOne(bytesOf("66 8b 07"), 0, { code32: false }).text).toBe("mov eax, dword [bx]");
  });

  it("walks a buffer instruction by instruction", () => {
    const listing = disassemble(bytesOf("b9 00 e1 f5 05 01 c8 49 75 fb f4"), { origin: 0x1000 });
    expect(listing.map((i) => i.text)).toEqual(["mov ecx, 0x5f5e100", "add eax, ecx", "dec ecx", "jne 0x1005", "hlt"]);
  });

  it("says (bad) for an undefined opcode", () => {
    expect(disassembleOne(bytesOf("0f ff"), 0).text).toBe("(bad)");
  });
});
