import { describe, expect, it } from "vitest";
import { disassemble } from "../src/index.js";

// Reference: `objdump -D -b binary -mi386 -Mintel --adjust-vma=0x1000` (binutils) on the
// same bytes, assembled with nasm; whitespace between mnemonic and operands collapsed.
const REFERENCE: [number, string, string][] = [
  [0x1000, "01 d8", "add eax,ebx"],
  [0x1002, "00 18", "add BYTE PTR [eax],bl"],
  [0x1004, "8b 44 8b 10", "mov eax,DWORD PTR [ebx+ecx*4+0x10]"],
  [0x1008, "8b 45 fc", "mov eax,DWORD PTR [ebp-0x4]"],
  [0x100b, "89 4c 24 08", "mov DWORD PTR [esp+0x8],ecx"],
  [0x100f, "a1 34 12 00 00", "mov eax,ds:0x1234"],
  [0x1014, "a0 34 12 00 00", "mov al,ds:0x1234"],
  [0x1019, "26 89 10", "mov DWORD PTR es:[eax],edx"],
  [0x101c, "8b 84 1b 00 01 00 00", "mov eax,DWORD PTR [ebx+ebx*1+0x100]"],
  [0x1023, "8d 36", "lea esi,[esi]"],
  [0x1025, "83 00 ff", "add DWORD PTR [eax],0xffffffff"],
  [0x1028, "83 c0 ff", "add eax,0xffffffff"],
  [0x102b, "66 83 e8 05", "sub ax,0x5"],
  [0x102f, "6a fe", "push 0xfffffffe"],
  [0x1031, "68 78 56 34 12", "push 0x12345678"],
  [0x1036, "06", "push es"],
  [0x1037, "1f", "pop ds"],
  [0x1038, "40", "inc eax"],
  [0x1039, "66 ff 0b", "dec WORD PTR [ebx]"],
  [0x103c, "91", "xchg ecx,eax"],
  [0x103d, "90", "nop"],
  [0x103e, "f3 90", "pause"],
  [0x1040, "98", "cwde"],
  [0x1041, "66 98", "cbw"],
  [0x1043, "99", "cdq"],
  [0x1044, "9c", "pushf"],
  [0x1045, "9d", "popf"],
  [0x1046, "60", "pusha"],
  [0x1047, "66 61", "popaw"],
  [0x1049, "f3 a5", "rep movs DWORD PTR es:[edi],DWORD PTR ds:[esi]"],
  [0x104b, "f3 a6", "repz cmps BYTE PTR ds:[esi],BYTE PTR es:[edi]"],
  [0x104d, "f2 ae", "repnz scas al,BYTE PTR es:[edi]"],
  [0x104f, "aa", "stos BYTE PTR es:[edi],al"],
  [0x1050, "ad", "lods eax,DWORD PTR ds:[esi]"],
  [0x1051, "66 a5", "movs WORD PTR es:[edi],WORD PTR ds:[esi]"],
  [0x1053, "ec", "in al,dx"],
  [0x1054, "e6 60", "out 0x60,al"],
  [0x1056, "e5 60", "in eax,0x60"],
  [0x1058, "d1 e0", "shl eax,1"],
  [0x105a, "d3 eb", "shr ebx,cl"],
  [0x105c, "c1 38 04", "sar DWORD PTR [eax],0x4"],
  [0x105f, "66 d1 c0", "rol ax,1"],
  [0x1062, "6b c3 0a", "imul eax,ebx,0xa"],
  [0x1065, "0f af 03", "imul eax,DWORD PTR [ebx]"],
  [0x1068, "f7 e1", "mul ecx"],
  [0x106a, "f6 33", "div BYTE PTR [ebx]"],
  [0x106c, "0f b6 03", "movzx eax,BYTE PTR [ebx]"],
  [0x106f, "0f bf ca", "movsx ecx,dx"],
  [0x1072, "0f ba e0 03", "bt eax,0x3"],
  [0x1076, "0f ab 18", "bts DWORD PTR [eax],ebx"],
  [0x1079, "0f bc c1", "bsf eax,ecx"],
  [0x107c, "0f a4 d8 04", "shld eax,ebx,0x4"],
  [0x1080, "0f ad d8", "shrd eax,ebx,cl"],
  [0x1083, "0f 44 c3", "cmove eax,ebx"],
  [0x1086, "0f 95 c0", "setne al"],
  [0x1089, "e9 fb 00 00 00", "jmp 0x1189"],
  [0x108e, "e8 0b 00 00 00", "call 0x109e"],
  [0x1093, "c3", "ret"],
  [0x1094, "c2 08 00", "ret 0x8"],
  [0x1097, "cb", "retf"],
  [0x1098, "cd 80", "int 0x80"],
  [0x109a, "cc", "int3"],
  [0x109b, "ce", "into"],
  [0x109c, "cf", "iret"],
  [0x109d, "f4", "hlt"],
  [0x109e, "fa", "cli"],
  [0x109f, "fb", "sti"],
  [0x10a0, "0f a2", "cpuid"],
  [0x10a2, "0f 31", "rdtsc"],
  [0x10a4, "0f 32", "rdmsr"],
  [0x10a6, "0f 30", "wrmsr"],
  [0x10a8, "0f 0b", "ud2"],
  [0x10aa, "f0 0f b1 0b", "lock cmpxchg DWORD PTR [ebx],ecx"],
  [0x10ae, "0f c7 0e", "cmpxchg8b QWORD PTR [esi]"],
  [0x10b1, "0f c1 d8", "xadd eax,ebx"],
  [0x10b4, "0f ca", "bswap edx"],
  [0x10b6, "0f 22 c0", "mov cr0,eax"],
  [0x10b9, "0f 20 d8", "mov eax,cr3"],
  [0x10bc, "0f 01 10", "lgdtd [eax]"],
  [0x10bf, "0f 01 1d 00 08 00 00", "lidtd ds:0x800"],
  [0x10c6, "ea 00 10 00 00 08 00", "jmp 0x8:0x1000"],
  [0x10cd, "ff 18", "call FWORD PTR [eax]"],
  [0x10cf, "c8 10 00 00", "enter 0x10,0x0"],
  [0x10d3, "c9", "leave"],
  [0x10d4, "d7", "xlat BYTE PTR ds:[ebx]"],
  [0x10d5, "d4 0a", "aam 0xa"],
  [0x10d7, "d5 10", "aad 0x10"],
  [0x10d9, "27", "daa"],
  [0x10da, "e2 fe", "loop 0x10da"],
  [0x10dc, "e3 fe", "jecxz 0x10dc"],
  [0x10de, "8e d8", "mov ds,eax"],
  [0x10e0, "66 8c d0", "mov ax,ss"],
  [0x10e3, "c4 03", "les eax,FWORD PTR [ebx]"],
  [0x10e5, "62 03", "bound eax,QWORD PTR [ebx]"],
  [0x10e7, "a9 00 01 00 00", "test eax,0x100"],
  [0x10ec, "f6 03 01", "test BYTE PTR [ebx],0x1"],
  [0x10ef, "f7 10", "not DWORD PTR [eax]"],
  [0x10f1, "f6 d9", "neg cl"],
  [0x10f3, "c6 03 05", "mov BYTE PTR [ebx],0x5"],
  [0x10f6, "66 c7 03 05 00", "mov WORD PTR [ebx],0x5"],
  [0x10fb, "64 8b 03", "mov eax,DWORD PTR fs:[ebx]"],
  [0x10fe, "67 8b 00", "mov eax,DWORD PTR [bx+si]"],
  [0x1101, "67 8b 46 04", "mov eax,DWORD PTR [bp+0x4]"],
];

