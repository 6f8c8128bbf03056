import { describeX87, disassemble, x87InUse } from "@ringlab/cpu";
import { type Machine, type RunOutcome, describeOutcome } from "@ringlab/machine";
import { hex } from "@ringlab/sdk";

/** How many of the CPU's recent instructions the report shows. */
const RECENT_SHOWN = 12;
const REG_NAMES = ["EAX", "ECX", "EDX", "EBX", "ESP", "EBP", "ESI", "EDI"];
const SEG_NAMES = ["ES", "CS", "SS", "DS", "FS", "GS", "LDTR", "TR"];

/**
 * The one-screen report printed when a run ends without the guest's own exit: why, the
 * registers, segment and control registers, and the instructions at EIP disassembled.
 */
export function formatRunReport(m: Machine, outcome: RunOutcome): string {
  const cpu = m.cpu;
  const h8 = (v: number) => (v >>> 0).toString(16).toUpperCase().padStart(8, "0");
  const lines: string[] = [`ringlab: ${describeOutcome(outcome)}`];
  const regs = REG_NAMES.map((n, i) => `${n}=${h8(cpu.getReg32(i))}`);
  lines.push(`  ${regs.slice(0, 4).join(" ")}`, `  ${regs.slice(4).join(" ")}`);
  lines.push(`  EIP=${h8(cpu.eip)} EFLAGS=${h8(cpu.getEflags())} CPL=${cpu.cpl}`);
  const segs = SEG_NAMES.map(
    (n, i) => `${n.padEnd(4)}=${(cpu.segSel[i]! & 0xffff).toString(16).toUpperCase().padStart(4, "0")} base=${h8(cpu.segBase[i]!)} limit=${h8(cpu.segLimit[i]!)}`,
  );
  for (let i = 0; i < segs.length; i += 2) lines.push(`  ${segs[i]}  ${segs[i + 1]}`);
  lines.push(
    `  CR0=${h8(cpu.cr0)} CR2=${h8(cpu.cr2)} CR3=${h8(cpu.cr3)} CR4=${h8(cpu.cr4)}`,
    `  GDTR=${h8(cpu.gdtrBase)}/${(cpu.gdtrLimit & 0xffff).toString(16).toUpperCase()} IDTR=${h8(cpu.idtrBase)}/${(cpu.idtrLimit & 0xffff).toString(16).toUpperCase()}`,
    `  instructions retired: ${m.clock.instructions}`,
  );
  // The x87 only once a program has used it: most guests never do.
  if (x87InUse(cpu.fpu)) lines.push(...describeX87(cpu.fpu));
  // A closed A20 gate changes what every address above 1 MiB means: say so when it is.
  if (!m.bus.memory.a20Enabled) lines.push("  A20 gate closed: physical address bit 20 reads as 0");
  // The last instructions the CPU started, oldest first; the last one was executing.
  const recent = cpu.recentInstructions().slice(-RECENT_SHOWN);
  lines.push(
    `  last ${recent.length} instructions (linear address)` +
      (m.monitor.name === "pure" ? ":" : `; under ${m.monitor.name} one that exited shows twice, run deprivileged then emulated:`),
  );
  for (const lin of recent) {
    const text = disassemble(cpu.peekLinear(lin, 16), lin, cpu.code32)[0]?.text ?? "(not mapped)";
    lines.push(`    ${h8(lin)}  ${text}`);
  }
  return lines.join("\n") + "\n";
}
