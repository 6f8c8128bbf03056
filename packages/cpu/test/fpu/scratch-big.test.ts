import { it } from "vitest";
import { randomCases } from "./differential.js";
import { hostOracle, runOnHost } from "./host.js";
import { parseHost, predict, TRANS_OPS, TransOp } from "./model.js";
const env = process.env;
const ops = (env.OPS ? env.OPS.split(",") : TRANS_OPS) as TransOp[];
function ord(h: string) { const b = BigInt("0x" + h); const m = b & ((1n << 79n) - 1n); return b >> 79n ? -m : m; }
it("big", () => {
  const o = hostOracle();
  const cases = [...randomCases(Number(env.SEED ?? 1), ops, Number(env.N ?? 2000))];
  const host = runOnHost(o.path!, cases);
  let shown = 0;
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i]!; const h = parseHost(host[i]!, c.op); const p = predict(c);
    for (const k of ["st0", "st1"] as const) {
      const a = p[k], b = h[k];
      if (a === undefined || b === undefined || a === b) continue;
      const d = ord(a) - ord(b);
      if ((d < 0n ? -d : d) > BigInt(env.MIN ?? 1) && shown++ < Number(env.SHOW ?? 30)) console.log(`${c.op} ${c.cw.toString(16)} ${c.a} ${c.b}: ${k} ours ${a} host ${b} sw ${p.sw.toString(16)} host ${h.sw.toString(16)}`);
    }
  }
}, 600000);
