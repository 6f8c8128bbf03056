/**
 * The i386 target description gdb reads with `qXfer:features:read:target.xml` (GDB manual,
 * "Target Descriptions" and "i386 Features"): the feature `org.gnu.gdb.i386.core` with the
 * general registers, EIP, EFLAGS, the six segment selectors and the x87 (ST0-ST7 as 80-bit
 * `i387_ext` values, then FCTRL, FSTAT, FTAG, FISEG, FIOFF, FOSEG, FOOFF, FOP), in the order
 * gdb's own i386 description numbers them; then ringlab's own feature with the control
 * registers, which gdb shows in the `system` group (`info registers system`).
 */

/** One register of the description: its name, width and gdb type. */
export interface RegisterInfo {
  name: string;
  bits: 32 | 80;
  type: string;
  group?: "general" | "float" | "system";
}

const gp = (name: string, type = "int32"): RegisterInfo => ({ name, bits: 32, type, group: "general" });
const fp = (name: string): RegisterInfo => ({ name, bits: 32, type: "int", group: "float" });

/** The core feature's registers in gdb's numbering (regnum 0 = eax ... 31 = fop). */
export const CORE_REGISTERS: readonly RegisterInfo[] = [
  gp("eax"),
  gp("ecx"),
  gp("edx"),
  gp("ebx"),
  gp("esp", "data_ptr"),
  gp("ebp", "data_ptr"),
  gp("esi"),
  gp("edi"),
  gp("eip", "code_ptr"),
  gp("eflags", "i386_eflags"),
  gp("cs"),
  gp("ss"),
  gp("ds"),
  gp("es"),
  gp("fs"),
  gp("gs"),
  ...[0, 1, 2, 3, 4, 5, 6, 7].map((i): RegisterInfo => ({ name: `st${i}`, bits: 80, type: "i387_ext", group: "float" })),
  fp("fctrl"),
  fp("fstat"),
  fp("ftag"),
  fp("fiseg"),
  fp("fioff"),
  fp("foseg"),
  fp("fooff"),
  fp("fop"),
];

/** ringlab's system registers, after the core ones (not part of any standard feature). */
export const SYSTEM_REGISTERS: readonly RegisterInfo[] = ["cr0", "cr2", "cr3", "cr4"].map((name) => ({
  name,
  bits: 32,
  type: "int32",
  group: "system",
}));

/** Every register of the description, by gdb register number. */
export const I386_REGISTERS: readonly RegisterInfo[] = [...CORE_REGISTERS, ...SYSTEM_REGISTERS];

/** The register number of `name` in {@link I386_REGISTERS}, or -1. */
export function registerNumber(name: string): number {
  return I386_REGISTERS.findIndex((r) => r.name === name);
}

// EFLAGS bits as gdb's own i386 description names them (SDM vol.1 §3.4.3).
const EFLAGS_FIELDS: [string, number][] = [
  ["CF", 0], ["PF", 2], ["AF", 4], ["ZF", 6], ["SF", 7], ["TF", 8], ["IF", 9], ["DF", 10], ["OF", 11],
  ["NT", 14], ["RF", 16], ["VM", 17], ["AC", 18], ["VIF", 19], ["VIP", 20], ["ID", 21],
];

function regXml(r: RegisterInfo, regnum: number): string {
  return `    <reg name="${r.name}" bitsize="${r.bits}" type="${r.type}" regnum="${regnum}"${r.group ? ` group="${r.group}"` : ""}/>\n`;
}

/** The whole `target.xml` document. */
export function targetXml(): string {
  const fields = EFLAGS_FIELDS.map(([n, b]) => `      <field name="${n}" start="${b}" end="${b}"/>\n`).join("");
  let core = "";
  CORE_REGISTERS.forEach((r, i) => (core += regXml(r, i)));
  let sys = "";
  SYSTEM_REGISTERS.forEach((r, i) => (sys += regXml(r, CORE_REGISTERS.length + i)));
  return (
    `<?xml version="1.0"?>\n<!DOCTYPE target SYSTEM "gdb-target.dtd">\n<target version="1.0">\n` +
    `  <architecture>i386</architecture>\n` +
    `  <feature name="org.gnu.gdb.i386.core">\n` +
    `    <flags id="i386_eflags" size="4">\n${fields}    </flags>\n` +
    core +
    `  </feature>\n` +
    `  <feature name="org.ringlab.i386.system">\n${sys}  </feature>\n` +
    `</target>\n`
  );
}
