import { describe, expect, it } from "vitest";
import type { ExitEvent } from "../src/index.js";
import { CODE, F, installIdt, machine, rd32, runToHalt, setGate, STACK_TOP, type TestMachine, wr32 } from "./harness.js";

const HANDLER = 0x1800;
/** mov ebx,[esp]; hlt — records the pushed EIP. */
const RECORD_EIP = [0x8b, 0x1c, 0x24, 0xf4];
/** pop edx; mov ebx,[esp]; hlt — records the error code and the pushed EIP. */
const RECORD_ERR_EIP = [0x5a, 0x8b, 0x1c, 0x24, 0xf4];

function withHandler(code: number[], vector: number, handler: number[], type = 0xe): TestMachine {
  const m = machine(code);
  installIdt(m);
  m.ram.set(handler, HANDLER);
  setGate(m, vector, HANDLER, type);
  return m;
}

describe("INT n and IRET through a flat-mode IDT", () => {
  it("pushes EFLAGS, CS and the next EIP, clears IF in an interrupt gate and returns with IRETD", () => {
    // sti; mov eax,1; int 0x30; add eax,10; hlt
    const m = withHandler(
      [0xfb, 0xb8, 0x01, 0x00, 0x00, 0x00, 0xcd, 0x30, 0x83, 0xc0, 0x0a, 0xf4],
      0x30,
      // mov ebx,[esp]; mov ecx,[esp+4]; mov edx,[esp+8]; pushfd; pop esi; add eax,100; iretd
      [0x8b, 0x1c, 0x24, 0x8b, 0x4c, 0x24, 0x04, 0x8b, 0x54, 0x24, 0x08, 0x9c, 0x5e, 0x83, 0xc0, 0x64, 0xcf],
    );
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(0)).toBe(111);
    expect(m.cpu.getReg32(3)).toBe(CODE + 8); // return address: after the INT
    expect(m.cpu.getReg32(1)).toBe(0x08); // CS
    expect(m.cpu.getReg32(2)).toBe(0x202); // EFLAGS at the INT, IF=1
    expect(m.cpu.getReg32(6) & F.IF).toBe(0); // interrupt gate cleared IF
    expect(m.cpu.getEflags() & F.IF).toBe(F.IF); // IRETD restored it
    expect(m.cpu.getReg32(4)).toBe(STACK_TOP);
  });

  it("keeps IF through a trap gate", () => {
    const m = withHandler(
      [0xfb, 0xb8, 0x01, 0x00, 0x00, 0x00, 0xcd, 0x30, 0x83, 0xc0, 0x0a, 0xf4],
      0x30,
      [0x8b, 0x1c, 0x24, 0x8b, 0x4c, 0x24, 0x04, 0x8b, 0x54, 0x24, 0x08, 0x9c, 0x5e, 0x83, 0xc0, 0x64, 0xcf],
      0xf,
    );
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(6) & F.IF).toBe(F.IF);
  });

  it("INT3 and INTO are traps: the pushed EIP follows them", () => {
    const a = withHandler([0xcc, 0xf4], 3, RECORD_EIP);
    runToHalt(a.cpu);
    expect(a.cpu.getReg32(3)).toBe(CODE + 1);
    // mov al,0x7f; add al,1; into; hlt
    const b = withHandler([0xb0, 0x7f, 0x04, 0x01, 0xce, 0xf4], 4, RECORD_EIP);
    runToHalt(b.cpu);
    expect(b.cpu.getReg32(3)).toBe(CODE + 5);
  });

  it("INTO does nothing when OF=0", () => {
    const m = withHandler([0xce, 0xf4], 4, RECORD_EIP);
    runToHalt(m.cpu);
    expect(m.cpu.eip).toBe(CODE + 2);
  });

  it("a not-present gate for INT n raises #NP with the IDT error code (vector*8+2)", () => {
    const m = withHandler([0xcd, 0x40, 0xf4], 11, RECORD_ERR_EIP);
    setGate(m, 0x40, HANDLER, 0xe, 0, false);
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(2)).toBe(0x40 * 8 + 2);
    expect(m.cpu.getReg32(3)).toBe(CODE); // a fault of the INT instruction
  });

  it("an empty (type 0) gate raises #GP(vector*8+2)", () => {
    const m = withHandler([0xcd, 0x41, 0xf4], 13, RECORD_ERR_EIP);
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(2)).toBe(0x41 * 8 + 2);
  });

  it("an INT n beyond the IDT limit raises #GP(vector*8+2)", () => {
    const m = withHandler([0xcd, 0x40, 0xf4], 13, RECORD_ERR_EIP);
    m.cpu.idtrLimit = 0x40 * 8 - 1;
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(2)).toBe(0x40 * 8 + 2);
  });
});

