// The project's own guest kernels (test/guests/, committed, Multiboot flat images; `@guests`
// is vite.config.ts's alias for that folder), bundled into the app by Vite as files of their own: nothing is fetched from anywhere but the page's
// own origin.
import demo from "@guests/demo/demo.bin?url";
import idle from "@guests/idle/idle.bin?url";
import irqBoundary from "@guests/irq-boundary/irq-boundary.bin?url";
import monitorTorture from "@guests/monitor-torture/monitor-torture.bin?url";
import monitorTorture2 from "@guests/monitor-torture2/monitor-torture2.bin?url";
import nullkernelPolled from "@guests/nullkernel-polled/nullkernel-polled.bin?url";
import nullkernelPreempt from "@guests/nullkernel-preempt/nullkernel-preempt.bin?url";
import pae from "@guests/pae/pae.bin?url";
import sensitive from "@guests/sensitive/sensitive.bin?url";
import syscallbench from "@guests/syscallbench/syscallbench.bin?url";
import x87 from "@guests/x87/x87.bin?url";

/** A guest the playground ships. */
export interface BundledGuest {
  /** Its file name, as the CLI would be given it. */
  name: string;
  /** Where the built app serves it. */
  url: string;
  /** One line for the picker. */
  about: string;
}

/** The bundled guests, the default (the demo, as for `ringlab run`) first. */
export const BUNDLED_GUESTS: readonly BundledGuest[] = [
  { name: "demo.bin", url: demo, about: "the default guest: three preemptive ring-3 tasks on a VGA screen" },
  { name: "nullkernel-preempt.bin", url: nullkernelPreempt, about: "8259A + PIT IRQ 0, three tasks switched by the timer" },
  { name: "nullkernel-polled.bin", url: nullkernelPolled, about: "two cooperative ring-3 tasks, INT 0x80, no interrupts" },
  { name: "sensitive.bin", url: sensitive, about: "the 17 sensitive-but-unprivileged instructions at CPL 0 and 3" },
  { name: "monitor-torture.bin", url: monitorTorture, about: "attacks on the deprivileging monitors" },
  { name: "monitor-torture2.bin", url: monitorTorture2, about: "rings 1 and 2, task switches, odd segments, v86" },
  { name: "irq-boundary.bin", url: irqBoundary, about: "where a pending IRQ 0 is taken (STI, POPFD, MOV SS shadows)" },
  { name: "idle.bin", url: idle, about: "STI; HLT woken by a 1 kHz PIT for 2 s of guest time" },
  { name: "syscallbench.bin", url: syscallbench, about: "paged, system-call-heavy ring-3 loop, then page protection" },
  { name: "pae.bin", url: pae, about: "PAE paging" },
  { name: "x87.bin", url: x87, about: "the x87: computations, #NM, #MF and FERR#" },
];
