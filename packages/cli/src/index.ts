export { buildProgram, parseNumberOption, type Io } from "./program.js";
export { ExitCode } from "./exit-codes.js";
export { UserError, describeError } from "./user-error.js";
export { type DeviceListing, formatDeviceListing, listDevices } from "./commands/devices.js";
export { runArgv } from "./run-argv.js";