describe("exceptions", () => {
  it("#DE on divide by zero is a fault: EIP of the DIV is pushed", () => {
    const m = withHandler([0x31, 0xc9, 0xf7, 0xf1, 0xf4], 0, RECORD_EIP);
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(3)).toBe(CODE + 2);
  });

  it("#DE when the quotient does not fit", () => {
    // mov edx,1; mov ecx,1; div ecx -> quotient 2^32
    const m = withHandler([0xba, 1, 0, 0, 0, 0xb9, 1, 0, 0, 0, 0xf7, 0xf1, 0xf4], 0, RECORD_EIP);
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(3)).toBe(CODE + 10);
    expect(m.cpu.getReg32(2)).toBe(1); // EDX untouched
  });

  it("#DE for IDIV overflow and AAM 0", () => {
    // mov eax,0x80000000; cdq; mov ecx,-1; idiv ecx
    const a = withHandler([0xb8, 0, 0, 0, 0x80, 0x99, 0xb9, 0xff, 0xff, 0xff, 0xff, 0xf7, 0xf9, 0xf4], 0, RECORD_EIP);
    runToHalt(a.cpu);
    expect(a.cpu.getReg32(3)).toBe(CODE + 11);
    const b = withHandler([0xd4, 0x00, 0xf4], 0, RECORD_EIP);
    runToHalt(b.cpu);
    expect(b.cpu.getReg32(3)).toBe(CODE);
  });

  it("#UD for UD2, undefined opcodes, group holes and misused LOCK", () => {
    for (const code of [
      [0x0f, 0x0b], // ud2
      [0x0f, 0xff], // undefined 0F map entry
      [0xff, 0xff], // FF /7
      [0xf0, 0x89, 0x18], // lock mov [eax],ebx
      [0xf0, 0x01, 0xd8], // lock add eax,ebx (register destination)
      [0x8d, 0xc0], // lea eax,eax (mod 3 on a memory-only operand)
      [0x8e, 0xc8], // mov cs,ax
    ]) {
      const m = withHandler([...code, 0xf4], 6, RECORD_EIP);
      runToHalt(m.cpu);
      expect(m.cpu.getReg32(3), code.map((b) => b.toString(16)).join(" ")).toBe(CODE);
    }
  });

  it("LOCK is accepted on a read-modify-write to memory", () => {
    // lock add [0x2000],eax with eax=0 -> no fault
    const m = withHandler([0xf0, 0x01, 0x05, 0x00, 0x20, 0x00, 0x00, 0xf4], 6, RECORD_EIP);
    runToHalt(m.cpu);
    expect(m.cpu.eip).toBe(CODE + 8);
  });

  it("#GP(0) for RDMSR of an MSR that does not exist", () => {
    const m = withHandler([0xb9, 0x1b, 0x00, 0x00, 0x00, 0x0f, 0x32, 0xf4], 13, RECORD_ERR_EIP);
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(2)).toBe(0);
    expect(m.cpu.getReg32(3)).toBe(CODE + 5);
  });

  it("#BR from BOUND is a fault", () => {
    const m = withHandler([0xb8, 0x05, 0, 0, 0, 0x62, 0x05, 0x00, 0x20, 0x00, 0x00, 0xf4], 5, RECORD_EIP);
    wr32(m, 0x2000, 6);
    wr32(m, 0x2004, 10);
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(3)).toBe(CODE + 5);
  });

  it("#GP(selector) for a far jump past the GDT limit", () => {
    const m = withHandler([0xea, 0x00, 0x10, 0x00, 0x00, 0x30, 0x00], 13, RECORD_ERR_EIP);
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(2)).toBe(0x30);
    expect(m.cpu.getReg32(3)).toBe(CODE);
  });

  it("a contributory fault while delivering one becomes #DF(0)", () => {
    // #DE with a not-present gate 0 -> #NP(0*8+2+EXT) during delivery -> double fault
    const m = withHandler([0x31, 0xc9, 0xf7, 0xf1, 0xf4], 8, RECORD_ERR_EIP);
    setGate(m, 0, HANDLER, 0xe, 0, false);
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(2)).toBe(0);
    expect(m.cpu.getReg32(3)).toBe(CODE + 2);
  });

  it("a fault while delivering #DF shuts the CPU down (triple fault)", () => {
    const m = machine([0x31, 0xc9, 0xf7, 0xf1, 0xf4]);
    installIdt(m);
    expect(m.cpu.run(100)).toEqual({ kind: "shutdown", why: "triple fault" });
    expect(m.cpu.run(100)).toEqual({ kind: "shutdown", why: "triple fault" });
  });
});

