import { ringlabProject } from "../../vitest.shared.js";

// Only for `pnpm run record-fixtures` (scripts/record-fixtures.mjs): runs the recorder, which
// the package's own config (test/**/*.test.ts) leaves out.
export default ringlabProject("cpu-record-fixtures", { include: ["test/diff/record-fixtures.ts"], testTimeout: 900_000 });
