import "reflect-metadata";
import { GdbSession, latin1, latin1Text, encodePacket } from "@ringlab/gdb-stub";
import { describe, expect, it } from "vitest";
import { MachineDebugTarget, bootKernel, builtinRegistry, createMachine, planRaw, type RunOutcome } from "../src/index.js";

const BASE = 0x100000;

/** A machine running `code` (raw, at 1 MiB) under `policy`, held by a debug target. */
function held(code: number[], policy: "pure" | "scan-patch" | "pvi" = "pure") {
  const m = createMachine({ monitor: { policy } }, builtinRegistry());
  m.reset();
  bootKernel(m, m.cpu, planRaw("t.bin", Uint8Array.from(code), BASE));
  const t = new MachineDebugTarget(m, { schedule: (fn) => setImmediate(fn) });
  t.attach();
  return { m, t };
}

const OUT_F4_AL = [0xe6, 0xf4]; // out 0xF4, al: the run ends with status AL
const INC_EAX = 0x40;

describe("MachineDebugTarget", () => {
  it("stops at a breakpoint by EIP, steps one instruction, and reports the guest's end", async () => {
    const { m, t } = held([0x31, 0xc0, INC_EAX, INC_EAX, INC_EAX, ...OUT_F4_AL]); // xor eax,eax; inc x3
    expect(t.insertPoint("sw-break", BASE + 4, 1)).toBe(true);
    expect(await t.resume()).toEqual({ kind: "signal", signal: 5 });
    expect(m.cpu.eip).toBe(BASE + 4);
    expect(t.readRegister(0)).toBe(2n);
    expect(m.clock.instructions).toBe(3);
    // Resuming at the breakpoint runs its instruction (gdb steps off it itself).
    expect(await t.step()).toEqual({ kind: "signal", signal: 5 });
    expect(t.readRegister(0)).toBe(3n);
    expect(await t.resume()).toEqual({ kind: "exited", status: 3, why: "exit" });
    expect(await t.finished).toMatchObject({ kind: "exit", status: 3 });
  });

  it("virtual time stands still while held, and a held run is the same as a free one", async () => {
    const code = [0xb9, 0x10, 0x00, 0x00, 0x00, INC_EAX, 0xe2, 0xfd, ...OUT_F4_AL]; // mov ecx,16; l: inc eax; loop l
    const a = held(code);
    await new Promise((d) => setTimeout(d, 20));
    expect(a.m.clock.instructions).toBe(0);
    for (let i = 0; i < 5; i++) await a.t.step();
    expect(a.m.clock.instructions).toBe(5);
    await a.t.resume();
    const b = held(code);
    b.t.runFree();
    const [oa, ob] = await Promise.all([a.t.finished, b.t.finished]);
    expect(oa).toEqual(ob);
    expect(a.m.clock.ticks).toBe(b.m.clock.ticks);
  });

  it("stops after an instruction that changed a write watchpoint's bytes, with the address", async () => {
    // inc dword [0x200000] twice
    const { t } = held([0xff, 0x05, 0x00, 0x00, 0x20, 0x00, 0xff, 0x05, 0x00, 0x00, 0x20, 0x00, ...OUT_F4_AL]);
    expect(t.insertPoint("watch", 0x200000, 4)).toBe(true);
    expect(t.insertPoint("rwatch", 0x200000, 4)).toBe(false);
    expect(await t.resume()).toEqual({ kind: "signal", signal: 5, watch: { kind: "watch", address: 0x200000 } });
    expect([...t.readMemory(0x200000, 4)]).toEqual([1, 0, 0, 0]);
    expect(t.readRegister(8)).toBe(BigInt(BASE + 6));
    expect(t.removePoint("watch", 0x200000, 4)).toBe(true);
    expect(await t.resume()).toMatchObject({ kind: "exited" });
  });

  it("reads memory through the guest's page tables without setting accessed bits or filling the TLB", () => {
    const { m, t } = held([0x90]);
    const mem = m.bus.memory;
    // A page directory at 0x300000 whose entry 0 points to a table at 0x301000 mapping
    // linear page 0x00400 (0x400000) to physical 0x200000; nothing else is mapped.
    mem.write(0x300000 + (0x400000 >>> 22) * 4, 4, 0x301000 | 0x3);
    mem.write(0x301000 + ((0x400000 >>> 12) & 0x3ff) * 4, 4, 0x200000 | 0x3);
    mem.writeBytes(0x200000, latin1("paged!"));
    m.cpu.cr3 = 0x300000;
    m.cpu.cr0 |= 0x80000000;
    const tlbBefore = m.cpu.pager?.tlb.size ?? 0;
    expect(latin1Text(t.readMemory(0x400000, 6))).toBe("paged!");
    expect(t.readMemory(0x400ffe, 4).length).toBe(2); // stops at the unmapped next page
    expect(t.readMemory(0x800000, 4).length).toBe(0);
    expect(mem.read(0x300004, 4) & 0x20).toBe(0); // PDE accessed bit untouched
    expect(mem.read(0x301000, 4) & 0x20).toBe(0); // PTE accessed bit untouched
    expect(m.cpu.pager?.tlb.size ?? 0).toBe(tlbBefore);
    expect(t.writeMemory(0x400000, latin1("P"))).toBe(true);
    expect(mem.read(0x200000, 1)).toBe(0x50);
    expect(t.writeMemory(0x400fff, latin1("xy"))).toBe(false); // half unmapped: nothing written
    expect(mem.read(0x200fff, 1)).toBe(0);
  });

  it("lists the CPU's cached translations (monitor tlb) once the guest ran with paging", async () => {
    // mov eax, [0x400000]; then the exit. Code page 0x100000 identity-mapped, 0x400000 -> 0x200000.
    const { m, t } = held([0xa1, 0x00, 0x00, 0x40, 0x00, ...OUT_F4_AL]);
    const mem = m.bus.memory;
    mem.write(0x300000, 4, 0x301000 | 0x3); // PDE 0: linear 0-4 MiB
    mem.write(0x300004, 4, 0x302000 | 0x3); // PDE 1: linear 4-8 MiB
    mem.write(0x301000 + 0x100 * 4, 4, 0x100000 | 0x3);
    mem.write(0x302000, 4, 0x200000 | 0x3);
    m.cpu.cr3 = 0x300000;
    m.cpu.writeCr0(m.cpu.cr0 | 0x80000000);
    expect(t.monitorCommand("tlb")).toBe("the TLB is empty\n");
    await t.step();
    const out = t.monitorCommand("tlb")!;
    expect(out).toMatch(/^2 translations\n/);
    expect(out).toMatch(/^ {2}00100000 -> 00100000 SW/m);
    expect(out).toMatch(/^ {2}00400000 -> 00200000 SW/m);
  });

  it("never reads MMIO (a read could change a device) nor writes ROM", () => {
    const { m, t } = held([0x90]);
    const mmio = m.bus.memory.regions().find((r) => r.kind === "mmio");
    if (mmio) expect(t.readMemory(mmio.base, 4).length).toBe(0);
    const before = m.bus.memory.stats().romWrites;
    const rom = m.bus.memory.regions().find((r) => r.kind === "rom");
    if (rom) expect(t.writeMemory(rom.base, Uint8Array.of(1))).toBe(false);
    expect(m.bus.memory.stats().romWrites).toBe(before);
  });

  it("shows the guest's CS RPL and IF under scan-patch and pvi, not the deprivileged CPU's", async () => {
    for (const policy of ["pure", "scan-patch", "pvi"] as const) {
      // mov esp, 0x90000; cli; pushfd (sensitive: patched or trapped); pop eax
      const { t } = held([0xbc, 0x00, 0x00, 0x09, 0x00, 0xfa, 0x9c, 0x58, 0x90, ...OUT_F4_AL], policy);
      for (let i = 0; i < 4; i++) await t.step();
      expect([policy, t.readRegister(10), t.readRegister(9) & 0x3200n, t.readRegister(0) & 0x3200n]).toEqual([policy, 0x8n, 0n, 0n]);
    }
  });

  it("serves a session: g over a real machine, and the monitor commands", async () => {
    const { t } = held([0x90, ...OUT_F4_AL]);
    let out = "";
    const s = new GdbSession(t, { write: (b) => (out += latin1Text(b)), close: () => {} });
    s.receive(encodePacket("qRcmd," + Buffer.from("policy").toString("hex")));
    expect(Buffer.from(/\$([0-9a-f]+)#/.exec(out)![1]!, "hex").toString()).toMatch(/^pure: /);
    out = "";
    s.receive(encodePacket("p8"));
    expect(out).toBe("+" + latin1Text(encodePacket("00001000")));
    expect(t.monitorCommand("time")).toBe("0 instructions, 0.000 ms of virtual time\n");
    expect(t.monitorCommand("segments")).toMatch(/^cs {3}0008 base=00000000 limit=ffffffff/m);
    expect(t.monitorCommand("events x")).toBe("events: expected a count such as 10, got 'x'\n");
    t.kill();
    expect(await t.finished).toEqual({ kind: "stopped", reason: "gdb killed the run" } satisfies RunOutcome);
  });
});
