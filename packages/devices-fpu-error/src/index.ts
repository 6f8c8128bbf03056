/**
 * `@ringlab/devices-fpu-error`: the PC/AT coprocessor error latch that routes the CPU's FERR#
 * to IRQ 13 (x87 error reporting with CR0.NE = 0).
 */
export { FpuErrorLatch, type FpuErrorLatchOptions, fpuErrorLatchPlugin } from "./fpu-error-latch.js";
