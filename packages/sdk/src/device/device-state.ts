import { z } from "zod";
import { ConfigError } from "../errors.js";
import type { JsonValue } from "../json.js";
import { formatZodIssue } from "./device-plugin.js";

/**
 * A device's saved state declared as data: one zod schema from which saving, restoring and
 * checking a restored state all follow, instead of a reader written by hand per field.
 *
 * ```ts
 * const state = deviceState(z.object({
 *   data: z.number().int().min(0).max(0xff),
 *   deadline: z.number().int().min(-1),   // -1: no timer running
 * }));
 * saveState() { return state.save({ data: this.data, deadline: this.deadline }); }
 * loadState(json) { const s = state.load(json, `${this.id} state`); this.data = s.data; ... }
 * ```
 */
export interface DeviceState<T> {
  /** The schema a saved state must match (for tools that list or check states). */
  readonly schema: z.ZodType<T>;
  /**
   * The state as plain JSON, checked against the schema first: a device that saves what it
   * could not load again is a bug in the device, reported as such (an `Error`, not a
   * {@link ConfigError}).
   */
  save(value: T): JsonValue;
  /**
   * Checks `json` against the schema and returns it typed. The first bad field throws one
   * {@link ConfigError} line starting with `where`, e.g. `lpt1 state: field 'data': Too big:
   * expected number to be <=255` — what a snapshot of another device or version gives.
   */
  load(json: JsonValue, where: string): T;
}

/** Declares a device's saved state by its schema; see {@link DeviceState}. */
export function deviceState<S extends z.ZodType>(schema: S): DeviceState<z.output<S>> {
  return {
    schema: schema as unknown as z.ZodType<z.output<S>>,
    save(value) {
      const r = schema.safeParse(value);
      if (!r.success) throw new Error(`a device saved a state its own schema refuses: ${formatZodIssue(r.error.issues[0]!, "field")}`);
      return JSON.parse(JSON.stringify(r.data)) as JsonValue;
    },
    load(json, where) {
      const r = schema.safeParse(json);
      if (!r.success) throw new ConfigError(`${where}: ${formatZodIssue(r.error.issues[0]!, "field")}`);
      return r.data;
    },
  };
}

/** "got 99", "got nothing", `got "x"`: what a state held, as the messages show it. */
function shown(v: unknown): string {
  return v === undefined ? "nothing" : (JSON.stringify(v) ?? String(v)).slice(0, 40);
}

/**
 * A whole number from `min` to `max` in a saved state, refused as `expected a whole number
 * from 0 to 15, got 99` — the field schemas below word their errors as device states always
 * have, so a state built from them reads the same as one checked by hand.
 */
export function stateInt(min: number, max: number) {
  const expected = `expected a whole number from ${min} to ${max}`;
  return z.custom<number>((v) => typeof v === "number" && Number.isSafeInteger(v) && v >= min && v <= max, {
    error: (issue) => `${expected}, got ${shown(issue.input)}`,
  });
}

/** true or false in a saved state (`expected true or false, got 1`). */
export function stateBool() {
  return z.custom<boolean>((v) => typeof v === "boolean", { error: (issue) => `expected true or false, got ${shown(issue.input)}` });
}

/** At most `maxLength` whole numbers from `min` to `max` (a FIFO, a register file). */
export function stateInts(maxLength: number, min: number, max: number) {
  return z.array(stateInt(min, max), { error: (issue) => `expected an array of at most ${maxLength} numbers, got ${shown(issue.input)}` }).max(maxLength, {
    error: (issue) => `expected an array of at most ${maxLength} numbers, got ${shown(issue.input)}`,
  });
}

/** One of `choices` (`expected one of idle, busy, got "jammed"`). */
export function stateChoice<const T extends readonly [string, ...string[]]>(choices: T) {
  return z.custom<T[number]>((v) => typeof v === "string" && (choices as readonly string[]).includes(v), {
    error: (issue) => `expected one of ${choices.join(", ")}, got ${shown(issue.input)}`,
  });
}