describe("the host exit hook", () => {
  it("claims a fault before the IDT: run() stops at the faulting instruction", () => {
    const m = withHandler([0x31, 0xc9, 0xf7, 0xf1, 0xf4], 0, RECORD_EIP);
    const seen: ExitEvent[] = [];
    m.cpu.exitHook = (e) => {
      seen.push(e);
      return true;
    };
    expect(m.cpu.run(100)).toEqual({ kind: "exception", vector: 0 });
    expect(seen).toEqual([{ vector: 0, kind: "fault", eip: CODE + 2 }]);
    expect(m.cpu.eip).toBe(CODE + 2);
    expect(m.cpu.getReg32(4)).toBe(STACK_TOP); // nothing pushed
    expect(m.clock.instructions).toBe(1); // the faulting DIV did not retire
  });

  it("passes error codes and software interrupts; unclaimed events reach the IDT", () => {
    const m = withHandler([0xcd, 0x80, 0xb9, 0x1b, 0x00, 0x00, 0x00, 0x0f, 0x32, 0xf4], 13, RECORD_ERR_EIP);
    const seen: ExitEvent[] = [];
    m.cpu.exitHook = (e) => {
      seen.push(e);
      return e.vector === 0x80;
    };
    expect(m.cpu.run(100)).toEqual({ kind: "exception", vector: 0x80 });
    expect(m.cpu.eip).toBe(CODE + 2); // after the INT
    runToHalt(m.cpu);
    expect(seen).toEqual([
      { vector: 0x80, kind: "software", eip: CODE + 2 },
      { vector: 13, kind: "fault", eip: CODE + 7, errorCode: 0 },
    ]);
    expect(m.cpu.getReg32(3)).toBe(CODE + 7);
  });
});

