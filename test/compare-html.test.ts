import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { REPO_ROOT, describeNeeds, extraPath } from "@ringlab/testkit";
import { beforeAll, describe, expect, it } from "vitest";

/**
 * `ringlab compare --html` (issue 17): one self-contained page with the verdict, the
 * per-policy table and two charts (exits by reason; exits over the run), drawn as inline SVG
 * by ECharts. Checked as a file, then rendered by a real browser — Debian's Chromium,
 * headless — which must lay both charts out with their bars and lines on screen.
 */

const CLI = join(REPO_ROOT, "packages/cli/dist/main.js");
const SENSITIVE = join(REPO_ROOT, "test/guests/sensitive/sensitive.bin");
const dir = mkdtempSync(join(tmpdir(), "ringlab-html-"));
const report = join(dir, "report.html");
let stdout = "";
let html = "";

beforeAll(() => {
  const r = spawnSync(process.execPath, [CLI, "compare", SENSITIVE, "--html", report], { encoding: "utf8" });
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  stdout = r.stdout;
  html = readFileSync(report, "utf8");
}, 120_000);

describe("compare --html: the file", () => {
  it("is self-contained: no script, nothing fetched", () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?(https?:|\/\/)/i);
    expect(html).not.toMatch(/@import|url\(\s*["']?https?:/i);
  });

  it("holds the verdict, the table the text report prints, and both charts", () => {
    expect(stdout).toContain("verdict: the guest could not tell pure, scan-patch, pvi, vtx apart");
    expect(html).toContain("The guest could not tell pure, scan-patch, pvi, vtx apart");
    for (const policy of ["pure", "scan-patch", "pvi"]) {
      const row = new RegExp(`^${policy} +exit 0 +([\\d,]+) .* ([\\d,]+) +[\\d,]+ +(reference|same)`, "m").exec(stdout);
      expect(row, policy).not.toBeNull();
      expect(html).toContain(`<tr><td>${policy}</td><td>exit 0</td><td>${row![1]}</td>`);
    }
    expect(html).toMatch(/<figure id="chart-exits-by-reason"><svg /);
    expect(html).toMatch(/<figure id="chart-exit-timeline"><svg /);
    expect(html).toContain(">sensitive-instruction<");
    expect(html).toContain(">instructions retired<");
  });

  it("--json carries the timeline the chart is drawn from, every exit in it", () => {
    const r = spawnSync(process.execPath, [CLI, "compare", SENSITIVE, "--json"], { encoding: "utf8" });
    const j = JSON.parse(r.stdout) as { runs: { policy: string; exits: number; timeline: { bucketInstructions: number; byReason: Record<string, number[]> } | null }[] };
    expect(j.runs[0]!.timeline).toBeNull(); // pure takes no exits and keeps no timeline
    for (const run of j.runs.slice(1)) {
      const t = run.timeline!;
      const sum = Object.values(t.byReason).flat().reduce((a, b) => a + b, 0);
      expect(sum, run.policy).toBe(run.exits);
      expect(t.bucketInstructions).toBeGreaterThan(0);
    }
  });

  it("a file it cannot write is one line naming --html", () => {
    const r = spawnSync(process.execPath, [CLI, "compare", SENSITIVE, "--html", join(dir, "no/such/dir/r.html")], { encoding: "utf8" });
    expect(r.stderr).toBe(`ringlab: --html: cannot write ${join(dir, "no/such/dir/r.html")} (ENOENT)\n`);
    expect(r.status).toBe(73);
  });
});

describeNeeds("chromium", "compare --html: in a browser", () => {
  it("Chromium lays out both charts, with their bars and lines, and the table", () => {
    // A page that loads the report in a frame and writes what the browser laid out into
    // its own DOM, which --dump-dom prints once the page has loaded.
    const probe = join(dir, "probe.html");
    writeFileSync(
      probe,
      `<!doctype html><body><iframe id="f" src="report.html" width="1000" height="2000"></iframe><script>
document.getElementById("f").onload = () => {
  const d = document.getElementById("f").contentDocument;
  const figure = (id) => {
    const svg = d.querySelector("#" + id + " svg");
    if (!svg) return null;
    const box = svg.getBoundingClientRect();
    const drawn = [...svg.querySelectorAll("path")].filter((p) => { const b = p.getBBox(); return b.width > 0 && b.height > 0; });
    return { width: Math.round(box.width), height: Math.round(box.height), drawn: drawn.length, texts: [...svg.querySelectorAll("text")].map((t) => t.textContent) };
  };
  const out = { rows: d.querySelectorAll("#policy-table tbody tr").length, byReason: figure("chart-exits-by-reason"), timeline: figure("chart-exit-timeline") };
  const pre = document.createElement("pre"); pre.id = "result"; pre.textContent = JSON.stringify(out); document.body.appendChild(pre);
};
</script></body>`,
    );
    const r = spawnSync(
      extraPath("chromium"),
      ["--headless", "--no-sandbox", "--disable-gpu", "--allow-file-access-from-files", "--virtual-time-budget=5000", "--dump-dom", `file://${probe}`],
      { encoding: "utf8", timeout: 120_000 },
    );
    const m = /<pre id="result">(.*?)<\/pre>/s.exec(r.stdout);
    expect(m, r.stderr.slice(-2000)).not.toBeNull();
    const out = JSON.parse(m![1]!.replace(/&quot;/g, '"').replace(/&amp;/g, "&")) as {
      rows: number;
      byReason: { width: number; height: number; drawn: number; texts: string[] } | null;
      timeline: { width: number; height: number; drawn: number; texts: string[] } | null;
    };
    expect(out.rows).toBe(4); // one per built-in policy
    for (const chart of [out.byReason, out.timeline]) {
      expect(chart).not.toBeNull();
      expect(chart!.width).toBe(900);
      expect(chart!.height).toBe(380);
      expect(chart!.texts).toEqual(expect.arrayContaining(["pure", "scan-patch", "pvi"]));
    }
    // Bars: one per policy with exits, per reason (pure has none); lines: one per policy with a timeline.
    expect(out.byReason!.drawn).toBeGreaterThanOrEqual(2 * 3);
    expect(out.byReason!.texts).toEqual(expect.arrayContaining(["sensitive-instruction", "privileged-instruction", "io"]));
    expect(out.timeline!.drawn).toBeGreaterThanOrEqual(2);
  }, 180_000);
});
