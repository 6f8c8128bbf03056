import { ringlabProject } from "../../vitest.shared.js";

// The browser test builds the app, serves it and drives Chromium: give it room on a busy machine.
export default ringlabProject("playground", { testTimeout: 120_000 });
