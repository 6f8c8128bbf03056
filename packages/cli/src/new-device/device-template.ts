import type { DeviceNames } from "./device-name.js";
import { TEMPLATE_TOOL_VERSIONS } from "./template-versions.js";

/** What the generated package depends on: ringlab's SDK where this ringlab has it. */
export interface TemplateSdk {
  /** `file:` path of the SDK package directory (absolute). */
  dir: string;
  /** The versions of tsyringe and reflect-metadata the SDK itself uses (one copy of each). */
  tsyringe: string;
  reflectMetadata: string;
}

/**
 * The files of a new device package, by path relative to its folder. The device is a small
 * but complete example of the SDK — options with defaults, a port range, an IRQ line, a timer
 * on the virtual clock, reset, saved state that a snapshot carries — so that its author starts
 * from something that runs in a machine and replaces the behaviour with their own.
 */
export function deviceTemplateFiles(n: DeviceNames, sdk: TemplateSdk): Record<string, string> {
  return {
    "package.json": packageJson(n, sdk),
    "tsconfig.json": TSCONFIG,
    "tsconfig.build.json": TSCONFIG_BUILD,
    "vitest.config.ts": VITEST_CONFIG,
    ".gitignore": "node_modules/\ndist/\n",
    "src/index.ts": indexTs(n),
    [`src/${n.plugin}.ts`]: deviceTs(n),
    [`test/${n.plugin}.test.ts`]: testTs(n),
    "machine.toml": machineToml(n),
    "README.md": readme(n),
  };
}

function packageJson(n: DeviceNames, sdk: TemplateSdk): string {
  const pkg = {
    name: n.packageName,
    version: "0.1.0",
    private: true,
    description: `${n.className}: a device plugin for ringlab`,
    type: "module",
    main: "./dist/index.js",
    types: "./dist/index.d.ts",
    exports: { ".": { types: "./dist/index.d.ts", default: "./dist/index.js" } },
    files: ["dist"],
    scripts: { build: "tsc -p tsconfig.build.json", typecheck: "tsc -p tsconfig.json", test: "vitest run" },
    dependencies: { "@ringlab/sdk": `file:${sdk.dir}`, tsyringe: sdk.tsyringe },
    devDependencies: {
      "reflect-metadata": sdk.reflectMetadata,
      typescript: TEMPLATE_TOOL_VERSIONS.typescript,
      vitest: TEMPLATE_TOOL_VERSIONS.vitest,
    },
  };
  return JSON.stringify(pkg, null, 2) + "\n";
}

// Legacy (experimental) decorators: tsyringe's @injectable/@inject are parameter decorators,
// which only that form has. Device constructors name their tokens with @inject, so no
// decorator metadata is needed.
const TSCONFIG = `{
  "compilerOptions": {
    "target": "ES2022",
    "lib": ["ES2022"],
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "strict": true,
    "experimentalDecorators": true,
    "useDefineForClassFields": false,
    "declaration": true,
    "sourceMap": true,
    "skipLibCheck": true,
    "noEmit": true,
    "types": []
  },
  "include": ["src", "test"]
}
`;

const TSCONFIG_BUILD = `{
  "extends": "./tsconfig.json",
  "compilerOptions": { "noEmit": false, "outDir": "dist", "rootDir": "src" },
  "include": ["src"]
}
`;

// Vite 8 parses TypeScript with oxc, which needs to be told to apply legacy decorators.
const VITEST_CONFIG = `import { defineConfig } from "vitest/config";

export default defineConfig({
  oxc: { decorator: { legacy: true } },
  test: { include: ["test/**/*.test.ts"] },
} as Parameters<typeof defineConfig>[0]);
`;

function indexTs(n: DeviceNames): string {
  return `// The module ringlab loads with --plugin (or \`plugins = [...]\` in a config): every
// defineDevicePlugin(...) it exports becomes a device a machine can list in \`devices\`.
export { ${n.className}, type ${n.className}Options, ${n.pluginConst} } from "./${n.plugin}.js";
export { ${n.pluginConst} as default } from "./${n.plugin}.js";
`;
}

