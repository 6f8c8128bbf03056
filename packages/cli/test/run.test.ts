import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";

const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "ringlab-run-"));

/**
 * Raw images at 0x100000, assembled with nasm (sources in the comments).
 * hello:  mov dx,0xe9 / mov esi,msg / l: lodsb / test al,al / jz done / out dx,al / jmp l /
 *         done: mov al,7 / out 0xf4,al / hlt / msg: db "hello from ringlab",10,0
 * screen: mov edi,0xb8000 / mov esi,msg / mov ah,0x1e / l: lodsb / test al,al / jz done /
 *         stosw / jmp l / done: cli / hlt / msg: db "Hello VGA",0
 */
const HELLO = "66bae900be16001000ac84c07403eeebf8b007e6f4f468656c6c6f2066726f6d2072696e676c61620a00";
const SCREEN = "bf00800b00be17001000b41eac84c0740466abebf7faf448656c6c6f2056474100";
/**
 * serial: mov esp,0x90000, then sends "to COM1\n" to 0x3F8 and "to COM2\n" to 0x2F8 (8N1: LCR=3),
 * each byte once LSR.THRE is set, then exits with 5. send: add dx,3 / mov al,3 / out dx,al /
 * sub dx,3 / next: lodsb / test al,al / jz done / mov bl,al / add dx,5 /
 * w: in al,dx / test al,0x20 / jz w / sub dx,5 / mov al,bl / out dx,al / jmp next
 */
const SERIAL =
  "bc0000090066baf803be4b001000e81300000066baf802be54001000e805000000b005e6f4f46683c203b003ee6683ea03ac84c0741488c36683c205eca82074fb6683ea0588d8eeebe7c3746f20434f4d310a00746f20434f4d320a00";
/**
 * echo: 8N1, then each byte received on COM1 (LSR.DR) comes back as the next letter
 * ('a' -> 'b'), so the guest's answer is told apart from the terminal's own echo; 'q' exits with 9.
 */
const ECHO = "66bafb03b003ee66bafd03eca80174f766baf803ec3c717405fec0eeebe9b009e6f4f4";
/** x87: fninit / fld1 / fldpi / faddp st1,st0 / fldz / cli / hlt : stops with the FPU in use. */
const X87 = "dbe3d9e8d9ebdec1d9eefaf4";
/** jmp $ : runs until the instruction limit. */
const SPIN = "ebfe";
/** mov al,0xfe / out 0x64,al / hlt : the keyboard controller's CPU reset. */
const REBOOT = "b0fee664f4";
/** mov al,0xd1 / out 0x64,al / mov al,0xdd / out 0x60,al / cli / hlt : A20 off, then stop. */
const A20_OFF = "b0d1e664b0dde660faf4";

function image(name: string, hex: string): string {
  const p = join(dir, name);
  writeFileSync(p, Buffer.from(hex, "hex"));
  return p;
}

