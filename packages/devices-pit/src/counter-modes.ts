import { wrapCount } from "./count-encoding.js";

/**
 * The six counter modes of the 8254 and what the counting element (CE) and OUT do in each,
 * as closed-form functions of the number of CLK edges elapsed. Nothing here ticks: a channel
 * keeps a {@link CounterRun} (the state at one edge) and asks for the state at any later edge,
 * or for the next edge at which OUT changes, in constant time.
 *
 * Facts from the Intel 8254 datasheet (231164), "Mode Definitions":
 * - A CLK pulse transfers a count from the count register (CR) to the CE ("loading"); that
 *   pulse does not decrement. So a count written takes effect on the next CLK edge, and in
 *   mode 0 OUT goes high N+1 clocks after the write.
 * - Modes 0, 1, 4, 5 run on past terminal count, wrapping to FFFF (binary) or 9999 (BCD).
 * - Modes 2 and 3 are periodic: the CE reloads from the CR, so a new count written while
 *   counting takes effect at the end of the current period (mode 2) or half-cycle (mode 3).
 * - GATE: modes 0, 2, 3, 4 count only while GATE is high; in modes 2 and 3 GATE low forces
 *   OUT high at once, and a rising GATE ("trigger") reloads the CE on the next CLK. Modes 1
 *   and 5 start (or restart) only on a trigger and then count whatever GATE does.
 */
export type CounterMode = 0 | 1 | 2 | 3 | 4 | 5;

/** The mode selected by control-word bits M2..M0: X10 is mode 2 and X11 mode 3 (datasheet, Figure 8). */
export function modeOf(bits: number): CounterMode {
  const m = bits & 7;
  return (m === 6 ? 2 : m === 7 ? 3 : m) as CounterMode;
}

/** What a run depends on that only changes at a bus event (a port write or a gate change). */
export interface CounterConfig {
  readonly mode: CounterMode;
  /** Logical initial count in the CR: 1..65536 (binary) or 1..10000 (BCD); see count-encoding.ts. */
  readonly initial: number;
  readonly gate: boolean;
  /** 65536 or 10000: where counters that run past terminal count wrap. */
  readonly modulus: number;
}

/**
 * The state of one counter just after PIT clock edge `edge` (and after any bus event that
 * came before the next edge). Plain data, so it saves as JSON.
 */
export interface CounterRun {
  /** The PIT clock edge this state is at. */
  edge: number;
  /** Logical CE value: the count the bus would read (before BCD encoding). */
  ce: number;
  /** Level of OUT. */
  out: boolean;
  /** A count has been loaded into the CE since the control word (and, in mode 0, counting is not suspended by a half-written count). */
  armed: boolean;
  /** The CR is transferred to the CE on the next edge: after a count write (modes 0, 4 and the first count of 2, 3) or a trigger (1, 2, 3, 5). */
  loadPending: boolean;
  /**
   * Modes 0, 1, 4, 5: edges from `edge` until terminal count (CE reaching 0), 0 when it is
   * this edge, -1 once past. Mode 3: edges until OUT toggles and the CE reloads. Mode 2: unused.
   */
  remaining: number;
  /** Status bit 6: a count was written to the CR and has not yet been loaded into the CE. */
  nullCount: boolean;
}

/** Whether the CE moves on the next edges (no pending load considered). */
function counting(run: CounterRun, cfg: CounterConfig): boolean {
  if (!run.armed) return false;
  return cfg.mode === 1 || cfg.mode === 5 ? true : cfg.gate;
}

/** Mode 3 loads the count rounded down to even and decrements by two (datasheet, mode 3 "odd counts"). */
function squareLoad(n: number): number {
  return n - (n % 2);
}

/** Length of mode 3's high half-cycle: (N+1)/2 for odd N, N/2 for even. */
function highHalf(n: number): number {
  return Math.ceil(n / 2);
}

/** The run one edge later, when that edge transfers the CR into the CE. */
function load(run: CounterRun, cfg: CounterConfig): CounterRun {
  const n = cfg.initial;
  const next: CounterRun = { ...run, edge: run.edge + 1, armed: true, loadPending: false, nullCount: false };
  switch (cfg.mode) {
    case 0:
      // Mode 0: OUT stays low (it went low at the write) until terminal count.
      return { ...next, ce: n, remaining: n, out: false };
    case 1:
      // Mode 1: "OUT will go low on the CLK pulse following a trigger".
      return { ...next, ce: n, remaining: n, out: false };
    case 4:
    case 5:
      return { ...next, ce: n, remaining: n, out: true };
    case 2:
      // Mode 2: OUT is low only while the CE holds 1, so a (datasheet-illegal) count of 1 keeps it low.
      return { ...next, ce: n, remaining: -1, out: n !== 1 };
    case 3:
      // Mode 3 starts every period with OUT high.
      return { ...next, ce: squareLoad(n), remaining: highHalf(n), out: true };
  }
}

