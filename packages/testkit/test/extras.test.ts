import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EXTRAS, GUEST_FILES, MissingExtraError, REPO_ROOT, conformanceDir, extra, extraPath, extrasRequired, findOnPath, forgetExtras, guestsDir, needs, skipWithReason } from "../src/index.js";

const VARS = ["RINGLAB_CONFORMANCE_DIR", "RINGLAB_PYTHON", "RINGLAB_OBJDUMP", "RINGLAB_NASM", "RINGLAB_QEMU", "RINGLAB_BOCHS", "RINGLAB_X87_GCC", "RINGLAB_GUESTS_DIR", "RINGLAB_IGNORE_EXTRAS", "RINGLAB_REQUIRE_EXTRAS", "PATH"];
let saved: Record<string, string | undefined>;
let dir: string;

beforeEach(() => {
  saved = Object.fromEntries(VARS.map((v) => [v, process.env[v]]));
  dir = mkdtempSync(join(tmpdir(), "ringlab-testkit-"));
  // These tests set the switches themselves: a run that sets them (CI, a user hiding
  // extras) must not change what they see.
  delete process.env.RINGLAB_IGNORE_EXTRAS;
  delete process.env.RINGLAB_REQUIRE_EXTRAS;
  forgetExtras();
});

afterEach(() => {
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  rmSync(dir, { recursive: true, force: true });
  forgetExtras();
});

/** A fake executable: a shell script printing `out` (stdout) and `err` (stderr), exiting with `status`. */
function fakeTool(name: string, { out = "", err = "", status = 0 } = {}): string {
  const file = join(dir, name);
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  writeFileSync(file, `#!/bin/sh\n${out ? `printf '%s\\n' ${q(out)}\n` : ""}${err ? `printf '%s\\n' ${q(err)} >&2\n` : ""}exit ${status}\n`);
  chmodSync(file, 0o755);
  return file;
}

/** A stand-in for vitest's context: records the note it was skipped with. */
function fakeContext() {
  const ctx = {
    note: undefined as string | undefined,
    skip: ((note?: string) => {
      ctx.note = note;
      throw new Error("skipped");
    }) as never,
  };
  return ctx;
}

describe("the conformance directory", () => {
  it("is ../shared/external beside the repository unless RINGLAB_CONFORMANCE_DIR says otherwise", () => {
    delete process.env.RINGLAB_CONFORMANCE_DIR;
    expect(conformanceDir()).toBe(resolve(REPO_ROOT, "../shared/external"));
    process.env.RINGLAB_CONFORMANCE_DIR = "/opt/conformance";
    expect(conformanceDir()).toBe("/opt/conformance");
    process.env.RINGLAB_CONFORMANCE_DIR = "suites"; // relative: to the repository root
    expect(conformanceDir()).toBe(resolve(REPO_ROOT, "suites"));
  });

  it("holds test386 when both of its files are there, and says which is missing otherwise", () => {
    process.env.RINGLAB_CONFORMANCE_DIR = dir;
    expect(extra("test386")).toEqual({
      name: "test386",
      available: false,
      path: join(dir, "test386"),
      reason: `needs test386 in $RINGLAB_CONFORMANCE_DIR/test386 (not found at ${join(dir, "test386")})`,
    });
    mkdirSync(join(dir, "test386"));
    writeFileSync(join(dir, "test386", "test386.bin"), "rom");
    forgetExtras();
    expect(extra("test386").reason).toBe(`needs test386 in $RINGLAB_CONFORMANCE_DIR/test386 (test386-EE-reference.txt missing in ${join(dir, "test386")})`);
    writeFileSync(join(dir, "test386", "test386-EE-reference.txt"), "ref");
    forgetExtras();
    expect(extra("test386")).toEqual({ name: "test386", available: true, path: join(dir, "test386") });
    expect(extraPath("test386")).toBe(join(dir, "test386"));
  });
});

