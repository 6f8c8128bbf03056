import { readFileSync } from "node:fs";

/**
 * The host CPU's vendor string (CPUID leaf 0, as Linux shows it in /proc/cpuinfo): e.g.
 * "GenuineIntel" or "AuthenticAMD"; "unknown" where it cannot be read. Tests that use the
 * host's own x87 as an oracle need it: ringlab models Intel parts and its recorded host
 * answers come from an Intel host, while an AMD x87 rounds some transcendental results and
 * flags differently (within the SDM's error bounds).
 */
export function hostCpuVendor(): string {
  try {
    const m = /^vendor_id\s*:\s*(\S+)/m.exec(readFileSync("/proc/cpuinfo", "utf8"));
    return m ? m[1]! : "unknown";
  } catch {
    return "unknown";
  }
}

/** True when the host CPU is Intel's. */
export const hostIsIntel = (): boolean => hostCpuVendor() === "GenuineIntel";
