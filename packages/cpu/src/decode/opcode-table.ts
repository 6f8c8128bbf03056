import * as alu from "../exec/alu.js";
import * as atomic from "../exec/atomic.js";
import * as bcd from "../exec/bcd.js";
import * as bit from "../exec/bit.js";
import * as control from "../exec/control.js";
import * as data from "../exec/data.js";
import * as flags from "../exec/flags.js";
import * as fpu from "../exec/fpu.js";
import * as io from "../exec/io.js";
import * as msr from "../exec/msr.js";
import * as muldiv from "../exec/muldiv.js";
import * as shift from "../exec/shift.js";
import * as stack from "../exec/stack.js";
import * as str from "../exec/string.js";
import * as sys from "../exec/system.js";
import * as sysCall from "../exec/fast-system-call.js";
import * as prot from "../exec/protection.js";
import { selectX87 } from "../exec/x87-register-forms.js";
import * as fxsr from "../exec/x87-fxsave.js";
import { CS, DS, ES, FS, GS, SS } from "../state/registers.js";
import type { Handler, Insn } from "./insn.js";
import { always, def, type Group, type OpDef, type TableEntry } from "./opcode-def.js";
import { SYS, type SystemClass, systemClass } from "./system-class.js";
import { VMX_EXIT } from "./vm-exit-reason.js";

// Privilege facts (system-class.ts): every form that faults at CPL > 0, depends on IOPL,
// touches ports or is sensitive though unprivileged says so here, and monitors derive their
// intercept lists from it.
// The VT-x exit reason a form can cause in VMX non-root operation (vm-exit-reason.ts) is
// stated alongside (SDM vol.3 §25.1.2-3).
const privileged = (name: string, vmExit = -1): SystemClass => systemClass(SYS.privileged, name, vmExit);
const sensitive = (name: string, vmExit = -1): SystemClass => systemClass(SYS.sensitive, name, vmExit);
const portIo = (name: string): SystemClass => systemClass(SYS.io | SYS.ioplSensitive, name, VMX_EXIT.IO_INSTRUCTION);
const PUSH_SREG = sensitive("push sreg");
const POP_SREG = sensitive("pop sreg");
const CALL_FAR = sensitive("call far");
const JMP_FAR = sensitive("jmp far");
const RETF = sensitive("retf");
const MOV_CR = privileged("mov cr", VMX_EXIT.CR_ACCESS);
const MOV_DR = privileged("mov dr", VMX_EXIT.DR_ACCESS);

/**
 * The opcode map (SDM vol.2 appendix A): one-byte opcodes at 0x00-0xFF, the 0F two-byte map
 * at 0x100-0x1FF. Each opcode is described once — mnemonic, operand forms, handler family —
 * and this one table drives the decoder, the executor and the disassembler.
 */
export const OPCODES: TableEntry[] = new Array<TableEntry>(512).fill(null);

const CC = ["o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"];

const reg32 = (i: Insn): boolean => i.rm >= 0 && i.opSize === 32;
const aluEGSel = (i: Insn): Handler => (reg32(i) ? alu.rr32Handler(i.op) : alu.aluEG);
const aluEISel = (i: Insn): Handler => (reg32(i) ? alu.aluRI32 : alu.aluEI);

function group(entries: (OpDef | null)[], regForms?: (OpDef | null)[]): Group {
  return regForms ? { group: entries, regForms } : { group: entries };
}

