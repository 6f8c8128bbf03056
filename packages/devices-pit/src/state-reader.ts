import { ConfigError, type JsonValue } from "@ringlab/sdk";

/**
 * Reads a saved state back field by field, throwing a {@link ConfigError} that names the
 * first field that is missing or out of range, e.g.
 * `pit state: field 'channels.1.run.ce': expected a whole number from 0 to 131071, got -3`.
 */
export class StateReader {
  constructor(private readonly where: string) {}

  /** `value` as an object, or an error naming `path`. */
  object(value: JsonValue | undefined, path: string): { [key: string]: JsonValue } {
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw this.error(path, "expected an object", value);
    }
    return value;
  }

  /** `value` as an array of exactly `length` items. */
  array(value: JsonValue | undefined, path: string, length: number): JsonValue[] {
    if (!Array.isArray(value) || value.length !== length) throw this.error(path, `expected an array of ${length}`, value);
    return value;
  }

  /** A whole number in min..max. */
  int(obj: { [key: string]: JsonValue }, key: string, path: string, min: number, max: number): number {
    const v = obj[key];
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min || v > max) {
      throw this.error(`${path}${key}`, `expected a whole number from ${min} to ${max}`, v);
    }
    return v;
  }

  bool(obj: { [key: string]: JsonValue }, key: string, path: string): boolean {
    const v = obj[key];
    if (typeof v !== "boolean") throw this.error(`${path}${key}`, "expected true or false", v);
    return v;
  }

  private error(path: string, expected: string, got: JsonValue | undefined): ConfigError {
    const shown = got === undefined ? "nothing" : JSON.stringify(got).slice(0, 40);
    return new ConfigError(`${this.where}: field '${path || "(root)"}': ${expected}, got ${shown}`);
  }
}