describe("disassembler (Intel syntax, objdump style)", () => {
  const bytes = new Uint8Array(REFERENCE.flatMap(([, hex]) => hex.split(" ").map((h) => parseInt(h, 16))));
  const listing = disassemble(bytes, 0x1000);

  it("splits the byte stream into the same instructions", () => {
    expect(listing.map((l) => [l.addr, l.length])).toEqual(REFERENCE.map(([addr, hex]) => [addr, hex.split(" ").length]));
  });

  for (const [addr, hex, text] of REFERENCE) {
    it(`${hex} -> ${text}`, () => {
      expect(listing.find((l) => l.addr === addr)?.text).toBe(text);
    });
  }

  it("prints (bad) for undefined opcodes and truncated bytes", () => {
    expect(disassemble(new Uint8Array([0x0f, 0x04]), 0).map((l) => l.text)).toEqual(["(bad)"]);
    expect(disassemble(new Uint8Array([0xb8, 0x01]), 0)[0]?.text).toBe("(bad)");
  });

  it("marks 16-bit stack forms and unused size prefixes as objdump does", () => {
    const cases: [number[], string][] = [
      [[0x66, 0x6a, 0x0c], "pushw 0xc"],
      [[0x66, 0xc3], "retw"],
      [[0x66, 0xc2, 0x04, 0x00], "retw 0x4"],
      [[0x66, 0xcb], "retfw"],
      [[0x66, 0xc9], "leavew"],
      [[0x66, 0x1e], "pushw ds"],
      [[0x66, 0xcc], "data16 int3"],
      [[0x67, 0x90], "addr16 nop"],
      [[0x67, 0xa1, 0x10, 0x00], "addr16 mov eax,ds:0x10"],
      [[0x67, 0x01, 0xd8], "addr16 add eax,ebx"],
      [[0x67, 0xe3, 0x00], "jcxz 0x3"],
      [[0x66, 0x9c], "pushfw"],
      [[0x0f, 0x21, 0xc0], "mov eax,dr0"],
      [[0x0f, 0x00, 0xc8], "str eax"],
      [[0x8d, 0xc0], "(bad)"],
      [[0x0f, 0x1f, 0x00], "nop DWORD PTR [eax]"],
      // x87 (named only; executing them raises #NM/#UD): objdump's spellings
      [[0xd8, 0xc1], "fadd st,st(1)"],
      [[0xd9, 0xe8], "fld1"],
      [[0xdd, 0x00], "fld QWORD PTR [eax]"],
      [[0xd9, 0x38], "fnstcw WORD PTR [eax]"],
      [[0xdb, 0xe3], "fninit"],
      [[0x0f, 0x02, 0xc1], "lar eax,ecx"],
    ];
    for (const [bytes, text] of cases) expect(disassemble(new Uint8Array(bytes), 0)[0]?.text).toBe(text);
  });

  it("decodes 16-bit code when asked", () => {
    // mov ax,0x1234 ; mov eax,[bx+si] (with 66 67 in 16-bit code: none needed for ax)
    const l = disassemble(new Uint8Array([0xb8, 0x34, 0x12, 0x8b, 0x00]), 0x100, false);
    expect(l.map((x) => x.text)).toEqual(["mov ax,0x1234", "mov ax,WORD PTR [bx+si]"]);
  });
});
