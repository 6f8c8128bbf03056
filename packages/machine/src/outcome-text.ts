import { vectors } from "@ringlab/cpu";
import { hex } from "@ringlab/sdk";
import type { RunOutcome } from "./run-loop.js";

// How a run ended, in words: shared by the CLI's reports and the browser playground.

/** One line saying how the run ended. */
export function describeOutcome(o: RunOutcome): string {
  switch (o.kind) {
    case "exit":
      return `guest exited with status ${o.status} (${o.reason})`;
    case "instruction-limit":
      return `instruction limit reached after ${o.instructions} instructions`;
    case "shutdown":
      return `CPU shutdown: ${o.why}`;
    case "halted":
      return `guest halted: ${o.reason}`;
    case "reset":
      return `guest requested a reset (${o.reason}); no BIOS ROM at the reset vector to restart it`;
    case "stopped":
      return `run stopped by the host: ${o.reason}`;
    case "exception":
      return `unhandled ${vectors.vectorName(o.vector)}${o.errorCode !== undefined ? ` (error code ${hex(o.errorCode, 4)})` : ""}`;
  }
}

/** An outcome in a few words, as the comparison table shows it: "exit 0", "halted". */
export function outcomeText(o: RunOutcome): string {
  switch (o.kind) {
    case "exit":
      return `exit ${o.status}`;
    case "instruction-limit":
      return "instruction limit";
    case "halted":
      return "halted";
    case "reset":
      return "reset";
    case "stopped":
      return `stopped (${o.reason})`;
    case "shutdown":
      return `shutdown (${o.why})`;
    case "exception":
      return `unhandled exit ${o.vector}`;
  }
}

