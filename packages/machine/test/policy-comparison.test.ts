import { describe, expect, it } from "vitest";
import { EventLog } from "../src/event-log.js";
import { describeOutcome, outcomeText } from "../src/outcome-text.js";
import { type PolicyRun, allDifferences, comparisonTable, exitsByReasonTable, formatComparison, groupDigits, verdictLines } from "../src/policy-comparison.js";

/** A finished run, as policyRunOf would record it, with what a test changes. */
function run(policy: string, changes: Partial<PolicyRun> = {}): PolicyRun {
  const events = new EventLog();
  events.record(100, 0x20, "external", 0x08, 0x100900, -1);
  return {
    policy,
    outcome: { kind: "exit", status: 0, reason: "exit port" },
    instructions: 1234567,
    console: "hello\nworld\n",
    screen: "screen",
    events,
    counters: { direct: 900, emulated: 100, scanned: 0, patched: 0 },
    exits: 0,
    exitsByReason: {},
    timeline: null,
    hostMs: 1500,
    ...changes,
  };
}

describe("the comparison of policies (the core of `ringlab compare` and the playground)", () => {
  it("finds no difference between identical runs, and says so in one line", () => {
    const runs = [run("pure"), run("pvi", { exits: 7, exitsByReason: { io: 5, "sensitive-instruction": 2 } })];
    const diffs = allDifferences(runs);
    expect(diffs).toEqual([[], []]);
    expect(verdictLines(runs, diffs, true)).toEqual([
      "verdict: the guest could not tell pure, pvi apart (same console output, screen, instruction count, event log and outcome)",
    ]);
  });

  it("names every difference against the reference, quoting the first differing line", () => {
    const other = new EventLog();
    other.record(100, 0x0d, "fault", 0x08, 0x100900, 0);
    const runs = [
      run("pure"),
      run("scan-patch", { console: "hello\nWORLD\n", screen: "other", events: other, instructions: 7, outcome: { kind: "halted", reason: "hlt" } }),
    ];
    const diffs = allDifferences(runs);
    expect(diffs[1]).toEqual([
      'console output differs at line 2: "WORLD" instead of "world"',
      "the VGA screen differs",
      expect.stringMatching(/^the event log differs at event 1: /),
      "it retired 7 instructions, not 1,234,567",
      "it ended with halted, not exit 0",
    ]);
    expect(verdictLines(runs, diffs, false)[0]).toBe("verdict: the guest COULD tell the policies apart (sensitive instructions were not patched: --no-patch):");
    expect(verdictLines(runs, diffs, false)[1]).toBe('  scan-patch vs pure: console output differs at line 2: "WORLD" instead of "world"');
  });

  it("tables the runs as the text report prints them", () => {
    const runs = [run("pure"), run("pvi", { exits: 1234, exitsByReason: { io: 1234 }, console: "x" })];
    expect(comparisonTable(runs)).toEqual([
      ["policy", "outcome", "instructions", "direct", "exits", "events", "console", "screen", "host time"],
      ["pure", "exit 0", "1,234,567", "90.0%", "0", "1", "reference", "reference", "1.50 s"],
      ["pvi", "exit 0", "1,234,567", "90.0%", "1,234", "1", "DIFFERENT", "same", "1.50 s"],
    ]);
    expect(exitsByReasonTable(runs)).toEqual([
      ["exits by reason", "pure", "pvi"],
      ["  io", "0", "1,234"],
    ]);
    expect(exitsByReasonTable([run("pure"), run("pvi")])).toEqual([]);
    const text = formatComparison(runs, allDifferences(runs), true);
    expect(text.split("\n").slice(0, 3)).toEqual([
      "policy  outcome  instructions  direct  exits  events  console    screen     host time",
      "pure    exit 0      1,234,567   90.0%      0       1  reference  reference  1.50 s",
      "pvi     exit 0      1,234,567   90.0%  1,234       1  DIFFERENT  same       1.50 s",
    ]);
    expect(text).toContain("exits by reason  pure    pvi\n  io                0  1,234\n");
  });

  it("says how a run ended, short and long", () => {
    expect(outcomeText({ kind: "exception", vector: 13, errorCode: 0 })).toBe("unhandled exit 13");
    expect(describeOutcome({ kind: "exception", vector: 13, errorCode: 0x18 })).toMatch(/^unhandled .*\(error code 0x0018\)$/);
    expect(describeOutcome({ kind: "exit", status: 3, reason: "port 0xF4" })).toBe("guest exited with status 3 (port 0xF4)");
    expect(groupDigits(18180584)).toBe("18,180,584");
  });
});
