import { skipWithReason } from "@ringlab/testkit";
import { describe, expect, it } from "vitest";
import { compareLive, edgeSample, randomCases, Report } from "./differential.js";
import { hostOracle } from "./host.js";
import { TRANS_OPS, TransOp } from "./model.js";

const env = process.env;
const OPS_LIVE = (env.RINGLAB_X87_OPS ? env.RINGLAB_X87_OPS.split(",") : TRANS_OPS) as TransOp[];

describe("x87 transcendentals vs the live host (exploration)", () => {
  it("reports", (ctx) => {
    const oracle = hostOracle();
    if (!oracle.path) return skipWithReason(ctx, oracle.why);
    const rnd = new Report();
    compareLive(oracle.path, randomCases(Number(env.SEED ?? 1), OPS_LIVE, Number(env.N ?? 2000)), rnd);
    console.log(rnd.format());
    const edge = new Report();
    compareLive(oracle.path, edgeSample(OPS_LIVE, Number(env.E ?? 100000)), edge);
    console.log(edge.format());
  }, 600_000);
});
