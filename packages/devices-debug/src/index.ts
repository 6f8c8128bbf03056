export { DebugConsole, type DebugConsoleOptions, debugConsolePlugin } from "./debug-console.js";
export { ExitPort, type ExitPortOptions, exitPortPlugin } from "./exit-port.js";
