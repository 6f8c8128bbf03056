import type { Cpu } from "../cpu.js";
import { fault } from "../exceptions/cpu-fault.js";
import { GP, NP } from "../exceptions/vectors.js";
import {
  dplOf,
  fetchDescriptor,
  isCode,
  isConformingCode,
  isPresent,
  isSystem,
  rawAttr,
  SYS_CALL_GATE16,
  SYS_CALL_GATE32,
  SYS_TASK_GATE,
  SYS_TSS16_AVAIL,
  SYS_TSS32_AVAIL,
  toDescriptor,
} from "../mmu/descriptor.js";
import { taskSwitch, TaskSwitchKind } from "./task-switch.js";
import { CS, SS } from "../state/registers.js";
import {
  commitCode,
  commitStack,
  gateTargetCode,
  innerStack,
  nullInaccessibleSegments,
  outerStack,
  PendingStack,
  returnTargetCode,
  SegmentLoad,
} from "./privilege.js";
import { adjustSp, peek, push } from "./stack.js";

/**
 * Far JMP, CALL and RET in protected mode (SDM vol.2 "JMP", "CALL", "RET"; vol.3 §5.8):
 * direct transfers to conforming and non-conforming code, call gates (JMP at the same
 * level; CALL also to an inner level, switching to the TSS stack and copying the gate's
 * parameter count of stack entries), and far returns to the same or an outer level.
 * Task gates and TSS targets switch tasks (task-switch.ts).
 */

const code = new SegmentLoad();
const stack = new SegmentLoad();
const frame = new PendingStack();

/** What a far JMP/CALL selector names after the checks common to both. */
const enum Target {
  Code,
  CallGate,
  /** A TSS or a task gate: `taskSelector` holds the TSS selector. */
  Task,
}
let taskSelector = 0;

/**
 * Reads the target descriptor of a far JMP/CALL and checks a direct code target (conforming:
 * DPL <= CPL; non-conforming: RPL <= CPL and DPL = CPL; present) or a call gate (DPL >= CPL
 * and >= RPL; present). Faults #GP(0) for null, #GP(selector) / #NP(selector) otherwise.
 */
function farTarget(cpu: Cpu, sel: number): Target {
  sel &= 0xffff;
  if ((sel & 0xfffc) === 0) fault(GP, 0);
  const err = sel & 0xfffc;
  if (!fetchDescriptor(cpu, sel, code.raw)) fault(GP, err);
  const attr = rawAttr(code.raw);
  const dpl = dplOf(attr);
  const rpl = sel & 3;
  if (isSystem(attr)) {
    const type = attr & 0xf;
    if (type === SYS_CALL_GATE16 || type === SYS_CALL_GATE32) {
      if (dpl < cpu.cpl || rpl > dpl) fault(GP, err);
      if (!isPresent(attr)) fault(NP, err);
      return Target.CallGate;
    }
    if (type === SYS_TASK_GATE || type === SYS_TSS16_AVAIL || type === SYS_TSS32_AVAIL) {
      // SDM vol.3 §7.3 step 2: the gate's or the TSS's DPL must allow CPL and RPL.
      if (dpl < cpu.cpl || rpl > dpl) fault(GP, err);
      if (!isPresent(attr)) fault(NP, err);
      taskSelector = type === SYS_TASK_GATE ? code.raw.lo >>> 16 : sel;
      return Target.Task;
    }
    // A busy TSS, an LDT or an interrupt/trap gate cannot be jumped to or called.
    fault(GP, err);
  }
  if (!isCode(attr)) fault(GP, err);
  if (isConformingCode(attr)) {
    if (dpl > cpu.cpl) fault(GP, err);
  } else if (rpl > cpu.cpl || dpl !== cpu.cpl) {
    fault(GP, err);
  }
  if (!isPresent(attr)) fault(NP, err);
  toDescriptor(code.raw, code.desc);
  code.selector = sel;
  return Target.Code;
}

/** Gate fields, read before `code` is reused for the gate's target segment. */
interface Gate {
  selector: number;
  offset: number;
  size: number;
  params: number;
}
const gate: Gate = { selector: 0, offset: 0, size: 32, params: 0 };

function readGate(): Gate {
  const { lo, hi } = code.raw;
  gate.size = ((hi >>> 8) & 0xf) === SYS_CALL_GATE32 ? 32 : 16;
  gate.selector = lo >>> 16;
  gate.offset = gate.size === 32 ? ((hi & 0xffff0000) | (lo & 0xffff)) >>> 0 : lo & 0xffff;
  gate.params = hi & 0x1f;
  return gate;
}

function checkLimit(offset: number): void {
  if (offset > code.desc.limit >>> 0) fault(GP, 0);
}

