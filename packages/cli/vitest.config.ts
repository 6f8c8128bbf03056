import { ringlabProject } from "../../vitest.shared.js";

// The tests spawn the real command (a Node start-up each): give them room on a busy machine.
export default ringlabProject("cli", { testTimeout: 60_000 });
