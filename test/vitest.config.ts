import { ringlabProject } from "../vitest.shared.js";

// Guests boot end to end here: give them room on a busy 2-core machine (a loaded one ran
// nullkernel-polled under three policies past 60 s).
export default ringlabProject("cross-package", { include: ["*.test.ts"], testTimeout: 180_000 });