function deviceTs(n: DeviceNames): string {
  const C = n.className;
  return `import { inject, injectable } from "tsyringe";
import {
  type Bus,
  CLOCK,
  DEVICE_ID,
  DEVICE_OPTIONS,
  type Device,
  type IrqLine,
  type JsonValue,
  type TimerHandle,
  type VirtualClock,
  defineDevicePlugin,
  deviceState,
  ioPortOption,
  z,
} from "@ringlab/sdk";

/**
 * The device's options, validated (and completed with defaults) before it is built. A bad
 * value is one line naming the device and the option, e.g.
 * \`device '${n.plugin}': option 'irq': Too big: expected number to be <=15\`.
 */
const options = z
  .object({
    /** The first of its two ports. */
    port: ioPortOption(0x300, 2),
    /** The ISA IRQ line it pulses when its countdown ends. */
    irq: z.number().int().min(0).max(15).default(5),
  })
  .strict();

export type ${C}Options = z.output<typeof options>;

/**
 * What a snapshot keeps of the device, declared once: saveState checks against it and
 * loadState refuses, naming the field, a state that does not match.
 */
const state = deviceState(
  z
    .object({
      last: z.number().int().min(0).max(0xff),
      status: z.number().int().min(0).max(0x03),
      /** The clock tick at which a running countdown ends, or -1. */
      deadline: z.number().int().min(-1),
    })
    .strict(),
);

/** STATUS bit 0: the countdown ended since STATUS was last read. */
const EXPIRED = 0x01;
/** STATUS bit 1: a countdown is running. */
const RUNNING = 0x02;

/**
 * ${C}: a one-shot countdown timer — the starting point of a new device; replace its
 * behaviour with yours.
 *
 * - \`port\` (write): start a countdown of that many milliseconds of virtual time (0 stops it);
 *   (read) the last value written.
 * - \`port + 1\` (read): STATUS — bit 0 the countdown ended (cleared by this read), bit 1 a
 *   countdown is running.
 * - When the countdown ends the device pulses its IRQ line.
 *
 * Virtual time comes from the machine's clock, which counts retired guest instructions, so
 * the interrupt lands at the same instruction in every run and under every monitor policy.
 */
@injectable()
export class ${C} implements Device {
  private line: IrqLine | undefined;
  private last = 0;
  private status = 0;
  /** The clock tick at which the running countdown ends, or -1. */
  private deadline = -1;
  private timer: TimerHandle | undefined;

  constructor(
    @inject(DEVICE_ID) readonly id: string,
    @inject(DEVICE_OPTIONS) private readonly options: ${C}Options,
    @inject(CLOCK) private readonly clock: VirtualClock,
  ) {}

  attach(bus: Bus): void {
    this.line = bus.irqs.claim(this.id, this.options.irq);
    bus.ports.claim({
      owner: this.id,
      base: this.options.port,
      count: 2,
      handlers: {
        read8: (offset) => (offset === 0 ? this.last : this.readStatus()),
        write8: (offset, value) => {
          if (offset === 0) this.start(value);
        },
      },
    });
  }

  reset(): void {
    this.stop();
    this.last = 0;
    this.status = 0;
  }

  saveState(): JsonValue {
    return state.save({ last: this.last, status: this.status, deadline: this.deadline });
  }

  loadState(json: JsonValue): void {
    const s = state.load(json, \`\${this.id} state\`);
    this.stop();
    this.last = s.last;
    this.status = s.status;
    // Timers are not part of the clock's state: a device schedules its own again.
    if (s.deadline >= 0) this.schedule(s.deadline);
  }

  private readStatus(): number {
    const s = this.status | (this.deadline >= 0 ? RUNNING : 0);
    this.status &= ~EXPIRED;
    return s;
  }

  private start(ms: number): void {
    this.last = ms;
    this.stop();
    if (ms !== 0) this.schedule(this.clock.ticks + this.clock.nsToTicks(ms * 1_000_000));
  }

  private schedule(deadline: number): void {
    this.deadline = deadline;
    this.timer = this.clock.scheduleAt(deadline, () => this.expire(), \`\${this.id} countdown\`);
  }

  private stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.deadline = -1;
  }

  private expire(): void {
    this.timer = undefined;
    this.deadline = -1;
    this.status |= EXPIRED;
    this.line?.pulse();
  }
}

export const ${n.pluginConst} = defineDevicePlugin({
  name: "${n.plugin}",
  description: "${C}: a one-shot countdown timer that pulses an IRQ (generated by ringlab new-device)",
  options,
  device: ${C},
});
`;
}

