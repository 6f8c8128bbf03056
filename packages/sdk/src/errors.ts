/**
 * Errors a user (or a plugin author) can cause. Each carries a one-line message that names
 * what was wrong and what was expected, so a front end can print it as is, with no stack.
 */
export class RinglabError extends Error {
  /**
   * A short machine-readable category: `"config"` ({@link ConfigError}), `"resource-conflict"`
   * ({@link ResourceConflictError}), `"device"` ({@link DeviceError}), or one of the plain
   * RinglabError's, such as `"bad-claim"` or `"bad-mapping"`.
   */
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = "RinglabError";
    this.code = code;
  }
}

/** One side of a memory conflict: who mapped what where. */
export interface MappedRange {
  /** Who made the mapping: a device id, or a machine part such as `"ram"`. */
  owner: string;
  /** What backs it: a {@link RegionKind}, `"ram"`, `"rom"` or `"mmio"`. */
  kind: string;
  /** First physical address of the mapping. */
  base: number;
  /** Size of the mapping in bytes. */
  size: number;
}

/**
 * Who collided in a {@link ResourceConflictError}, so that a front end can name where each
 * came from (a config key, a flag that added a device). Conflicts over a port, a memory
 * range, an IRQ line or a PCI address fill in {@link owners}; a second interrupt controller,
 * PCI interrupt router or IRQ sink leaves the details empty and names the owners only in
 * its message.
 */
export interface ResourceConflictDetails {
  /** The two owners: first the one already there, then the one refused. */
  owners?: readonly [string, string];
  /** For a memory conflict: the two mappings. */
  memory?: {
    /** The mapping that was refused. */
    refused: MappedRange;
    /** The mapping already there that it overlaps. */
    existing: MappedRange;
  };
}

/** Two owners claimed the same port, memory range or IRQ line. */
export class ResourceConflictError extends RinglabError {
  constructor(
    message: string,
    /** Who collided: see {@link ResourceConflictDetails}. */
    readonly details: ResourceConflictDetails = {},
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
