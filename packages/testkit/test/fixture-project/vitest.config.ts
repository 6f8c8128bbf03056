import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// A project of its own, run by ../reporter.test.ts in a child vitest: its tests need extras
// that the environment hides, to show what a run without them reports. (*.spec.ts, so the
// repository's own run never collects it.)
export default defineConfig({
  test: { root: fileURLToPath(new URL(".", import.meta.url)), include: ["*.spec.ts"] },
});