describe("external interrupts", () => {
  function controller(vector: number) {
    const c = { pending: true, acks: 0 };
    return {
      state: c,
      impl: {
        hasPendingInterrupt: () => c.pending,
        acknowledge: () => {
          c.pending = false;
          c.acks++;
          return vector;
        },
      },
    };
  }

  it("are taken one instruction after STI (the STI shadow) and return with IRETD", () => {
    // sti; inc eax; inc eax; hlt   handler: mov ebx,eax; iretd
    const m = withHandler([0xfb, 0x40, 0x40, 0xf4], 0x20, [0x89, 0xc3, 0xcf]);
    const c = controller(0x20);
    m.bus.setInterruptController("test-pic", c.impl);
    m.bus.interruptRequestChanged(); // the controller tells the CPU its INTR may be high
    runToHalt(m.cpu);
    expect(c.state.acks).toBe(1);
    expect(m.cpu.getReg32(3)).toBe(1); // taken after the first INC
    expect(m.cpu.getReg32(0)).toBe(2);
  });

  it("are not taken while IF=0", () => {
    const m = withHandler([0x40, 0x40, 0xf4], 0x20, [0x89, 0xc3, 0xcf]);
    const c = controller(0x20);
    m.bus.setInterruptController("test-pic", c.impl);
    m.bus.interruptRequestChanged(); // the controller tells the CPU its INTR may be high
    runToHalt(m.cpu);
    expect(c.state.acks).toBe(0);
  });

  it("wake a halted CPU on the next run", () => {
    // sti; hlt; mov ecx,1; hlt   handler: mov ebx,0x55; iretd
    const m = withHandler([0xfb, 0xf4, 0xb9, 0x01, 0x00, 0x00, 0x00, 0xf4], 0x21, [0xbb, 0x55, 0x00, 0x00, 0x00, 0xcf]);
    const c = controller(0x21);
    c.state.pending = false;
    m.bus.setInterruptController("test-pic", c.impl);
    m.bus.interruptRequestChanged(); // the controller tells the CPU its INTR may be high
    runToHalt(m.cpu);
    expect(m.cpu.run(10)).toEqual({ kind: "halt" }); // still halted, nothing pending
    c.state.pending = true;
    m.bus.interruptRequestChanged();
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(3)).toBe(0x55);
    expect(m.cpu.getReg32(1)).toBe(1);
    expect(rd32(m, STACK_TOP - 12)).toBe(CODE + 2); // the pushed EIP: after the HLT
  });

  it("can be claimed by the exit hook", () => {
    const m = withHandler([0xfb, 0x90, 0x90, 0xf4], 0x20, [0xcf]);
    const c = controller(0x20);
    m.bus.setInterruptController("test-pic", c.impl);
    m.bus.interruptRequestChanged(); // the controller tells the CPU its INTR may be high
    m.cpu.exitHook = (e) => e.kind === "external";
    expect(m.cpu.run(100)).toEqual({ kind: "exception", vector: 0x20 });
    expect(m.cpu.eip).toBe(CODE + 2);
  });
});

describe("single-step (EFLAGS.TF)", () => {
  it("traps with #DB after each instruction once POPF has set TF, with DR6.BS set", () => {
    // pushfd; or dword [esp],0x100; popfd; inc eax; inc eax; hlt   handler: inc ecx; mov ebx,[esp]; iretd
    const m = withHandler(
      [0x9c, 0x81, 0x0c, 0x24, 0x00, 0x01, 0x00, 0x00, 0x9d, 0x40, 0x40, 0xf4],
      1,
      [0x41, 0x8b, 0x1c, 0x24, 0xcf],
    );
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(0)).toBe(2);
    expect(m.cpu.getReg32(1)).toBe(2); // one trap per INC; none for the POPF that set TF
    expect(m.cpu.getReg32(3)).toBe(CODE + 11); // the last trap's EIP: after the second INC
    expect(m.cpu.dr[6]! & 0x4000).toBe(0x4000);
  });

  it("an HLT reached while single-stepping halts once: the next run starts clean", () => {
    // pushfd; or dword [esp],0x100; popfd; hlt
    const m = withHandler([0x9c, 0x81, 0x0c, 0x24, 0x00, 0x01, 0x00, 0x00, 0x9d, 0xf4], 1, [0xcf]);
    runToHalt(m.cpu);
    const retired = m.clock.instructions;
    // Power on again with new code: it must run, not report the old HLT again.
    m.cpu.reset();
    m.ram.set([0x40, 0x40, 0xf4], CODE); // inc eax; inc eax; hlt
    m.cpu.setFlat32(CODE);
    m.cpu.setReg32(0, 0);
    runToHalt(m.cpu);
    expect(m.cpu.getReg32(0)).toBe(2);
    expect(m.clock.instructions - retired).toBe(3);
  });
});

