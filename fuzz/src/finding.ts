/**
 * What a fuzz target throws when it has found a bug: the host crashed (an exception where a
 * guest fault, a clear user error or a quiet end was due), or two runs that must agree did
 * not. Anything a target throws is a finding; this class names which oracle failed.
 */
export class Finding extends Error {
  constructor(
    readonly oracle: string,
    detail: string,
  ) {
    super(`${oracle}: ${detail}`);
    this.name = "Finding";
  }
}
