import { describe, expect, it } from "vitest";
import { comparableKernelLines } from "./lib/kernel-log-filter.js";

// The filter that lets the Linux boot be compared with QEMU's (linux.test.ts)
// is checked here on its own, without a kernel: what it drops, what it rewrites, what it keeps.
describe("comparableKernelLines", () => {
  it("drops timestamps, carriage returns, blank lines and the lines that name time or hardware", () => {
    const log = [
      "[    0.000000] Linux version 6.1.0 (debian-kernel@lists.debian.org)\r",
      "",
      "[    0.004000] tsc: Detected 1000.000 MHz processor",
      "[    0.120000] Calibrating delay loop (skipped), value calculated using timer frequency.. 2000.00 BogoMIPS (lpj=4000000)",
      "[    1.500000] Run /init as init process",
    ].join("\n");
    expect(comparableKernelLines(log)).toEqual(["Linux version 6.1.0 (debian-kernel@lists.debian.org)", "Run /init as init process"]);
  });

  it("compares an input line without its device number, which follows the order of asynchronous probes", () => {
    const a = comparableKernelLines("[    2.1] input: AT Translated Set 2 keyboard as /devices/platform/i8042/serio0/input/input0");
    const b = comparableKernelLines("[    2.3] input: AT Translated Set 2 keyboard as /devices/platform/i8042/serio0/input/input1");
    expect(a).toEqual(b);
    expect(a).toEqual(["input: AT Translated Set 2 keyboard as /devices/platform/i8042/serio0/input/inputN"]);
    // The rest of the line still counts.
    expect(comparableKernelLines("input: ImExPS/2 Generic Explorer Mouse as /devices/platform/i8042/serio1/input/input2")).not.toEqual(a);
  });

  it("sorts, so lines of asynchronous initcalls may come in either order", () => {
    expect(comparableKernelLines("b line\na line")).toEqual(comparableKernelLines("a line\nb line"));
  });
});