function testTs(n: DeviceNames): string {
  const C = n.className;
  return `import "reflect-metadata";
import { describe, expect, it } from "vitest";
import { DeviceTestKit } from "@ringlab/sdk/testing";
import { ${C}, ${n.pluginConst} } from "../src/index.js";

// The SDK's testing kit is a bus and a clock driven by hand, with no CPU: poke the ports as a
// guest would, move virtual time on, and look at the IRQ lines.
const MS = 1_000_000; // nanoseconds

function install(kit: DeviceTestKit, options: Record<string, unknown> = {}): ${C} {
  return kit.install(new ${C}("${n.plugin}", kit.options(${n.pluginConst}, options), kit.clock));
}

describe("${n.plugin}", () => {
  it("pulses its IRQ when the countdown ends, not before", () => {
    const kit = new DeviceTestKit();
    install(kit);
    kit.out8(0x300, 10); // 10 ms
    kit.advanceNs(9 * MS);
    expect(kit.irqEvents).toEqual([]);
    expect(kit.in8(0x301)).toBe(0x02); // running
    kit.advanceNs(1 * MS);
    expect(kit.irqEvents.map((e) => [e.line, e.high])).toEqual([[5, true], [5, false]]);
    expect(kit.in8(0x301)).toBe(0x01); // ended; the read clears it
    expect(kit.in8(0x301)).toBe(0x00);
    expect(kit.in8(0x300)).toBe(10);
  });

  it("stops on a write of 0 and on reset", () => {
    const kit = new DeviceTestKit();
    const dev = install(kit);
    kit.out8(0x300, 5);
    kit.out8(0x300, 0);
    kit.advanceNs(10 * MS);
    expect(kit.irqEvents).toEqual([]);
    kit.out8(0x300, 5);
    dev.reset();
    kit.advanceNs(10 * MS);
    expect(kit.irqEvents).toEqual([]);
  });

  it("takes its port and IRQ from options, and names a bad option", () => {
    const kit = new DeviceTestKit();
    install(kit, { port: 0x310, irq: 7 });
    kit.out8(0x310, 1);
    kit.advanceNs(1 * MS);
    expect(kit.irqEvents[0]?.line).toBe(7);
    expect(() => kit.options(${n.pluginConst}, { irq: 16 })).toThrow(/device '${n.plugin}': option 'irq'/);
    expect(() => kit.options(${n.pluginConst}, { prot: 1 })).toThrow(/unknown option 'prot'/);
  });

  it("carries a running countdown through saveState/loadState", () => {
    const a = new DeviceTestKit();
    const dev = install(a);
    a.out8(0x300, 4);
    a.advanceNs(1 * MS);
    const saved = JSON.parse(JSON.stringify(dev.saveState()));

    const b = new DeviceTestKit();
    b.clock.skipTo(a.clock.ticks); // the machine restores its clock before its devices
    install(b).loadState(saved);
    b.advanceNs(3 * MS - 1);
    expect(b.irqEvents).toEqual([]);
    b.advanceNs(1);
    expect(b.irqEvents.length).toBe(2);
    expect(() => install(new DeviceTestKit()).loadState({ last: 999, status: 0, deadline: -1 })).toThrow(\`${n.plugin} state: field 'last'\`);
  });
});
`;
}

function machineToml(n: DeviceNames): string {
  return `# A machine with the default PC's devices plus this one (ringlab run --config machine.toml).
# \`plugins\` is resolved against this file's folder; build first (npm run build).
plugins = ["dist/index.js"]
devices = ["pic", "pit", "vga", "debugcon", "exit-port", "${n.plugin}"]
`;
}

function readme(n: DeviceNames): string {
  return `# ${n.packageName}

A device plugin for ringlab, generated by \`ringlab new-device ${n.plugin}\`.
It starts as a one-shot countdown timer (see \`src/${n.plugin}.ts\`): replace its behaviour
with your device's.

\`\`\`sh
npm install
npm run build
npm test
ringlab devices --plugin dist/index.js          # lists "${n.plugin}" with its options and resources
ringlab run --config machine.toml               # the bundled demo guest, with ${n.plugin} on the bus
\`\`\`

- \`src/${n.plugin}.ts\`: the device (options, ports, IRQ, timer, saved state).
- \`test/${n.plugin}.test.ts\`: its tests, on the SDK's testing kit (\`@ringlab/sdk/testing\`):
  a bus and a virtual clock driven by hand, no CPU.
- \`machine.toml\`: a machine configuration that loads the built plugin.

\`@ringlab/sdk\` comes from the ringlab installation that generated this package (a
\`file:\` dependency); when ringlab loads the plugin, the plugin's imports of \`@ringlab/sdk\`,
\`tsyringe\` and \`reflect-metadata\` resolve to ringlab's own copies.
`;
}
