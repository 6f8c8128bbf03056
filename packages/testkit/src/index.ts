/**
 * `@ringlab/testkit`: dev-only helpers every package's tests may import (never `src`; the
 * layer rules check it). It finds the *extras* some tests need — things outside the
 * repository: the test386 ROM, Unicorn, objdump, nasm, QEMU, Bochs, gcc -m32, the fetched third-party
 * guests — and lets those tests
 * skip with the reason when one is missing, or fail when `RINGLAB_REQUIRE_EXTRAS` is set.
 * The reporter (`@ringlab/testkit/reporter`) lists every skip and its reason at the end.
 */
export {
  EXTRAS,
  GUEST_FILES,
  type Extra,
  type ExtraInfo,
  type ExtraName,
  MissingExtraError,
  REPO_ROOT,
  conformanceDir,
  extra,
  extraPath,
  extrasRequired,
  findOnPath,
  forgetExtras,
  guestsDir,
  infoOf,
  missingExtras,
} from "./extras.js";
export { type SkipContext, describeNeeds, itNeeds, needs, skipWithReason } from "./vitest.js";
export { hostCpuVendor, hostIsIntel } from "./host-cpu.js";
