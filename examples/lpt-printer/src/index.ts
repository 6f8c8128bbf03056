// #region index
export { ParallelPort, type ParallelPortOptions, parallelPortPlugin } from "./parallel-port.js";
export { parallelPortPlugin as default } from "./parallel-port.js";
// #endregion index
