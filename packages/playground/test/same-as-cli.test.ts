import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "@ringlab/testkit";
import { BUILTIN_POLICY_NAMES } from "@ringlab/monitor";
import { describe, expect, it } from "vitest";
import { comparisonView } from "../src/driver.js";
import { GuestRun } from "../src/guest-run.js";
import { guest } from "./guests.js";

/**
 * The playground's "compare all policies" against `ringlab compare` on the same guest: the
 * same report, character for character, but for the host times. The playground runs the
 * guest in slices (here short, of a prime length), which must not change anything the
 * guest sees — irq-boundary checks exactly where each IRQ 0 lands.
 */
const CLI = join(REPO_ROOT, "packages/cli/dist/main.js");
const hostTimes = (s: string) => s.replace(/ +\d+\.\d\d s$/gm, "");

describe("compare all policies: the same report as the CLI", () => {
  for (const name of ["sensitive", "irq-boundary"]) {
    it(name, () => {
      const cli = spawnSync(process.execPath, [CLI, "compare", join(REPO_ROOT, "test/guests", name, `${name}.bin`)], { encoding: "utf8" });
      expect(cli.stderr).toBe("");
      expect(cli.status).toBe(0);
      // `ringlab compare` with no --policies runs every built-in policy.
      const runs = BUILTIN_POLICY_NAMES.map((policy) => {
        const run = new GuestRun(guest(name), policy);
        run.runToEnd(4099);
        return run.policyRun();
      });
      const view = comparisonView(runs);
      expect(hostTimes(view.text)).toBe(hostTimes(cli.stdout));
      expect(view.indistinguishable).toBe(true);
    });
  }
});
