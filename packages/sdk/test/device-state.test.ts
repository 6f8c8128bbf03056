import { describe, expect, it } from "vitest";
import { ConfigError, deviceState, stateBool, stateChoice, stateInt, stateInts, z } from "../src/index.js";

const state = deviceState(
  z
    .object({
      data: z.number().int().min(0).max(0xff),
      mode: z.enum(["spp", "ps2"]),
      fifo: z.array(z.number().int().min(0).max(0xff)).max(16),
    })
    .strict(),
);

describe("deviceState", () => {
  it("saves plain JSON and loads it back typed", () => {
    const saved = state.save({ data: 0x41, mode: "ps2", fifo: [1, 2] });
    expect(saved).toEqual({ data: 0x41, mode: "ps2", fifo: [1, 2] });
    expect(state.load(JSON.parse(JSON.stringify(saved)), "lpt1 state")).toEqual({ data: 0x41, mode: "ps2", fifo: [1, 2] });
  });

  it("names the first bad field of a restored state in one ConfigError line", () => {
    expect(() => state.load({ data: 256, mode: "spp", fifo: [] }, "lpt1 state")).toThrow(ConfigError);
    expect(() => state.load({ data: 256, mode: "spp", fifo: [] }, "lpt1 state")).toThrow(/^lpt1 state: field 'data': Too big: expected number to be <=255$/);
    expect(() => state.load({ data: 1, mode: "epp", fifo: [] }, "lpt1 state")).toThrow(/^lpt1 state: field 'mode': /);
    expect(() => state.load({ data: 1, mode: "spp", fifo: [1, 999] }, "lpt1 state")).toThrow(/^lpt1 state: field 'fifo\.1': /);
    expect(() => state.load({ data: 1, mode: "spp", fifo: [], extra: 1 }, "lpt1 state")).toThrow("lpt1 state: unknown field 'extra'");
    expect(() => state.load(null, "lpt1 state")).toThrow(/^lpt1 state: .*expected object/);
  });

  it("refuses to save what it could not load (a device bug, not a user error)", () => {
    let thrown: unknown;
    try {
      state.save({ data: 300, mode: "spp", fifo: [] });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown).not.toBeInstanceOf(ConfigError);
    expect(String(thrown)).toMatch(/its own schema refuses: field 'data'/);
  });
});

describe("the state field schemas", () => {
  const s = deviceState(
    z.object({ ier: stateInt(0, 15), on: stateBool(), fifo: stateInts(4, 0, 0xff), phase: stateChoice(["idle", "busy"] as const) }).strict(),
  );
  const good = { ier: 3, on: true, fifo: [1], phase: "idle" as const };

  it("word their errors as hand-written state checks do, naming the field", () => {
    expect(s.load(good, "uart state")).toEqual(good);
    expect(() => s.load({ ...good, ier: 99 }, "uart state")).toThrow("uart state: field 'ier': expected a whole number from 0 to 15, got 99");
    expect(() => s.load({ ...good, ier: 1.5 }, "uart state")).toThrow("field 'ier': expected a whole number from 0 to 15, got 1.5");
    expect(() => s.load({ ...good, on: 1 }, "uart state")).toThrow("uart state: field 'on': expected true or false, got 1");
    expect(() => s.load({ ...good, fifo: [1, 2, 3, 4, 5] }, "uart state")).toThrow("uart state: field 'fifo': expected an array of at most 4 numbers, got [1,2,3,4,5]");
    expect(() => s.load({ ...good, fifo: [1, 256] }, "uart state")).toThrow("uart state: field 'fifo.1': expected a whole number from 0 to 255, got 256");
    expect(() => s.load({ ...good, fifo: "x" }, "uart state")).toThrow("field 'fifo': expected an array of at most 4 numbers, got \"x\"");
    expect(() => s.load({ ...good, phase: "jammed" }, "uart state")).toThrow("uart state: field 'phase': expected one of idle, busy, got \"jammed\"");
    const { ier: _ier, ...noIer } = good;
    expect(() => s.load(noIer, "uart state")).toThrow("uart state: field 'ier': expected a whole number from 0 to 15, got nothing");
  });
});
