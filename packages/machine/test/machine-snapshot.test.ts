import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { CollectingConsole, builtinRegistry, createMachine, restoreMachine, saveMachine, schemaDifference, stateSchemas } from "../src/index.js";

const small = { devices: ["debugcon", "exit-port", "pit", "pic"], memory: { size: "2M" } };

/** mov al,'a'; l: out 0xE9,al; inc al; cmp al,'z'+1; jne l; mov al,0; out 0xF4,al */
const PROGRAM = [0xb0, 0x61, 0xe6, 0xe9, 0xfe, 0xc0, 0x3c, 0x7b, 0x75, 0xf8, 0xb0, 0x00, 0xe6, 0xf4];

function booted(console: CollectingConsole) {
  const m = createMachine(small, builtinRegistry(), { console });
  m.bus.memory.ram8.set(PROGRAM, 0x10000);
  m.cpu.setFlat32(0x10000);
  return m;
}

describe("saveMachine / restoreMachine", () => {
  it("a machine restored into a fresh one (no program loaded) finishes the run exactly", () => {
    const whole = new CollectingConsole();
    const ref = booted(whole);
    expect(ref.run()).toMatchObject({ kind: "exit", status: 0 });
    const c1 = new CollectingConsole();
    const a = booted(c1);
    expect(a.run(20)).toEqual({ kind: "instruction-limit", instructions: 20 });
    const snap = saveMachine(a);
    const c2 = new CollectingConsole();
    const b = createMachine(small, builtinRegistry(), { console: c2 });
    restoreMachine(b, { state: JSON.parse(JSON.stringify(snap.state)), blobs: snap.blobs.map((x) => x.slice()) });
    expect(b.run()).toMatchObject({ kind: "exit", status: 0 });
    expect(c1.text() + c2.text()).toBe(whole.text());
    expect(c1.text().length).toBeGreaterThan(0);
    expect(b.clock.instructions).toBe(ref.clock.instructions);
  });

  it("refuses RAM of another size and a state of another schema, naming them", () => {
    const a = booted(new CollectingConsole());
    a.run(5);
    const snap = saveMachine(a);
    const bigger = createMachine({ ...small, memory: { size: "4M" } }, builtinRegistry());
    expect(() => restoreMachine(bigger, snap)).toThrow("machine state: RAM is 2097152 bytes, this machine has 4194304");
    expect(() => restoreMachine(booted(new CollectingConsole()), { ...snap, state: { ...snap.state, version: 9 } })).toThrow(
      "machine state: schema version 9, this build reads 1",
    );
  });

  it("schemaDifference names the first part that differs", () => {
    const here = stateSchemas(booted(new CollectingConsole()));
    expect(schemaDifference(here, here)).toBeUndefined();
    expect(schemaDifference({ ...here, cpu: 2 }, here)).toBe("CPU state schema 2, this build reads 1");
    expect(schemaDifference({ ...here, policy: "pvi" }, here)).toBe("monitor policy 'pvi', this machine runs 'pure'");
    const { pit: _pit, ...noPit } = here.devices;
    expect(schemaDifference({ ...here, devices: { ...noPit, uart: { plugin: "uart", version: 1 } } }, here)).toBe(
      "devices differ (in the snapshot only: uart; in this machine only: pit)",
    );
    expect(schemaDifference({ ...here, devices: { ...here.devices, pit: { plugin: "pit", version: 3 } } }, here)).toBe(
      "device 'pit' (pit) state schema 3, this build reads 1",
    );
  });
});
