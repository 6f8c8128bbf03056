/**
 * The x87 state as people read it: for the report on an unexpected stop and for `--trace`.
 * Registers are shown as the stack the program sees (ST(0) first, SDM vol.1 §8.1.2), each with
 * its 80-bit image, its tag class (§8.1.7) and its value, so a stack fault or a NaN is visible
 * without decoding the hex by hand.
 */
import { kind, Kind, lsbExponent, toHex, type F80 } from "./float80.js";
import { CW_INIT, CW_POWER_ON, TAG_EMPTY, tagOf, type X87State } from "./x87-state.js";

const h4 = (v: number) => (v & 0xffff).toString(16).toUpperCase().padStart(4, "0");
const h8 = (v: number) => (v >>> 0).toString(16).toUpperCase().padStart(8, "0");

/**
 * True once the x87 holds anything but its power-on state (every register +0 and valid, SDM
 * vol.3 table 9-1) or FNINIT's (every register empty): worth reporting then.
 */
export function x87InUse(fpu: X87State): boolean {
  if (fpu.status() !== 0 || (fpu.cw !== CW_INIT && fpu.cw !== CW_POWER_ON)) return true;
  if (fpu.empty === 0xff) return false;
  return fpu.empty !== 0 || [0, 1, 2, 3, 4, 5, 6, 7].some((p) => fpu.sgn[p] !== 0 || kind(fpu.reg(p)) !== Kind.Zero);
}

/** The value of an 80-bit register in decimal (17 significant digits) or its class's name. */
export function x87ValueText(x: F80): string {
  const sign = x.sign ? "-" : "+";
  switch (kind(x)) {
    case Kind.Zero:
      return `${sign}0`;
    case Kind.Infinity:
      return `${sign}inf`;
    case Kind.QNaN:
      return `${sign}qnan`;
    case Kind.SNaN:
      return `${sign}snan`;
    case Kind.Unnormal:
      return "unnormal (unsupported)";
    case Kind.PseudoNaN:
      return "pseudo-NaN/infinity (unsupported)";
    default: {
      const hex = toHex(x);
      const text = decimal(BigInt(`0x${hex.slice(4)}`), lsbExponent(x), 17);
      return `${sign}${text}${kind(x) === Kind.Normal ? "" : " (denormal)"}`;
    }
  }
}

/**
 * sig × 2^e (sig > 0) to `digits` significant decimal digits, rounded to nearest: exact,
 * where a double would first round the 64-bit significand to 53 bits and cannot reach the
 * extended range (up to 1.19e+4932, down to 3.65e-4951).
 */
function decimal(sig: bigint, e: number, digits: number): string {
  // Scale to an integer with at least digits + 1 decimal digits: sig × 2^e × 10^k.
  const k = e >= 0 ? 0 : Math.ceil(-e * Math.LOG10E * Math.LN2) + digits + 2;
  const scaled = e >= 0 ? sig << BigInt(e) : (sig * 10n ** BigInt(k)) >> BigInt(-e);
  const all = scaled.toString();
  let lead = BigInt(all.slice(0, digits));
  let exp10 = all.length - 1 - k;
  if (all.length > digits && all.charCodeAt(digits) >= 0x35 /* '5' */) lead += 1n;
  let d = lead.toString();
  if (d.length > digits) {
    d = d.slice(0, digits); // 99…9 rounded up to 100…0
    exp10++;
  }
  const mantissa = `${d[0]}.${d.slice(1)}`;
  // Plain notation where a reader expects it, as JavaScript prints numbers.
  if (exp10 >= -6 && exp10 < digits) {
    const point = exp10 + 1;
    if (point <= 0) return `0.${"0".repeat(-point)}${d}`;
    return `${d.slice(0, point)}.${d.slice(point) || "0"}`;
  }
  return `${mantissa}e${exp10 >= 0 ? "+" : ""}${exp10}`;
}

const TAG_NAMES = ["valid", "zero", "special", "empty"];

/**
 * The x87 registers as report lines: control, status and tag words with TOP and the
 * last-instruction pointers, then ST(0)..ST(7). `indent` starts each line.
 */
export function describeX87(fpu: X87State, indent = "  "): string[] {
  const lines = [
    `${indent}x87 FCW=${h4(fpu.cw)} FSW=${h4(fpu.status())} FTW=${h4(fpu.tagWord())} TOP=${fpu.top} ` +
      `FIP=${h4(fpu.fcs)}:${h8(fpu.fip)} FDP=${h4(fpu.fds)}:${h8(fpu.fdp)} FOP=${(fpu.fop & 0x7ff).toString(16).toUpperCase().padStart(3, "0")}`,
  ];
  for (let i = 0; i < 8; i++) {
    const x = fpu.st(i);
    const tag = fpu.isEmpty(i) ? TAG_EMPTY : tagOf(x);
    const shown = tag === TAG_EMPTY ? "" : `  ${x87ValueText(x)}`;
    lines.push(`${indent}ST(${i})=${toHex(x).toUpperCase()} ${TAG_NAMES[tag]!.padEnd(7)}${shown}`.trimEnd());
  }
  return lines;
}

/**
 * The x87 state on one line, for `--trace`: the three words and TOP, then only the stack
 * registers in use, each as its 80-bit image and value.
 */
export function x87TraceLine(fpu: X87State): string {
  const parts = [`x87 FCW=${h4(fpu.cw)} FSW=${h4(fpu.status())} FTW=${h4(fpu.tagWord())} TOP=${fpu.top}`];
  for (let i = 0; i < 8; i++) {
    if (fpu.isEmpty(i)) continue;
    const x = fpu.st(i);
    parts.push(`ST(${i})=${toHex(x).toUpperCase()} (${x87ValueText(x)})`);
  }
  return parts.join("  ");
}
