import { EXIT_REASONS, type ExitReason } from "@ringlab/monitor";
import type { PolicyRun } from "../commands/compare.js";
import { type ChartOption, renderSvgChart } from "./svg-chart.js";

/** What the HTML report of `ringlab compare` shows (the same as its `--json`). */
export interface ComparisonReport {
  /** The guest, as the command line named it. */
  guest: string;
  version: string;
  indistinguishable: boolean;
  runs: PolicyRun[];
  /** Per run, how it differs from the reference (the first). */
  differences: string[][];
  /** The table rows the text report prints (header first). */
  table: string[][];
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * `ringlab compare --html`: one self-contained page (inline SVG charts and CSS, no script,
 * no network) with the verdict, the per-policy table, exits by reason and a timeline of
 * exits over the run.
 */
export async function compareHtml(report: ComparisonReport): Promise<string> {
  const { runs } = report;
  const policies = runs.map((r) => r.policy);
  const reasons = EXIT_REASONS.filter((reason) => runs.some((r) => (r.exitsByReason[reason] ?? 0) > 0));
  const charts: string[] = [];
  if (reasons.length > 0) {
    charts.push(section("Exits by reason", await renderSvgChart(exitsByReasonChart(runs, reasons), 900, 380), "chart-exits-by-reason"));
    charts.push(section("Exits over the run", await renderSvgChart(timelineChart(runs), 900, 380), "chart-exit-timeline"));
  } else {
    charts.push(`<p>No policy took an exit, so there is nothing to chart.</p>`);
  }
  const verdict = report.indistinguishable
    ? `<p class="verdict same">The guest could not tell ${policies.map(escape).join(", ")} apart: same console output, screen, instruction count, event log and outcome.</p>`
    : `<div class="verdict differ"><p>The guest <strong>could</strong> tell the policies apart:</p><ul>${report.differences
        .flatMap((d, i) => d.map((what) => `<li>${escape(runs[i]!.policy)} vs ${escape(runs[0]!.policy)}: ${escape(what)}</li>`))
        .join("")}</ul></div>`;
  const [head, ...rows] = report.table;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>ringlab compare: ${escape(report.guest)}</title>
<style>
body { font: 15px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 960px; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 2em; }
table { border-collapse: collapse; } th, td { padding: .25em .7em; border-bottom: 1px solid #ddd; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.verdict { padding: .6em 1em; border-radius: 4px; } .same { background: #e6f4ea; } .differ { background: #fde8e8; }
.note { color: #666; font-size: .9em; }
</style>
</head>
<body>
<h1>ringlab compare — ${escape(report.guest)}</h1>
<p class="note">ringlab ${escape(report.version)}; ${runs.length} policies from the same power-on state, the first (${escape(runs[0]!.policy)}) the reference.</p>
${verdict}
<h2>Policies</h2>
<table id="policy-table">
<thead><tr>${head!.map((h) => `<th>${escape(h)}</th>`).join("")}</tr></thead>
<tbody>
${rows.map((r) => `<tr>${r.map((c) => `<td>${escape(c)}</td>`).join("")}</tr>`).join("\n")}
</tbody>
</table>
${charts.join("\n")}
<h2>Estimated cost</h2>
<p class="note">Not shown yet: the cost model that turns exits into estimated host cycles is not implemented (issue 17).</p>
</body>
</html>
`;
}

function section(title: string, svg: string, id: string): string {
  return `<h2>${escape(title)}</h2>\n<figure id="${id}">${svg}</figure>`;
}

/** Grouped bars: for each exit reason, one bar per policy. */
function exitsByReasonChart(runs: PolicyRun[], reasons: ExitReason[]): ChartOption {
  return {
    legend: { top: 0 },
    grid: { left: 80, right: 20, top: 40, bottom: 80 },
    xAxis: { type: "category", data: reasons, axisLabel: { rotate: 20 } },
    yAxis: { type: "value", name: "exits" },
    series: runs.map((r) => ({ name: r.policy, type: "bar", data: reasons.map((reason) => r.exitsByReason[reason] ?? 0) })),
  };
}

/** One line per policy: exits per bucket of retired instructions. */
function timelineChart(runs: PolicyRun[]): ChartOption {
  return {
    legend: { top: 0 },
    grid: { left: 80, right: 30, top: 40, bottom: 60 },
    xAxis: { type: "value", name: "instructions retired", nameLocation: "middle", nameGap: 30 },
    yAxis: { type: "value", name: "exits per bucket" },
    series: runs.map((r) => {
      const t = r.timeline;
      const totals: number[] = [];
      for (const row of Object.values(t?.byReason ?? {})) row.forEach((v, i) => (totals[i] = (totals[i] ?? 0) + v));
      const width = t?.bucketInstructions ?? 1;
      return { name: r.policy, type: "line", showSymbol: false, data: Array.from(totals, (v, i) => [i * width, v ?? 0]) };
    }),
  };
}
