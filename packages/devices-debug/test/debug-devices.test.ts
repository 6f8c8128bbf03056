import "reflect-metadata";
import { container } from "tsyringe";
import { describe, expect, it } from "vitest";
import { CONSOLE, DEVICE_ID, DEVICE_OPTIONS, RUN_CONTROL, ResourceConflictError } from "@ringlab/sdk";
import { DeviceTestKit } from "@ringlab/sdk/testing";
import { DebugConsole, ExitPort, debugConsolePlugin, exitPortPlugin } from "../src/index.js";

describe("debug console", () => {
  it("sends each byte written to port 0xE9 to the console and reads back 0xE9", () => {
    const kit = new DeviceTestKit();
    const con = kit.install(new DebugConsole("debugcon", kit.options(debugConsolePlugin), kit.console));
    for (const c of "hi\n") kit.out8(0xe9, c.charCodeAt(0));
    expect(Buffer.from(kit.consoleBytes).toString()).toBe("hi\n");
    expect(kit.in8(0xe9)).toBe(0xe9);
    expect(con.bytesWritten).toBe(3);
  });

  it("splits a 16-bit OUT into two bytes, low byte first, as the ISA bus does", () => {
    const kit = new DeviceTestKit();
    kit.install(new DebugConsole("debugcon", kit.options(debugConsolePlugin), kit.console));
    kit.out16(0xe9, 0x4241);
    // 0x4241 splits into 0x41 at 0xE9 and 0x42 at 0xEA; 0xEA has no owner.
    expect(kit.consoleBytes).toEqual([0x41]);
    expect(kit.bus.ports.unclaimedAccesses()).toEqual([{ port: 0xea, reads: 0, writes: 1 }]);
  });

  it("takes its port from options and rejects bad options with one line naming the option", () => {
    const kit = new DeviceTestKit();
    kit.install(new DebugConsole("debugcon", kit.options(debugConsolePlugin, { port: 0x402 }), kit.console));
    kit.out8(0x402, 0x21);
    expect(kit.consoleBytes).toEqual([0x21]);
    expect(() => kit.options(debugConsolePlugin, { port: "e9" })).toThrow(/device 'debugcon': option 'port': .*number/);
    expect(() => kit.options(debugConsolePlugin, { prot: 1 })).toThrow(/device 'debugcon': unknown option 'prot'/);
    expect(() => kit.options(debugConsolePlugin, { port: 0x10000 })).toThrow(/option 'port'/);
  });

  it("saves and restores its byte count", () => {
    const kit = new DeviceTestKit();
    const a = kit.install(new DebugConsole("debugcon", kit.options(debugConsolePlugin), kit.console));
    kit.out8(0xe9, 1);
    const saved = JSON.parse(JSON.stringify(a.saveState()));
    const b = new DebugConsole("debugcon", kit.options(debugConsolePlugin), kit.console);
    b.loadState(saved);
    expect(b.bytesWritten).toBe(1);
    expect(() => b.loadState({ nope: 1 })).toThrow(/^debugcon state: field 'written': expected a whole number from 0 to \d+, got nothing$/);
    expect(() => b.loadState({ written: 1, nope: 1 })).toThrow("debugcon state: unknown field 'nope'");
  });

  it("is constructible by the DI container from explicit tokens", () => {
    const kit = new DeviceTestKit();
    const c = container.createChildContainer();
    c.register(DEVICE_ID, { useValue: "con0" });
    c.register(DEVICE_OPTIONS, { useValue: kit.options(debugConsolePlugin) });
    c.register(CONSOLE, { useValue: kit.console });
    const dev = kit.install(c.resolve(DebugConsole));
    kit.out8(0xe9, 0x41);
    expect(dev.id).toBe("con0");
    expect(kit.consoleBytes).toEqual([0x41]);
  });
});

describe("exit port", () => {
  it("turns a guest write of v into an exit request with status v", () => {
    const kit = new DeviceTestKit();
    kit.install(new ExitPort("exit-port", kit.options(exitPortPlugin), kit.runControl));
    kit.out8(0xf4, 3);
    kit.out32(0xf4, 0x1_0000_07);
    expect(kit.exitRequests.map((r) => r.status)).toEqual([3, 7]);
    expect(kit.exitRequests[0]!.reason).toMatch(/exit port 0xF4/);
  });

  it("conflicts with another device on its port, naming both", () => {
    const kit = new DeviceTestKit();
    kit.install(new ExitPort("exit-port", kit.options(exitPortPlugin), kit.runControl));
    const con = new DebugConsole("debugcon", kit.options(debugConsolePlugin, { port: 0xf4 }), kit.console);
    expect(() => con.attach(kit.bus)).toThrow(ResourceConflictError);
    expect(() => con.attach(kit.bus)).toThrow("port 0xF4 is claimed by both 'exit-port' and 'debugcon'");
  });

  it("has an empty state, and refuses any other", () => {
    const kit = new DeviceTestKit();
    const port = new ExitPort("exit-port", kit.options(exitPortPlugin), kit.runControl);
    expect(port.saveState()).toEqual({});
    port.loadState({});
    expect(() => port.loadState({ status: 1 })).toThrow("exit-port state: unknown field 'status'");
  });
});

describe("POST codes", () => {
  it("records every byte written to its port, in order, and restores them", async () => {
    const { PostCodes, postCodesPlugin } = await import("../src/index.js");
    const kit = new DeviceTestKit();
    const post = kit.install(new PostCodes("post", kit.options(postCodesPlugin, { port: 0x190 })));
    for (const c of [0x00, 0x01, 0x17]) kit.out8(0x190, c);
    kit.out16(0x190, 0x2120); // a word write splits: 0x20 at 0x190, 0x21 at 0x191 (unclaimed)
    expect(post.codes()).toEqual([0x00, 0x01, 0x17, 0x20]);
    expect(post.last).toBe(0x20);
    expect(kit.in8(0x190)).toBe(0xff);
    const copy = new PostCodes("post", kit.options(postCodesPlugin));
    copy.loadState(JSON.parse(JSON.stringify(post.saveState())));
    expect(copy.codes()).toEqual(post.codes());
    expect(() => copy.loadState({ codes: [256] })).toThrow("post state: field 'codes.0': expected a whole number from 0 to 255, got 256");
    post.reset();
    expect(post.codes()).toEqual([]);
  });
});
