// The side-by-side table the benchmarks print once every emulator has run the same guest:
// millions of guest instructions a second for each, and ringlab's speed against each of the
// others as a ratio (> 1: ringlab is faster), which is the figure to read on a machine whose
// load moves absolute times between runs.

import { runQemu } from "./qemu-runner.mjs";
import { runV86 } from "./v86-runner.mjs";

/**
 * A column of measurements of one emulator on one guest. `secs` holds one time a run
 * (start-up excluded), `basis` says which clock ("CPU" or "wall"); the best (smallest) is used.
 * A ringlab column also has `wallSecs`, the same runs' wall times, for the ratio against a
 * wall-time column. `missing` is the one-line reason when it did not run, `wrong` when its output differed.
 * @typedef {{ name: string, ringlab?: boolean, basis: "CPU" | "wall", secs: number[], wallSecs?: number[], missing?: string, wrong?: string }} Column
 */

const best = (c) => Math.min(...c.secs);

/** The first line where `output` differs from `reference`, quoted both ways, for a "wrong output" row. */
export function firstDifference(output, reference) {
  const a = output.split("\n");
  const b = reference.split("\n");
  const i = a.findIndex((line, k) => line !== b[k]);
  const k = i < 0 ? a.length : i;
  return `line ${k + 1} is ${JSON.stringify(a[k] ?? "")}, ringlab's ${JSON.stringify(b[k] ?? "")}`;
}

/** Prints the table for `instructions` guest instructions (ringlab's exact count). */
export function printSideBySide(title, instructions, columns) {
  console.log(`${title}: ${instructions.toLocaleString("en-US")} guest instructions; best of each emulator's runs, start-up excluded`);
  const width = Math.max(...columns.map((c) => c.name.length)) + 2;
  for (const c of columns) {
    const head = c.name.padEnd(width);
    if (c.missing) console.log(`  ${head}not run: ${c.missing}`);
    else if (c.wrong) console.log(`  ${head}wrong output: ${c.wrong}`);
    else {
      const rate = (secs) => (instructions / secs / 1e6).toFixed(1).padStart(8);
      const byWall = c.wallSecs ? `; ${rate(Math.min(...c.wallSecs)).trim()} by wall time` : "";
      console.log(`  ${head}${rate(best(c))} M instr/s  (${c.basis} time${byWall}; ${c.secs.length} run${c.secs.length === 1 ? "" : "s"})`);
    }
  }
  const valid = columns.filter((c) => !c.missing && !c.wrong);
  const others = valid.filter((c) => !c.ringlab);
  for (const r of valid.filter((c) => c.ringlab)) {
    const ratios = others.map((o) => {
      // Like with like: CPU time with CPU time; against a wall-time figure, ringlab's wall time.
      const mine = o.basis === "wall" ? Math.min(...(r.wallSecs ?? r.secs)) : best(r);
      return `${o.name} ${(best(o) / mine).toFixed(2)}`;
    });
    if (ratios.length) console.log(`  ${r.name} speed / other's: ${ratios.join(", ")}`);
  }
}

/**
 * Runs every emulator on one guest `rounds` times, alternating the order from round to round
 * so that a change of the machine's load falls on all of them, and returns the columns for
 * {@link printSideBySide} and ringlab's first valid run (the reference output and count).
 *
 * `ringlab` entries run in this process and return `{ ok, output, instructions, cpuSecs, wall }`
 * (they print their own lines); `others` entries (runQemu, runV86) resolve what those runners
 * resolve, and are printed and checked here: an output other than the reference's, or a
 * non-zero exit, makes the column "wrong output"; a failure to run is said once and not retried.
 * @param {{ rounds: number, ringlab: { name: string, run: () => any }[], others: { name: string, basis: "CPU" | "wall", run: () => Promise<any> }[], afterRound?: (runs: Record<string, any>) => void }} plan
 */
export async function runSideBySide({ rounds, ringlab, others, afterRound }) {
  /** @type {Record<string, Column>} */
  const columns = {};
  for (const r of ringlab) columns[r.name] = { name: r.name, ringlab: true, basis: "CPU", secs: [], wallSecs: [] };
  for (const o of others) columns[o.name] = { name: o.name, basis: o.basis, secs: [] };
  let reference;
  for (let round = 0; round < rounds; round++) {
    if (rounds > 1) console.log(`round ${round + 1} of ${rounds}`);
    const runs = {};
    const order = [...ringlab.map((r) => ({ ...r, ringlab: true })), ...others];
    if (round % 2 === 1) order.reverse();
    for (const item of order) {
      const col = columns[item.name];
      if (item.ringlab) {
        const r = item.run();
        runs[item.name] = r;
        if (!r.ok) continue;
        reference ??= r;
        col.secs.push(r.cpuSecs);
        col.wallSecs.push(r.wall);
        continue;
      }
      if (col.missing) continue;
      const r = await item.run();
      if (!r.ok) {
        col.missing = r.reason;
        console.log(`${item.name}: not run: ${r.reason}`);
        continue;
      }
      const secs = item.basis === "wall" ? r.runWall : r.runCpu;
      const startup = r.startupCpu === undefined ? `${r.startup.toFixed(2)} s wall` : `${r.startupWall.toFixed(2)} s wall, ${r.startupCpu.toFixed(2)} s CPU`;
      const same = reference !== undefined && r.output === reference.output && r.status === 0;
      console.log(`${item.name} ${r.version}: ${secs.toFixed(2)} s ${item.basis} from the first debug byte to the exit port (start-up ${startup}); exit ${r.status}; output ${same ? "identical" : "DIFFERENT"}`);
      if (same) col.secs.push(secs);
      else col.wrong ??= r.status !== 0 ? `exit ${r.status}` : firstDifference(r.output, reference?.output ?? "");
    }
    afterRound?.(runs);
  }
  return { columns: Object.values(columns).filter((c) => c.missing || c.wrong || c.secs.length), reference };
}

/** QEMU and v86 (wasm JIT and interpreter) on `image`, as `others` for {@link runSideBySide}; flags leave them out. */
export function otherEmulators(image, { qemu = true, v86 = true } = {}) {
  return [
    ...(qemu ? [{ name: "QEMU", basis: "wall", run: () => runQemu(image) }] : []),
    ...(v86
      ? [
          { name: "v86 jit", basis: "CPU", run: () => runV86(image) },
          { name: "v86 interp", basis: "CPU", run: () => runV86(image, { jit: false }) },
        ]
      : []),
  ];
}