function ringlab(...args: string[]) {
  const r = spawnSync(process.execPath, [main, ...args], { encoding: "utf8", cwd: dir });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("ringlab run --serial", () => {
  const serial = () => `${image("serial.bin", SERIAL)}@0x100000`;

  it("COM1 is in the default PC and its output reaches stdout; a port the machine lacks reads as nothing there", () => {
    // COM2 is absent: its LSR reads 0xFF (THRE set), so the guest's bytes to it go nowhere.
    const r = ringlab("run", "--load", serial(), "--screen", "none");
    expect(r.stdout).toBe("to COM1\n");
    expect(r.status).toBe(5);
  });

  it("--serial gives COM1, COM2... their host side in order, adding the ports the machine lacks", () => {
    const com2 = join(dir, "com2.txt");
    const r = ringlab("run", "--load", serial(), "--screen", "none", "--serial", "none", "--serial", `file:${com2}`);
    expect(r.stdout).toBe("");
    expect(readFileSync(com2, "latin1")).toBe("to COM2\n");
    expect(r.status).toBe(5);
  });

  it("the config file's serial key does the same, and --serial replaces it", () => {
    const cfg = join(dir, "serial.toml");
    writeFileSync(cfg, 'serial = ["stdio", "stdio"]\n');
    expect(ringlab("run", "-c", cfg, "--load", serial(), "--screen", "none").stdout).toBe("to COM1\nto COM2\n");
    expect(ringlab("run", "-c", cfg, "--load", serial(), "--screen", "none", "--serial", "none").stdout).toBe("");
  });

  it("on a terminal, the keys typed reach the guest through COM1 (--serial stdio)", () => {
    // script(1) (util-linux, Essential in Debian) gives the run a pseudo-terminal and types
    // what it reads from its stdin; the keys sent before ringlab puts the terminal in raw mode
    // are echoed by the terminal itself, hence "abcq" before the guest's "bcd".
    const cmd = [process.execPath, main, "run", "--load", `${image("echo.bin", ECHO)}@0x100000`, "--screen", "none", "--serial", "stdio"];
    const r = spawnSync("script", ["-qec", cmd.map((a) => `'${a}'`).join(" "), "/dev/null"], { input: "abcq", encoding: "latin1", cwd: dir });
    expect(r.stdout.replace(/^(abcq)?/, "")).toBe("bcd");
    expect(r.status).toBe(9);
  });

  it("refuses a back end it does not know, a fifth port and an unwritable file, in one line each", () => {
    const bad = ringlab("run", "--load", serial(), "--serial", "tcp:1234");
    expect(bad.stderr).toMatch(/--serial.*expected stdio, file:PATH or none, got 'tcp:1234'/);
    expect(bad.stderr.trim().split("\n")).toHaveLength(1);
    expect(bad.status).toBe(64);
    const five = ringlab("run", "--load", serial(), ...Array.from({ length: 5 }, () => ["--serial", "none"]).flat());
    expect(five.stderr.trim()).toMatch(/^ringlab: --serial: .*4 COM ports/);
    expect(five.status).not.toBe(0);
    const cfg = join(dir, "serial-bad.toml");
    writeFileSync(cfg, 'serial = ["tty"]\n');
    const inFile = ringlab("run", "-c", cfg, "--load", serial());
    expect(inFile.stderr.trim()).toMatch(/serial-bad\.toml: key 'serial.*expected stdio, file:PATH or none/);
    expect(inFile.status).toBe(78);
    const unwritable = ringlab("run", "--load", serial(), "--serial", `file:${join(dir, "no-such-dir", "x.txt")}`);
    expect(unwritable.stderr.trim()).toMatch(/^ringlab: --serial: cannot write .*x\.txt \(ENOENT\)$/);
    expect(unwritable.status).toBe(73);
  });
});

describe("ringlab run", () => {
  it("ends with status 125 and says so when the guest resets the PC and there is no BIOS to restart", () => {
    const r = ringlab("run", "--load", `${image("reboot.bin", REBOOT)}@0x100000`, "--screen", "none");
    expect(r.status).toBe(125);
    expect(r.stderr).toMatch(/^ringlab: guest requested a reset \(i8042: command 0xFE pulsed the CPU reset line\); no BIOS ROM at the reset vector to restart it$/m);
    expect(r.stderr).not.toMatch(/A20/);
  });

  it("says in the run report when the guest left the A20 gate closed", () => {
    // Loaded below 1 MiB: with A20 off, code at 1 MiB would be the code at 0.
    const r = ringlab("run", "--load", `${image("a20off.bin", A20_OFF)}@0x8000`, "--screen", "none");
    expect(r.status).toBe(122);
    expect(r.stderr).toMatch(/^ {2}A20 gate closed: physical address bit 20 reads as 0$/m);
  });

  it("streams the debug console to stdout and exits with the guest's exit-port value", () => {
    const r = ringlab("run", "--load", `${image("hello.bin", HELLO)}@0x100000`, "--screen", "none");
    expect(r.stdout).toBe("hello from ringlab\n");
    expect(r.stderr).toBe("");
    expect(r.status).toBe(7);
  });

  it("writes a trace with one line per instruction executed", () => {
    const trace = join(dir, "trace.txt");
    const r = ringlab("run", "--load", `${image("hello.bin", HELLO)}@0x100000`, "--screen", "none", "--stats", "--trace", trace);
    expect(r.status).toBe(7);
    const lines = readFileSync(trace, "utf8").trimEnd().split("\n");
    const retired = Number(/instructions retired: (\d+)/.exec(r.stderr)![1]);
    expect(lines).toHaveLength(retired);
    expect(lines[0]).toMatch(/^ +1 {2}0008:00100000 {2}00100000 {2}mov dx,0xe9$/);
    expect(lines.at(-1)).toMatch(/out 0xf4,al$/);
  });

  it("shows the x87 after each FPU instruction in the trace, and in the report once the FPU is in use", () => {
    const trace = join(dir, "x87-trace.txt");
    const r = ringlab("run", "--load", `${image("x87.bin", X87)}@0x100000`, "--screen", "none", "--trace", trace);
    expect(r.status).toBe(122);
    const lines = readFileSync(trace, "utf8").trimEnd().split("\n");
    // fninit, fld1, fldpi, faddp, fldz each with its state line; cli and hlt without.
    expect(lines).toHaveLength(5 * 2 + 2);
    expect(lines[1]).toBe("            x87 FCW=037F FSW=0000 FTW=FFFF TOP=0");
    expect(lines[3]).toBe("            x87 FCW=037F FSW=3800 FTW=3FFF TOP=7  ST(0)=3FFF8000000000000000 (+1.0000000000000000)");
    // 1 + pi, as this host's x87 computes it (gcc -m32, fnstsw/fstpt): FSW 3820 (PE, rounded
    // down, so no C1) and 40018487ED5110B4611A.
    expect(lines[7]).toBe("            x87 FCW=037F FSW=3820 FTW=3FFF TOP=7  ST(0)=40018487ED5110B4611A (+4.1415926535897932)");
    expect(lines[9]).toBe(
      "            x87 FCW=037F FSW=3020 FTW=1FFF TOP=6  ST(0)=00000000000000000000 (+0)  ST(1)=40018487ED5110B4611A (+4.1415926535897932)",
    );
    expect(lines[10]).toMatch(/ cli$/);
    // The report: the words, then the stack from ST(0), empty registers named as such.
    const report = r.stderr.split("\n");
    const at = report.findIndex((l) => l.startsWith("  x87 FCW=037F FSW=3020 FTW=1FFF TOP=6 FIP=0008:00100008 "));
    expect(at, r.stderr).toBeGreaterThan(0);
    expect(report[at + 1]).toBe("  ST(0)=00000000000000000000 zero     +0");
    expect(report[at + 2]).toBe("  ST(1)=40018487ED5110B4611A valid    +4.1415926535897932");
    expect(report[at + 3]).toBe("  ST(2)=00000000000000000000 empty");
  });

  it("leaves the x87 out of the report while no program has used it", () => {
    const r = ringlab("run", "--load", `${image("spin.bin", SPIN)}@0x100000`, "--screen", "none", "--max-instructions", "100");
    expect(r.status).toBe(120);
    expect(r.stderr).not.toMatch(/x87/);
  });

  it("writes the event log: every interrupt and exception the guest received, as --stats counts them", () => {
    const events = join(dir, "events.txt");
    const guest = fileURLToPath(new URL("../../../test/guests/nullkernel-preempt/nullkernel-preempt.bin", import.meta.url));
    const r = ringlab("run", guest, "--screen", "none", "--stats", "--trace-events", events, "--policy", "scan-patch");
    expect(r.status).toBe(0);
    const lines = readFileSync(events, "utf8").trimEnd().split("\n");
    expect(lines[0]).toBe("# instructions vector kind cs:eip [err=code] name");
    const total = Number(/guest events: +([\d,]+) /.exec(r.stderr)![1]!.replace(/,/g, ""));
    expect(lines.slice(1)).toHaveLength(total);
    // The timer's IRQ 0 (vector 0x20) and the guest's INT 0x80 system calls.
    expect(lines.find((l) => / external /.test(l))).toMatch(/^\d+ 0x20 external [0-9a-f]{4}:[0-9a-f]{8} vector 0x20$/);
    expect(lines.find((l) => / software /.test(l))).toMatch(/^\d+ 0x80 software 001b:[0-9a-f]{8} int 0x80$/);
    expect(r.stderr).toMatch(/^\[stats\] {3}external +vector 0x20 +[\d,]+$/m);
    // Counts only grow.
    const counts = lines.slice(1).map((l) => Number(l.split(" ")[0]));
    expect(counts.every((c, i) => i === 0 || c >= counts[i - 1]!)).toBe(true);
  });

  it("refuses an unwritable --trace-events file in one line, before running", () => {
    const r = ringlab("run", "--load", `${image("hello.bin", HELLO)}@0x100000`, "--screen", "none", "--trace-events", join(dir, "no", "such", "dir.txt"));
    expect(r.status).toBe(73);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/^ringlab: --trace-events: cannot write .*dir\.txt \(ENOENT\)\n$/);
  });

  it("boots a Linux bzImage by the 32-bit boot protocol, with --cmdline and --initrd", () => {
    // A minimal bzImage: boot sector with the setup header ("HdrS", protocol 2.15, loaded
    // high), two setup sectors, then code that reloads DS from the loader's GDT, prints the
    // command line (boot_params.hdr.cmd_line_ptr) and exits with ramdisk_size & 0xff.
    const pm = Buffer.from("66b818008ed88ec08ed08b9e280200008a0384c07405e6e943ebf5b00ae6e98a861c020000e6f4f4", "hex");
    const bz = Buffer.alloc(3 * 512 + pm.length);
    bz[0x1f1] = 2;
    bz.writeUInt16LE(0xaa55, 0x1fe);
    bz.set([0xeb, 0x66], 0x200);
    bz.writeUInt32LE(0x53726448, 0x202);
    bz.writeUInt16LE(0x020f, 0x206);
    bz[0x211] = 1;
    bz.writeUInt32LE(0x7fffffff, 0x22c);
    bz.writeUInt32LE(2047, 0x238);
    bz.set(pm, 3 * 512);
    const kernel = join(dir, "bzImage");
    writeFileSync(kernel, bz);
    writeFileSync(join(dir, "initrd.img"), Buffer.alloc(42, 1));
    const r = ringlab("run", kernel, "--initrd", "initrd.img", "--cmdline", "console=ttyS0", "--screen", "none");
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("console=ttyS0\n");
    expect(r.status).toBe(42);
    const multiboot = fileURLToPath(new URL("../../../test/guests/sensitive/sensitive.bin", import.meta.url));
    const bad = ringlab("run", multiboot, "--initrd", "initrd.img", "--screen", "none");
    expect(bad.status).toBe(64);
    expect(bad.stderr).toMatch(/^ringlab: --initrd: an initrd needs a Linux bzImage kernel \(.*sensitive\.bin is not one\)\n$/);
    const missing = ringlab("run", kernel, "--initrd", "nope.img", "--screen", "none");
    expect(missing.status).toBe(66);
    expect(missing.stderr).toMatch(/^ringlab: \S*nope\.img: cannot read the initrd/);
  });

  it("prints stats on request", () => {
    const r = ringlab("run", "--load", `${image("hello.bin", HELLO)}@0x100000`, "--screen", "none", "--stats");
    expect(r.stderr).toMatch(/^\[stats\] instructions retired: \d+$/m);
    expect(r.stderr).toMatch(/^\[stats\] unclaimed ports: {6}none$/m);
  });

  it("shows the VGA screen as text, and writes it as a PNG", () => {
    const png = join(dir, "shot.png");
    const r = ringlab("run", "--load", `${image("screen.bin", SCREEN)}@0x100000`, "--screen", "text", "--screenshot", png);
    expect(r.stdout.split("\n")[0]).toBe("Hello VGA");
    // The guest ends with CLI; HLT: nothing can wake it, a distinct status and a report.
    expect(r.status).toBe(122);
    expect(r.stderr).toMatch(/^ringlab: guest halted: HLT with interrupts disabled/);
    expect(r.stderr).toMatch(/EIP=0010001[0-9A-F]/);
    const img = PNG.sync.read(readFileSync(png));
    expect([img.width, img.height]).toEqual([720, 400]);
    // Attribute 0x1E: blue background behind the first cell.
    const px = (x: number, y: number) => [...img.data.subarray((y * img.width + x) * 4, (y * img.width + x) * 4 + 3)];
    expect(px(8, 0)).toEqual([0x00, 0x00, 0xaa]);
  });

  it("stops at the instruction limit with its own status and a register report", () => {
    const r = ringlab("run", "--load", `${image("spin.bin", SPIN)}@0x100000`, "--max-instructions", "5000", "--screen", "none");
    expect(r.status).toBe(120);
    expect(r.stderr).toMatch(/^ringlab: instruction limit reached after 5000 instructions\n/);
    expect(r.stderr).toMatch(/00100000 {2}jmp 0x100000/);
  });

  it("turns bad images and flags into one line naming the file or flag", () => {
    const junk = image("junk.bin", "00".repeat(64));
    const cases: [string[], number, RegExp][] = [
      [["run", junk], 65, /^ringlab: .*junk\.bin: no Multiboot header in the first 8192 bytes .*\n$/],
      [["run", join(dir, "missing.bin")], 66, /^ringlab: .*missing\.bin: cannot read the kernel image \(ENOENT\)\n$/],
      [["run", "--load", "x.bin"], 64, /^ringlab: --load: expected FILE@ADDRESS such as nullkernel\.bin@0x100000, got 'x\.bin'\n$/],
      [["run", "--load", `${junk}@zz`], 64, /^ringlab: --load: the address after '@': expected an address such as 0x100000, got 'zz'\n$/],
      [["run", "--load", `${junk}@0xA0000`], 65, /^ringlab: .*junk\.bin: segment 0xA0000\.\.0xA003F overlaps the PC hole/],
      [["run", "--screen", "vga"], 64, /^ringlab: option '--screen <mode>' argument 'vga' is invalid\. Allowed choices are ansi, text, none\./],
      [["run", junk, "--entry", "0x10"], 64, /^ringlab: --entry: only applies to a raw image/],
      [["run", "--load", `${junk}@0x100000`, "--module", junk], 65, /^ringlab: .*junk\.bin: boot modules need a Multiboot kernel, not a raw image\n$/],
    ];
    for (const [args, status, re] of cases) {
      const r = ringlab(...args);
      expect(r.stderr, args.join(" ")).toMatch(re);
      expect(r.status, args.join(" ")).toBe(status);
    }
  });
});

describe("ringlab run with a memory layout", () => {
  /** RAM 0-640K and 1M-4M, the PC hole reserved, a reserved page at 0xFEC00000. */
  const LAYOUT =
    `[[memory.layout]]\nkind = "ram"\nstart = 0\nsize = "640K"\n` +
    `[[memory.layout]]\nkind = "reserved"\nstart = 0xA0000\nsize = "384K"\n` +
    `[[memory.layout]]\nkind = "ram"\nstart = "1M"\nsize = "3M"\n` +
    `[[memory.layout]]\nkind = "reserved"\nstart = 0xFEC00000\nsize = "4K"\n`;

  it("boots in the configured RAM and refuses, naming the file, an image outside it", () => {
    const vm = join(dir, "layout-vm.toml");
    writeFileSync(vm, LAYOUT);
    const hello = image("hello.bin", HELLO);
    const ok = ringlab("run", "-c", vm, "--load", `${hello}@0x100000`, "--screen", "none");
    expect(ok.stdout).toBe("hello from ringlab\n");
    expect(ok.status).toBe(7);
    const past = ringlab("run", "-c", vm, "--load", `${hello}@0x3FFFF0`, "--screen", "none");
    expect(past.status).toBe(65);
    expect(past.stderr).toMatch(
      /^ringlab: .*hello\.bin: segment 0x3FFFF0\.\.0x400019 is outside the machine's RAM \(0x0\.\.0x9FFFF, 0x100000\.\.0x3FFFFF\): raise --mem or change memory\.layout\n$/,
    );
    const reserved = ringlab("run", "-c", vm, "--load", `${hello}@0xFEC00000`, "--screen", "none");
    expect(reserved.status).toBe(65);
    expect(reserved.stderr).toMatch(/^ringlab: .*hello\.bin: segment 0xFEC00000\.\.0xFEC00029 overlaps the reserved region 0xFEC00000\.\.0xFEC00FFF \(memory\.layout\)\n$/);
  });

  it("accepts --policy and refuses an unknown policy in one line", () => {
    const hello = image("hello.bin", HELLO);
    expect(ringlab("run", "--policy", "pure", "--load", `${hello}@0x100000`, "--screen", "none").status).toBe(7);
    const bad = ringlab("run", "--policy", "vmx", "--load", `${hello}@0x100000`, "--screen", "none");
    expect(bad.stderr).toBe("ringlab: --policy: unknown policy 'vmx' (known: pure, scan-patch, pvi, vtx)\n");
    expect(bad.status).toBe(78);
  });
});

describe("ringlab run --rom", () => {
  /** A 2 KiB ROM ending at 1 MiB whose reset vector (16-bit) writes POST codes 42 and 43, then exits 3. */
  function resetRom(): string {
    const rom = Buffer.alloc(0x800, 0xff);
    Buffer.from("b042e680b043e680b003e6f4f4", "hex").copy(rom, 0x7f0);
    const p = join(dir, "reset.rom");
    writeFileSync(p, rom);
    return p;
  }

  it("starts at the reset vector of a ROM aliased below 4 GiB and shows the POST codes", () => {
    const r = ringlab("run", "--rom", `${resetRom()}@0xFF800`, "--post-port", "0x80", "--screen", "none");
    expect(r.status).toBe(3);
    expect(r.stderr).toBe("ringlab: POST codes at port 0x80: 42 43\n");
  });

  it("takes ROMs from the config file, relative to its folder", () => {
    const rom = resetRom();
    const vm = join(dir, "rom-vm.toml");
    writeFileSync(vm, `roms = ["${rom.split("/").pop()}@0xFF800"]\n`);
    const r = ringlab("run", "-c", vm, "--post-port", "0x80", "--screen", "none");
    expect(r.status).toBe(3);
    expect(r.stderr).toBe("ringlab: POST codes at port 0x80: 42 43\n");
  });

  it("names the file and the rule for a misplaced ROM", () => {
    const r = ringlab("run", "--rom", `${resetRom()}@0x100000`, "--screen", "none");
    expect(r.status).toBe(65);
    expect(r.stderr).toMatch(
      /^ringlab: .*reset\.rom: ROM at 0x100000\.\.0x1007FF overlaps RAM 0x100000\.\.0x1FFFFFF \(memory\.layout\); map ROMs in a reserved region such as 0xC0000\.\.0xFFFFF or above RAM\n$/,
    );
    const vga = ringlab("run", "--rom", `${resetRom()}@0xB8000`, "--screen", "none");
    expect(vga.status).toBe(65);
    expect(vga.stderr).toMatch(/^ringlab: .*reset\.rom: ROM at 0xB8000\.\.0xB87FF overlaps vga's MMIO at 0xB8000\.\.0xBFFFF; map ROMs/);
    expect(ringlab("run", "--rom", "x.rom").stderr).toMatch(/^ringlab: --rom: expected FILE@ADDRESS such as test386\.bin@0xE0000, got 'x\.rom'\n$/);
  });
});

describe("ringlab run --vga-replay", () => {
  it("powers the VGA on from the user's replay file instead of the built-in one", () => {
    // With an empty replay every VGA register stays zero: the screen is blanked, so the
    // text the guest writes does not show; with the built-in replay it does.
    const replay = join(dir, "empty.replay");
    writeFileSync(replay, "# nothing\n");
    const screen = `${image("screen.bin", SCREEN)}@0x100000`;
    expect(ringlab("run", "--load", screen, "--screen", "text").stdout).toMatch(/^Hello VGA/);
    const r = ringlab("run", "--load", screen, "--vga-replay", replay, "--screen", "text");
    expect(r.status).toBe(122);
    expect(r.stdout).not.toMatch(/Hello VGA/);
    const bad = join(dir, "bad.replay");
    writeFileSync(bad, "w 3c2 67\nbogus\n");
    const b = ringlab("run", "--load", `${image("hello.bin", HELLO)}@0x100000`, "--vga-replay", bad);
    expect(b.status).toBe(78);
    expect(b.stderr).toMatch(/^ringlab: .*bad\.replay line 2: .*\n$/);
  });
});

describe("ringlab disasm", () => {
  it("prints Intel syntax with addresses and bytes", () => {
    const r = ringlab("disasm", image("hello.bin", HELLO.slice(0, 34)), "--org", "0x100000");
    expect(r.status).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^\s*100000:\t66 ba e9 00\s+\tmov dx,0xe9$/);
    expect(lines[1]).toMatch(/^\s*100004:\tbe 16 00 10 00\s+\tmov esi,0x100016$/);
    expect(lines.some((l) => /\tlods al,BYTE PTR ds:\[esi\]$/.test(l))).toBe(true);
  });
});
