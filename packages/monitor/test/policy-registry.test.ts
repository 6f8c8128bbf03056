import { z } from "@ringlab/sdk";
import { describe, expect, it } from "vitest";
import {
  BUILTIN_POLICY_NAMES,
  builtinPolicies,
  definePolicy,
  parsePolicyOptions,
  policyOptionInfo,
  PolicyRegistry,
  purePolicy,
  scanPatchPolicy,
} from "../src/index.js";

describe("the policy registry", () => {
  it("holds the built-in policies in report order, each with a one-line description", () => {
    const r = builtinPolicies();
    expect(r.names()).toEqual(["pure", "scan-patch", "pvi", "vtx"]);
    expect(BUILTIN_POLICY_NAMES).toEqual(r.names());
    for (const d of r.list()) expect(d.description).toMatch(/^[^\n]{10,}$/);
  });

  it("names the key and the known policies for an unknown name", () => {
    expect(() => builtinPolicies().get("vmx", "--policy")).toThrow("--policy: unknown policy 'vmx' (known: pure, scan-patch, pvi, vtx)");
  });

  it("refuses a second policy of the same name, and names of the wrong form", () => {
    expect(() => builtinPolicies().add(purePolicy)).toThrow("policy 'pure' is registered twice");
    expect(() => definePolicy({ name: "Bad Name", description: "x", options: z.object({}), create: () => purePolicy.create(null as never, {}, { patch: true }) })).toThrow(
      "policy name 'Bad Name' must be lower case letters, digits and dashes",
    );
  });

  it("validates options with the policy's schema, filling in defaults", () => {
    expect(parsePolicyOptions(scanPatchPolicy, {}, "monitor.options")).toEqual({ ring: 1 });
    expect(parsePolicyOptions(scanPatchPolicy, { ring: 3 }, "monitor.options")).toEqual({ ring: 3 });
    expect(() => parsePolicyOptions(scanPatchPolicy, { ring: 2 }, "vm.toml: key 'monitor.options'")).toThrow(
      "vm.toml: key 'monitor.options': policy 'scan-patch': option 'ring': expected 1 (the 0/1/3 model) or 3 (0/3/3)",
    );
    expect(() => parsePolicyOptions(purePolicy, { fast: true }, "--policy")).toThrow("--policy: policy 'pure': unknown option 'fast'");
  });

  it("describes each option from the schema: type, default and description", () => {
    expect(policyOptionInfo(scanPatchPolicy)).toEqual([
      { name: "ring", type: "1 | 3", default: 1, description: expect.stringContaining("0/3/3") },
    ]);
    expect(policyOptionInfo(purePolicy)).toEqual([]);
  });

  it("takes policies defined outside the package, like a plugin's", () => {
    const extra = definePolicy({
      name: "pure-again",
      description: "pure emulation under another name",
      options: z.object({ label: z.enum(["a", "b"]).default("a").describe("a label") }).strict(),
      create: (cpu, _o, ctx) => purePolicy.create(cpu, {}, ctx),
    });
    const r = new PolicyRegistry([...builtinPolicies().list(), extra]);
    expect(r.names()).toEqual(["pure", "scan-patch", "pvi", "vtx", "pure-again"]);
    expect(policyOptionInfo(r.get("pure-again"))).toEqual([{ name: "label", type: '"a" | "b"', default: "a", description: "a label" }]);
  });
});
