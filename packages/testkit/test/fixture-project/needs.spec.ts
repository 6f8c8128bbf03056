import { expect, it } from "vitest";
import { describeNeeds, itNeeds, needs } from "../../src/index.js";

it("runs when it needs nothing", () => {
  expect(1 + 1).toBe(2);
});

itNeeds("test386", "needs the test386 ROM", () => {
  throw new Error("ran without test386");
});

it("calls needs() itself", (ctx) => {
  needs(ctx, "unicorn");
  throw new Error("ran without Unicorn");
});

describeNeeds("nasm", "a suite that needs nasm", () => {
  it("first", () => {
    throw new Error("ran without nasm");
  });
  it("second", () => {
    throw new Error("ran without nasm");
  });
});

it.skip("is skipped with no reason", () => undefined);
