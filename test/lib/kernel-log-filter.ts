/**
 * The lines of a Linux kernel log that name the machine or the time, and so differ between
 * ringlab and QEMU on the same kernel, initramfs and command line (issue 14: "the same lines
 * appear except those that name the hardware or time"). Every other line must be the same.
 * Each class says why its lines differ; docs/linux-vs-qemu.md explains the comparison.
 *
 * Measured against QEMU 7.2 `-M isapc -cpu pentium,+cmov,-apic,-pse,-vme -m 64`, whose
 * SeaBIOS hands the kernel an e820 map, SMBIOS, an MP table, a PCI BIOS and a PnP BIOS;
 * ringlab boots the kernel directly (no BIOS) with the e820 map of its memory layout, and
 * its default CPU is "RinglabIA32x" family 5 with PSE.
 */
export const KERNEL_LOG_FILTER: readonly { why: string; lines: readonly RegExp[] }[] = [
  {
    why: "time: the kernel's own timestamps, clocks and calibrations (QEMU's follow the host's clock, ringlab's the retired instructions)",
    lines: [
      /BogoMIPS/,
      /^tsc: /,
      /^clocksource: /,
      /^sched_clock: /,
      /^rtc_cmos rtc_cmos: setting system clock/,
      /^audit: type=2000 audit\(/,
      // The tracing clock's complaint when the TSC is unstable, four lines.
      /^Unstable clock detected/,
      /^If you want to keep using the local clock/,
      /^ *"trace_clock=local"$/,
      /^on the kernel command line$/,
    ],
  },
  {
    why: "firmware: tables only QEMU's SeaBIOS provides (SMBIOS/DMI, the MP table, PnP BIOS, PCI BIOS) and the e820 map each side reports",
    lines: [
      /^BIOS-e820: /,
      /^SMBIOS /,
      /^DMI/,
      /MP-table|MPTABLE|^Intel MultiProcessor|^ *Virtual Wire|^IOAPIC\[|^BIOS bug, MP table|disabling SMP support/,
      /^PnPBIOS: /,
    ],
  },
  {
    why: "memory accounting derived from the e820 map (QEMU's reserves 0x9FC00-0x9FFFF for the EBDA and the BIOS ROM at the top of 4 GiB)",
    lines: [
      /^ *node +0: \[mem /,
      /^On node 0, zone DMA: \d+ pages in unavailable ranges/,
      /^Built 1 zonelists, mobility grouping on\. {2}Total pages: /,
      /^Memory: \d+K\/\d+K available/,
      // "0MB HIGHMEM available." is printed in two pieces; under QEMU the space was lost once.
      /^\d+MB ?(HIGH|LOW)MEM available\.$/,
      /^PM: hibernation: Registered nosave memory/,
      /available for PCI devices$/,
    ],
  },
  {
    why: "the CPU count, from QEMU's MP table (2 possible CPUs) or its absence (1)",
    lines: [
      /^smpboot: (Allowing|Max logical packages)/,
      /^setup_percpu: /,
      /^SLUB: /,
      /nr_cpu_ids=\d/,
      /^NR_IRQS: /,
      /^Freeing SMP alternatives memory/,
    ],
  },
  {
    why: "the CPU's identity and features: ringlab's vendor is unknown to Linux, which then assumes the speculation bugs QEMU's GenuineIntel family 5 is known to lack; ringlab's CPU has PSE (4 MiB huge pages), QEMU's here does not; CLFLUSH line size",
    lines: [
      /^CPU: vendor_id '.*' unknown/,
      /^CPU: Your system may be unstable/,
      /^(Spectre V[12]|Speculative Store Bypass|L1TF|MDS|MMIO Stale Data)\b/,
      /^intel_pstate: /,
      /^HugeTLB: |^hugetlbfs: /,
      /^PCI: CLS \d+ bytes/,
    ],
  },
  {
    why: "the video adapter screen_info names (QEMU's SeaBIOS reports CGA, ringlab's boot loader VGA)",
    lines: [/^Console: colour /],
  },
  {
    why: "the PCI bus: QEMU's isapc offers a PCI BIOS, ringlab's PC its own configuration mechanism (or none)",
    lines: [/^PCI[: ]/, /^pci(_bus)? [0-9a-f]{4}:/, /^pci /],
  },
  {
    why: "the emulators' own messages",
    lines: [/^qemu-system-i386: /],
  },
];

/**
 * Parts of a line that differ with the order of asynchronous work, rewritten so the rest of
 * the line still compares.
 */
export const KERNEL_LOG_REWRITES: readonly { why: string; from: RegExp; to: string }[] = [
  {
    why: "input device numbers follow the order in which asynchronous probes take them: in one CI run QEMU's keyboard came up as input1 where it is usually input0, though no other input line was printed (a number taken by a probe that did not register)",
    from: /\/input\/input\d+$/,
    to: "/input/inputN",
  },
];

/** The kernel's "[    1.234567] " timestamp. */
const TIMESTAMP = /^\[ *\d+\.\d+\] /;

/**
 * A serial console log as comparable lines: carriage returns and timestamps removed, blank
 * lines and the lines of {@link KERNEL_LOG_FILTER} left out, {@link KERNEL_LOG_REWRITES}
 * applied, then sorted — a few lines
 * printed by asynchronous initcalls (e.g. "Freeing initrd memory") come in an order that
 * depends on timing.
 */
export function comparableKernelLines(log: string): string[] {
  return log
    .split("\n")
    .map((l) => l.replace(/\r$/, "").replace(TIMESTAMP, ""))
    .filter((l) => l.trim() !== "" && !KERNEL_LOG_FILTER.some((c) => c.lines.some((re) => re.test(l))))
    .map((l) => KERNEL_LOG_REWRITES.reduce((line, r) => line.replace(r.from, r.to), l))
    .sort();
}
