import { z } from "@ringlab/sdk";

/*
 * The `vtx` policy's options: the VM-execution controls of a VMCS (SDM vol.3 §24.6) that
 * decide what exits, as `--policy vtx:KEY=VALUE:...` or a config file's `monitor.options`
 * sets them. The defaults are a first-generation VT-x monitor's (no EPT: shadow paging).
 */

/** A port or MSR list as the command line writes it: `0x60/0x64/0x3f8-0x3ff` (`/`-separated, ranges inclusive). */
const LIST = /^(0x[0-9a-f]+|\d+)(-(0x[0-9a-f]+|\d+))?(\/(0x[0-9a-f]+|\d+)(-(0x[0-9a-f]+|\d+))?)*$/i;

/** `all`, `none`, one number, a list text or an array of numbers: the set of numbers it names, or "all"/"none". */
function numberSet(what: string, max: number) {
  return z
    .union([z.literal("all"), z.literal("none"), z.number().int().min(0).max(max), z.string().regex(LIST), z.array(z.number().int().min(0).max(max))], {
      error: `expected all, none, a ${what} number, a list like 0x60/0x64/0x3f8-0x3ff, or an array of ${what} numbers`,
    })
    .transform((v, ctx): "all" | "none" | ReadonlySet<number> => {
      if (v === "all" || v === "none") return v;
      if (typeof v === "number") return new Set([v]);
      if (Array.isArray(v)) return new Set(v);
      const out = new Set<number>();
      for (const part of v.split("/")) {
        const [lo, hi = lo] = part.split("-").map(Number) as [number, number?];
        if (hi! < lo || hi! > max || hi! - lo > 0x10000) {
          ctx.addIssue({ code: "custom", message: `bad ${what} range '${part}'` });
          return z.NEVER;
        }
        for (let n = lo; n <= hi!; n++) out.add(n);
      }
      return out;
    });
}

export const vtxOptions = z
  .object({
    paging: z
      .enum(["shadow", "nested"], { error: "expected shadow or nested" })
      .default("shadow")
      .describe(
        "shadow: the monitor keeps shadow page tables (guest #PF, MOV to/from CR3 and INVLPG exit, and each shadow fill is a hidden #PF exit); nested: EPT, no paging exits, every TLB miss a two-dimensional walk",
      ),
    io: numberSet("port", 0xffff)
      .default("all")
      .describe("I/O exits (default all): all (unconditional I/O exiting), none, or the ports whose I/O-bitmap bits are set (e.g. 0x3f8-0x3ff/0x60)"),
    msr: numberSet("MSR", 0xffff_ffff)
      .default("all")
      .describe("RDMSR/WRMSR exits (default all): all (no MSR bitmaps), none, or the MSRs whose bitmap bits are set; MSRs outside the bitmaps' ranges always exit"),
    hlt: z.boolean().default(true).describe("HLT exiting"),
    rdtsc: z.boolean().default(false).describe("RDTSC exiting (off: the guest reads the TSC, offset, without exiting)"),
    invlpg: z.boolean().default(false).describe("INVLPG exiting under nested paging (always on under shadow paging)"),
    cr3Load: z.boolean().default(false).describe("CR3-load exiting under nested paging (always on under shadow paging)"),
    cr3Store: z.boolean().default(false).describe("CR3-store exiting under nested paging (always on under shadow paging)"),
    cr0Mask: z
      .number()
      .int()
      .min(0)
      .max(0xffff_ffff)
      .default(0xffff_fff7)
      .describe("CR0 guest/host mask: a MOV to CR0, CLTS or LMSW exits when it would change a bit set here (default: every bit but TS)"),
    cr4Mask: z.number().int().min(0).max(0xffff_ffff).default(0xffff_ffff).describe("CR4 guest/host mask: a MOV to CR4 exits when it would change a bit set here"),
    dr: z.boolean().default(true).describe("MOV-DR exiting"),
    wbinvd: z.boolean().default(true).describe("WBINVD exiting"),
    descriptorTables: z.boolean().default(false).describe("descriptor-table exiting: LGDT, LIDT, SGDT, SIDT, LLDT, LTR, SLDT, STR"),
    exceptions: z
      .number()
      .int()
      .min(0)
      .max(0xffff_ffff)
      .default(0)
      .describe("exception bitmap: bit n makes exception n exit (bit 14, #PF, is forced on under shadow paging)"),
    extint: z.boolean().default(true).describe("external-interrupt exiting (with acknowledge interrupt on exit); with it, interrupt-window exits"),
  })
  .strict();

/** The `vtx` policy's controls, defaults filled in. */
export type VtxControls = z.output<typeof vtxOptions>;
