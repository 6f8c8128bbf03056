import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runArgv } from "@ringlab/cli";
import { scratchFile } from "./cli-run.js";
import * as configFile from "./targets/config-file.js";
import * as devicePorts from "./targets/device-ports.js";
import * as gdbPackets from "./targets/gdb-packets.js";
import * as guestCode from "./targets/guest-code.js";
import * as imageLoader from "./targets/image-loader.js";
import * as snapshotFile from "./targets/snapshot-file.js";

/** The repository root (this file is fuzz/src/targets.ts, or fuzz/dist/targets.js built). */
export const REPO = fileURLToPath(new URL("../../", import.meta.url));

/** A fuzz target: the Jazzer.js-shaped entry point, its seed corpus and an input size bound. */
export interface FuzzTarget {
  name: string;
  fuzz(data: Uint8Array): void | Promise<void>;
  /** Seed inputs, from the project's own guests, configs and files. */
  seeds(): Promise<Uint8Array[]>;
  maxLength: number;
  /** Guest instructions the last input ran (targets that run guests). */
  instructions?: () => number;
}

function files(dir: string, ext: RegExp): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, name.name);
    if (name.isDirectory()) out.push(...files(p, ext));
    else if (ext.test(name.name)) out.push(p);
  }
  return out.sort();
}

const guestImages = () => files(join(REPO, "test/guests"), /\.(bin|elf)$/).filter((f) => !/cpubench-4m|fpubench/.test(f));

/** A GDB remote packet with its checksum. */
function packet(payload: string): string {
  let sum = 0;
  for (const c of payload) sum = (sum + c.charCodeAt(0)) & 0xff;
  return `$${payload}#${sum.toString(16).padStart(2, "0")}`;
}

export const TARGETS: readonly FuzzTarget[] = [
  {
    name: "guest-code",
    fuzz: guestCode.fuzz,
    maxLength: 4096,
    instructions: () => guestCode.lastInstructions,
    // Stretches of the project's guests' code, as found in their images.
    seeds: async () =>
      guestImages().flatMap((f) => {
        const b = new Uint8Array(readFileSync(f));
        const out: Uint8Array[] = [];
        for (let at = 0; at < b.length && out.length < 3; at += 1021) out.push(b.slice(at, at + 256));
        return out;
      }),
  },
  { name: "image-loader", fuzz: imageLoader.fuzz, maxLength: 64 * 1024, seeds: async () => guestImages().map((f) => new Uint8Array(readFileSync(f))) },
  {
    name: "config-file",
    fuzz: configFile.fuzz,
    maxLength: 8192,
    seeds: async () => [
      ...files(join(REPO, "machines"), /\.toml$/).map((f) => new Uint8Array(readFileSync(f))),
      new TextEncoder().encode(
        'kernel = "k.elf"\nplugins = []\ndevices = ["pic", "pit", { plugin = "uart", options = { timing = "fast" } }]\n[memory]\nsize = "16M"\n[[memory.layout]]\nstart = 0\nsize = "640K"\ntype = "ram"\n[monitor]\npolicy = "scan-patch"\noptions = { ring = 3 }\n[cpu]\nmodel = "pentium2"\nengine = "jit"\n',
      ),
    ],
  },
  {
    name: "snapshot-file",
    fuzz: snapshotFile.fuzz,
    maxLength: 1 << 20,
    // Snapshots of the demo guest, written by ringlab itself.
    seeds: async () => {
      const out: Uint8Array[] = [];
      for (const n of [1, 5_000]) {
        const path = scratchFile(`seed-${n}.snap`, "");
        const io = { stdout: () => undefined, stderr: () => undefined };
        const status = await runArgv("0.0.0-fuzz", io, ["run", join(REPO, "test/guests/demo/demo.bin"), "--snapshot-at", String(n), "--snapshot", path, "--screen", "none", "--no-progress"]);
        if (status !== 0) throw new Error(`could not write the seed snapshot at ${n} (status ${status})`);
        out.push(new Uint8Array(readFileSync(path)));
      }
      return out;
    },
  },
  {
    name: "device-ports",
    fuzz: devicePorts.fuzz,
    maxLength: 4096,
    seeds: async () => [
      // ICW1-4 to both PICs, then unmask; PIT channel 0 mode 2; CMOS index/data; i8042 self-test.
      Uint8Array.of(0, 0x00, 0x00, 0x11, 0, 0x20, 0x00, 0x20, 0, 0x20, 0x00, 0x04, 0, 0x20, 0x00, 0x01, 0, 0x20, 0x00, 0x00),
      Uint8Array.of(0, 0x62, 0x00, 0x34, 0, 0x02, 0x00, 0x10, 0, 0x02, 0x00, 0x00, 5, 0, 0, 0xff, 6, 0, 0, 0),
      Uint8Array.of(0, 0x04, 0x00, 0x0a, 2, 0x24, 0x00, 0x00, 0, 0x06, 0x00, 0xaa, 2, 0x05, 0x00, 0x00),
    ],
  },
  {
    name: "gdb-packets",
    fuzz: gdbPackets.fuzz,
    maxLength: 4096,
    seeds: async () =>
      [
        ["qSupported:multiprocess+;swbreak+", "?", "g", "m100000,40", "Z0,100010,1", "c", "s", "vCont;s", "p8", "P0=01020304", "M100200,4:90909090", "z0,100010,1", "qRcmd,706f6c696379", "Z2,100200,4", "D"],
        ["qXfer:features:read:target.xml:0,fff", "G" + "00".repeat(16 * 4), "X100300,2:\x90\x90", "qRcmd,6576656e7473", "k"],
      ].map((list) => new TextEncoder().encode(list.map(packet).join("+") + "\x03")),
  },
];

export function findTarget(name: string): FuzzTarget | undefined {
  return TARGETS.find((t) => t.name === name);
}
