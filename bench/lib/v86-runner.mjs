// Boots a project guest (a Multiboot kernel that prints on the debug console, port 0xE9, and
// exits through port 0xF4) in v86, the npm package (a devDependency of the bench only), for
// the benchmarks: headless in Node, with SeaBIOS from Debian's `seabios` package (v86's npm
// package ships no BIOS) and v86's `multiboot` option, which loads the kernel from an option
// ROM SeaBIOS runs at the end of its POST.
//
// Each run is a child process (this file run as a script), so v86's wasm memory and its
// generated code never share a V8 heap with ringlab's measurements, a hang is ended by a
// timeout, and a failure is a one-line reason instead of a crash of the benchmark.
//
//   node bench/lib/v86-runner.mjs IMAGE [--no-jit] [--timeout SECONDS]   (prints one JSON line)
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { spawnTimed } from "./spawn-timed.mjs";

const self = fileURLToPath(import.meta.url);
const require = createRequire(import.meta.url);

/** SeaBIOS images, first found wins: Debian's package, then the one fetch-guests.sh fetches. */
function findBios() {
  const candidates = ["/usr/share/seabios/bios.bin"];
  if (process.env.RINGLAB_GUESTS_DIR) candidates.push(`${process.env.RINGLAB_GUESTS_DIR}/seabios/bios.bin`);
  return candidates.find((p) => existsSync(p));
}

/** The installed v86 package's version, or undefined when it is not installed. */
export function v86Version() {
  try {
    return JSON.parse(readFileSync(require.resolve("v86/package.json"), "utf8")).version;
  } catch {
    return undefined;
  }
}

/**
 * Runs `image` in v86 (its wasm JIT, or its interpreter with `jit: false`) with 32 MiB of RAM.
 * Resolves `{ ok: false, reason }` (one line) when v86 or a BIOS is missing or the run failed,
 * else `{ ok: true, version, output, status, startupWall, startupCpu, runWall, runCpu }`:
 * `status` is the byte the guest wrote to port 0xF4; `startup*` are seconds from the V86
 * constructor to the guest's first debug-console byte (wasm set-up and SeaBIOS's POST),
 * `run*` from that byte to the exit-port write: wall time and the process's CPU time
 * (v86 runs on the main thread; CPU time also counts V8's helper threads, as ringlab's does).
 */
export async function runV86(image, { jit = true, timeoutMs = 300_000 } = {}) {
  if (!v86Version()) return { ok: false, reason: "v86 not installed (pnpm install: it is a devDependency of bench)" };
  const argv = [self, image, ...(jit ? [] : ["--no-jit"]), "--timeout", String(timeoutMs / 1000)];
  const r = await spawnTimed(process.execPath, argv, { timeoutMs: timeoutMs + 30_000 });
  const last = r.stdout.trim().split("\n").pop() ?? "";
  try {
    return JSON.parse(last);
  } catch {
    const why = r.timedOut ? "killed after the timeout" : (r.stderr.trim().split("\n").pop() ?? `exit ${r.status}`);
    return { ok: false, reason: `v86 failed: ${why}` };
  }
}

/** The child: boots the guest, prints one JSON line with the result, exits. */
async function child(argv) {
  const image = argv[0];
  const jit = !argv.includes("--no-jit");
  const t = argv.indexOf("--timeout");
  const timeoutMs = 1000 * (t >= 0 ? Number(argv[t + 1]) : 300);
  const report = (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`); // a pipe: written synchronously on Linux
    process.exit(0);
  };
  process.on("uncaughtException", (e) => report({ ok: false, reason: `v86 threw: ${String(e?.message ?? e).split("\n")[0]}` }));
  process.on("unhandledRejection", (e) => report({ ok: false, reason: `v86 threw: ${String(e?.message ?? e).split("\n")[0]}` }));
  const bios = findBios();
  if (!bios) return report({ ok: false, reason: "no SeaBIOS image for v86 (apt-get install seabios)" });
  const { V86 } = await import(pathToFileURL(require.resolve("v86")).href);
  const buffer = (path) => {
    const bytes = readFileSync(path);
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  };
  const cpuNow = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const wallNow = () => Number(process.hrtime.bigint()) / 1e9;
  let output = "";
  let first; // { wall, cpu } at the guest's first debug-console byte
  const w0 = wallNow();
  const c0 = cpuNow();
  const emulator = new V86({
    wasm_path: require.resolve("v86/build/v86.wasm"),
    bios: { buffer: buffer(bios) },
    multiboot: { buffer: buffer(image) },
    memory_size: 32 << 20,
    disable_jit: !jit,
    autostart: true,
    log_level: 0,
  });
  // v86's own handler for port 0xF4 (for kvm-unit-tests) logs and throws; handlers
  // registered once the emulator has started replace it, as v86's tests do.
  emulator.bus.register("emulator-started", () => {
    const io = emulator.v86.cpu.io;
    io.register_write(0xe9, {}, (byte) => {
      if (first === undefined) first = { wall: wallNow(), cpu: cpuNow() };
      output += String.fromCharCode(byte);
    });
    const exitPort = (value) => {
      const wall = wallNow();
      const cpu = cpuNow();
      const start = first ?? { wall, cpu };
      report({
        ok: true,
        version: v86Version(),
        output,
        status: value & 0xff,
        startupWall: start.wall - w0,
        startupCpu: start.cpu - c0,
        runWall: wall - start.wall,
        runCpu: cpu - start.cpu,
      });
    };
    const ignore = () => {};
    io.register_write_consecutive(0xf4, {}, exitPort, ignore, ignore, ignore);
  });
  setTimeout(() => {
    const tail = output.trim().split("\n").pop() ?? "";
    report({ ok: false, reason: `v86: no write to the exit port 0xF4 within ${timeoutMs / 1000} s${tail ? ` (last output: ${tail})` : " (no output)"}` });
  }, timeoutMs);
}

if (process.argv[1] === self) await child(process.argv.slice(2));
