import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** test/guests: the project's own guest kernels, sources (nasm) and built images side by side. */
export const GUESTS_DIR = fileURLToPath(new URL("../guests/", import.meta.url));

/**
 * Guests linked as ELF files with symbols by their own NAME/build-elf.sh (nasm -f elf32, ld),
 * not flat images: gdb-target, for the GDB stub's test. They are not in {@link guestNames}.
 */
export const ELF_GUESTS: readonly string[] = ["gdb-target"];

/** Every flat-image guest: a directory NAME holding NAME.asm (test/guests/README.md). */
export function guestNames(): string[] {
  return readdirSync(GUESTS_DIR, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !ELF_GUESTS.includes(d.name) && existsSync(join(GUESTS_DIR, d.name, `${d.name}.asm`)))
    .map((d) => d.name)
    .sort();
}

/**
 * The CPU model guest `name` needs, or undefined for any model: the one line of
 * test/guests/NAME/cpu (e.g. `pentium2` for pae, which needs PAE paging). The name is the
 * same for ringlab's `--cpu` / `cpu.model` and QEMU's `-cpu`; run-bochs.sh maps it to a
 * Bochs model.
 */
export function guestCpu(name: string): string | undefined {
  const file = join(GUESTS_DIR, name, "cpu");
  return existsSync(file) ? readFileSync(file, "utf8").trim() : undefined;
}

/**
 * Guests whose expected.txt is not QEMU's output: x87, whose references are the host's x87
 * and Bochs (QEMU 7.2's x87 is wrong in ways test/guests/README.md lists, and it aborts on
 * the IRQ 13 case).
 */
export const NOT_FROM_QEMU: ReadonlySet<string> = new Set(["x87"]);

/**
 * Every committed image and the nasm arguments that build it (as test/guests/build.sh does):
 * NAME/NAME.bin for each guest, cpubench's short builds for the suite and the benchmark, and
 * irq-boundary with its disputed cases, pae with its strict ones.
 */
export function guestImages(): { image: string; source: string; defines: string[] }[] {
  const out = guestNames().map((g) => ({ image: `${g}/${g}.bin`, source: `${g}/${g}.asm`, defines: [] as string[] }));
  out.push({ image: "cpubench/cpubench-100k.bin", source: "cpubench/cpubench.asm", defines: ["-DITERATIONS=100000"] });
  out.push({ image: "cpubench/cpubench-4m.bin", source: "cpubench/cpubench.asm", defines: ["-DITERATIONS=4000000"] });
  out.push({ image: "irq-boundary/irq-boundary-disputed.bin", source: "irq-boundary/irq-boundary.asm", defines: ["-DDISPUTED"] });
  out.push({ image: "pae/pae-strict.bin", source: "pae/pae.asm", defines: ["-DSTRICT"] });
  out.push({ image: "idle/idle-halt-masked.bin", source: "idle/idle.asm", defines: ["-DHALT_MASKED"] });
  out.push({ image: "syscallbench/syscallbench-nopaging.bin", source: "syscallbench/syscallbench.asm", defines: ["-DNO_PAGING"] });
  out.push({ image: "syscallbench/syscallbench-bench.bin", source: "syscallbench/syscallbench.asm", defines: ["-DITERATIONS=500000"] });
  out.push({
    image: "syscallbench/syscallbench-bench-nopaging.bin",
    source: "syscallbench/syscallbench.asm",
    defines: ["-DITERATIONS=500000", "-DNO_PAGING"],
  });
  return out;
}
