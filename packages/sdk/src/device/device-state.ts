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
