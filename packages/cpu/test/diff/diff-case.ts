/** One generated instruction, with the assembly it is meant to be (for reports). */
export interface GenInsn {
  bytes: number[];
  /** Intended Intel-syntax text, written by the generator (objdump's text is used in reproducers). */
  note: string;
  /** Mnemonic key (undefined-flags table, statistics). */
  mnemonic: string;
  /** EFLAGS bits undefined right after this instruction (for cutting a case short). */
  undefAfter?: number;
}

/** What the comparison must ignore because Intel documents it as undefined. */
export interface UndefinedMask {
  /** EFLAGS bits undefined at the end of the sequence. */
  flags: number;
  /** Registers (0..7) whose final value is undefined. */
  regs: number[];
  /** Memory ranges [addr, length) whose final content is undefined. */
  mem: [number, number][];
}

/** A differential test case: a code block plus the machine state it starts from. */
export interface DiffCase {
  /** `${seed}:${index}`: regenerating with the same seed and index reproduces it. */
  id: string;
  family: string;
  org: number;
  code: number[];
  insns: GenInsn[];
  /** EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI. */
  regs: number[];
  eflags: number;
  /** Memory pre-filled before the run, applied in order; everything else in the regions is 0. */
  fill: [number, number[]][];
  /** Instruction budget (the block normally ends earlier, at org + code.length). */
  count: number;
  mask: UndefinedMask;
  /** Set when the sequence is expected to end with this exception (e.g. #DE = 0). */
  expectVector?: number;
  /**
   * The error code the SDM gives that exception (e.g. the selector for #GP/#NP on a segment
   * load). Unicorn does not report error codes, so only ringlab is checked against it.
   */
  expectErrorCode?: number;
  /**
   * A GDT the case filled in (`fill`): both machines start with GDTR = [base, limit], CS =
   * 0x08 and SS/DS/ES/FS/GS = 0x10 loaded from it, and their final selectors are compared.
   */
  gdt?: [number, number];
  /** The case turns paging on itself (MOV CR3/CR4/CR0): both start with CR2-CR4 = 0 and CR2 is compared. */
  paging?: boolean;
  /** Facts the generator knows about the case that known-issue exclusions match on. */
  tags?: string[];
}

export type StopInfo =
  | { kind: "end" }
  | { kind: "count" }
  | { kind: "exception"; vector: number }
  | { kind: "error"; message: string }
  /** The reference process died (signal) on this case: a bug of the reference itself. */
  | { kind: "crash"; signal: string };

/** Final state of one machine after running a case. */
export interface MachineResult {
  regs: number[];
  eip: number;
  eflags: number;
  /** Bytes that differ from the initial image: address -> final value. */
  mem: Map<number, number>;
  stop: StopInfo;
  /** Instructions executed, where the engine reports it. */
  executed?: number;
  /** ES, CS, SS, DS, FS, GS selectors. */
  sregs?: number[];
  /** CR2 at the end. */
  cr2?: number;
  /** Error code of the exception that stopped the run (ringlab only; Unicorn cannot say). */
  errorCode?: number;
}
