/**
 * `@ringlab/devices-pit`: the Intel 8254 programmable interval timer, clocked from the
 * virtual TSC, with the PC's port 0x61 view of counter 2.
 */
export { Pit, type PitOptions, pitPlugin } from "./pit.js";
export { PIT_HZ, PitClock } from "./pit-clock.js";
