import { ringlabProject } from "../vitest.shared.js";

// Guests boot end to end here: give them room on a busy 2-core machine.
export default ringlabProject("cross-package", { include: ["*.test.ts"], testTimeout: 60_000 });
