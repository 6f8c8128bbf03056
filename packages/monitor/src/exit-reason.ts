import { VMX_EXIT_NAMES, type VmxExitName } from "@ringlab/cpu";

/**
 * Why a monitor took control from the guest. The reasons follow what a deprivileging VMM
 * has to catch (FreeMWare/plex86 plan):
 * - `sensitive-instruction`: a patched sensitive instruction (see sensitive-instructions.ts);
 * - `privileged-instruction`: a privileged one faulting because the guest kernel runs
 *   deprivileged (HLT, CLI/STI, MOV CRn, LGDT...);
 * - `io`: IN/OUT/INS/OUTS, forwarded to the bus;
 * - `ring-compression`: any other fault that happens only because the guest kernel runs in
 *   an outer ring (loading a DPL-0 segment from ring 1, a supervisor page from ring 3);
 * - `guest-exception`: an exception the guest itself causes, reflected to its IDT;
 * - `software-interrupt`: an unpatched INT n reflected to the guest's IDT;
 * - `external-interrupt`: a device interrupt, reflected (or held while the guest's IF=0);
 * - `code-page-write`: the guest wrote into scanned code, which is then scanned again.
 *
 * The `vtx` policy counts its exits under the VT-x basic exit reasons instead (SDM vol.3
 * Appendix C: `CPUID`, `HLT`, `IO_INSTRUCTION`, `EXCEPTION_NMI`...; numbers in
 * `VMX_EXIT`), as a hardware-assisted monitor sees them.
 */
export type ExitReason =
  | VmxExitName
  | "sensitive-instruction"
  | "privileged-instruction"
  | "io"
  | "ring-compression"
  | "guest-exception"
  | "software-interrupt"
  | "external-interrupt"
  | "code-page-write";

/** Every exit reason, in the order reports list them. */
export const EXIT_REASONS: readonly ExitReason[] = [
  "sensitive-instruction",
  "privileged-instruction",
  "io",
  "ring-compression",
  "guest-exception",
  "software-interrupt",
  "external-interrupt",
  "code-page-write",
  ...VMX_EXIT_NAMES,
];
