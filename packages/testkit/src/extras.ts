import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * Something outside the repository that some tests need: a conformance suite that is not
 * ours to ship, or a reference machine / tool from a Debian package. A fresh clone has none
 * of them; the tests that need one are skipped with the reason (see {@link needs}), never
 * passed silently, and `RINGLAB_REQUIRE_EXTRAS=1` turns those skips into failures.
 *
 * - `test386`: the test386.asm CPU test ROM, built, with its reference output, in
 *   `$RINGLAB_CONFORMANCE_DIR/test386/` (`test386.bin`, `test386-EE-reference.txt`).
 * - `unicorn`: Unicorn 2 for Python (Debian's `python3-unicorn`), imported by
 *   `$RINGLAB_PYTHON` (default `/usr/bin/python3`, the Python Debian's package is built for).
 * - `objdump`: GNU objdump (Debian's `binutils`): `$RINGLAB_OBJDUMP`, else `objdump` on PATH.
 * - `nasm`: nasm 2.15 or later: `$RINGLAB_NASM`, else `nasm` on PATH.
 * - `qemu`: `qemu-system-i386` (Debian's `qemu-system-x86`): `$RINGLAB_QEMU`, else on PATH.
 * - `bochs`: Bochs (Debian's `bochs`, `bochs-term`): `$RINGLAB_BOCHS`, else `bochs` on PATH.
 * - `gcc-m32`: a C compiler that builds and runs 32-bit x86 programs on this host (Debian's
 *   `gcc-multilib`), so that the host's own x87 can answer: `$RINGLAB_X87_GCC`, else `gcc`.
 * - `gdb`: GNU gdb (Debian's `gdb`), for the GDB stub's end-to-end test: `$RINGLAB_GDB`, else `gdb` on PATH.
 * - `chromium`: a headless Chromium (Debian's `chromium`) that renders `compare --html`
 *   reports and runs the browser playground: `$RINGLAB_CHROMIUM`, else `chromium` on PATH.
 * - `npm-registry`: npm and a reachable registry (`npm ping`), where a test installs a package
 *   as a user would: `$RINGLAB_NPM`, else `npm` on PATH.
 * - `guests`: the third-party guests scripts/fetch-guests.sh fetches from Debian (the Linux
 *   kernel and its busybox initramfs, memtest86+, SeaBIOS) into `$RINGLAB_GUESTS_DIR`,
 *   default `.guests/` in the repository.
 */
export type ExtraName = "test386" | "unicorn" | "objdump" | "nasm" | "qemu" | "bochs" | "gcc-m32" | "gdb" | "chromium" | "npm-registry" | "guests";

/** What the project knows about an extra, whether or not this machine has it. */
export interface ExtraInfo {
  name: ExtraName;
  /** What it is, as the skip reasons name it: "python3-unicorn", "test386". */
  title: string;
  /** How to get it (a command, or where to put it). */
  install: string;
  /** The environment variable that says where to find it. */
  variable: string;
  /** Which tests it unlocks, for people (the root README has the same table). */
  unlocks: string;
}

/** The result of looking for an extra on this machine. */
export interface Extra {
  name: ExtraName;
  available: boolean;
  /**
   * Why it is not available, as one line fit for a skip note: what the tests need, how to
   * install it, and what was found instead. Set exactly when `available` is false.
   */
  reason?: string;
  /** The executable that was found (or tried), or the suite's directory. */
  path?: string;
  /** Its version, where it can say: "2.0.1", "GNU objdump (GNU Binutils for Debian) 2.40". */
  version?: string;
}

/** Every extra the tests know, in the order the README lists them. */
export const EXTRAS: readonly ExtraInfo[] = [
  {
    name: "test386",
    title: "test386",
    install: "put the built test386.asm ROM (test386.bin) and test386-EE-reference.txt in $RINGLAB_CONFORMANCE_DIR/test386",
    variable: "RINGLAB_CONFORMANCE_DIR",
    unlocks: "test386.asm from the reset vector under every monitor policy (test/test386*.test.ts)",
  },
  {
    name: "unicorn",
    title: "python3-unicorn",
    install: "apt-get install -y python3-unicorn",
    variable: "RINGLAB_PYTHON",
    unlocks: "the live Unicorn oracle: the runner's own tests, the generator check, re-checking and re-recording the recorded answers (packages/cpu/test/diff)",
  },
  {
    name: "objdump",
    title: "objdump",
    install: "apt-get install -y binutils",
    variable: "RINGLAB_OBJDUMP",
    unlocks: "the live objdump oracle: re-checking and re-recording its recorded disassembly (packages/cpu/test/diff)",
  },
  {
    name: "nasm",
    title: "nasm",
    install: "apt-get install -y nasm",
    variable: "RINGLAB_NASM",
    unlocks: "rebuilding the project's guest images from their sources (test/guest-images.test.ts)",
  },
  {
    name: "qemu",
    title: "qemu-system-i386",
    install: "apt-get install -y qemu-system-x86",
    variable: "RINGLAB_QEMU",
    unlocks: "re-checking the guests' expected.txt against QEMU, the reference machine (test/guests-qemu.test.ts)",
  },
  {
    name: "bochs",
    title: "bochs",
    install: "apt-get install -y bochs bochs-term",
    variable: "RINGLAB_BOCHS",
    unlocks: "re-checking the guests' expected.txt against Bochs, the second reference machine (test/guests-bochs.test.ts; needs nasm too)",
  },
  {
    name: "gcc-m32",
    title: "gcc -m32",
    install: "apt-get install -y gcc gcc-multilib",
    variable: "RINGLAB_X87_GCC",
    unlocks: "the host's own x87 as the live oracle: re-checking the x87 guest's expected-host.txt (test/x87-guest.test.ts; needs nasm too)",
  },
  {
    name: "gdb",
    title: "gdb",
    install: "apt-get install -y gdb",
    variable: "RINGLAB_GDB",
    unlocks: "the GDB stub end to end: Debian's gdb in batch mode against `ringlab run --gdb` under every policy (test/gdb.test.ts)",
  },
  {
    name: "chromium",
    title: "Chromium",
    install: "apt-get install -y chromium",
    variable: "RINGLAB_CHROMIUM",
    unlocks:
      "rendering `ringlab compare --html` reports in a real browser, headless, and checking the charts appear (test/compare-html.test.ts); the browser playground end to end (packages/playground/test/browser.test.ts)",
  },
  {
    name: "npm-registry",
    title: "the npm registry",
    install: "network access to the registry npm is configured for (npm config get registry)",
    variable: "RINGLAB_NPM",
    unlocks: "a package made by `ringlab new-device`, installed, built and tested as generated, then loaded with --plugin (test/new-device.test.ts)",
  },
  {
    name: "guests",
    title: "the fetched guests",
    install: "run scripts/fetch-guests.sh as root: Debian's kernel, busybox, memtest86+ and SeaBIOS",
    variable: "RINGLAB_GUESTS_DIR",
    unlocks: "software nobody here wrote: Debian's Linux kernel with a busybox userland, memtest86+, SeaBIOS (test/linux.test.ts, test/memtest.test.ts, test/seabios.test.ts)",
  },
];

/** What scripts/fetch-guests.sh leaves in the guest cache, relative to it. */
export const GUEST_FILES = ["linux/vmlinuz", "linux/initramfs.img", "memtest/memtest.bin", "seabios/bios.bin", "seabios/vgabios-isavga.bin", "VERSIONS"] as const;

/**
 * The cache scripts/fetch-guests.sh fills: `$RINGLAB_GUESTS_DIR` (absolute, or relative to
 * the repository root), default `.guests/` in the repository.
 */
export function guestsDir(): string {
  return resolve(REPO_ROOT, env("RINGLAB_GUESTS_DIR") ?? ".guests");
}

/** The repository's root directory (this package lives in `packages/testkit`). */
export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

const env = (name: string): string | undefined => {
  const v = process.env[name];
  return v === undefined || v === "" ? undefined : v;
};

/**
 * Where conformance suites (test386, and those to come) live: `$RINGLAB_CONFORMANCE_DIR`
 * (absolute, or relative to the repository root), by default `../shared/external` beside the
 * repository. Each suite has its own subdirectory.
 */
export function conformanceDir(): string {
  return resolve(REPO_ROOT, env("RINGLAB_CONFORMANCE_DIR") ?? "../shared/external");
}

/** True when `RINGLAB_REQUIRE_EXTRAS` is set (1, true, yes): a missing extra fails its tests. */
export function extrasRequired(): boolean {
  return /^(1|true|yes|on)$/i.test(env("RINGLAB_REQUIRE_EXTRAS") ?? "");
}

/**
 * Extras to treat as missing even where they are installed: `RINGLAB_IGNORE_EXTRAS` is a
 * comma list of names, or `all`. Shows on a fully equipped machine what a fresh clone sees.
 */
function ignored(name: ExtraName): boolean {
  const list = (env("RINGLAB_IGNORE_EXTRAS") ?? "").split(",").map((s) => s.trim().toLowerCase());
  return list.includes("all") || list.includes(name);
}

/** The first executable file called `command` in the directories of PATH. */
export function findOnPath(command: string, path = process.env.PATH ?? ""): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (dir === "") continue;
    const file = join(dir, command);
    try {
      if (statSync(file).isFile()) {
        accessSync(file, constants.X_OK);
        return file;
      }
    } catch {
      // not here
    }
  }
  return undefined;
}

export function infoOf(name: ExtraName): ExtraInfo {
  const info = EXTRAS.find((e) => e.name === name);
  if (!info) throw new Error(`unknown extra '${name}' (known: ${EXTRAS.map((e) => e.name).join(", ")})`);
  return info;
}

/** "needs python3-unicorn (apt-get install -y python3-unicorn): <detail>" */
function missing(info: ExtraInfo, detail: string, path?: string): Extra {
  const reason =
    info.name === "test386" ? `needs test386 in $RINGLAB_CONFORMANCE_DIR/test386 (${detail})` : `needs ${info.title} (${info.install}): ${detail}`;
  return { name: info.name, available: false, reason, ...(path !== undefined ? { path } : {}) };
}

/**
 * Runs `exe args`: its trimmed output, or why it could not (`why` names the command; `last`
 * is the last line it printed, e.g. Python's "ModuleNotFoundError: ...").
 */
function run(exe: string, args: string[]): { ok: true; out: string } | { ok: false; why: string; last: string } {
  const r = spawnSync(exe, args, { encoding: "utf8", timeout: 60_000, stdio: ["ignore", "pipe", "pipe"] });
  if (r.error) {
    const code = (r.error as NodeJS.ErrnoException).code;
    return { ok: false, why: code === "ENOENT" ? `${exe} not found` : `${exe} could not be run (${r.error.message})`, last: "" };
  }
  if (r.status !== 0) {
    const last = (r.stderr || r.stdout).trim().split("\n").filter((l) => l.trim() !== "").at(-1)?.trim() ?? "";
    return { ok: false, why: `${exe} exited with ${r.status ?? r.signal}${last ? `: ${last}` : ""}`, last };
  }
  return { ok: true, out: `${r.stdout}\n${r.stderr}`.trim() };
}

/** An executable named by `variable`, else found on PATH under `command`. */
function locate(info: ExtraInfo, command: string): { path: string } | { missing: Extra } {
  const configured = env(info.variable);
  if (configured !== undefined) {
    const path = isAbsolute(configured) || configured.includes("/") ? resolve(configured) : findOnPath(configured);
    if (path === undefined || !existsSync(path)) return { missing: missing(info, `${info.variable}=${configured} does not exist`, path) };
    return { path };
  }
  const path = findOnPath(command);
  return path === undefined ? { missing: missing(info, `no ${command} on PATH (or set ${info.variable})`) } : { path };
}

/** npm answers and its registry answers `npm ping`. */
function probeNpmRegistry(info: ExtraInfo): Extra {
  const where = locate(info, "npm");
  if ("missing" in where) return where.missing;
  const ping = run(where.path, ["ping", "--fetch-timeout=20000", "--fetch-retries=1"]);
  if (!ping.ok) return missing(info, `${where.path} ping: ${ping.why}`, where.path);
  const v = run(where.path, ["--version"]);
  return { name: info.name, available: true, path: where.path, ...(v.ok ? { version: `npm ${v.out.split("\n")[0]!.trim()}` } : {}) };
}

function probeGuests(info: ExtraInfo): Extra {
  const dir = guestsDir();
  const absent = GUEST_FILES.filter((f) => !existsSync(join(dir, f)));
  if (absent.length === GUEST_FILES.length) return missing(info, `nothing fetched in ${dir}`, dir);
  if (absent.length > 0) return missing(info, `${absent.join(", ")} missing in ${dir}`, dir);
  const version = readFileSync(join(dir, "VERSIONS"), "utf8").trim().split("\n").join(", ");
  return { name: "guests", available: true, path: dir, ...(version ? { version } : {}) };
}

function probeTest386(info: ExtraInfo): Extra {
  const dir = join(conformanceDir(), "test386");
  const files = ["test386.bin", "test386-EE-reference.txt"];
  const absent = files.filter((f) => !existsSync(join(dir, f)));
  if (absent.length > 0) {
    const what = absent.length === files.length ? `not found at ${dir}` : `${absent.join(" and ")} missing in ${dir}`;
    return missing(info, what, dir);
  }
  return { name: "test386", available: true, path: dir };
}

function probeUnicorn(info: ExtraInfo): Extra {
  const python = resolve(env("RINGLAB_PYTHON") ?? "/usr/bin/python3");
  const r = run(python, ["-c", "import unicorn; print(unicorn.__version__)"]);
  if (!r.ok) {
    const why = r.last !== "" ? `${python} cannot import unicorn (${r.last})` : r.why;
    return missing(info, `${why} (RINGLAB_PYTHON chooses the Python)`, python);
  }
  const version = r.out.split("\n")[0]!.trim();
  if (!/^2\./.test(version)) return missing(info, `${python} has Unicorn ${version}, the tests need 2.x`, python);
  return { name: "unicorn", available: true, path: python, version };
}

/** Probes an executable that prints a version line; `check` rejects unusable versions. */
function probeTool(info: ExtraInfo, command: string, args: string[], check?: (version: string) => string | undefined): Extra {
  const where = locate(info, command);
  if ("missing" in where) return where.missing;
  const r = run(where.path, args);
  if (!r.ok) return missing(info, r.why, where.path);
  const version = r.out.split("\n").find((l) => l.trim() !== "")?.trim() ?? "";
  const bad = check?.(version);
  if (bad !== undefined) return missing(info, `${where.path}: ${bad}`, where.path);
  return { name: info.name, available: true, path: where.path, ...(version ? { version } : {}) };
}

/**
 * gcc -m32 is usable when it builds a 32-bit program that runs here: an x86 host with the
 * 32-bit C library (gcc-multilib) and a kernel that runs i386 binaries.
 */
function probeGccM32(info: ExtraInfo): Extra {
  if (process.arch !== "ia32" && process.arch !== "x64") return missing(info, `the host is ${process.arch}, not x86`);
  const where = locate(info, "gcc");
  if ("missing" in where) return where.missing;
  const dir = mkdtempSync(join(tmpdir(), "ringlab-gcc-m32-"));
  try {
    const src = join(dir, "probe.c");
    writeFileSync(src, "int main(void) { return sizeof(void *) == 4 ? 0 : 1; }\n");
    const built = run(where.path, ["-m32", "-o", join(dir, "probe"), src]);
    if (!built.ok) return missing(info, `${where.path} -m32 cannot build a program (${built.why})`, where.path);
    const ran = run(join(dir, "probe"), []);
    if (!ran.ok) return missing(info, `a program built with ${where.path} -m32 does not run here (${ran.why})`, where.path);
    const v = run(where.path, ["--version"]);
    const version = v.ok ? (v.out.split("\n")[0] ?? "").trim() : "";
    return { name: info.name, available: true, path: where.path, ...(version ? { version } : {}) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const probes: Record<ExtraName, (info: ExtraInfo) => Extra> = {
  test386: probeTest386,
  unicorn: probeUnicorn,
  objdump: (info) => probeTool(info, "objdump", ["--version"], (v) => (/GNU objdump/.test(v) ? undefined : `not GNU objdump (${v})`)),
  nasm: (info) =>
    probeTool(info, "nasm", ["-v"], (v) => {
      const m = /version (\d+)\.(\d+)/.exec(v);
      if (!m) return `cannot read the version from '${v}'`;
      return Number(m[1]) > 2 || (Number(m[1]) === 2 && Number(m[2]) >= 15) ? undefined : `${v}: the guests need nasm 2.15 or later`;
    }),
  qemu: (info) => probeTool(info, "qemu-system-i386", ["--version"]),
  bochs: (info) => probeTool(info, "bochs", ["--help"], () => undefined),
  "gcc-m32": probeGccM32,
  gdb: (info) => probeTool(info, "gdb", ["--version"], (v) => (/^GNU gdb/.test(v) ? undefined : `not GNU gdb (${v})`)),
  chromium: (info) => probeTool(info, "chromium", ["--version"], (v) => (/Chromium \d+/.test(v) ? undefined : `not Chromium (${v})`)),
  "npm-registry": probeNpmRegistry,
  guests: probeGuests,
};

const cache = new Map<string, Extra>();

/**
 * Looks for an extra on this machine (once per process and configuration: the answer is
 * cached, keyed by the environment variables that steer the search).
 *
 * @example
 * const u = extra("unicorn");
 * if (u.available) spawn(u.path!, [runner]);
 * else console.log(u.reason); // needs python3-unicorn (apt-get install -y python3-unicorn): ...
 */
export function extra(name: ExtraName): Extra {
  const info = infoOf(name);
  const key = [name, env(info.variable), env("RINGLAB_IGNORE_EXTRAS"), name === "test386" ? "" : env("PATH")].join("\0");
  let found = cache.get(key);
  if (found === undefined) {
    found = ignored(name) ? missing(info, "ignored because RINGLAB_IGNORE_EXTRAS is set") : probes[name](info);
    cache.set(key, found);
  }
  return found;
}

/** Forgets every cached probe (for tests that change the environment). */
export function forgetExtras(): void {
  cache.clear();
}

/** The extras among `names` that are not available. */
export function missingExtras(...names: ExtraName[]): Extra[] {
  return names.map(extra).filter((e) => !e.available);
}

/**
 * The path of an extra that must be there, for code that runs only after {@link needs}
 * passed (or outside tests, e.g. a recording script). Throws its reason otherwise.
 */
export function extraPath(name: ExtraName): string {
  const e = extra(name);
  if (!e.available) throw new MissingExtraError(e.reason!);
  return e.path!;
}

/** A test needed an extra that is missing (and skipping was not allowed). */
export class MissingExtraError extends Error {
  override name = "MissingExtraError";
}
