import { describe, expect, it } from "vitest";
import { compareResults } from "./compare.js";
import type { DiffCase, MachineResult } from "./diff-case.js";
import { AF, CF, OF } from "./layout.js";
import { undefinedFlags } from "./undefined-flags.js";

const base: DiffCase = { id: "t:0:0", family: "t", org: 0x1000, code: [0x90], insns: [], regs: [0, 0, 0, 0, 0x8800, 0, 0, 0], eflags: 2, fill: [], count: 10, mask: { flags: 0, regs: [], mem: [] } };
const res = (over: Partial<MachineResult> = {}): MachineResult => ({ regs: [1, 2, 3, 4, 5, 6, 7, 8], eip: 0x1001, eflags: 0x2, mem: new Map([[0x4000, 1]]), stop: { kind: "end" }, ...over });

describe("comparison of final states", () => {
  it("finds every differing field", () => {
    const u = res();
    const r = res({ regs: [1, 2, 3, 9, 5, 6, 7, 8], eip: 0x1002, eflags: 0x2 | CF, mem: new Map([[0x4000, 2]]), stop: { kind: "exception", vector: 6 } });
    expect(compareResults(base, u, r).map((d) => d.field)).toEqual(["stop", "ebx", "eip", "eflags", "memory"]);
    expect(compareResults(base, u, res())).toEqual([]);
  });

  it("ignores only what the case masks as SDM-undefined", () => {
    const c: DiffCase = { ...base, mask: { flags: AF | OF, regs: [3], mem: [[0x4000, 1]] } };
    const u = res();
    expect(compareResults(c, u, res({ eflags: 0x2 | AF | OF, regs: [1, 2, 3, 99, 5, 6, 7, 8], mem: new Map() }))).toEqual([]);
    expect(compareResults(c, u, res({ eflags: 0x2 | CF })).map((d) => d.field)).toEqual(["eflags"]);
    expect(compareResults(c, u, res({ mem: new Map([[0x4000, 1], [0x4001, 5]]) })).map((d) => d.field)).toEqual(["memory"]);
  });

  it("takes undefined flags from the SDM table", () => {
    expect(undefinedFlags("mul")).toBe(0x4 | 0x10 | 0x40 | 0x80);
    expect(undefinedFlags("shl", { count: 0 })).toBe(0);
    expect(undefinedFlags("shl", { count: 1 })).toBe(AF);
    expect(undefinedFlags("shl", { count: 33 })).toBe(AF); // masked to 1
    expect(undefinedFlags("shr", { count: 9, size: 8 })).toBe(AF | OF | CF);
    expect(undefinedFlags("sar", { count: 9, size: 8 })).toBe(AF | OF);
    expect(undefinedFlags("rcl", { count: 2 })).toBe(OF);
    expect(undefinedFlags("shld", { count: 20, size: 16 })).toBe(0x8d5);
    expect(undefinedFlags("add")).toBe(0);
  });
});
