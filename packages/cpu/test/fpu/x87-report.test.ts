import { describe, expect, it } from "vitest";
import { fromHex } from "../../src/fpu/float80.js";
import { describeX87, x87InUse, x87ValueText } from "../../src/fpu/x87-report.js";
import { X87State } from "../../src/fpu/x87-state.js";

describe("the x87 as reports show it", () => {
  it("names each register class and gives finite values in decimal, beyond a double's range too", () => {
    const v = (hex: string) => x87ValueText(fromHex(hex));
    expect(v("00000000000000000000")).toBe("+0");
    expect(v("80000000000000000000")).toBe("-0");
    expect(v("7FFF8000000000000000")).toBe("+inf");
    expect(v("FFFFC000000000000000")).toBe("-qnan"); // the QNaN indefinite
    expect(v("7FFFA000000000000000")).toBe("+snan");
    expect(v("3FFF8000000000000000")).toBe("+1.0000000000000000");
    expect(v("BFFFC000000000000000")).toBe("-1.5000000000000000");
    expect(v("40003FFFFFFFFFFFFFFF")).toBe("unnormal (unsupported)");
    expect(v("7FFF4000000000000000")).toBe("pseudo-NaN/infinity (unsupported)");
    // The largest finite extended value, 1.18973149535723176502e+4932, and the smallest
    // denormal, 2^-16445 = 3.64519953188247460253e-4951.
    expect(v("7FFEFFFFFFFFFFFFFFFF")).toMatch(/^\+1\.189731495357231\d*e\+4932$/);
    expect(v("00000000000000000001")).toMatch(/^\+3\.645199531882474\d*e-4951 \(denormal\)$/);
  });

  it("is not in use at power-on or after FNINIT, and is once a register is loaded", () => {
    const fpu = new X87State();
    expect(x87InUse(fpu)).toBe(false);
    fpu.powerOn();
    expect(x87InUse(fpu)).toBe(false);
    fpu.init();
    fpu.push(fromHex("3FFF8000000000000000"));
    expect(x87InUse(fpu)).toBe(true);
    const lines = describeX87(fpu, "");
    expect(lines[0]).toBe("x87 FCW=037F FSW=3800 FTW=3FFF TOP=7 FIP=0000:00000000 FDP=0000:00000000 FOP=000");
    expect(lines[1]).toBe("ST(0)=3FFF8000000000000000 valid    +1.0000000000000000");
    expect(lines.slice(2)).toEqual(Array.from({ length: 7 }, (_, i) => `ST(${i + 1})=00000000000000000000 empty`));
  });
});
