import type { ExitReason } from "@ringlab/monitor";
import type { ExitRow } from "./view-model.js";

// The messages between the page and the worker that runs the machine. Plain data only: they
// cross by the structured-clone algorithm (the screen's pixels as a transferred buffer).

/** A kernel image to boot: its name (for messages) and its bytes. */
export interface GuestImage {
  name: string;
  bytes: Uint8Array;
}

/** What the page asks. Every request has an id; a new request cancels the one before it. */
export type Request =
  /** Boot `guest` under `policy` and run it to its end, with live frames. */
  | { type: "run"; id: number; guest: GuestImage; policy: string }
  /** Run `guest` under each of `policies` from the same power-on state and compare. */
  | { type: "compare"; id: number; guest: GuestImage; policies: string[] }
  /** Stop whatever runs. */
  | { type: "stop"; id: number };

/** The VGA screen: RGBA pixels, and its text (CP437 as Unicode, one line per row). */
export interface ScreenFrame {
  width: number;
  height: number;
  /** width × height × 4 bytes. */
  pixels: Uint8Array;
  text: string;
}

/** Where a run is, as shown live. */
export interface Progress {
  policy: string;
  instructions: number;
  /** Guest (virtual) time, in milliseconds. */
  virtualMs: number;
  /** Host time spent running the guest so far, in milliseconds. */
  hostMs: number;
  exits: number;
  exitsByReason: Partial<Record<ExitReason, number>>;
  /** The live exits-by-reason view (see `exitRows`). */
  exitRows: ExitRow[];
  /** All of the above in one line (see `progressLine`). */
  line: string;
}

/** What the tables of `ringlab compare` hold, computed in the worker by @ringlab/machine. */
export interface ComparisonView {
  indistinguishable: boolean;
  /** `comparisonTable`: header first. */
  table: string[][];
  /** `exitsByReasonTable`: header first, or empty when no policy exited. */
  byReason: string[][];
  /** `verdictLines`: the verdict exactly as the CLI prints it. */
  verdict: string[];
  /** `formatComparison`: the whole text report of `ringlab compare`. */
  text: string;
}

/** What the worker tells. Messages of a request that was cancelled are never sent after the next one starts. */
export type Reply =
  /** The worker is up: the policies it can run (name and description), the first the default. */
  | { type: "ready"; policies: { name: string; description: string }[] }
  /** New debug-console output, the screen (when it changed) and the counters. */
  | { type: "frame"; id: number; progress: Progress; console: string; screen: ScreenFrame | null; screenError?: string }
  /** The run ended: how, in the words of the comparison table, and a longer line. */
  | { type: "finished"; id: number; progress: Progress; outcome: string; detail: string }
  /** `compare`: policy `index` of `total` is running. */
  | { type: "compare-progress"; id: number; index: number; total: number; progress: Progress }
  | { type: "compare-result"; id: number; view: ComparisonView }
  /** The request failed: one line for the user (e.g. a file that is not a bootable image). */
  | { type: "error"; id: number; message: string }
  | { type: "stopped"; id: number };
