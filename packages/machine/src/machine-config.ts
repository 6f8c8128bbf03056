import { CPU_MODEL_NAMES, DEFAULT_CPU_MODEL, ENGINES, HOT_THRESHOLD } from "@ringlab/cpu";
import { ConfigError, FOUR_GIB, checkAddressValue, formatAddress, formatZodIssue, hex, readAddressText, z } from "@ringlab/sdk";
import { type LayoutRegion, MemoryLayout, describeRegion, pcLayoutRegions } from "./memory-layout.js";
import { formatSize, parseSize } from "./size-text.js";

export { parseSize } from "./size-text.js";

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const PAGE = 4 * KiB;
/** Default `memory.size` when neither it nor a layout is given. */
const DEFAULT_MEMORY_SIZE = 32 * MiB;
/** RAM lives in one buffer indexed by physical address; 3 GiB keeps it clear of the 32-bit PCI/APIC area. */
const MAX_TOP_OF_RAM = 3 * GiB;

const size = z.union([z.number(), z.string()]).transform((v, ctx) => {
  const n = typeof v === "number" ? v : parseSize(v);
  if (n === undefined || !Number.isInteger(n)) {
    ctx.addIssue({ code: "custom", message: `expected a size such as 32M, 640K or a byte count, got '${v}'` });
    return z.NEVER;
  }
  return n;
});

/**
 * An address or size in a layout region: a TOML integer (`0xA0000`) or a string (`"0xA0000"`,
 * `"1M"`), read exactly and checked against `end` before it becomes a number, so that no
 * value is wrapped (an address below 4 GiB; a size of at most 4 GiB).
 */
const address = (what: string, example: string, end: number, endText: string) =>
  z.union([z.number(), z.string()], { error: `expected ${what} such as ${example}` }).transform((v, ctx) => {
    const exact = typeof v === "number" ? (Number.isSafeInteger(v) ? BigInt(v) : undefined) : readAddressText(v);
    const r = exact === undefined ? undefined : checkAddressValue(exact, { what, example, end, endText }, typeof v === "string" ? v.trim() : undefined);
    if (r === undefined || "error" in r) {
      ctx.addIssue({ code: "custom", message: r?.error ?? `expected ${what} such as ${example}, got ${typeof v === "string" ? `'${v}'` : v}` });
      return z.NEVER;
    }
    return r.value;
  });

const quotedList = (names: readonly string[]) => names.map((n) => `'${n}'`).join(", ");

/** `expected one of 'a', 'b', got 'c'`, for enum keys and the flags that set them. */
function enumError(names: readonly string[]) {
  return (issue: { input?: unknown }) =>
    issue.input === undefined
      ? `missing: expected one of ${quotedList(names)}`
      : `expected one of ${quotedList(names)}, got ${typeof issue.input === "string" ? `'${issue.input}'` : JSON.stringify(issue.input)}`;
}

/** One region of `memory.layout`. */
export const layoutRegionSchema = z
  .object({
    kind: z.enum(["ram", "reserved"], { error: enumError(["ram", "reserved"]) }),
    start: address("an address", "0x100000 or \"1M\"", FOUR_GIB, "below 4 GiB (0x100000000)"),
    size: address("a size", "\"640K\" or 0x60000", FOUR_GIB + 1, "of at most 4G"),
  })
  .strict()
  .superRefine((r, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: "custom", path: [path], message });
    if (r.start % PAGE !== 0) issue("start", `expected a multiple of 4K (0x1000), got ${formatAddress(r.start)}`);
    else if (r.size === 0 || r.size % PAGE !== 0) issue("size", `expected a non-zero multiple of 4K (0x1000), got ${formatAddress(r.size)}`);
    else if (r.start + r.size > FOUR_GIB) {
      issue("size", `${r.kind} region at ${formatAddress(r.start)} of ${formatSize(r.size)} runs past 4 GiB (0xFFFFFFFF)`);
    } else if (r.kind === "ram" && r.start + r.size > MAX_TOP_OF_RAM) {
      issue("size", `RAM at ${formatAddress(r.start)} of ${formatSize(r.size)} ends above 3G (0xC0000000), the highest RAM ringlab supports`);
    }
  });

