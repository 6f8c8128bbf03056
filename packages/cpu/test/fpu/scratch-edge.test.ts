import { it } from "vitest";
import { edgeSample } from "./differential.js";
import { hostOracle, runOnHost } from "./host.js";
import { diff, parseHost, TRANS_OPS, TransOp } from "./model.js";
const env = process.env;
const ops = (env.OPS ? env.OPS.split(",") : TRANS_OPS) as TransOp[];
it("edge", () => {
  const o = hostOracle();
  const cases = edgeSample(ops, 1e9);
  const host = runOnHost(o.path!, cases);
  const seen = new Map<string, number>();
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i]!;
    const d = diff(c, parseHost(host[i]!, c.op));
    if (!d) continue;
    // group by operand classes
    const key = `${c.op} ${c.a.slice(0, 4)} ${c.b.slice(0, 4)}`;
    const n = seen.get(key) ?? 0;
    seen.set(key, n + 1);
    if (n < Number(env.PER ?? 1)) console.log(d);
  }
  console.log([...seen.entries()].map(([k, v]) => `${k}:${v}`).join("  "));
}, 600000);
