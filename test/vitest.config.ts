import { ringlabProject } from "../vitest.shared.js";

export default ringlabProject("cross-package", { include: ["*.test.ts"] });
