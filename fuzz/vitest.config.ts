import { ringlabProject } from "../vitest.shared.js";

export default ringlabProject("fuzz");
