import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describeNeeds, extraPath, REPO_ROOT } from "@ringlab/testkit";
import { expect, it } from "vitest";

/**
 * Debian's SeaBIOS 1.16 (issue 14) from the reset vector, through the `ringlab` command as a
 * user runs it, with its companion ISA VGA BIOS handed over through QEMU's firmware
 * configuration device: this SeaBIOS, built for QEMU, clears the option-ROM area and runs VGA
 * BIOSes only from the fw_cfg files "vgaroms/*". The machine is QEMU's `isapc` in the parts
 * SeaBIOS cares about: the option-ROM area 0xC0000-0xDFFFF is RAM ("pc.rom"), where SeaBIOS
 * copies the VGA BIOS, and its debug log goes to port 0x402.
 *
 * The reference is QEMU 7.2 with no disks:
 *   qemu-system-i386 -M isapc -m 32 -nodefaults -vga std -bios bios.bin -display none \
 *     -chardev file,id=sb,path=log -device isa-debugcon,iobase=0x402,chardev=sb -monitor stdio
 * whose log shows "Found QEMU fw_cfg", "Running option rom at c000:0003", "Start SeaVGABIOS",
 * the floppy and hard-disk failures and "No bootable device.", and whose text screen
 * (`pmemsave 0xb8000 4000` from the monitor, characters only) is {@link QEMU_SCREEN} — the
 * same with `-L DIR` whose vgabios.bin is this vgabios-isavga.bin. (QEMU's VGA also has the
 * Bochs VBE ports, so its log says "VBE DISPI"; ringlab's says "falling back to stdvga".)
 * QEMU also gives SeaBIOS the file "etc/boot-fail-wait" = -1 (its default `-boot
 * reboot-timeout`), which makes SeaBIOS wait forever after "No bootable device." instead of
 * rebooting after 60 seconds; one run here gives the same file, one leaves it out.
 */
const CLI = join(REPO_ROOT, "packages/cli/dist/main.js");
const POLICIES = ["pure", "scan-patch", "pvi", "vtx"] as const;

/** The first 8 lines of QEMU's screen, as above; the rest is blank. */
const QEMU_SCREEN = [
  "SeaBIOS (version 1.16.2-debian-1.16.2-1)",
  "Booting from Floppy...",
  "Boot failed: could not read the boot disk",
  "",
  "Booting from Hard Disk...",
  "Boot failed: could not read the boot disk",
  "",
  "No bootable device.",
];

/**
 * Enough to reach the first "No bootable device." (about 7.9×10^6 instructions: SeaBIOS halts
 * while it waits for the drives, and virtual time skips ahead then) but not SeaBIOS's reboot
 * 60 virtual seconds later (at about 8.5×10^6), which would start the POST again.
 */
const MAX_INSTRUCTIONS = "8100000";

const OUT = mkdtempSync(join(tmpdir(), "ringlab-seabios-"));

/** The machine: the default PC plus SeaBIOS's debug port, and RAM at 0xC0000 as on isapc. */
const CONFIG = join(REPO_ROOT, "machines/seabios-isapc.toml");
/** "etc/boot-fail-wait": a little-endian 32-bit -1, as QEMU gives it. */
const BOOT_FAIL_WAIT = join(OUT, "boot-fail-wait");
writeFileSync(BOOT_FAIL_WAIT, Buffer.from([0xff, 0xff, 0xff, 0xff]));

function runSeaBios(policy: string, ...extra: string[]) {
  const dir = join(extraPath("guests"), "seabios");
  const args = [CLI, "run", "-c", CONFIG, "--rom", `${join(dir, "bios.bin")}@0xE0000`, "--policy", policy];
  args.push("--fw-cfg", `name=vgaroms/vgabios-isavga.bin,file=${join(dir, "vgabios-isavga.bin")}`, ...extra);
  args.push("--max-instructions", MAX_INSTRUCTIONS, "--screen", "text", "--trace-events", join(OUT, `${policy}${extra.length}.events`));
  const r = spawnSync(process.execPath, args, { encoding: "latin1", timeout: 300_000, maxBuffer: 1 << 24 });
  // stdout is the debug log (port 0x402, as it is written), then the 25 screen lines, each
  // ended by a newline, and one more newline.
  const lines = r.stdout.split("\n");
  return { ...r, log: lines.slice(0, -27).join("\n"), screen: lines.slice(-27, -2) };
}

describeNeeds("guests", "Debian's SeaBIOS with its VGA BIOS through fw_cfg", () => {
  const runs = new Map<string, ReturnType<typeof runSeaBios>>();
  for (const policy of POLICIES) {
    it(`finds fw_cfg, runs the VGA BIOS and shows QEMU's isapc screen under ${policy}`, () => {
      const r = runSeaBios(policy, "--fw-cfg", `name=etc/boot-fail-wait,file=${BOOT_FAIL_WAIT}`);
      runs.set(policy, r);
      expect(r.error?.message, r.stderr).toBeUndefined();
      const order = ["Found QEMU fw_cfg", "Running option rom at c000:0003", "Start SeaVGABIOS", "Booting from Floppy...", "No bootable device."];
      const at = order.map((m) => r.log.indexOf(m));
      expect(at.every((i) => i >= 0) && at.every((i, k) => k === 0 || i > at[k - 1]!), r.log.slice(-3000)).toBe(true);
      expect(r.log).not.toMatch(/Retrying|Rebooting/);
      expect(r.screen.slice(0, QEMU_SCREEN.length)).toEqual(QEMU_SCREEN);
      expect(r.screen.slice(QEMU_SCREEN.length).every((l) => l === "")).toBe(true);
      // SeaBIOS then waits for a key forever: the run ends at the limit (status 120).
      expect([r.status, r.stderr.split("\n")[0]]).toEqual([120, `ringlab: instruction limit reached after ${MAX_INSTRUCTIONS} instructions`]);
    }, 300_000);
  }

  it("prints the same log and screen and delivers the same events under every policy", () => {
    const pure = runs.get("pure");
    expect(pure, "the runs above ran").toBeDefined();
    const events = readFileSync(join(OUT, "pure2.events"), "latin1");
    for (const policy of POLICIES.slice(1)) {
      expect(runs.get(policy)?.stdout, policy).toBe(pure!.stdout);
      expect(readFileSync(join(OUT, `${policy}2.events`), "latin1") === events, `${policy}: event log equals pure's`).toBe(true);
    }
  });

  it("without etc/boot-fail-wait, SeaBIOS's own default: it will retry in 60 seconds", () => {
    const r = runSeaBios("pure");
    expect(r.log).toContain("Start SeaVGABIOS");
    expect(r.screen[7]).toBe("No bootable device.  Retrying in 60 seconds.");
    expect(r.log).not.toContain("Rebooting");
    expect(r.status).toBe(120);
  }, 300_000);
});
