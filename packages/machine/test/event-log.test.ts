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

  it("crosses a thread boundary as transferable typed arrays and comes back identical", async () => {
    const { MessageChannel } = await import("node:worker_threads");
    const log = new EventLog();
    for (let i = 0; i < 700; i++) log.record(i * 3 + 2 ** 40, (i * 7) & 0xff, i % 4 === 0 ? "fault" : "software", 0xfff0 + (i % 16), 0xfffffff0 + (i % 16), i % 5 ? -1 : 0xffff);
    const t = log.toTransfer();
    expect(t.retired.length).toBe(700);
    const { port1, port2 } = new MessageChannel();
    const received = new Promise<unknown>((resolve) => port2.once("message", resolve));
    port1.postMessage(t, EventLog.transferList(t));
    // Transferred, not copied: the sender's copies are detached.
    expect(t.retired.byteLength).toBe(0);
    const back = EventLog.fromTransfer((await received) as Parameters<typeof EventLog.fromTransfer>[0]);
    port1.close();
    expect(back.length).toBe(700);
    expect(back.firstDifference(log)).toBe(-1);
    for (const i of [0, 1, 355, 699]) expect(back.at(i)).toEqual(log.at(i));
    // The original log is untouched and both keep growing independently.
    back.record(1, 0x20, "external", 8, 0x1000, -1);
    expect(back.firstDifference(log)).toBe(700);
    expect(log.at(699)).toEqual(back.at(699));
  });

  it("rebuilds an empty log that can still grow, and refuses a form too short for its count", () => {
    const empty = EventLog.fromTransfer(new EventLog().toTransfer());
    expect(empty.length).toBe(0);
    for (let i = 0; i < 300; i++) empty.record(i, 0x80, "software", 0x1b, i, -1);
    expect(empty.at(299)).toMatchObject({ instructions: 299, eip: 299 });
    const t = new EventLog().toTransfer();
    expect(() => EventLog.fromTransfer({ ...t, count: 3 })).toThrow(RangeError);
  });
});
