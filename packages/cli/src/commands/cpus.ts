import { CPU_MODELS, type CpuModel, DEFAULT_CPU_MODEL, edxFeatureNames, signatureOf } from "@ringlab/cpu";

/** One CPU model as `ringlab cpus` shows it. */
export interface CpuListing {
  name: string;
  description: string;
  default: boolean;
  vendor: string;
  family: number;
  model: number;
  stepping: number;
  /** CPUID.1:EAX, e.g. "0x633". */
  signature: string;
  /** The CPUID.1:EDX flags the model reports, by their SDM names. */
  features: string[];
  /** The real part's flags left out because ringlab does not implement them. */
  notOffered: string[];
  /** The instruction groups that execute (the others are #UD). */
  instructions: string[];
  notes?: string;
}

function listing(m: CpuModel): CpuListing {
  return {
    name: m.name,
    description: m.description,
    default: m === DEFAULT_CPU_MODEL,
    vendor: m.vendor,
    family: m.family,
    model: m.model,
    stepping: m.stepping,
    signature: "0x" + signatureOf(m).toString(16),
    features: edxFeatureNames(m.featuresEdx),
    notOffered: edxFeatureNames(m.realFeaturesEdx & ~m.featuresEdx),
    instructions: [...m.instructions],
    ...(m.notes !== undefined ? { notes: m.notes } : {}),
  };
}

/** Every CPU model `--cpu` / `cpu.model` accepts. */
export function listCpus(): CpuListing[] {
  return CPU_MODELS.map(listing);
}

/** The listing as aligned text. */
export function formatCpuListing(list: CpuListing[]): string {
  const width = Math.max(...list.map((c) => c.name.length));
  const lines: string[] = [];
  for (const c of list) {
    lines.push(`${c.name.padEnd(width)}  ${c.description}${c.default ? " [default]" : ""}`);
    lines.push(`    cpuid:        ${c.vendor}, family ${c.family} model ${c.model} stepping ${c.stepping} (${c.signature})`);
    lines.push(`    features:     ${c.features.join(" ") || "-"}`);
    if (c.notOffered.length) lines.push(`    not offered:  ${c.notOffered.join(" ")} (the real part's; not implemented)`);
    lines.push(`    instructions: ${c.instructions.join(" ")}`);
    if (c.notes !== undefined) lines.push(`    note:         ${c.notes}`);
  }
  return lines.join("\n") + "\n";
}