/**
 * `memory`: the RAM size and the address-space layout. Without `layout`, the layout is a
 * PC's derived from `size` (RAM 0-640K, the reserved hole 0xA0000-0xFFFFF, RAM from 1 MiB to
 * `size`). With `layout`, `size` is the top of RAM (the end of the highest RAM region) and is
 * derived from it; giving both is allowed only when they agree.
 */
const memorySchema = z
  .object({
    size: size.optional(),
    layout: z.array(layoutRegionSchema).optional(),
  })
  .strict()
  .transform((m, ctx): { size: number; layout: LayoutRegion[] } => {
    if (m.layout === undefined) {
      const n = m.size ?? DEFAULT_MEMORY_SIZE;
      if (n < 2 * MiB || n > MAX_TOP_OF_RAM || n % PAGE !== 0) {
        ctx.addIssue({ code: "custom", path: ["size"], message: `expected a multiple of 4K from 2M to 3G, got ${Number.isSafeInteger(n) ? formatSize(n) : String(n)}` });
        return z.NEVER;
      }
      return { size: n, layout: pcLayoutRegions(n) };
    }
    const order = m.layout.map((r, i) => ({ r, i })).sort((a, b) => a.r.start - b.r.start || a.i - b.i);
    for (let k = 1; k < order.length; k++) {
      const prev = order[k - 1]!;
      const cur = order[k]!;
      if (cur.r.start < prev.r.start + prev.r.size) {
        const [later, earlier] = cur.i > prev.i ? [cur, prev] : [prev, cur];
        ctx.addIssue({
          code: "custom",
          path: ["layout", later.i],
          message: `${describeRegion(later.r)} overlaps 'memory.layout.${earlier.i}' (${describeRegion(earlier.r)})`,
        });
        return z.NEVER;
      }
    }
    const ram = m.layout.filter((r) => r.kind === "ram");
    if (ram.length === 0) {
      ctx.addIssue({ code: "custom", path: ["layout"], message: "expected at least one region of kind 'ram'" });
      return z.NEVER;
    }
    const top = Math.max(...ram.map((r) => r.start + r.size));
    if (m.size !== undefined && m.size !== top) {
      ctx.addIssue({
        code: "custom",
        path: ["size"],
        message:
          `${formatSize(m.size)} does not match memory.layout, whose RAM ends at ${hex(top)} (${formatSize(top)}); ` +
          "with a layout, memory.size is the top of RAM and may be left out",
      });
      return z.NEVER;
    }
    return { size: top, layout: order.map(({ r }) => ({ kind: r.kind, start: r.start, size: r.size })) };
  });

/** `monitor`: how the guest is run (see the monitor package for what each policy does). */
const monitorSchema = z
  .object({
    /**
     * A registered policy's name (the built-in ones, or one a plugin adds): checked against
     * the registry when the machine is built, since plugins load after the config is read.
     */
    policy: z
      .string({ error: "expected a policy name such as 'pure' (see ringlab policies)" })
      .regex(/^[a-z][a-z0-9-]*$/, { error: (i) => `expected a policy name such as 'pure' (see ringlab policies), got '${String(i.input)}'` })
      .default("pure"),
    /** The chosen policy's own options, validated by its schema (see ringlab policies). */
    options: z.record(z.string(), z.unknown()).default({}),
    /**
     * scan-patch / pvi: patch sensitive instructions (default). `false` runs the guest kernel
     * deprivileged without patches, to show what it can then observe.
     */
    patch: z.boolean().default(true),
  })
  .strict();

/**
 * `cpu`: which CPU model the machine has (`@ringlab/cpu`'s model list: what CPUID reports,
 * which instructions and MSRs exist). Default: ringlab's own model.
 */
const cpuSchema = z
  .object({
    model: z.enum(CPU_MODEL_NAMES, { error: enumError(CPU_MODEL_NAMES) }).default(DEFAULT_CPU_MODEL.name),
    /** `interp` (the reference interpreter, default) or `jit` (the block JIT). */
    engine: z.enum(ENGINES, { error: enumError(ENGINES) }).default("interp"),
    /**
     * `jit` only: how many times an instruction runs in the interpreter before the block
     * starting there is translated (default {@link HOT_THRESHOLD}, tuned on Linux; 1 translates
     * everything at once, as the JIT's own tests do). The engines run every guest alike
     * whatever the value: only host time changes.
     */
    jitThreshold: z.number().int().min(1).max(1_000_000_000).default(HOT_THRESHOLD),
  })
  .strict();