describe("Unicorn", () => {
  it("is missing, with the apt-get line, when RINGLAB_PYTHON does not exist", () => {
    process.env.RINGLAB_PYTHON = "/nonexistent/python3";
    const u = extra("unicorn");
    expect(u.available).toBe(false);
    expect(u.reason).toBe("needs python3-unicorn (apt-get install -y python3-unicorn): /nonexistent/python3 not found (RINGLAB_PYTHON chooses the Python)");
    expect(() => extraPath("unicorn")).toThrow(MissingExtraError);
  });

  it("is missing when that Python cannot import it, or has Unicorn 1, and found when it has 2.x", () => {
    process.env.RINGLAB_PYTHON = fakeTool("py-none", { err: "ModuleNotFoundError: No module named 'unicorn'", status: 1 });
    expect(extra("unicorn").reason).toBe(
      `needs python3-unicorn (apt-get install -y python3-unicorn): ${process.env.RINGLAB_PYTHON} cannot import unicorn (ModuleNotFoundError: No module named 'unicorn') (RINGLAB_PYTHON chooses the Python)`,
    );
    process.env.RINGLAB_PYTHON = fakeTool("py-old", { out: "1.0.3" });
    expect(extra("unicorn").reason).toMatch(/has Unicorn 1\.0\.3, the tests need 2\.x$/);
    process.env.RINGLAB_PYTHON = fakeTool("py-new", { out: "2.0.1" });
    expect(extra("unicorn")).toEqual({ name: "unicorn", available: true, path: process.env.RINGLAB_PYTHON, version: "2.0.1" });
  });
});

describe("tools found on PATH or through their variable", () => {
  it("looks on PATH, names the variable when the tool is not there, and follows the variable", () => {
    delete process.env.RINGLAB_QEMU;
    process.env.PATH = join(dir, "empty");
    expect(extra("qemu").reason).toBe("needs qemu-system-i386 (apt-get install -y qemu-system-x86): no qemu-system-i386 on PATH (or set RINGLAB_QEMU)");
    const qemu = fakeTool("qemu-system-i386", { out: "QEMU emulator version 7.2.22" });
    process.env.PATH = `${join(dir, "empty")}:${dir}`;
    expect(findOnPath("qemu-system-i386")).toBe(qemu);
    expect(extra("qemu")).toEqual({ name: "qemu", available: true, path: qemu, version: "QEMU emulator version 7.2.22" });
    process.env.PATH = "";
    process.env.RINGLAB_QEMU = qemu;
    expect(extra("qemu").available).toBe(true);
    process.env.RINGLAB_QEMU = join(dir, "nope");
    expect(extra("qemu").reason).toBe(`needs qemu-system-i386 (apt-get install -y qemu-system-x86): RINGLAB_QEMU=${join(dir, "nope")} does not exist`);
  });

  it("rejects a nasm older than 2.15, anything but GNU objdump, and a tool that fails", () => {
    process.env.RINGLAB_NASM = fakeTool("nasm-old", { out: "NASM version 2.14.02" });
    expect(extra("nasm").reason).toMatch(/NASM version 2\.14\.02: the guests need nasm 2\.15 or later$/);
    process.env.RINGLAB_NASM = fakeTool("nasm", { out: "NASM version 2.16.01 compiled on Jan  1 2023" });
    expect(extra("nasm")).toMatchObject({ available: true, version: "NASM version 2.16.01 compiled on Jan  1 2023" });
    process.env.RINGLAB_OBJDUMP = fakeTool("llvm-objdump", { out: "LLVM version 16" });
    expect(extra("objdump").reason).toMatch(/^needs objdump \(apt-get install -y binutils\): .*not GNU objdump \(LLVM version 16\)$/);
    process.env.RINGLAB_OBJDUMP = fakeTool("objdump-broken", { err: "objdump: error while loading shared libraries", status: 127 });
    expect(extra("objdump").reason).toMatch(/exited with 127: objdump: error while loading shared libraries$/);
  });

  it("treats the extras RINGLAB_IGNORE_EXTRAS lists as missing", () => {
    process.env.RINGLAB_NASM = fakeTool("nasm", { out: "NASM version 2.16.01" });
    process.env.RINGLAB_IGNORE_EXTRAS = "unicorn, nasm";
    expect(extra("nasm").reason).toBe("needs nasm (apt-get install -y nasm): ignored because RINGLAB_IGNORE_EXTRAS is set");
    process.env.RINGLAB_IGNORE_EXTRAS = "all";
    expect(EXTRAS.map((e) => extra(e.name).available)).toEqual(EXTRAS.map(() => false));
  });
});