/** JMP ptr16:16/32 and JMP m16:16/32 in protected mode. */
export function protectedFarJump(cpu: Cpu, sel: number, off: number, opSize: number): void {
  const t = farTarget(cpu, sel);
  if (t === Target.Task) return taskSwitch(cpu, taskSelector, TaskSwitchKind.Jump, cpu.eip, 0);
  if (t === Target.CallGate) {
    const g = readGate();
    // A JMP through a call gate never changes privilege: the target must be conforming or
    // have DPL = CPL (SDM vol.2 "JMP").
    if (gateTargetCode(cpu, g.selector, 0, code) !== cpu.cpl) fault(GP, g.selector & 0xfffc);
    checkLimit(g.offset);
    commitCode(cpu, code, cpu.cpl, g.offset);
    return;
  }
  const target = opSize === 16 ? off & 0xffff : off >>> 0;
  checkLimit(target);
  commitCode(cpu, code, cpu.cpl, target);
}

/** CALL ptr16:16/32 and CALL m16:16/32 in protected mode. */
export function protectedFarCall(cpu: Cpu, sel: number, off: number, opSize: number): void {
  const retCs = cpu.segSel[CS]!;
  const retEip = cpu.eip;
  const t = farTarget(cpu, sel);
  if (t === Target.Task) return taskSwitch(cpu, taskSelector, TaskSwitchKind.Call, cpu.eip, 0);
  if (t === Target.Code) {
    const target = opSize === 16 ? off & 0xffff : off >>> 0;
    pushReturn(cpu, opSize, retCs, retEip, target);
    commitCode(cpu, code, cpu.cpl, target);
    return;
  }
  const g = readGate();
  const newCpl = gateTargetCode(cpu, g.selector, 0, code);
  if (newCpl === cpu.cpl) {
    pushReturn(cpu, g.size, retCs, retEip, g.offset);
    commitCode(cpu, code, cpu.cpl, g.offset);
    return;
  }
  // More privileged (SDM vol.3 §5.8.5): new stack from the TSS, the caller's SS:ESP and the
  // gate's parameters copied from the old stack, then the return address.
  const n = g.size >> 3;
  const esp = innerStack(cpu, newCpl, 0, stack);
  const st = frame.open(stack, esp, 0);
  const oldEsp = cpu.regs[4]!;
  st.push(cpu, n, cpu.segSel[SS]!);
  st.push(cpu, n, oldEsp);
  const mask = cpu.stackMask;
  for (let k = g.params - 1; k >= 0; k--) {
    const lin = cpu.segAddr(SS, (oldEsp + k * n) & mask, n, false);
    st.push(cpu, n, n === 4 ? cpu.rd32(lin) : cpu.rd16(lin));
  }
  st.push(cpu, n, retCs);
  st.push(cpu, n, retEip);
  checkLimit(g.offset);
  commitStack(cpu, stack, st.sp);
  commitCode(cpu, code, newCpl, g.offset);
}

/** Pushes CS:EIP on the current stack, undoing the pushes if the target EIP is out of limit. */
function pushReturn(cpu: Cpu, size: number, cs: number, eip: number, target: number): void {
  const old = cpu.regs[4]!;
  try {
    push(cpu, size, cs);
    push(cpu, size, eip);
    checkLimit(target);
  } catch (e) {
    cpu.regs[4] = old;
    throw e;
  }
}

/** RETF / RETF imm16 in protected mode: to the same or an outer privilege level. */
export function protectedFarReturn(cpu: Cpu, opSize: number, imm: number): void {
  const n = opSize >> 3;
  const off = peek(cpu, opSize, 0);
  const sel = peek(cpu, opSize, n) & 0xffff;
  returnTargetCode(cpu, sel, code);
  const target = opSize === 16 ? off & 0xffff : off >>> 0;
  const rpl = sel & 3;
  if (rpl === cpu.cpl) {
    checkLimit(target);
    commitCode(cpu, code, cpu.cpl, target);
    adjustSp(cpu, 2 * n + imm);
    return;
  }
  // Return to an outer level (SDM vol.2 "RET"): the caller's SS:ESP lies above the
  // parameters the immediate releases.
  const newEsp = peek(cpu, opSize, 2 * n + imm);
  const newSs = peek(cpu, opSize, 3 * n + imm) & 0xffff;
  outerStack(cpu, newSs, rpl, stack);
  checkLimit(target);
  commitCode(cpu, code, rpl, target);
  commitStack(cpu, stack, (opSize === 16 ? newEsp & 0xffff : newEsp) + imm);
  nullInaccessibleSegments(cpu);
}
