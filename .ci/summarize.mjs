// Turns vitest's JSON report into the one closing line CI reads: `N passed, N failed`
// (with `, N skipped` when tests were skipped). A test file that failed to load counts as one
// failure, so a broken suite is never silent. With --skips-fail (CI), every skipped test
// also counts as failed and is named: CI runs the full set.
//
//   node .ci/summarize.mjs [--skips-fail] REPORT.json
import { readFileSync } from "node:fs";
import { relative } from "node:path";

const args = process.argv.slice(2);
const skipsFail = args.includes("--skips-fail");
const file = args.filter((a) => a !== "--skips-fail")[0];
let report;
try {
  report = JSON.parse(readFileSync(file, "utf8"));
} catch (e) {
  console.log(`no test report at ${file}: ${e.message}`);
  console.log("0 passed, 1 failed");
  process.exit(1);
}
const passed = report.numPassedTests ?? 0;
const brokenFiles = (report.testResults ?? []).filter(
  (f) => f.status === "failed" && (f.assertionResults ?? []).length === 0,
).length;
const skippedTests = (report.testResults ?? []).flatMap((f) =>
  (f.assertionResults ?? [])
    .filter((a) => a.status !== "passed" && a.status !== "failed")
    .map((a) => `${relative(process.cwd(), f.name)} > ${a.fullName} (${a.status})`),
);
const skipped = Math.max((report.numPendingTests ?? 0) + (report.numTodoTests ?? 0), skippedTests.length);
let failed = (report.numFailedTests ?? 0) + brokenFiles;
if (passed + failed === 0) {
  console.log("vitest ran no tests");
  console.log("0 passed, 1 failed");
  process.exit(1);
}
if (skipsFail && skipped > 0) {
  console.log(`${skipped} skipped test${skipped === 1 ? "" : "s"}, counted as failed (CI runs every test):`);
  for (const t of skippedTests.slice(0, 50)) console.log(`  ${t}`);
  if (skippedTests.length > 50) console.log(`  ... and ${skippedTests.length - 50} more`);
  failed += skipped;
  console.log(`${passed} passed, ${failed} failed`);
} else {
  console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}`);
}
process.exit(failed > 0 ? 1 : 0);