// ALU rows 00-3F: op Eb,Gb / Ev,Gv / Gb,Eb / Gv,Ev / AL,Ib / eAX,Iz.
for (let op = 0; op < 8; op++) {
  const m = alu.ALU_MNEMONICS[op]!;
  const b = op << 3;
  const lock = op !== alu.CMP;
  OPCODES[b] = def(m, "Eb,Gb", always(alu.aluEG), { op, lock });
  OPCODES[b + 1] = def(m, "Ev,Gv", aluEGSel, { op, lock });
  OPCODES[b + 2] = def(m, "Gb,Eb", always(alu.aluGE), { op });
  OPCODES[b + 3] = def(m, "Gv,Ev", always(alu.aluGE), { op });
  OPCODES[b + 4] = def(m, "AL,Ib", always(alu.aluAI), { op });
  OPCODES[b + 5] = def(m, "eAX,Iz", always(alu.aluAI), { op });
}
const SEGS = [
  [0x06, 0x07, ES, "ES"],
  [0x0e, -1, CS, "CS"],
  [0x16, 0x17, SS, "SS"],
  [0x1e, 0x1f, DS, "DS"],
  [0x1a0, 0x1a1, FS, "FS"],
  [0x1a8, 0x1a9, GS, "GS"],
] as const;
for (const [pushOp, popOp, seg, name] of SEGS) {
  // PUSH CS shows the current privilege level in CS's RPL; a segment load checks DPL/RPL against CPL.
  OPCODES[pushOp] = def("push", name, always(stack.pushS), { op: seg, sys: PUSH_SREG });
  if (popOp >= 0) OPCODES[popOp] = def("pop", name, always(stack.popS), { op: seg, sys: POP_SREG });
}
OPCODES[0x27] = def("daa", "", always(bcd.daa));
OPCODES[0x2f] = def("das", "", always(bcd.das));
OPCODES[0x37] = def("aaa", "", always(bcd.aaa));
OPCODES[0x3f] = def("aas", "", always(bcd.aas));
for (let r = 0; r < 8; r++) {
  const sel32 = (h32: Handler, h: Handler) => (i: Insn) => (i.opSize === 32 ? h32 : h);
  OPCODES[0x40 + r] = def("inc", "Zv", sel32(alu.incR32, alu.incdecZ), { op: 0 });
  OPCODES[0x48 + r] = def("dec", "Zv", sel32(alu.decR32, alu.incdecZ), { op: 1 });
  OPCODES[0x50 + r] = def("push", "Zv", sel32(stack.pushZ32, stack.pushZ));
  OPCODES[0x58 + r] = def("pop", "Zv", sel32(stack.popZ32, stack.popZ));
  OPCODES[0x90 + r] = r === 0 ? def("nop", "", always(data.nop)) : def("xchg", "Zv,eAX", always(data.xchgAZ));
  OPCODES[0xb0 + r] = def("mov", "Zb,Ib", always(data.movZI));
  OPCODES[0xb8 + r] = def("mov", "Zv,Iv", (i) => (i.opSize === 32 ? data.movZI32 : data.movZI));
  OPCODES[0x1c8 + r] = def("bswap", "Zv", always(data.bswap), { size: 32 });
}
OPCODES[0x60] = def("pushaw|pusha", "", always(stack.pusha));
OPCODES[0x61] = def("popaw|popa", "", always(stack.popa));
OPCODES[0x62] = def("bound", "Gv,Ma", always(control.bound));
OPCODES[0x63] = def("arpl", "Ew,Gw", always(sys.arpl), { size: 16 });
OPCODES[0x68] = def("push", "Iz", always(stack.pushI));
OPCODES[0x69] = def("imul", "Gv,Ev,Iz", always(muldiv.imulGEI));
OPCODES[0x6a] = def("push", "Ibs", always(stack.pushI));
OPCODES[0x6b] = def("imul", "Gv,Ev,Ibs", always(muldiv.imulGEI));
OPCODES[0x6c] = def("ins", "Yb,DX", always(str.stringOp), { op: str.INS, string: true, sys: portIo("ins") });
OPCODES[0x6d] = def("ins", "Yv,DX", always(str.stringOp), { op: str.INS, string: true, sys: portIo("ins") });
OPCODES[0x6e] = def("outs", "DX,Xb", always(str.stringOp), { op: str.OUTS, string: true, sys: portIo("outs") });
OPCODES[0x6f] = def("outs", "DX,Xv", always(str.stringOp), { op: str.OUTS, string: true, sys: portIo("outs") });
for (let cc = 0; cc < 16; cc++) {
  OPCODES[0x70 + cc] = def("j" + CC[cc], "Jb", jccSel(cc), { op: cc });
  OPCODES[0x180 + cc] = def("j" + CC[cc], "Jz", jccSel(cc), { op: cc });
  OPCODES[0x190 + cc] = def("set" + CC[cc], "Eb", always(data.setcc), { op: cc });
  OPCODES[0x140 + cc] = def("cmov" + CC[cc], "Gv,Ev", always(data.cmov), { op: cc, needs: "cmov" });
}
function jccSel(cc: number): (i: Insn) => Handler {
  return (i) => (i.opSize !== 32 ? control.jcc : cc === 4 ? control.jz32 : cc === 5 ? control.jnz32 : control.jcc32);
}
function aluGroup(operands: string): Group {
  return group(
    alu.ALU_MNEMONICS.map((m, op) => def(m, operands, operands.startsWith("Eb") ? always(alu.aluEI) : aluEISel, { op, lock: op !== alu.CMP })),
  );
}
OPCODES[0x80] = aluGroup("Eb,Ib");
OPCODES[0x81] = aluGroup("Ev,Iz");
OPCODES[0x82] = aluGroup("Eb,Ib");
OPCODES[0x83] = aluGroup("Ev,Ibs");
OPCODES[0x84] = def("test", "Eb,Gb", always(alu.testEG));
OPCODES[0x85] = def("test", "Ev,Gv", (i) => (reg32(i) ? alu.testRR32 : alu.testEG));
OPCODES[0x86] = def("xchg", "Eb,Gb", always(data.xchgEG), { lock: true });
OPCODES[0x87] = def("xchg", "Ev,Gv", always(data.xchgEG), { lock: true });
OPCODES[0x88] = def("mov", "Eb,Gb", always(data.movEG));
OPCODES[0x89] = def("mov", "Ev,Gv", (i) => (i.opSize === 32 ? (i.rm >= 0 ? data.movRR32 : data.movMR32) : data.movEG));
OPCODES[0x8a] = def("mov", "Gb,Eb", always(data.movGE));
OPCODES[0x8b] = def("mov", "Gv,Ev", (i) => (i.opSize === 32 ? (i.rm >= 0 ? data.movRR32Rev : data.movRM32) : data.movGE));
OPCODES[0x8c] = def("mov", "Esw,Sw", always(data.movESw), { sys: sensitive("mov r/m,sreg") }); // CS/SS RPL = CPL
OPCODES[0x8d] = def("lea", "Gv,M", always(data.lea));
OPCODES[0x8e] = def("mov", "Sw,Esw", always(data.movSwE), { sys: sensitive("mov sreg,r/m") }); // DPL/RPL checked against CPL
OPCODES[0x8f] = group([def("pop", "Ev", always(stack.popE)), null, null, null, null, null, null, null]);
OPCODES[0x98] = def("cbw|cwde", "", always(data.cbw));
OPCODES[0x99] = def("cwd|cdq", "", always(data.cwd));
OPCODES[0x9a] = def("call", "Ap", always(control.callFarA), { sys: CALL_FAR });
OPCODES[0x9b] = def("fwait", "", always(fpu.fwait));
OPCODES[0x9c] = def("pushfw|pushf", "", always(flags.pushf), { sys: sensitive("pushf") }); // shows IF and IOPL
OPCODES[0x9d] = def("popfw|popf", "", always(flags.popf), { sys: sensitive("popf") }); // IF/IOPL silently kept at CPL > 0
OPCODES[0x9e] = def("sahf", "", always(flags.sahf));
OPCODES[0x9f] = def("lahf", "", always(flags.lahf));
OPCODES[0xa0] = def("mov", "AL,Ob", always(data.movAO));
OPCODES[0xa1] = def("mov", "eAX,Ov", always(data.movAO));
OPCODES[0xa2] = def("mov", "Ob,AL", always(data.movOA));
OPCODES[0xa3] = def("mov", "Ov,eAX", always(data.movOA));
OPCODES[0xa4] = def("movs", "Yb,Xb", always(str.stringOp), { op: str.MOVS, string: true });
OPCODES[0xa5] = def("movs", "Yv,Xv", always(str.stringOp), { op: str.MOVS, string: true });
OPCODES[0xa6] = def("cmps", "Xb,Yb", always(str.stringOp), { op: str.CMPS, string: true });
OPCODES[0xa7] = def("cmps", "Xv,Yv", always(str.stringOp), { op: str.CMPS, string: true });
OPCODES[0xa8] = def("test", "AL,Ib", always(alu.testAI));
OPCODES[0xa9] = def("test", "eAX,Iz", (i) => (i.opSize === 32 ? alu.testRI32 : alu.testAI));
OPCODES[0xaa] = def("stos", "Yb,AL", always(str.stringOp), { op: str.STOS, string: true });
OPCODES[0xab] = def("stos", "Yv,eAX", always(str.stringOp), { op: str.STOS, string: true });
OPCODES[0xac] = def("lods", "AL,Xb", always(str.stringOp), { op: str.LODS, string: true });
OPCODES[0xad] = def("lods", "eAX,Xv", always(str.stringOp), { op: str.LODS, string: true });
OPCODES[0xae] = def("scas", "AL,Yb", always(str.stringOp), { op: str.SCAS, string: true });
OPCODES[0xaf] = def("scas", "eAX,Yv", always(str.stringOp), { op: str.SCAS, string: true });
function shiftGroup(operands: string, h: Handler): Group {
  // ROL/ROR/SHL/SHR/SAL/SAR of a 32-bit register by an immediate or 1 take a short path.
  const fast = operands === "Ev,Ib" || operands === "Ev,One";
  return group(
    shift.SHIFT_MNEMONICS.map((m, op) =>
      def(m, operands, (i) => (fast && reg32(i) && op !== shift.RCL && op !== shift.RCR ? (op >= shift.SHL ? shift.shiftR32 : shift.rotR32) : h), { op }),
    ),
  );
}
OPCODES[0xc0] = shiftGroup("Eb,Ib", shift.shiftI);
OPCODES[0xc1] = shiftGroup("Ev,Ib", shift.shiftI);
OPCODES[0xc2] = def("ret", "Iw", (i) => (i.opSize === 32 ? control.ret32 : control.ret));
OPCODES[0xc3] = def("ret", "", (i) => (i.opSize === 32 ? control.ret32 : control.ret));
OPCODES[0xc4] = def("les", "Gv,Mp", always(data.loadFarPointer), { op: ES });
OPCODES[0xc5] = def("lds", "Gv,Mp", always(data.loadFarPointer), { op: DS });
OPCODES[0xc6] = group([def("mov", "Eb,Ib", always(data.movEI)), null, null, null, null, null, null, null]);
OPCODES[0xc7] = group([def("mov", "Ev,Iz", always(data.movEI)), null, null, null, null, null, null, null]);
OPCODES[0xc8] = def("enter", "Iw,Ib", always(stack.enter));
OPCODES[0xc9] = def("leave", "", always(stack.leave));
OPCODES[0xca] = def("retf", "Iw", always(control.retFar), { sys: RETF });
OPCODES[0xcb] = def("retf", "", always(control.retFar), { sys: RETF });
OPCODES[0xcc] = def("int3", "", always(control.int3), { sys: sensitive("int3") }); // gate DPL checked against CPL
OPCODES[0xcd] = def("int", "Ib", always(control.intN), { sys: sensitive("int") });
OPCODES[0xce] = def("into", "", always(control.into), { sys: sensitive("into") });
OPCODES[0xcf] = def("iretw|iret", "", always(control.iret), { sys: sensitive("iret") });
OPCODES[0xd0] = shiftGroup("Eb,One", shift.shift1);
OPCODES[0xd1] = shiftGroup("Ev,One", shift.shift1);
OPCODES[0xd2] = shiftGroup("Eb,CL", shift.shiftCL);
OPCODES[0xd3] = shiftGroup("Ev,CL", shift.shiftCL);
OPCODES[0xd4] = def("aam", "Ib", always(bcd.aam));
OPCODES[0xd5] = def("aad", "Ib", always(bcd.aad));
OPCODES[0xd6] = def("salc", "", always(data.salc));
OPCODES[0xd7] = def("xlat", "Xlat", always(data.xlat));
// x87 escapes D8-DF: exec/fpu.ts decodes the x87 map itself (the hot register forms get a
// pre-decoded handler, exec/x87-register-forms.ts); the table only tells the P6
// additions apart (register forms DA /0-3 FCMOVcc, DB /0-3 FCMOVNcc, DB /5 FUCOMI, DB /6
// FCOMI, DF /5 FUCOMIP, DF /6 FCOMIP: SDM vol.2 table A-10), which older models lack.
const P6_X87_FORMS: Readonly<Record<number, readonly number[]>> = { 0xda: [0, 1, 2, 3], 0xdb: [0, 1, 2, 3, 5, 6], 0xdf: [5, 6] };
// FNSTENV (D9 /6) and FNSAVE (DD /6) store FCS, the CS selector of the last x87 instruction
// with its RPL (SDM vol.1 §8.1.8): a deprivileged guest kernel's would show its real ring.
const X87_STORES_FCS: Readonly<Record<number, string>> = { 0xd9: "fnstenv", 0xdd: "fnsave" };
for (let op = 0xd8; op <= 0xdf; op++) {
  const x87 = def("(fpu)", "Ev", selectX87);
  const p6 = def("(fpu)", "Ev", selectX87, { needs: "fcmov" });
  const memForms = new Array<OpDef>(8).fill(x87);
  const fcs = X87_STORES_FCS[op];
  if (fcs !== undefined) memForms[6] = def("(fpu)", "Ev", selectX87, { sys: sensitive(fcs) });
  const regForms = Array.from({ length: 8 }, (_, reg) => (P6_X87_FORMS[op]?.includes(reg) ? p6 : x87));
  OPCODES[op] = group(memForms, regForms);
}
OPCODES[0xe0] = def("loopne", "Jb", always(control.loop), { op: 0 });
OPCODES[0xe1] = def("loope", "Jb", always(control.loop), { op: 1 });
OPCODES[0xe2] = def("loop", "Jb", always(control.loop), { op: 2 });
OPCODES[0xe3] = def("jcxz|jecxz", "Jb", always(control.jcxz));
OPCODES[0xe4] = def("in", "AL,Ib", always(io.inI), { sys: portIo("in") });
OPCODES[0xe5] = def("in", "eAX,Ib", always(io.inI), { sys: portIo("in") });
OPCODES[0xe6] = def("out", "Ib,AL", always(io.outI), { sys: portIo("out") });
OPCODES[0xe7] = def("out", "Ib,eAX", always(io.outI), { sys: portIo("out") });
OPCODES[0xe8] = def("call", "Jz", (i) => (i.opSize === 32 ? control.callRel32 : control.callRel));
OPCODES[0xe9] = def("jmp", "Jz", (i) => (i.opSize === 32 ? control.jmp32 : control.jmpRel));
OPCODES[0xea] = def("jmp", "Ap", always(control.jmpFarA), { sys: JMP_FAR });
OPCODES[0xeb] = def("jmp", "Jb", (i) => (i.opSize === 32 ? control.jmp32 : control.jmpRel));
OPCODES[0xec] = def("in", "AL,DX", always(io.inDX), { sys: portIo("in") });
OPCODES[0xed] = def("in", "eAX,DX", always(io.inDX), { sys: portIo("in") });
OPCODES[0xee] = def("out", "DX,AL", always(io.outDX), { sys: portIo("out") });
OPCODES[0xef] = def("out", "DX,eAX", always(io.outDX), { sys: portIo("out") });
OPCODES[0xf1] = def("icebp", "", always(control.icebp));
OPCODES[0xf4] = def("hlt", "", always(sys.hlt), { sys: privileged("hlt", VMX_EXIT.HLT) });
OPCODES[0xf5] = def("cmc", "", always(flags.cmc));
function group3(operands: string): Group {
  const imm = operands === "Eb" ? "Eb,Ib" : "Ev,Iz";
  return group([
    def("test", imm, (i) => (reg32(i) ? alu.testRI32 : alu.testEI)),
    def("test", imm, (i) => (reg32(i) ? alu.testRI32 : alu.testEI)),
    def("not", operands, always(alu.notE), { lock: true }),
    def("neg", operands, always(alu.negE), { lock: true }),
    def("mul", operands, always(muldiv.mul)),
    def("imul", operands, always(muldiv.imul1)),
    def("div", operands, always(muldiv.div)),
    def("idiv", operands, always(muldiv.idiv)),
  ]);
}
OPCODES[0xf6] = group3("Eb");
OPCODES[0xf7] = group3("Ev");
OPCODES[0xf8] = def("clc", "", always(flags.clc));
OPCODES[0xf9] = def("stc", "", always(flags.stc));
OPCODES[0xfa] = def("cli", "", always(flags.cli), { sys: systemClass(SYS.ioplSensitive, "cli") });
OPCODES[0xfb] = def("sti", "", always(flags.sti), { sys: systemClass(SYS.ioplSensitive, "sti") });
OPCODES[0xfc] = def("cld", "", always(flags.cld));
OPCODES[0xfd] = def("std", "", always(flags.std));
OPCODES[0xfe] = group([
  def("inc", "Eb", always(alu.incdecE), { op: 0, lock: true }),
  def("dec", "Eb", always(alu.incdecE), { op: 1, lock: true }),
  null, null, null, null, null, null,
]);
OPCODES[0xff] = group([
  def("inc", "Ev", always(alu.incdecE), { op: 0, lock: true }),
  def("dec", "Ev", always(alu.incdecE), { op: 1, lock: true }),
  def("call", "Ev", always(control.callE)),
  def("call", "Mp", always(control.callFarM), { sys: CALL_FAR }),
  def("jmp", "Ev", always(control.jmpE)),
  def("jmp", "Mp", always(control.jmpFarM), { sys: JMP_FAR }),
  def("push", "Ev", always(stack.pushE)),
  null,
]);

