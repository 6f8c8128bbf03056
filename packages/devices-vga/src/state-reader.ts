import { ConfigError, type JsonValue } from "@ringlab/sdk";

/**
 * Reads fields out of a saved state (plain JSON) and checks each one, so that `loadState`
 * rejects a state this device did not write with one line naming the bad field, e.g.
 * `vga state: field 'crtc.regs' must be an array of 25 bytes`.
 */
export class StateReader {
  constructor(
    private readonly owner: string,
    private readonly value: JsonValue,
    private readonly path = "",
  ) {}

  private fail(field: string, expected: string): never {
    throw new ConfigError(`${this.owner} state: field '${this.join(field)}' must be ${expected}`);
  }

  private join(field: string): string {
    return this.path ? `${this.path}.${field}` : field;
  }

  private get(field: string): JsonValue | undefined {
    const v = this.value;
    if (v === null || typeof v !== "object" || Array.isArray(v)) {
      throw new ConfigError(`${this.owner} state: ${this.path ? `field '${this.path}'` : "the state"} must be an object`);
    }
    return v[field];
  }

  /** A nested object field. */
  object(field: string): StateReader {
    const v = this.get(field);
    if (v === null || typeof v !== "object" || Array.isArray(v) || v === undefined) this.fail(field, "an object");
    return new StateReader(this.owner, v, this.join(field));
  }

  /** An integer in [min, max]. */
  int(field: string, min: number, max: number): number {
    const v = this.get(field);
    if (typeof v !== "number" || !Number.isInteger(v) || v < min || v > max) {
      this.fail(field, `an integer from ${min} to ${max}`);
    }
    return v;
  }

  bool(field: string): boolean {
    const v = this.get(field);
    if (typeof v !== "boolean") this.fail(field, "true or false");
    return v;
  }

  string(field: string): string {
    const v = this.get(field);
    if (typeof v !== "string") this.fail(field, "a string");
    return v;
  }

  /** An array of exactly `length` integers 0..255. */
  bytes(field: string, length: number): Uint8Array {
    const v = this.get(field);
    if (!Array.isArray(v) || v.length !== length || !v.every((b) => typeof b === "number" && Number.isInteger(b) && b >= 0 && b <= 255)) {
      this.fail(field, `an array of ${length} bytes`);
    }
    return Uint8Array.from(v as number[]);
  }

  /** Reports a field whose value was present but unusable (e.g. bad base64). */
  invalid(field: string, expected: string): never {
    this.fail(field, expected);
  }
}