/** One device of a machine: which plugin, its instance id (default: the plugin name), options. */
export const deviceEntrySchema = z
  .object({
    plugin: z.string().min(1),
    id: z.string().regex(/^[a-z][a-z0-9-]*$/, "expected lower case letters, digits and dashes").optional(),
    options: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

/**
 * The devices a PC has when the config does not say: the two 8259s, the 8254, the VGA,
 * ringlab's debug console and exit port, COM1 (a 16550A at 0x3F8, IRQ 4), the MC146818
 * RTC/CMOS, the coprocessor error latch (FERR# onto IRQ 13, port 0xF0), the 8042 keyboard
 * controller (A20, reset), port 0x92, and the PCI platform: an i440FX-class host bridge with
 * configuration mechanism #1 at 0xCF8/0xCFC (00:00.0) and a PIIX3-class ISA bridge routing
 * PCI interrupts (00:01.0). Guests that never touch a device see no difference. COM1 transmits each
 * character at once (`timing: "fast"`, as QEMU's does) rather than at its baud rate: a Linux
 * serial console polls THRE between characters, and at the 9600 baud it defaults to that
 * would cost a million instructions of virtual time per character; `devices` with a plain
 * "uart" gives the baud-timed line.
 */
export const DEFAULT_DEVICES: readonly (string | DeviceEntry)[] = Object.freeze([
  "pic",
  "pit",
  "vga",
  "debugcon",
  "exit-port",
  { plugin: "uart", options: { timing: "fast" } },
  "rtc",
  "fpu-error",
  "i8042",
  "port92",
  "i440fx",
  "piix3",
]);

/**
 * A machine's configuration. Sizes accept `32M`-style strings. The memory layout defaults to
 * a PC's: RAM from 0 to 640 KiB, the legacy hole 0xA0000-0xFFFFF (VGA window, ROMs), RAM
 * again from 1 MiB to `memory.size`; `memory.layout` replaces it (see {@link layoutRegionSchema}).
 */
export const machineConfigSchema = z
  .object({
    memory: memorySchema.prefault({}),
    clock: z
      .object({
        tscHz: z.number().int().min(1_000_000).max(100_000_000_000).default(1_000_000_000),
        cyclesPerInstruction: z.number().int().min(1).max(1000).default(1),
      })
      .strict()
      .default({ tscHz: 1_000_000_000, cyclesPerInstruction: 1 }),
    devices: z.array(z.union([z.string(), deviceEntrySchema])).default([...DEFAULT_DEVICES]),
    maxInstructions: z.number().int().positive().optional(),
    monitor: monitorSchema.default({ policy: "pure", options: {}, patch: true }),
    cpu: cpuSchema.default({ model: DEFAULT_CPU_MODEL.name, engine: "interp", jitThreshold: HOT_THRESHOLD }),
  })
  .strict();

export type MachineConfigInput = z.input<typeof machineConfigSchema>;
export type MachineConfig = z.output<typeof machineConfigSchema>;
export type DeviceEntry = z.output<typeof deviceEntrySchema>;
export type DeviceEntryInput = z.input<typeof deviceEntrySchema>;
export type LayoutRegionInput = z.input<typeof layoutRegionSchema>;

/**
 * Validates a machine configuration. Errors are one {@link ConfigError} line naming `source`
 * (a file name, or "config"), the key and what was expected.
 */
export function parseMachineConfig(input: unknown, source = "config"): MachineConfig {
  const r = machineConfigSchema.safeParse(input ?? {});
  if (!r.success) throw new ConfigError(`${source}: ${formatZodIssue(r.error.issues[0]!, "key")}`);
  return r.data;
}

/** The device list of a config, with string entries expanded and defaults filled in. */
export function deviceEntries(config: MachineConfig): DeviceEntry[] {
  return config.devices.map((d) => (typeof d === "string" ? { plugin: d, options: {} } : d));
}

/** The address-space layout of a validated configuration. */
export function memoryLayoutOf(config: MachineConfig): MemoryLayout {
  return new MemoryLayout(config.memory.layout);
}
