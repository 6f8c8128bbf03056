/**
 * The execution engines a CPU can run with: `interp`, the interpreter (the reference), and
 * `jit`, the block JIT (hot straight-line blocks translated into JS, the rest interpreted).
 */
export const ENGINES = ["interp", "jit"] as const;
export type Engine = (typeof ENGINES)[number];
