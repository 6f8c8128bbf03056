import { defineConfig } from "vitest/config";

// One vitest run over every package (each package's own vitest.config.ts is a project).
// After vitest's summary, the extras reporter lists every skipped test with its reason
// (a missing extra: see packages/testkit).
export default defineConfig({
  test: {
    projects: ["packages/*", "examples/*", "fuzz", "test"],
    reporters: ["default", "./packages/testkit/dist/reporter.js"],
  },
});
