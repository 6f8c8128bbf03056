/**
 * Errors a user (or a plugin author) can cause. Each carries a one-line message that names
 * what was wrong and what was expected, so a front end can print it as is, with no stack.
 */
export class RinglabError extends Error {
  /** A short machine-readable category, e.g. `"mapping-conflict"`. */
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = "RinglabError";
    this.code = code;
  }
}

/** One side of a memory conflict: who mapped what where. */
export interface MappedRange {
  owner: string;
  kind: string;
  base: number;
  size: number;
}

/** Two owners claimed the same port, memory range or IRQ line. */
export class ResourceConflictError extends RinglabError {
  constructor(
    message: string,
    /**
     * Who collided, so that a front end can name where each came from (a config key, a
     * flag that added a device): the two owners (the one already there first), and for a
     * memory conflict the mapping that was refused and the one already there.
     */
    readonly details: { owners?: readonly [string, string]; memory?: { refused: MappedRange; existing: MappedRange } } = {},
  ) {
    super("resource-conflict", message);
    this.name = "ResourceConflictError";
  }
}

/** A configuration value (machine config, device option, saved state) was not acceptable. */
export class ConfigError extends RinglabError {
  constructor(message: string) {
    super("config", message);
    this.name = "ConfigError";
  }
}

/** True for errors whose message is meant for the user as it stands. */
export function isRinglabError(e: unknown): e is RinglabError {
  return e instanceof RinglabError;
}
