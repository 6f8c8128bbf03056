import { describe, expect, it } from "vitest";
import { PortSpace, ResourceConflictError } from "../src/index.js";

describe("PortSpace", () => {
  it("dispatches each width to the handler of that width with the offset in the claim", () => {
    const ports = new PortSpace();
    const log: string[] = [];
    ports.claim({
      owner: "dev",
      base: 0x1f0,
      count: 8,
      handlers: {
        read8: (o) => (log.push(`r8 ${o}`), 0x1ab),
        read16: (o) => (log.push(`r16 ${o}`), 0x1abcd),
        read32: (o) => (log.push(`r32 ${o}`), -1),
        write8: (o, v) => log.push(`w8 ${o}=${v}`),
        write16: (o, v) => log.push(`w16 ${o}=${v}`),
        write32: (o, v) => log.push(`w32 ${o}=${v}`),
      },
    });
    expect(ports.read(0x1f1, 1)).toBe(0xab);
    expect(ports.read(0x1f0, 2)).toBe(0xabcd);
    expect(ports.read(0x1f0, 4)).toBe(0xffffffff);
    ports.write(0x1f7, 1, 0x123);
    ports.write(0x1f0, 2, 0x12345);
    ports.write(0x1f0, 4, -1);
    expect(log).toEqual(["r8 1", "r16 0", "r32 0", "w8 7=35", "w16 0=9029", "w32 0=4294967295"]);
  });

  it("splits a wider access to a byte-wide device into byte accesses at consecutive ports", () => {
    const ports = new PortSpace();
    const writes: [number, number][] = [];
    ports.claim({ owner: "pic", base: 0x20, count: 2, handlers: { read8: (o) => 0x10 + o, write8: (o, v) => void writes.push([o, v]) } });
    expect(ports.read(0x20, 2)).toBe(0x1110);
    ports.write(0x20, 2, 0xbbaa);
    expect(writes).toEqual([
      [0, 0xaa],
      [1, 0xbb],
    ]);
    // 32-bit from 0x20: ports 0x22/0x23 are unclaimed and read all-ones.
    expect(ports.read(0x20, 4)).toBe(0xffff1110);
    expect(ports.unclaimedAccesses()).toEqual([
      { port: 0x22, reads: 1, writes: 0 },
      { port: 0x23, reads: 1, writes: 0 },
    ]);
  });

  it("splits a 32-bit access to a 16-bit device into two word accesses", () => {
    const ports = new PortSpace();
    const seen: number[] = [];
    ports.claim({ owner: "ide", base: 0x1f0, count: 4, handlers: { read16: (o) => (seen.push(o), 0x1111 * (o + 1)) } });
    expect(ports.read(0x1f0, 4)).toBe(0x33331111);
    expect(seen).toEqual([0, 2]);
  });

  it("splits an access whose bytes fall on two devices", () => {
    const ports = new PortSpace();
    ports.claim({ owner: "a", base: 0x60, count: 1, handlers: { read8: () => 0xaa, read16: () => 0xdead } });
    ports.claim({ owner: "b", base: 0x61, count: 1, handlers: { read8: () => 0xbb } });
    expect(ports.read(0x60, 2)).toBe(0xdead);
    expect(ports.read(0x61, 2)).toBe(0xffbb);
  });

  it("reads all-ones from unclaimed ports, drops writes, and counts per port", () => {
    const ports = new PortSpace();
    expect(ports.read(0x80, 1)).toBe(0xff);
    expect(ports.read(0x80, 1)).toBe(0xff);
    expect(ports.read(0x300, 2)).toBe(0xffff);
    ports.write(0x80, 1, 0x12);
    expect(ports.unclaimedAccesses()).toEqual([
      { port: 0x80, reads: 2, writes: 1 },
      { port: 0x300, reads: 1, writes: 0 },
      { port: 0x301, reads: 1, writes: 0 },
    ]);
    ports.resetCounters();
    expect(ports.unclaimedAccesses()).toEqual([]);
  });

  it("treats a narrower access than the device serves as unclaimed", () => {
    const ports = new PortSpace();
    ports.claim({ owner: "pci", base: 0xcf8, count: 4, handlers: { read32: () => 0x80000000, write32: () => {} } });
    expect(ports.read(0xcf8, 4)).toBe(0x80000000);
    expect(ports.read(0xcf8, 1)).toBe(0xff);
    expect(ports.read(0xcf8, 2)).toBe(0xffff);
    expect(ports.unclaimedAccesses()).toEqual([{ port: 0xcf8, reads: 2, writes: 0 }]);
  });

  it("wraps port numbers at 0xFFFF", () => {
    const ports = new PortSpace();
    ports.claim({ owner: "low", base: 0, count: 1, handlers: { read8: () => 0x42 } });
    expect(ports.read(0xffff, 2)).toBe(0x42ff);
  });

  it("rejects a second claim on a port, naming both owners", () => {
    const ports = new PortSpace();
    ports.claim({ owner: "pit", base: 0x40, count: 4, handlers: { read8: () => 0 } });
    expect(() => ports.claim({ owner: "other", base: 0x43, count: 2, handlers: { read8: () => 0 } })).toThrow(
      new ResourceConflictError("port 0x43 is claimed by both 'pit' and 'other'", { owners: ["pit", "other"] }),
    );
    // The failed claim left nothing behind.
    expect(ports.ownerOf(0x44)).toBeUndefined();
  });

  it("rejects ranges outside the port space and claims with no handler", () => {
    const ports = new PortSpace();
    expect(() => ports.claim({ owner: "x", base: 0xffff, count: 2, handlers: { read8: () => 0 } })).toThrow(/0x0\.\.0xFFFF/);
    expect(() => ports.claim({ owner: "x", base: 0x10, count: 1, handlers: {} })).toThrow(/no read or write handler/);
  });
});