// Two-byte (0F) map.
OPCODES[0x100] = group([
  def("sldt", "Esw", always(sys.sldt), { op: 0, sys: sensitive("sldt", VMX_EXIT.LDTR_TR) }),
  def("str", "Esw", always(sys.sldt), { op: 1, sys: sensitive("str", VMX_EXIT.LDTR_TR) }),
  def("lldt", "Ew", always(sys.lldt), { op: 2, size: 16, sys: privileged("lldt", VMX_EXIT.LDTR_TR) }),
  def("ltr", "Ew", always(sys.lldt), { op: 3, size: 16, sys: privileged("ltr", VMX_EXIT.LDTR_TR) }),
  def("verr", "Ew", always(prot.verr), { size: 16, sys: sensitive("verr") }),
  def("verw", "Ew", always(prot.verw), { size: 16, sys: sensitive("verw") }),
  null,
  null,
]);
const SMSW = sensitive("smsw"); // CR0's low bits (PE, MP, EM, TS) at any CPL
const LMSW = privileged("lmsw", VMX_EXIT.CR_ACCESS); // SMSW reads the CR0 read shadow: no exit
OPCODES[0x101] = group(
  [
    def("sgdtw|sgdtd", "Ms", always(sys.sgdt), { op: 0, sys: sensitive("sgdt", VMX_EXIT.GDTR_IDTR) }),
    def("sidtw|sidtd", "Ms", always(sys.sgdt), { op: 1, sys: sensitive("sidt", VMX_EXIT.GDTR_IDTR) }),
    def("lgdtw|lgdtd", "Ms", always(sys.lgdt), { op: 2, sys: privileged("lgdt", VMX_EXIT.GDTR_IDTR) }),
    def("lidtw|lidtd", "Ms", always(sys.lgdt), { op: 3, sys: privileged("lidt", VMX_EXIT.GDTR_IDTR) }),
    def("smsw", "Ew", always(sys.smsw), { sys: SMSW }),
    null,
    def("lmsw", "Ew", always(sys.lmsw), { size: 16, sys: LMSW }),
    def("invlpg", "Mb", always(sys.invlpg), { sys: privileged("invlpg", VMX_EXIT.INVLPG) }),
  ],
  [null, null, null, null, def("smsw", "Ev", always(sys.smsw), { sys: SMSW }), null, def("lmsw", "Ew", always(sys.lmsw), { size: 16, sys: LMSW }), null],
);
OPCODES[0x102] = def("lar", "Gv,Esw", always(prot.lar), { sys: sensitive("lar") }); // DPL checks against CPL
OPCODES[0x103] = def("lsl", "Gv,Esw", always(prot.lsl), { sys: sensitive("lsl") });
OPCODES[0x106] = def("clts", "", always(sys.clts), { sys: privileged("clts", VMX_EXIT.CR_ACCESS) });
OPCODES[0x108] = def("invd", "", always(sys.wbinvd), { sys: systemClass(SYS.privileged | SYS.vmExitAlways, "invd", VMX_EXIT.INVD) });
OPCODES[0x109] = def("wbinvd", "", always(sys.wbinvd), { sys: privileged("wbinvd", VMX_EXIT.WBINVD) });
OPCODES[0x10b] = def("ud2", "", always(sys.ud2));
// RSM is valid only in system-management mode, which this core does not have: #UD.
OPCODES[0x1aa] = def("rsm", "", always(sys.ud2));
// 0F 18-1F: hint NOPs (prefetch hints at 0F 18 /0-3). gcc pads code with 0F 1F /0, so a
// guest built for i686 runs here too; they touch no memory and raise nothing. The P6 family
// introduced them (SDM vol.2 "NOP": the multi-byte form needs family 6 or 15): #UD before.
OPCODES[0x118] = group([
  def("prefetchnta", "Mb", always(data.nop), { needs: "hint-nop" }),
  def("prefetcht0", "Mb", always(data.nop), { needs: "hint-nop" }),
  def("prefetcht1", "Mb", always(data.nop), { needs: "hint-nop" }),
  def("prefetcht2", "Mb", always(data.nop), { needs: "hint-nop" }),
  def("nop", "Ev", always(data.nop), { needs: "hint-nop" }),
  def("nop", "Ev", always(data.nop), { needs: "hint-nop" }),
  def("nop", "Ev", always(data.nop), { needs: "hint-nop" }),
  def("nop", "Ev", always(data.nop), { needs: "hint-nop" }),
]);
for (let op = 0x119; op <= 0x11f; op++) OPCODES[op] = def("nop", "Ev", always(data.nop), { needs: "hint-nop" });
OPCODES[0x120] = def("mov", "Rd,Cd", always(sys.movFromCr), { size: 32, sys: MOV_CR });
OPCODES[0x121] = def("mov", "Rd,Dd", always(sys.movFromDr), { size: 32, sys: MOV_DR });
OPCODES[0x122] = def("mov", "Cd,Rd", always(sys.movToCr), { size: 32, sys: MOV_CR });
OPCODES[0x123] = def("mov", "Dd,Rd", always(sys.movToDr), { size: 32, sys: MOV_DR });
OPCODES[0x130] = def("wrmsr", "", always(msr.wrmsr), { needs: "msr", sys: privileged("wrmsr", VMX_EXIT.WRMSR) });
OPCODES[0x131] = def("rdtsc", "", always(sys.rdtsc), { needs: "rdtsc", sys: systemClass(SYS.timeStampDisable, "rdtsc", VMX_EXIT.RDTSC) });
OPCODES[0x132] = def("rdmsr", "", always(msr.rdmsr), { needs: "msr", sys: privileged("rdmsr", VMX_EXIT.RDMSR) });
OPCODES[0x134] = def("sysenter", "", always(sysCall.sysenter), { needs: "sysenter", sys: systemClass(SYS.sysenter, "sysenter") });
OPCODES[0x135] = def("sysexit", "", always(sysCall.sysexit), { needs: "sysenter", sys: privileged("sysexit") });
OPCODES[0x1a2] = def("cpuid", "", always(sys.cpuid), { needs: "cpuid", sys: systemClass(SYS.vmExitAlways, "cpuid", VMX_EXIT.CPUID) });
OPCODES[0x1a3] = def("bt", "Ev,Gv", always(bit.btEG), { op: bit.BT });
OPCODES[0x1a4] = def("shld", "Ev,Gv,Ib", always(shift.shiftDoubleI), { op: 0 });
OPCODES[0x1a5] = def("shld", "Ev,Gv,CL", always(shift.shiftDoubleCL), { op: 0 });
OPCODES[0x1ab] = def("bts", "Ev,Gv", always(bit.btEG), { op: bit.BTS, lock: true });
OPCODES[0x1ac] = def("shrd", "Ev,Gv,Ib", always(shift.shiftDoubleI), { op: 1 });
OPCODES[0x1ad] = def("shrd", "Ev,Gv,CL", always(shift.shiftDoubleCL), { op: 1 });
// Group 15 (SDM vol.2 table A-6): FXSAVE /0 and FXRSTOR /1, memory forms only. The SSE
// forms (LDMXCSR /2, STMXCSR /3, the fences with mod = 3) and CLFLUSH /7 are not a Pentium
// II's: #UD. FXSAVE stores FCS with its RPL, as FNSTENV/FNSAVE do (above): sensitive.
OPCODES[0x1ae] = group([
  def("fxsave", "M", always(fxsr.fxsave), { needs: "fxsr", sys: sensitive("fxsave") }),
  def("fxrstor", "M", always(fxsr.fxrstor), { needs: "fxsr" }),
  null, null, null, null, null, null,
]);
OPCODES[0x1af] = def("imul", "Gv,Ev", always(muldiv.imulGE));
OPCODES[0x1b0] = def("cmpxchg", "Eb,Gb", always(atomic.cmpxchg), { lock: true });
OPCODES[0x1b1] = def("cmpxchg", "Ev,Gv", always(atomic.cmpxchg), { lock: true });
// Not in Robin & Irvine's list, but unsafe under ring compression: a stack segment must have
// DPL = RPL = CPL, so a deprivileged LSS would accept an outer-ring stack ring 0 must refuse.
OPCODES[0x1b2] = def("lss", "Gv,Mp", always(data.loadFarPointer), { op: SS, sys: sensitive("lss") });
OPCODES[0x1b3] = def("btr", "Ev,Gv", always(bit.btEG), { op: bit.BTR, lock: true });
OPCODES[0x1b4] = def("lfs", "Gv,Mp", always(data.loadFarPointer), { op: FS });
OPCODES[0x1b5] = def("lgs", "Gv,Mp", always(data.loadFarPointer), { op: GS });
OPCODES[0x1b6] = def("movzx", "Gv,Eb", always(data.movzx), { op: 8, size: "v" });
OPCODES[0x1b7] = def("movzx", "Gv,Ew", always(data.movzx), { op: 16 });
OPCODES[0x1ba] = group([
  null, null, null, null,
  def("bt", "Ev,Ib", always(bit.btEI), { op: bit.BT }),
  def("bts", "Ev,Ib", always(bit.btEI), { op: bit.BTS, lock: true }),
  def("btr", "Ev,Ib", always(bit.btEI), { op: bit.BTR, lock: true }),
  def("btc", "Ev,Ib", always(bit.btEI), { op: bit.BTC, lock: true }),
]);
OPCODES[0x1bb] = def("btc", "Ev,Gv", always(bit.btEG), { op: bit.BTC, lock: true });
OPCODES[0x1bc] = def("bsf", "Gv,Ev", always(bit.bsf));
OPCODES[0x1bd] = def("bsr", "Gv,Ev", always(bit.bsr));
OPCODES[0x1be] = def("movsx", "Gv,Eb", always(data.movsx), { op: 8, size: "v" });
OPCODES[0x1bf] = def("movsx", "Gv,Ew", always(data.movsx), { op: 16 });
OPCODES[0x1c0] = def("xadd", "Eb,Gb", always(atomic.xadd), { lock: true });
OPCODES[0x1c1] = def("xadd", "Ev,Gv", always(atomic.xadd), { lock: true });
OPCODES[0x1c7] = group([null, def("cmpxchg8b", "Mq", always(atomic.cmpxchg8b), { lock: true, needs: "cmpxchg8b" }), null, null, null, null, null, null]);

/** Prefix bytes (SDM vol.2 §2.1.1); the decoder consumes them before the table lookup. */
export const PREFIX_SEG: Readonly<Record<number, number>> = { 0x26: ES, 0x2e: CS, 0x36: SS, 0x3e: DS, 0x64: FS, 0x65: GS };
