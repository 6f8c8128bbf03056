import { describe, expect, it } from "vitest";
import { appendConsole, fileProblem } from "../src/page-model.js";
import { exitRows, progressLine } from "../src/view-model.js";

describe("the live view", () => {
  it("lists the reasons exited for, in the CLI's order, with bars relative to the largest", () => {
    const rows = exitRows({ io: 4796, "sensitive-instruction": 6129, "privileged-instruction": 13, "guest-exception": 0 });
    expect(rows.map((r) => [r.reason, r.text, r.percent])).toEqual([
      ["sensitive-instruction", "6,129", 100],
      ["privileged-instruction", "13", 1],
      ["io", "4,796", 78],
    ]);
    expect(exitRows({})).toEqual([]);
  });

  it("says where a run is in one line", () => {
    expect(progressLine({ policy: "pvi", instructions: 1234567, virtualMs: 12.345, hostMs: 310, exits: 1, exitsByReason: {} })).toBe(
      "pvi: 1,234,567 instructions, 12.3 ms of guest time, 1 exit (0.31 s on this host)",
    );
    expect(progressLine({ policy: "pure", instructions: 5, virtualMs: 2000, hostMs: 0, exits: 0, exitsByReason: {} })).toBe(
      "pure: 5 instructions, 2.00 s of guest time, 0 exits (0.00 s on this host)",
    );
  });
});

describe("the page's own checks", () => {
  it("refuses empty and oversized files before reading them", () => {
    expect(fileProblem("a.bin", 0)).toBe("a.bin is empty: expected a Multiboot kernel");
    expect(fileProblem("big.iso", 700 * 1024 * 1024)).toBe("big.iso is 700.0 MiB: larger than the machine's 32 MiB of RAM");
    expect(fileProblem("k.bin", 6480)).toBeUndefined();
  });

  it("keeps the last part of a long console, from a line start", () => {
    expect(appendConsole("ab\n", "cd")).toBe("ab\ncd");
    expect(appendConsole("line one\nline two\n", "line three\n", 20)).toBe("line three\n");
  });
});
