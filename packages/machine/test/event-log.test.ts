import { describe, expect, it } from "vitest";
import { EventLog, formatEvent } from "../src/event-log.js";

describe("EventLog", () => {
  it("keeps every event in order, however many", () => {
    const log = new EventLog();
    for (let i = 0; i < 1000; i++) log.record(i * 10, 0x20 + (i % 3), i % 2 ? "external" : "fault", 0x08, 0x100000 + i, i % 2 ? -1 : i);
    expect(log.length).toBe(1000);
    expect(log.at(999)).toEqual({ instructions: 9990, vector: 0x20, kind: "external", cs: 0x08, eip: 0x1003e7, errorCode: -1 });
    expect(log.at(4)).toMatchObject({ kind: "fault", errorCode: 4 });
    expect(() => log.at(1000)).toThrow(RangeError);
  });

  it("finds the first event where two logs differ, in any field or in length", () => {
    const make = () => {
      const log = new EventLog();
      log.record(5, 0x0d, "fault", 0x1b, 0x401000, 0);
      log.record(9, 0x20, "external", 0x08, 0x100020, -1);
      return log;
    };
    const a = make();
    expect(a.firstDifference(make())).toBe(-1);
    const later = make();
    later.record(12, 0x80, "software", 0x1b, 0x401004, -1);
    expect(a.firstDifference(later)).toBe(2);
    expect(later.firstDifference(a)).toBe(2);
    for (const [n, v, k, cs, eip, err] of [
      [10, 0x20, "external", 0x08, 0x100020, -1],
      [9, 0x21, "external", 0x08, 0x100020, -1],
      [9, 0x20, "trap", 0x08, 0x100020, -1],
      [9, 0x20, "external", 0x0b, 0x100020, -1],
      [9, 0x20, "external", 0x08, 0x100021, -1],
      [9, 0x20, "external", 0x08, 0x100020, 0],
    ] as const) {
      const b = new EventLog();
      b.record(5, 0x0d, "fault", 0x1b, 0x401000, 0);
      b.record(n, v, k, cs, eip, err);
      expect(a.firstDifference(b), `${n} ${v} ${k} ${cs} ${eip} ${err}`).toBe(1);
    }
  });

  it("summarises by vector and kind, and formats one line per event", () => {
    const log = new EventLog();
    log.record(1, 0x20, "external", 0x08, 0x100000, -1);
    log.record(2, 0x0e, "fault", 0x1b, 0xdeadbeef, 6);
    log.record(3, 0x20, "external", 0x08, 0x100004, -1);
    expect(log.summary()).toEqual([
      { vector: 0x20, kind: "external", name: "vector 0x20", count: 2 },
      { vector: 0x0e, kind: "fault", name: "#PF", count: 1 },
    ]);
    expect(formatEvent(log.at(1))).toBe("2 0x0e fault 001b:deadbeef err=0006 #PF");
    log.clear();
    expect(log.length).toBe(0);
  });
});
