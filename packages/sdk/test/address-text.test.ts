import { describe, expect, it } from "vitest";
import {
  IO_PORT,
  checkAddressValue,
  formatAddress,
  formatRange,
  parseAddressText,
  readAddressText,
} from "../src/index.js";

describe("address text: one path that cannot wrap", () => {
  it("reads hexadecimal, decimal and size suffixes exactly", () => {
    expect(readAddressText("0x100000")).toBe(0x100000n);
    expect(readAddressText(" 0XfEc00000 ")).toBe(0xfec00000n);
    expect(readAddressText("1048576")).toBe(1048576n);
    expect(readAddressText("640K")).toBe(640n * 1024n);
    expect(readAddressText("1M")).toBe(1n << 20n);
    expect(readAddressText("4G")).toBe(1n << 32n);
    expect(readAddressText("2MiB")).toBe(2n << 20n);
    expect(readAddressText("0x1000000000000000000")).toBe(1n << 72n);
    for (const bad of ["", " ", "0x", "1Q", "-1", "1.5M", "0x10g", "zz"]) expect(readAddressText(bad), bad).toBeUndefined();
  });

  it("refuses 4 GiB and above instead of wrapping, saying what it got", () => {
    expect(parseAddressText("0xFFFFFFFF")).toEqual({ value: 0xffffffff });
    expect(parseAddressText("0x100100000")).toEqual({ error: "expected an address below 4 GiB (0x100000000), got 0x100100000" });
    expect(parseAddressText("4G")).toEqual({ error: "expected an address below 4 GiB (0x100000000), got 4G" });
    expect(parseAddressText("zz")).toEqual({ error: "expected an address such as 0x100000, got 'zz'" });
    expect(parseAddressText("0xFFFF", IO_PORT)).toEqual({ value: 0xffff });
    expect(parseAddressText("0x10000", IO_PORT)).toEqual({ error: "expected a port number 0..0xFFFF, got 0x10000" });
    expect(checkAddressValue(2 ** 32)).toEqual({ error: "expected an address below 4 GiB (0x100000000), got 0x100000000" });
    expect(checkAddressValue(-1)).toEqual({ error: "expected an address below 4 GiB (0x100000000), got -0x1" });
    expect(checkAddressValue(1.5)).toEqual({ error: "expected an address such as 0x100000, got 1.5" });
  });

  it("formats addresses and ranges whole", () => {
    expect(formatAddress(0)).toBe("0x0");
    expect(formatAddress(0xa0000)).toBe("0xA0000");
    expect(formatAddress(2 ** 32)).toBe("0x100000000");
    expect(formatAddress(1n << 72n)).toBe("0x1000000000000000000");
    expect(formatRange(0xa0000, 0xc0000)).toBe("0xA0000..0xBFFFF");
    expect(formatRange(0xffffff00, 0xffffff00 + 512)).toBe("0xFFFFFF00..0x1000000FF");
  });
});
