export { DebugConsole, type DebugConsoleOptions, debugConsolePlugin } from "./debug-console.js";
export { ExitPort, type ExitPortOptions, exitPortPlugin } from "./exit-port.js";
export { PostCodes, type PostCodesOptions, postCodesPlugin } from "./post-codes.js";