/**
 * Interrupt recognition is an event (SDM vol.3 §6.8.3): a controller whose INTR output
 * rises tells the CPU (bus.interruptRequestChanged), and the interrupt is taken at the very
 * next instruction boundary — never a run-loop slice later.
 */
describe("an interrupt request raised by an instruction", () => {
  /** A controller at port 0x21 whose INTR rises on the `at`-th write to it. */
  function portController(m: TestMachine, vector: number, at = 1) {
    const c = { pending: false, writes: 0, acks: 0 };
    m.bus.setInterruptController("test-pic", {
      hasPendingInterrupt: () => c.pending,
      acknowledge: () => {
        c.pending = false;
        c.acks++;
        return vector;
      },
    });
    m.bus.ports.claim({
      owner: "test-pic",
      base: 0x21,
      count: 1,
      handlers: {
        write8: () => {
          if (++c.writes === at) {
            c.pending = true;
            m.bus.interruptRequestChanged();
          }
        },
      },
    });
    return c;
  }

  it("is taken right after the OUT that raised it, in the same slice", () => {
    // sti; nop; out 0x21,al; inc eax; inc eax; hlt    handler: records the pushed EIP
    const m = withHandler([0xfb, 0x90, 0xe6, 0x21, 0x40, 0x40, 0xf4], 0x20, RECORD_EIP);
    const c = portController(m, 0x20);
    expect(m.cpu.run(1 << 20)).toEqual({ kind: "halt" });
    expect(c.acks).toBe(1);
    expect(m.cpu.getReg32(3)).toBe(CODE + 4); // the INC after the OUT
    expect(m.cpu.getReg32(0)).toBe(0);
  });

  it("waits for IF: raised with IF=0, it is taken after the instruction following STI", () => {
    // out 0x21,al; inc eax; sti; inc eax; inc eax; hlt
    const m = withHandler([0xe6, 0x21, 0x40, 0xfb, 0x40, 0x40, 0xf4], 0x20, RECORD_EIP);
    const c = portController(m, 0x20);
    expect(m.cpu.run(1 << 20)).toEqual({ kind: "halt" });
    expect(c.acks).toBe(1);
    expect(m.cpu.getReg32(3)).toBe(CODE + 5); // after STI's shadow
    expect(m.cpu.getReg32(0)).toBe(2);
  });

  it("stops a REP OUTSB between iterations, which resumes after the handler", () => {
    // sti; nop; mov ecx,4; mov esi,0x1900; rep outsb (dx=0x21); hlt
    // handler: mov ebx,[esp]; mov ebp,ecx; iretd
    const m = withHandler(
      [0xfb, 0x90, 0xb9, 4, 0, 0, 0, 0xbe, 0x00, 0x19, 0, 0, 0x66, 0xba, 0x21, 0x00, 0xf3, 0x6e, 0xf4],
      0x20,
      [0x8b, 0x1c, 0x24, 0x89, 0xcd, 0xcf],
    );
    const c = portController(m, 0x20, 2);
    expect(m.cpu.run(1 << 20)).toEqual({ kind: "halt" });
    expect(c.acks).toBe(1);
    expect(m.cpu.getReg32(3)).toBe(CODE + 16); // the interrupted REP OUTSB itself
    expect(m.cpu.getReg32(5)).toBe(2); // two of four bytes were out
    expect(c.writes).toBe(4);
    expect(m.cpu.getReg32(1)).toBe(0);
  });
});
