import { relative } from "node:path";
import type { Reporter, TestCase, TestModule, Vitest } from "vitest/node";
import { extrasRequired } from "./extras.js";

/** One skipped test, as the closing summary lists it. */
export interface SkippedTest {
  /** `|project| file > suite > test` */
  name: string;
  /** The skip note (the missing extra's reason), or undefined for a skip that gave none. */
  reason?: string;
  todo: boolean;
}

/** Every skipped test of a run, in run order. */
export function skippedTests(modules: readonly TestModule[], root: string): SkippedTest[] {
  const out: SkippedTest[] = [];
  for (const m of modules) {
    for (const t of m.children.allTests()) {
      const r = t.result();
      if (r.state !== "skipped") continue;
      out.push({ name: testName(t, root), ...(r.note ? { reason: r.note } : {}), todo: t.options.mode === "todo" });
    }
  }
  return out;
}

function testName(t: TestCase, root: string): string {
  const project = t.project.name ? `|${t.project.name}| ` : "";
  return `${project}${relative(root, t.module.moduleId)} > ${t.fullName}`;
}

/**
 * The closing summary's skip list: every skipped test under the reason it was skipped for,
 * grouped by reason; tests skipped with no reason (`it.skip`, `todo`) are listed too. Empty
 * when nothing was skipped.
 */
export function formatSkipped(skipped: readonly SkippedTest[], required = extrasRequired()): string[] {
  if (skipped.length === 0) return [];
  const groups = new Map<string, string[]>();
  for (const s of skipped) {
    const key = s.reason ?? (s.todo ? "todo (not written yet)" : "skipped with no reason given (it.skip / describe.skip)");
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(s.name);
  }
  const lines = [
    "",
    ` Skipped ${skipped.length} test${skipped.length === 1 ? "" : "s"}, for ${groups.size === 1 ? "this reason" : `these ${groups.size} reasons`}` +
      (required ? ":" : " (RINGLAB_REQUIRE_EXTRAS=1 turns them into failures; CI sets it):"),
  ];
  for (const [reason, names] of groups) {
    lines.push(`   ${reason} — ${names.length} test${names.length === 1 ? "" : "s"}:`);
    for (const n of names) lines.push(`     ${n}`);
  }
  return lines;
}

/**
 * A vitest reporter that ends the run with the list of skipped tests and why each was
 * skipped (vitest's own summary only counts them). Use it after the default reporter:
 * `reporters: ["default", "./packages/testkit/dist/reporter.js"]`.
 */
export default class ExtrasReporter implements Reporter {
  private vitest: Vitest | undefined;

  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  onTestRunEnd(testModules: readonly TestModule[]): void {
    const root = this.vitest?.config.root ?? process.cwd();
    let skipped = skippedTests(testModules, root);
    const log = (s: string) => (this.vitest ? this.vitest.logger.log(s) : console.log(s));
    if (this.vitest?.config.testNamePattern !== undefined) {
      // A -t filter skips every test it does not select, with no note: not worth listing.
      const unselected = skipped.filter((s) => s.reason === undefined && !s.todo).length;
      skipped = skipped.filter((s) => s.reason !== undefined || s.todo);
      if (unselected > 0) log(` (${unselected} test${unselected === 1 ? "" : "s"} not selected by -t, not listed)`);
    }
    const lines = formatSkipped(skipped);
    if (lines.length === 0) {
      if (testModules.length > 0) log(this.vitest?.config.testNamePattern !== undefined ? " No other test skipped." : " No test skipped.");
      return;
    }
    for (const l of lines) log(l);
  }
}
