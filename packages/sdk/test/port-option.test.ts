import { describe, expect, it } from "vitest";
import { ioPortOption, z } from "../src/index.js";

describe("ioPortOption: a device's port base inside the 64K I/O space", () => {
  const one = z.object({ port: ioPortOption(0xe9) });
  const eight = z.object({ port: ioPortOption(0x3f8, 8) });
  const message = (schema: z.ZodType, input: unknown) => {
    const r = schema.safeParse(input);
    return r.success ? "ok" : r.error.issues[0]!.message;
  };

  it("defaults, and takes every base whose ports all fit", () => {
    expect(one.parse({})).toEqual({ port: 0xe9 });
    expect(one.parse({ port: 0xffff })).toEqual({ port: 0xffff });
    expect(eight.parse({ port: 0xfff8 })).toEqual({ port: 0xfff8 });
  });

  it("says the range and what it got, in hexadecimal", () => {
    expect(message(one, { port: 0x10000 })).toBe("expected a port number 0..0xFFFF, got 0x10000");
    expect(message(one, { port: -1 })).toBe("expected a port number 0..0xFFFF, got -0x1");
    expect(message(one, { port: 1.5 })).toBe("expected a port number 0..0xFFFF, got 1.5");
    expect(message(one, { port: "0x80" })).toBe('expected a port number 0..0xFFFF, got "0x80"');
    expect(message(eight, { port: 0xfff9 })).toBe("expected a port number 0..0xFFF8 (the first of 8), got 0xFFF9");
  });
});