/** The state at `edge` (≥ run.edge; an earlier edge returns `run` itself). Pure. */
export function advance(run: CounterRun, cfg: CounterConfig, edge: number): CounterRun {
  if (!(edge > run.edge)) return run;
  let r = run;
  if (r.loadPending) {
    r = load(r, cfg);
    if (edge === r.edge) return r;
  }
  if (!counting(r, cfg)) return { ...r, edge };
  const d = edge - r.edge;
  const n = cfg.initial;
  switch (cfg.mode) {
    case 0:
    case 1: {
      const passed = r.remaining >= 0 && d >= r.remaining;
      return {
        ...r,
        edge,
        ce: wrapCount(r.ce - d, cfg.modulus),
        out: r.out || passed,
        remaining: r.remaining < 0 || passed ? -1 : r.remaining - d,
      };
    }
    case 4:
    case 5: {
      const left = r.remaining < 0 ? -1 : r.remaining - d;
      return { ...r, edge, ce: wrapCount(r.ce - d, cfg.modulus), out: left !== 0, remaining: left < 0 ? -1 : left };
    }
    case 2: {
      // The CE counts down to 1 (OUT low for that clock), then reloads from the CR on the next
      // edge with OUT high again (datasheet, mode 2).
      const first = r.ce >= 1 ? r.ce : n;
      const ce = d < first ? first - d : n - ((d - first) % n);
      return { ...r, edge, ce, out: ce !== 1, nullCount: r.nullCount && d < first };
    }
    case 3: {
      const left = r.remaining >= 1 ? r.remaining : 1;
      if (d < left) return { ...r, edge, ce: Math.max(0, r.ce - 2 * d), remaining: left - d };
      // Past the current half-cycle: halves of the current CR follow, starting with the other level.
      const d2 = d - left;
      const full = squareLoad(n);
      if (n === 1) return { ...r, edge, ce: full, out: true, remaining: 1, nullCount: false };
      const firstHigh = !r.out;
      const lenA = firstHigh ? highHalf(n) : n - highHalf(n);
      const p = d2 % n;
      if (p < lenA) return { ...r, edge, ce: full - 2 * p, out: firstHigh, remaining: lenA - p, nullCount: false };
      const q = p - lenA;
      return { ...r, edge, ce: full - 2 * q, out: !firstHigh, remaining: n - lenA - q, nullCount: false };
    }
  }
}

/**
 * The first edge after `run.edge` at which OUT changes, or -1 when it will not change until
 * the next bus event. Pure; always > run.edge when not -1.
 */
export function nextOutChange(run: CounterRun, cfg: CounterConfig): number {
  let r = run;
  if (r.loadPending) {
    r = load(r, cfg);
    if (r.out !== run.out) return r.edge;
  }
  if (!counting(r, cfg)) return -1;
  const n = cfg.initial;
  const after = (k: number) => r.edge + Math.max(1, k);
  switch (cfg.mode) {
    case 0:
    case 1:
      return r.out || r.remaining < 0 ? -1 : after(r.remaining);
    case 4:
    case 5:
      if (r.remaining > 0) return after(r.remaining);
      return r.remaining === 0 ? after(1) : -1;
    case 2: {
      const first = r.ce >= 1 ? r.ce : n;
      if (first >= 2) return after(first - 1);
      // The CE is at 1 (OUT low): the next edge reloads it and OUT goes high, unless the
      // reload value is 1 as well.
      return n === 1 ? -1 : after(1);
    }
    case 3:
      // A count of 1 leaves no low half: once high, OUT stays high.
      if (n === 1 && r.out) return -1;
      return after(r.remaining);
  }
}

/** A counter with nothing loaded: after power-on or a control word. */
export function idleRun(edge: number, ce: number, out: boolean): CounterRun {
  return { edge, ce, out, armed: false, loadPending: false, remaining: -1, nullCount: true };
}
