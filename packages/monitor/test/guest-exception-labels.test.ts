import { Cpu } from "@ringlab/cpu";
import { Bus, VirtualClock } from "@ringlab/sdk";
import { describe, expect, it } from "vitest";
import { createPolicy } from "../src/index.js";

/**
 * `guest-exception` rows of the exit statistics name the exception the guest received, not
 * the vector that brought the monitor in (issue 16 item 7: a DIV by zero under pvi was
 * counted as `#PF div`, the #PF being the deprivileged CPU's, the guest's exception a #DE).
 * A deprivileged instruction may fault for a reason the guest's own view does not have:
 * LIDT raises #GP(0) outside ring 0 before it reads its operand (SDM vol.2 "LGDT/LIDT"),
 * and a data-segment load checks the DPL before the present bit (SDM vol.2 "MOV",
 * protected-mode operation), so the guest gets #PF / #NP where the monitor saw #GP.
 */
const CODE = 0x2000;
const GDT = 0x1000;
const IDT = 0x3000;
const PAGE_DIRECTORY = 0x10000;
const PAGE_TABLE = 0x11000;
/** A page the guest's page tables leave not present. */
const ABSENT = 0x5000;
/** Each handler writes its vector to EDI and halts: the guest's own record of what it got. */
const HANDLER = 0x2800;
const VECTORS = { DE: 0, NP: 11, GP: 13, PF: 14 } as const;

const le32 = (v: number) => [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24];

// mov eax,PAGE_DIRECTORY / mov cr3,eax / mov eax,cr0 / or eax,0x80000000 / mov cr0,eax
const ENABLE_PAGING = [0xb8, ...le32(PAGE_DIRECTORY), 0x0f, 0x22, 0xd8, 0x0f, 0x20, 0xc0, 0x0d, 0, 0, 0, 0x80, 0x0f, 0x22, 0xc0];

function guest(policy: string, code: number[]) {
  const bus = new Bus({ ramSize: 1 << 20 });
  bus.memory.mapRam("ram", 0, 1 << 20);
  const clock = new VirtualClock();
  const cpu = new Cpu(bus, clock);
  const ram = bus.memory.ram8;
  const v = new DataView(ram.buffer, ram.byteOffset, ram.byteLength);
  ram.set(
    [
      ...[0, 0, 0, 0, 0, 0, 0, 0],
      ...[0xff, 0xff, 0, 0, 0, 0x9a, 0xcf, 0], // 0x08 flat code, DPL 0
      ...[0xff, 0xff, 0, 0, 0, 0x92, 0xcf, 0], // 0x10 flat data, DPL 0
      ...[0xff, 0xff, 0, 0, 0, 0x12, 0xcf, 0], // 0x18 flat data, DPL 0, not present
    ],
    GDT,
  );
  for (const [i, vector] of Object.values(VECTORS).entries()) {
    const at = HANDLER + i * 0x10;
    ram.set([0xbf, ...le32(vector), 0xf4], at); // mov edi,vector / hlt
    ram.set([at & 0xff, (at >>> 8) & 0xff, 0x08, 0x00, 0x00, 0x8e, 0x00, 0x00], IDT + vector * 8);
  }
  // Page tables: the first 4 MiB identity-mapped, supervisor read/write, but for ABSENT.
  v.setUint32(PAGE_DIRECTORY, PAGE_TABLE | 3, true);
  for (let i = 0; i < 1024; i++) v.setUint32(PAGE_TABLE + i * 4, i === ABSENT >>> 12 ? 0 : (i << 12) | 3, true);
  ram.set(code, CODE);
  cpu.setFlat32(CODE);
  cpu.gdtrBase = GDT;
  cpu.gdtrLimit = 0x1f;
  cpu.idtrBase = IDT;
  cpu.idtrLimit = 0xff;
  cpu.setReg32(4, 0x8000);
  cpu.setReg32(7, 0xffffffff);
  const p = createPolicy(policy, cpu, { patch: true });
  const stop = p.run(1000);
  const rows = p.stats.rows().filter((r) => r.reason === "guest-exception").map((r) => r.instruction);
  return { stop, received: cpu.getReg32(7), rows };
}

const CASES: { name: string; code: number[]; vector: number; row: string }[] = [
  {
    name: "a DIV by zero with paging on: #DE",
    // xor edx,edx / xor eax,eax / xor ecx,ecx / div ecx
    code: [...ENABLE_PAGING, 0x31, 0xd2, 0x31, 0xc0, 0x31, 0xc9, 0xf7, 0xf1],
    vector: VECTORS.DE,
    row: "#DE div",
  },
  {
    name: "a DIV by zero whose divisor is in memory, paging on: #DE",
    // xor edx,edx / xor eax,eax / div dword [0x6000] (0)
    code: [...ENABLE_PAGING, 0x31, 0xd2, 0x31, 0xc0, 0xf7, 0x35, ...le32(0x6000)],
    vector: VECTORS.DE,
    row: "#DE div",
  },
  {
    name: "LIDT of a table descriptor on a page that is not present: #PF (the monitor saw #GP)",
    // lidt [ABSENT]
    code: [...ENABLE_PAGING, 0x0f, 0x01, 0x1d, ...le32(ABSENT)],
    vector: VECTORS.PF,
    row: "#PF lidtd",
  },
  {
    name: "loading DS with a segment that is not present: #NP (the monitor saw #GP for its DPL)",
    // mov ax,0x18 / mov ds,ax
    code: [0x66, 0xb8, 0x18, 0x00, 0x8e, 0xd8],
    vector: VECTORS.NP,
    row: "#NP mov",
  },
];

describe("guest-exception statistics name the exception the guest received", () => {
  for (const c of CASES) {
    it(c.name, () => {
      const pure = guest("pure", c.code);
      expect(pure.stop).toEqual({ kind: "halt" });
      expect(pure.received).toBe(c.vector);
      for (const policy of ["scan-patch", "pvi"] as const) {
        const r = guest(policy, c.code);
        expect({ stop: r.stop, received: r.received }, policy).toEqual({ stop: pure.stop, received: c.vector });
        expect(r.rows, policy).toEqual([c.row]);
      }
    });
  }
});
