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

describe("the exit timeline", () => {
  it("keeps every exit, by reason, halving its resolution as the run grows", () => {
    let now = 0;
    const stats = new ExitStats(() => now);
    const io = stats.row("io", "in");
    for (now = 0; now < 10_000_000; now += 1000) stats.count(io);
    now = 5_000_000;
    stats.record("external-interrupt", "vector 0x20", 3);
    const t = stats.timeline!.data();
    expect(t.byReason.io!.reduce((a, b) => a + b, 0)).toBe(10_000);
    expect(t.byReason.io!.length).toBeLessThanOrEqual(256);
    expect(t.bucketInstructions * 256).toBeGreaterThanOrEqual(10_000_000);
    expect(t.byReason["external-interrupt"]![Math.floor(5_000_000 / t.bucketInstructions)]).toBe(3);
    expect(Object.keys(t.byReason).sort()).toEqual(["external-interrupt", "io"]);
    stats.reset();
    expect(stats.timeline!.data()).toEqual({ bucketInstructions: 4096, byReason: {} });
  });

  it("is absent when the statistics cannot tell the time", () => {
    expect(new ExitStats().timeline).toBeNull();
  });
});
