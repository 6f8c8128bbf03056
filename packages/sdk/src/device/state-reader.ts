import { ConfigError } from "../errors.js";
import type { JsonValue } from "../json.js";

/** A saved state's object. */
export type StateObject = { [key: string]: JsonValue };

/**
 * Reads a saved state field by field; the first bad field throws one {@link ConfigError}
 * line naming it, e.g. `uart state: field 'ier': expected a whole number from 0 to 15, got 99`: what
 * a device's `loadState` needs to reject a state it did not write. `where` starts the message.
 */
export class StateReader {
  /** `where` starts every message, naming whose state it is: `"uart1 state"`, `"pit state"`. */
  constructor(private readonly where: string) {}

  /**
   * `value` as a plain object (not null, not an array), or throws naming `path` (`(root)`
   * when empty) — the first call of a `loadState`: `const s = r.object(state)`.
   */
  object(value: JsonValue | undefined, path = ""): StateObject {
    if (value === null || typeof value !== "object" || Array.isArray(value)) throw this.error(path, "expected an object", value);
    return value;
  }

  /**
   * `obj[key]` as a safe integer from `min` to `max` inclusive, or throws naming `key`
   * (`expected a whole number from 0 to 15, got 99`; a missing field is `got nothing`).
   */
  int(obj: StateObject, key: string, min: number, max: number): number {
    const v = obj[key];
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min || v > max) {
      throw this.error(key, `expected a whole number from ${min} to ${max}`, v);
    }
    return v;
  }

  /** `obj[key]` as a boolean, or throws naming `key` (`expected true or false, got 1`). */
  bool(obj: StateObject, key: string): boolean {
    const v = obj[key];
    if (typeof v !== "boolean") throw this.error(key, "expected true or false", v);
    return v;
  }

  /** An array of at most `maxLength` whole numbers in min..max. */
  ints(obj: StateObject, key: string, maxLength: number, min: number, max: number): number[] {
    const v = obj[key];
    if (!Array.isArray(v) || v.length > maxLength) throw this.error(key, `expected an array of at most ${maxLength} numbers`, v);
    v.forEach((x, i) => {
      if (typeof x !== "number" || !Number.isSafeInteger(x) || x < min || x > max) {
        throw this.error(`${key}.${i}`, `expected a whole number from ${min} to ${max}`, x);
      }
    });
    return v as number[];
  }

  /** One of `choices`. */
  choice<T extends string>(obj: StateObject, key: string, choices: readonly T[]): T {
    const v = obj[key];
    if (typeof v !== "string" || !(choices as readonly string[]).includes(v)) {
      throw this.error(key, `expected one of ${choices.join(", ")}`, v);
    }
    return v as T;
  }

  private error(path: string, expected: string, got: JsonValue | undefined): ConfigError {
    const shown = got === undefined ? "nothing" : JSON.stringify(got).slice(0, 40);
    return new ConfigError(`${this.where}: field '${path || "(root)"}': ${expected}, got ${shown}`);
  }
}
