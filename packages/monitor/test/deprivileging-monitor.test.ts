import { Cpu, type CpuModel, findCpuModel } from "@ringlab/cpu";
import { Bus, VirtualClock } from "@ringlab/sdk";
import { describe, expect, it } from "vitest";
import { createPolicy, type MonitorPolicy, MONITOR_IDT_BASE } from "../src/index.js";

const CODE = 0x2000;
const GDT = 0x1000;

/**
 * A CPU in the Multiboot entry state (CPL 0, flat CS 0x08 / DS 0x10, IF=0) with a GDT that
 * holds those two descriptors, `code` at 0x2000, and the policy attached.
 */
function machine(policy: string, code: number[], patch = true, model?: CpuModel, options?: Record<string, unknown>) {
  const bus = new Bus({ ramSize: 1 << 20 });
  bus.memory.mapRam("ram", 0, 1 << 20);
  const clock = new VirtualClock();
  const cpu = new Cpu(bus, clock, model);
  const ram = bus.memory.ram8;
  // null, 0x08 flat 32-bit code DPL 0, 0x10 flat data DPL 0
  ram.set([0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0x9a, 0xcf, 0, 0xff, 0xff, 0, 0, 0, 0x92, 0xcf, 0], GDT);
  ram.set(code, CODE);
  cpu.setFlat32(CODE);
  cpu.gdtrBase = GDT;
  cpu.gdtrLimit = 0x17;
  cpu.idtrBase = 0x3000;
  cpu.idtrLimit = 0xff;
  cpu.setReg32(4, 0x8000);
  const p: MonitorPolicy = createPolicy(policy, cpu, { patch, ...(options ? { options } : {}) });
  return { cpu, clock, p };
}

// mov eax,cs / mov ecx,ss / pushfd / pop ebx / sidt [0x500] / hlt
const PROBE = [0x8c, 0xc8, 0x8c, 0xd1, 0x9c, 0x5b, 0x0f, 0x01, 0x0d, 0x00, 0x05, 0x00, 0x00, 0xf4];

