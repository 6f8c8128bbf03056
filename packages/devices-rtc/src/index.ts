/**
 * `@ringlab/devices-rtc`: the Motorola MC146818A real-time clock and CMOS RAM of a PC, on
 * virtual time from a fixed start date, with the PC's CMOS map.
 */
export { DEFAULT_START_TIME, Rtc, type RtcOptions, rtcPlugin } from "./rtc.js";
export { type MemorySizes, cmosChecksum, memorySizesOf } from "./cmos-map.js";
export { type CalendarTime, parseStartTime } from "./start-time.js";
export { fromBcd, toBcd } from "./calendar.js";
export * as rtcRegisters from "./registers.js";
