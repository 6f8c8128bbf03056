import { describe, expect, it } from "vitest";
import { ExitStats } from "../src/index.js";

describe("ExitStats", () => {
  it("counts exits by reason and instruction, most frequent first", () => {
    const s = new ExitStats();
    s.record("sensitive-instruction", "popf");
    s.record("io", "out");
    s.record("sensitive-instruction", "popf");
    s.record("sensitive-instruction", "sgdt");
    s.record("external-interrupt");
    expect(s.total).toBe(5);
    expect(s.rows()).toEqual([
      { reason: "sensitive-instruction", instruction: "popf", count: 2 },
      { reason: "external-interrupt", instruction: "-", count: 1 },
      { reason: "io", instruction: "out", count: 1 },
      { reason: "sensitive-instruction", instruction: "sgdt", count: 1 },
    ]);
    expect(s.byReason()).toEqual({ "sensitive-instruction": 3, io: 1, "external-interrupt": 1 });
  });

  it("hands out copies and starts over on reset", () => {
    const s = new ExitStats();
    s.record("io", "in");
    s.rows()[0]!.count = 99;
    expect(s.rows()[0]!.count).toBe(1);
    s.reset();
    expect(s.total).toBe(0);
    expect(s.rows()).toEqual([]);
  });
});