describe("deprivileging policies", () => {
  for (const policy of ["pure", "scan-patch", "pvi"] as const) {
    it(`${policy}: the guest kernel sees ring 0, its own IF and IDT, and halts`, () => {
      const { cpu, clock, p } = machine(policy, PROBE);
      expect(p.run(100)).toEqual({ kind: "halt" });
      expect(cpu.getReg32(0)).toBe(0x08); // CS.RPL = 0
      expect(cpu.getReg32(1)).toBe(0x10);
      expect(cpu.getReg32(3) & 0x3200).toBe(0); // IF = 0, IOPL = 0
      const ram = cpu.bus.memory.ram8;
      expect(ram[0x500]! | (ram[0x501]! << 8)).toBe(0xff);
      expect(ram[0x502]! | (ram[0x503]! << 8) | (ram[0x504]! << 16) | (ram[0x505]! << 24)).toBe(0x3000);
      expect(clock.instructions).toBe(6);
      expect(p.interruptsEnabled()).toBe(false);
    });
  }

  it("scan-patch: the sensitive instructions and HLT exit, and are counted", () => {
    const { p } = machine("scan-patch", PROBE);
    p.run(100);
    const rows = Object.fromEntries(p.stats.rows().map((r) => [`${r.reason} ${r.instruction}`, r.count]));
    expect(rows).toEqual({
      "sensitive-instruction mov r/m,sreg": 2,
      "sensitive-instruction pushf": 1,
      "sensitive-instruction sidt": 1,
      "privileged-instruction hlt": 1,
    });
    expect(p.counters()).toMatchObject({ direct: 1, emulated: 5, patched: 4 });
  });

  it("without patches, ring compression shows through (what the patches hide)", () => {
    const { cpu, p } = machine("scan-patch", PROBE, false);
    p.run(100);
    expect(cpu.getReg32(0)).toBe(0x09); // CS.RPL = 1: the guest sees ring 1
    expect(cpu.getReg32(3) & 0x200).toBe(0x200); // the monitor's IF = 1
    const ram = cpu.bus.memory.ram8;
    expect((ram[0x502]! | (ram[0x503]! << 8) | (ram[0x504]! << 16) | (ram[0x505]! << 24)) >>> 0).toBe(MONITOR_IDT_BASE);
  });

  it("scan-patch with ring=3 (the 0/3/3 model): the guest still sees ring 0; unpatched, it sees ring 3", () => {
    const { cpu, clock, p } = machine("scan-patch", PROBE, true, undefined, { ring: 3 });
    expect(p.run(100)).toEqual({ kind: "halt" });
    expect(cpu.getReg32(0)).toBe(0x08);
    expect(clock.instructions).toBe(6);
    expect(p.description).toContain("ring 3");
    const leaky = machine("scan-patch", PROBE, false, undefined, { ring: 3 });
    leaky.p.run(100);
    expect(leaky.cpu.getReg32(0)).toBe(0x0b); // CS.RPL = 3
  });

  // cli / sti / nop / cli / sti / hlt
  const CLI_STI = [0xfa, 0xfb, 0x90, 0xfa, 0xfb, 0x90, 0xfa, 0xf4];
  it("scan-patch: CLI and STI exit; pvi: they only change VIF", () => {
    const sp = machine("scan-patch", CLI_STI);
    sp.p.run(100);
    expect(sp.p.stats.byReason()["privileged-instruction"]).toBe(6); // 3 cli, 2 sti, hlt
    const pvi = machine("pvi", CLI_STI);
    pvi.p.run(100);
    expect(pvi.p.stats.byReason()["privileged-instruction"]).toBe(1); // hlt only
    expect(pvi.clock.instructions).toBe(sp.clock.instructions);
    expect(pvi.p.interruptsEnabled()).toBe(false);
  });

  it("an interrupt requested while the guest's IF=0 stays pending and is taken where pure takes it", () => {
    // cli / mov ecx,5 / l: dec ecx / jnz l / sti / nop / nop / hlt
    const code = [0xfa, 0xb9, 5, 0, 0, 0, 0x49, 0x75, 0xfd, 0xfb, 0x90, 0x90, 0xf4];
    // handler at 0x2100: mov ebx,[esp] / mov esi,[esp+4] / mov edx,[esp+8] / hlt
    const handler = [0x8b, 0x1c, 0x24, 0x8b, 0x74, 0x24, 0x04, 0x8b, 0x54, 0x24, 0x08, 0xf4];
    const results = (["pure", "scan-patch", "pvi"] as const).map((policy) => {
      const m = machine(policy, code);
      const ram = m.cpu.bus.memory.ram8;
      ram.set(handler, 0x2100);
      ram.set([0x00, 0x21, 0x08, 0x00, 0x00, 0x8e, 0x00, 0x00], 0x3000 + 0x20 * 8); // interrupt gate, DPL 0
      m.cpu.idtrLimit = 0x1ff;
      let acks = 0;
      m.cpu.bus.setInterruptController("test", {
        hasPendingInterrupt: () => acks === 0,
        acknowledge: () => (acks++, 0x20),
      });
      expect(m.p.run(1000)).toEqual({ kind: "halt" });
      const exits = Object.fromEntries(m.p.stats.rows().map((r) => [`${r.reason} ${r.instruction}`, r.count]));
      return { eip: m.cpu.getReg32(3), cs: m.cpu.getReg32(6), eflags: m.cpu.getReg32(2), n: m.clock.instructions, acks, exits };
    });
    // After STI's one-instruction shadow: the pushed EIP is the second NOP's. The
    // controller is acknowledged once, when the guest can take the interrupt.
    expect(results[0]).toMatchObject({ eip: 0x200b, cs: 0x08, acks: 1 });
    expect(results[0]!.eflags & 0x3200).toBe(0x200);
    for (const r of results.slice(1)) {
      expect({ ...r, exits: undefined }).toEqual({ ...results[0], exits: undefined });
      expect(r.exits["external-interrupt left pending (guest IF=0)"]).toBe(1);
      expect(r.exits["external-interrupt vector 0x20"]).toBe(1);
    }
  });

  /**
   * A request the guest raises itself with an OUT (an unmask, an EOI) is taken at the next
   * boundary the guest allows under every policy: with IF=1 right after the OUT, with IF=0
   * after STI and the one instruction of its shadow. Under pvi the guest's STI changes only
   * VIF, so the monitor must have seen the request when the OUT raised it.
   */
  for (const [name, code, eip] of [
    // sti / nop / out 0x21,al / nop / nop / hlt: taken after the OUT
    ["IF=1: right after the OUT", [0xfb, 0x90, 0xe6, 0x21, 0x90, 0x90, 0xf4], 0x2004],
    // cli / out 0x21,al / nop / sti / nop / nop / hlt: taken after STI's shadow
    ["IF=0: after STI and one instruction", [0xfa, 0xe6, 0x21, 0x90, 0xfb, 0x90, 0x90, 0xf4], 0x2006],
  ] as const) {
    it(`an interrupt the guest raises with an OUT, ${name}, lands at the same instruction under every policy`, () => {
      const handler = [0x8b, 0x1c, 0x24, 0xf4]; // mov ebx,[esp] / hlt
      const results = (["pure", "scan-patch", "pvi"] as const).map((policy) => {
        const m = machine(policy, [...code]);
        const ram = m.cpu.bus.memory.ram8;
        ram.set(handler, 0x2100);
        ram.set([0x00, 0x21, 0x08, 0x00, 0x00, 0x8e, 0x00, 0x00], 0x3000 + 0x20 * 8);
        m.cpu.idtrLimit = 0x1ff;
        let pending = false;
        const bus = m.cpu.bus;
        bus.setInterruptController("test", {
          hasPendingInterrupt: () => pending,
          acknowledge: () => ((pending = false), 0x20),
        });
        bus.ports.claim({
          owner: "test",
          base: 0x21,
          count: 1,
          handlers: { write8: () => ((pending = true), bus.interruptRequestChanged()) },
        });
        expect(m.p.run(1 << 20), policy).toEqual({ kind: "halt" });
        return { policy, eip: m.cpu.getReg32(3), n: m.clock.instructions };
      });
      for (const r of results) expect({ ...r, policy: "" }, r.policy).toEqual({ policy: "", eip, n: results[0]!.n });
    });
  }

  it("a request arriving right after the guest's STI waits for the STI shadow under every policy", () => {
    // cli / nop / sti / nop / nop / hlt; the request comes at the boundary after STI (as a
    // timer firing there would), so the guest must see it after the first NOP, as under
    // pure — under pvi the guest's STI only set VIF, which has no shadow of its own.
    const code = [0xfa, 0x90, 0xfb, 0x90, 0x90, 0xf4];
    const results = (["pure", "scan-patch", "pvi"] as const).map((policy) => {
      const m = machine(policy, code);
      const ram = m.cpu.bus.memory.ram8;
      ram.set([0x8b, 0x1c, 0x24, 0xf4], 0x2100); // mov ebx,[esp] / hlt
      ram.set([0x00, 0x21, 0x08, 0x00, 0x00, 0x8e, 0x00, 0x00], 0x3000 + 0x20 * 8);
      m.cpu.idtrLimit = 0x1ff;
      let pending = false;
      m.cpu.bus.setInterruptController("test", {
        hasPendingInterrupt: () => pending,
        acknowledge: () => ((pending = false), 0x20),
      });
      expect(m.p.run(3), policy).toEqual({ kind: "budget" });
      expect(m.clock.instructions, policy).toBe(3);
      pending = true;
      m.cpu.bus.interruptRequestChanged();
      expect(m.p.run(100), policy).toEqual({ kind: "halt" });
      return { policy, eip: m.cpu.getReg32(3), n: m.clock.instructions };
    });
    for (const r of results) expect({ ...r, policy: "" }, r.policy).toEqual({ policy: "", eip: 0x2004, n: results[0]!.n });
  });

  it("single-stepping (EFLAGS.TF) traps after every instruction, exiting ones included", () => {
    // pushfd / or dword [esp],0x100 / popfd / nop / cli / sidt [0x500] / pushfd /
    // and dword [esp],~0x100 / popfd / hlt
    const code = [0x9c, 0x81, 0x0c, 0x24, 0, 1, 0, 0, 0x9d, 0x90, 0xfa, 0x0f, 0x01, 0x0d, 0, 5, 0, 0, 0x9c, 0x81, 0x24, 0x24, 0xff, 0xfe, 0xff, 0xff, 0x9d, 0xf4];
    const results = (["pure", "scan-patch", "pvi"] as const).map((policy) => {
      const m = machine(policy, code);
      const ram = m.cpu.bus.memory.ram8;
      ram.set([0x46, 0xcf], 0x2100); // #DB handler: inc esi / iretd
      ram.set([0x00, 0x21, 0x08, 0x00, 0x00, 0x8e, 0x00, 0x00], 0x3000 + 1 * 8);
      expect(m.p.run(1000)).toEqual({ kind: "halt" });
      return { traps: m.cpu.getReg32(6), n: m.clock.instructions };
    });
    // One #DB after each of nop, cli, sidt, pushfd, and, popfd (TF was set when each began).
    expect(results[0]).toEqual({ traps: 6, n: 10 + 6 * 2 });
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });

  it("code the guest writes over a patched instruction is scanned again (self-modifying code)", () => {
    // x: pushfd / pop eax / mov byte [x],0xF4 (hlt) / jmp x
    const code = [0x9c, 0x58, 0xc6, 0x05, 0x00, 0x20, 0x00, 0x00, 0xf4, 0xe9, 0xf2, 0xff, 0xff, 0xff];
    for (const policy of ["pure", "scan-patch", "pvi"] as const) {
      const m = machine(policy, code);
      expect(m.p.run(100), policy).toEqual({ kind: "halt" });
      expect(m.cpu.eip, policy).toBe(0x2001);
      expect(m.clock.instructions, policy).toBe(5);
      expect(m.cpu.getReg32(4), policy).toBe(0x8000);
      if (policy !== "pure") expect(m.p.stats.byReason()["code-page-write"], policy).toBe(1);
    }
  });

  it("LSS of a ring-1 stack faults for the guest kernel under every policy (ring compression)", () => {
    // lss esp,[0x600] / hlt ; [0x600] = 0x9000:0x19 (RPL 1, a DPL-1 stack at GDT 0x18)
    const code = [0x0f, 0xb2, 0x25, 0x00, 0x06, 0x00, 0x00, 0xf4];
    const results = (["pure", "scan-patch", "pvi"] as const).map((policy) => {
      const m = machine(policy, code);
      const ram = m.cpu.bus.memory.ram8;
      ram.set([0xff, 0xff, 0, 0, 0, 0xb2, 0xcf, 0], GDT + 0x18); // data RW, DPL 1
      m.cpu.gdtrLimit = 0x1f;
      ram.set([0x00, 0x90, 0x00, 0x00, 0x19, 0x00], 0x600);
      ram.set([0x5b, 0xf4], 0x2100); // #GP handler: pop ebx (the error code) / hlt
      ram.set([0x00, 0x21, 0x08, 0x00, 0x00, 0x8e, 0x00, 0x00], 0x3000 + 13 * 8);
      expect(m.p.run(100), policy).toEqual({ kind: "halt" });
      return { error: m.cpu.getReg32(3), esp: m.cpu.getReg32(4), eip: m.cpu.eip, n: m.clock.instructions };
    });
    expect(results[0]).toMatchObject({ error: 0x18, eip: 0x2102 });
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });

  it("guest ring 1 with IOPL 0: CLI faults under every policy (pvi uses PVI only where CLI is allowed)", () => {
    // ring 0: mov ax,0x30 / ltr ax / iretd to ring 1 (0x21:0x2100, stack 0x29:0x7000, IF=0 IOPL=0)
    const code = [0x66, 0xb8, 0x30, 0x00, 0x0f, 0x00, 0xd8, 0x6a, 0x29, 0x68, 0x00, 0x70, 0x00, 0x00, 0x6a, 0x02, 0x6a, 0x21, 0x68, 0x00, 0x21, 0x00, 0x00, 0xcf];
    const results = (["pure", "scan-patch", "pvi"] as const).map((policy) => {
      const m = machine(policy, code);
      const ram = m.cpu.bus.memory.ram8;
      ram.set([0xff, 0xff, 0, 0, 0, 0xba, 0xcf, 0], GDT + 0x20); // ring-1 code
      ram.set([0xff, 0xff, 0, 0, 0, 0xb2, 0xcf, 0], GDT + 0x28); // ring-1 data/stack
      ram.set([0x67, 0, 0x00, 0x40, 0, 0x89, 0, 0], GDT + 0x30); // TSS at 0x4000
      m.cpu.gdtrLimit = 0x37;
      ram.set([0x00, 0x88, 0, 0, 0x10, 0, 0, 0], 0x4004); // ESP0 = 0x8800, SS0 = 0x10
      ram.set([0xfa, 0xb9, 0x34, 0x12, 0x00, 0x00, 0xf4], 0x2100); // ring 1: cli / mov ecx,0x1234 / hlt
      ram.set([0x5b, 0x5e, 0xf4], 0x2200); // #GP handler: pop ebx / pop esi / hlt
      ram.set([0x00, 0x22, 0x08, 0x00, 0x00, 0x8e, 0x00, 0x00], 0x3000 + 13 * 8);
      expect(m.p.run(100), policy).toEqual({ kind: "halt" });
      return { error: m.cpu.getReg32(3), faultEip: m.cpu.getReg32(6), ecx: m.cpu.getReg32(1), cpl: m.cpu.cpl, n: m.clock.instructions };
    });
    expect(results[0]).toEqual({ error: 0, faultEip: 0x2100, ecx: 0, cpl: 0, n: 11 });
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });

  it("a run stops at the budget at the same instruction under every policy", () => {
    // loop: inc eax / pushfd / popfd / cli / jmp loop
    const loop = [0x40, 0x9c, 0x9d, 0xfa, 0xeb, 0xf9];
    const counts = (["pure", "scan-patch", "pvi"] as const).map((policy) => {
      const m = machine(policy, loop);
      for (let k = 0; k < 10; k++) expect(m.p.run(37)).toEqual({ kind: "budget" });
      return [m.clock.instructions, m.cpu.getReg32(0), m.cpu.eip];
    });
    expect(counts[1]).toEqual(counts[0]);
    expect(counts[2]).toEqual(counts[0]);
    expect(counts[0]![0]).toBe(370);
  });

  describe("SYSENTER/SYSEXIT (Pentium II model): the guest sees the same under every policy", () => {
    const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];
    const wrmsr = (index: number, value: number) => [0xb9, ...le32(index), 0xb8, ...le32(value), 0x31, 0xd2, 0x0f, 0x30];
    const ENTRY = 0x2400;
    const USER = 0x2800;
    // ring 0: SYSENTER_CS = 0x08, ESP = 0x8800, EIP = ENTRY; sti; mov edx,USER; mov ecx,0x7000; sysexit
    const kernel = [
      ...wrmsr(0x174, 0x08), ...wrmsr(0x175, 0x8800), ...wrmsr(0x176, ENTRY),
      0xfb, 0xba, ...le32(USER), 0xb9, ...le32(0x7000), 0x0f, 0x35,
    ];
    // ring 3: mov edi,cs; pushfd; pop dword [0x600]; sysenter
    const user = [0x8c, 0xcf, 0x9c, 0x8f, 0x05, 0x00, 0x06, 0x00, 0x00, 0x0f, 0x34];
    // entry: mov ebx,cs; mov esi,ss; pushfd; pop ebp; mov ecx,0x174; rdmsr; hlt
    const entry = [0x8c, 0xcb, 0x8c, 0xd6, 0x9c, 0x5d, 0xb9, ...le32(0x174), 0x0f, 0x32, 0xf4];
    const P2 = findCpuModel("pentium2")!;

    function run(policy: string, patch = true) {
      const m = machine(policy, kernel, patch, P2);
      const ram = m.cpu.bus.memory.ram8;
      ram.set([0xff, 0xff, 0, 0, 0, 0xfa, 0xcf, 0, 0xff, 0xff, 0, 0, 0, 0xf2, 0xcf, 0], GDT + 0x18); // ring-3 code, data
      m.cpu.gdtrLimit = 0x27;
      ram.set(user, USER);
      ram.set(entry, ENTRY);
      expect(m.p.run(200), policy).toEqual({ kind: "halt" });
      const r = (k: number) => m.cpu.getReg32(k);
      return {
        guest: { userCs: r(7), userFlags: (ram[0x600]! | (ram[0x601]! << 8)) & 0x3200, cs: r(3), ss: r(6), flags: r(5) & 0x3200, msr: r(0), esp: r(4), cpl: m.cpu.cpl, n: m.clock.instructions },
        stats: Object.fromEntries(m.p.stats.rows().map((row) => [`${row.reason} ${row.instruction}`, row.count])),
      };
    }

    it("ring 3 after SYSEXIT (CS 0x1B, IF kept), ring 0 after SYSENTER (CS 0x08, SS 0x10, IF 0, SYSENTER_ESP)", () => {
      const pure = run("pure").guest;
      expect(pure).toEqual({ userCs: 0x1b, userFlags: 0x200, cs: 0x08, ss: 0x10, flags: 0, msr: 0x08, esp: 0x8800, cpl: 0, n: 27 });
      expect(run("scan-patch").guest).toEqual(pure);
      expect(run("pvi").guest).toEqual(pure);
    });

    it("SYSENTER exits through the monitor's null SYSENTER_CS, SYSEXIT as a privileged instruction", () => {
      for (const policy of ["scan-patch", "pvi"] as const) {
        const { stats } = run(policy);
        expect(stats["sensitive-instruction sysenter"], policy).toBe(1);
        expect(stats["privileged-instruction sysexit"], policy).toBe(1);
      }
    });

    it("without patches SYSENTER still cannot reach the CPU's ring 0 (it is not a patch that stops it)", () => {
      const { guest, stats } = run("scan-patch", false);
      expect(stats["sensitive-instruction sysenter"]).toBe(1);
      // The unpatched MOV from CS shows the compressed ring, as everywhere without patches;
      // SYSENTER itself went to the guest's ring 0, which runs in ring 1.
      expect(guest.cs).toBe(0x09);
      expect(guest.msr).toBe(0x08);
    });
  });

  describe("FXSAVE (Pentium II model): the guest's own FCS and CR4.OSFXSR under every policy", () => {
    // mov eax,0x200; mov cr4,eax; mov ebx,cr4; fninit; fld1; fxsave [0x4000]; hlt
    const code = [0xb8, 0x00, 0x02, 0, 0, 0x0f, 0x22, 0xe0, 0x0f, 0x20, 0xe3, 0xdb, 0xe3, 0xd9, 0xe8, 0x0f, 0xae, 0x05, 0x00, 0x40, 0, 0, 0xf4];
    const P2 = findCpuModel("pentium2")!;
    function run(policy: string, patch = true) {
      const m = machine(policy, code, patch, P2);
      const ram = m.cpu.bus.memory.ram8;
      expect(m.p.run(100), policy).toEqual({ kind: "halt" });
      const stats = Object.fromEntries(m.p.stats.rows().map((row) => [`${row.reason} ${row.instruction}`, row.count]));
      return { cr4: m.cpu.getReg32(3), fcs: ram[0x400c]! | (ram[0x400d]! << 8), fip: (ram[0x4008]! | (ram[0x4009]! << 8)) >>> 0, ftw: ram[0x4004], stats };
    }

    it("stores FCS 0x08 and sees CR4 = 0x200 under pure, scan-patch and pvi; FXSAVE exits as a sensitive instruction", () => {
      const pure = run("pure");
      expect({ cr4: pure.cr4, fcs: pure.fcs, fip: pure.fip, ftw: pure.ftw }).toEqual({ cr4: 0x200, fcs: 0x08, fip: CODE + 13, ftw: 0x80 });
      for (const policy of ["scan-patch", "pvi"]) {
        const r = run(policy);
        expect({ cr4: r.cr4, fcs: r.fcs, fip: r.fip, ftw: r.ftw }, policy).toEqual({ cr4: 0x200, fcs: 0x08, fip: CODE + 13, ftw: 0x80 });
        expect(r.stats["sensitive-instruction fxsave"], policy).toBe(1);
      }
    });

    it("unpatched, the compressed ring's RPL would show in the stored FCS", () => {
      expect(run("scan-patch", false).fcs).toBe(0x09);
    });
  });
});
