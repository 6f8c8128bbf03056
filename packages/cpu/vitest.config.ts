import { ringlabProject } from "../../vitest.shared.js";

// The differential tests run Unicorn in child processes: give them room on a busy machine.
export default ringlabProject("cpu", { testTimeout: 120_000 });