describe("tests that need extras", () => {
  it("are skipped with every missing extra's reason", () => {
    process.env.RINGLAB_PYTHON = "/nonexistent/python3";
    process.env.RINGLAB_CONFORMANCE_DIR = dir;
    delete process.env.RINGLAB_REQUIRE_EXTRAS;
    const ctx = fakeContext();
    expect(() => needs(ctx, "unicorn", "test386")).toThrow("skipped");
    expect(ctx.note).toBe(`${extra("unicorn").reason}; ${extra("test386").reason}`);
    const ok = fakeContext();
    process.env.RINGLAB_PYTHON = fakeTool("py", { out: "2.0.1" });
    expect(() => needs(ok, "unicorn")).not.toThrow();
    expect(ok.note).toBeUndefined();
  });

  it("fail instead, naming what is missing, when RINGLAB_REQUIRE_EXTRAS is set", () => {
    process.env.RINGLAB_PYTHON = "/nonexistent/python3";
    for (const v of ["1", "true", "yes"]) {
      process.env.RINGLAB_REQUIRE_EXTRAS = v;
      expect(extrasRequired()).toBe(true);
      const ctx = fakeContext();
      expect(() => needs(ctx, "unicorn")).toThrow(/^needs python3-unicorn .*\[RINGLAB_REQUIRE_EXTRAS is set: this test may not be skipped\]$/);
      expect(() => skipWithReason(ctx, "recorded with objdump 2.40")).toThrow(MissingExtraError);
      expect(ctx.note).toBeUndefined();
    }
    for (const v of ["", "0", "no"]) {
      process.env.RINGLAB_REQUIRE_EXTRAS = v;
      expect(extrasRequired()).toBe(false);
    }
  });
});

describe("the fetched guests", () => {
  it("live in .guests/ unless RINGLAB_GUESTS_DIR says otherwise", () => {
    delete process.env.RINGLAB_GUESTS_DIR;
    expect(guestsDir()).toBe(resolve(REPO_ROOT, ".guests"));
    process.env.RINGLAB_GUESTS_DIR = "cache";
    expect(guestsDir()).toBe(resolve(REPO_ROOT, "cache"));
  });

  it("are available only when every file fetch-guests.sh writes is there, and the reason names what is missing", () => {
    process.env.RINGLAB_GUESTS_DIR = dir;
    expect(extra("guests")).toMatchObject({ available: false, reason: expect.stringMatching(/scripts\/fetch-guests\.sh.*nothing fetched in/) });
    for (const f of GUEST_FILES) {
      mkdirSync(join(dir, f, ".."), { recursive: true });
      writeFileSync(join(dir, f), f === "VERSIONS" ? "linux-image-x 1\nseabios 2\n" : "x");
    }
    rmSync(join(dir, "memtest/memtest.bin"));
    forgetExtras();
    expect(extra("guests").reason).toMatch(/memtest\/memtest\.bin missing in /);
    writeFileSync(join(dir, "memtest/memtest.bin"), "x");
    forgetExtras();
    expect(extra("guests")).toEqual({ name: "guests", available: true, path: dir, version: "linux-image-x 1, seabios 2" });
  });
});

describe("gcc -m32", () => {
  it("is missing, with the reason, when RINGLAB_X87_GCC names no compiler", () => {
    process.env.RINGLAB_X87_GCC = join(dir, "no-such-gcc");
    expect(extra("gcc-m32")).toMatchObject({ available: false, reason: expect.stringMatching(/gcc-multilib.*RINGLAB_X87_GCC=.*does not exist/) });
  });

  it("is missing when the compiler cannot build a 32-bit program", () => {
    process.env.RINGLAB_X87_GCC = fakeTool("gcc", { err: "cannot find -lgcc", status: 1 });
    expect(extra("gcc-m32").reason).toMatch(/-m32 cannot build a program .*cannot find -lgcc/);
  });
});
