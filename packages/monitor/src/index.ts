/**
 * `@ringlab/monitor`: monitor policies. This first step holds the exit statistics every
 * policy keeps; the policies themselves (pure, scan-patch, PVI) land with the monitor issue,
 * once the CPU exposes its exit hook.
 */
export { type ExitCount, type ExitReason, ExitStats } from "./exit-stats.js";
