import { beforeEach, describe, it, type TestContext } from "vitest";
import { type ExtraName, MissingExtraError, extrasRequired, missingExtras } from "./extras.js";

/** The part of vitest's test context these helpers use. */
export type SkipContext = Pick<TestContext, "skip">;

/**
 * Skips the running test with `reason` as its note (shown by the extras reporter at the end
 * of the run) — or, when `RINGLAB_REQUIRE_EXTRAS` is set, fails it with that reason, so
 * that CI never loses a test to a missing tool. For conditions other than a missing extra,
 * e.g. an installed tool of another version than the recorded answers came from.
 */
export function skipWithReason(ctx: SkipContext, reason: string): never {
  if (extrasRequired()) throw new MissingExtraError(`${reason} [RINGLAB_REQUIRE_EXTRAS is set: this test may not be skipped]`);
  return ctx.skip(reason);
}

/**
 * Call first in a test that needs extras: returns when they are all available, otherwise
 * skips the test with the reasons (or fails it under `RINGLAB_REQUIRE_EXTRAS`).
 *
 * @example
 * it("agrees with live Unicorn", async (ctx) => {
 *   needs(ctx, "unicorn");
 *   ...
 * });
 */
export function needs(ctx: SkipContext, ...names: ExtraName[]): void {
  const absent = missingExtras(...names);
  if (absent.length > 0) skipWithReason(ctx, absent.map((e) => e.reason).join("; "));
}

type TestFn = (ctx: TestContext) => unknown;

/**
 * `it(name, fn, timeout)` for a test that needs `extras`: skipped with the reason when one is
 * missing (see {@link needs}).
 */
export function itNeeds(extras: ExtraName | readonly ExtraName[], name: string, fn: TestFn, timeout?: number): void {
  const list = typeof extras === "string" ? [extras] : [...extras];
  it(
    name,
    (ctx) => {
      needs(ctx, ...list);
      return fn(ctx);
    },
    timeout,
  );
}

/**
 * `describe(name, body)` whose every test needs `extras`: each is skipped with the reason
 * when one is missing. (Hooks of the suite other than `beforeEach` still run: keep work that
 * needs an extra inside the tests.)
 */
export function describeNeeds(extras: ExtraName | readonly ExtraName[], name: string, body: () => void): void {
  const list = typeof extras === "string" ? [extras] : [...extras];
  describe(name, () => {
    beforeEach((ctx) => needs(ctx, ...list));
    body();
  });
}
