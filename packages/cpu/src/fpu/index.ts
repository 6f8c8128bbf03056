/** The x87 arithmetic foundation: pure functions of (operands, control word) → result + status. */
export * from "./float80.js";
export * from "./exceptions.js";
export * from "./rounding.js";
export * from "./arith.js";
export * from "./convert.js";
export * from "./compare.js";
