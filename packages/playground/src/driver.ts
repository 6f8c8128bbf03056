import { allDifferences, comparisonTable, describeOutcome, exitsByReasonTable, formatComparison, verdictLines } from "@ringlab/machine";
import { builtinPolicies } from "@ringlab/monitor";
import { GuestError, GuestRun } from "./guest-run.js";
import type { ComparisonView, Reply, Request, ScreenFrame } from "./protocol.js";

/** What the driver needs from its host: a way to answer, and a way to let other messages in. */
export interface DriverHost {
  /** Sends a reply (`transfer`: buffers to move rather than copy). */
  post(reply: Reply, transfer?: ArrayBuffer[]): void;
  /** Resolves after the host has had a chance to deliver pending requests. */
  yieldToEvents(): Promise<void>;
  /** Wall-clock milliseconds (`performance.now()`). */
  now(): number;
}

/** Host time one slice of guest instructions should take: short enough for a new request to be seen at once. */
const SLICE_MS = 25;
/** At most one frame per this many milliseconds of host time while a guest runs. */
const FRAME_MS = 50;
/**
 * Frames take at most about 1/FRAME_SHARE of the time: drawing the VGA's 720x400 picture
 * costs milliseconds, and on a slow host the guest should not wait for its own screen.
 */
const FRAME_SHARE = 8;
/** ...but the screen is never left unchanged longer than this (the first frames, before the JavaScript engine has optimised the renderer, are the slowest). */
const FRAME_MAX_MS = 250;
/** The first slice, before the speed of this host is known. */
const FIRST_SLICE = 50_000;

/**
 * The worker's logic, without the worker: runs one request at a time, a slice of guest
 * instructions at a time, and gives way between slices so that a new request (a policy
 * switch, another guest, stop) cancels the current one at once. Browser-safe and tested in
 * Node with a host that records the replies.
 */
export class PlaygroundDriver {
  private current = 0;
  private slice = FIRST_SLICE;

  constructor(private readonly host: DriverHost) {}

  /** The policies this build can run, the default first. */
  static policies(): { name: string; description: string }[] {
    return builtinPolicies()
      .list()
      .map((p) => ({ name: p.name, description: p.description }));
  }

  /** Announces the worker (the page fills its policy picker from this). */
  start(): void {
    this.host.post({ type: "ready", policies: PlaygroundDriver.policies() });
  }

  /** Takes a request; resolves when it has finished, failed or been cancelled. */
  async handle(request: Request): Promise<void> {
    this.current = request.id;
    try {
      switch (request.type) {
        case "stop":
          this.host.post({ type: "stopped", id: request.id });
          return;
        case "run":
          return await this.run(request);
        case "compare":
          return await this.compare(request);
      }
    } catch (e) {
      if (this.current === request.id) this.host.post({ type: "error", id: request.id, message: userMessage(e) });
    }
  }

  private live(id: number): boolean {
    return this.current === id;
  }

  /** Runs `run` a slice at a time until it ends or the request is cancelled; calls `frame` now and then. Returns false when cancelled. */
  private async drive(id: number, run: GuestRun, frame: (final: boolean) => void): Promise<boolean> {
    let lastFrame = this.host.now();
    let interval = FRAME_MS;
    const draw = (final: boolean) => {
      const t0 = this.host.now();
      frame(final);
      lastFrame = this.host.now();
      interval = Math.min(FRAME_MAX_MS, Math.max(FRAME_MS, FRAME_SHARE * (lastFrame - t0)));
    };
    draw(false);
    for (;;) {
      await this.host.yieldToEvents();
      if (!this.live(id)) return false;
      const t0 = this.host.now();
      const done = run.step(this.slice);
      const t1 = this.host.now();
      // Aim each slice at SLICE_MS on this host, within reason (the demo guest retires a few million instructions a second).
      const ms = Math.max(t1 - t0, 0.5);
      this.slice = Math.round(Math.min(Math.max((this.slice * SLICE_MS) / ms, 10_000), 5_000_000));
      if (done) {
        draw(true);
        return true;
      }
      if (t1 - lastFrame >= interval) draw(false);
    }
  }

  private async run(request: Extract<Request, { type: "run" }>): Promise<void> {
    const run = new GuestRun(request.guest, request.policy);
    const ok = await this.drive(request.id, run, () => this.sendFrame(request.id, run));
    if (!ok) return;
    this.host.post({ type: "finished", id: request.id, progress: run.progress(), outcome: run.outcomeText(), detail: describeOutcome(run.outcome!) });
  }

  private sendFrame(id: number, run: GuestRun): void {
    const screen = run.screen();
    const transfer: ArrayBuffer[] = [];
    let frame: ScreenFrame | null = null;
    let screenError: string | undefined;
    if (screen && "error" in screen) screenError = screen.error;
    else if (screen) {
      frame = screen;
      transfer.push(screen.pixels.buffer as ArrayBuffer);
    }
    this.host.post(
      { type: "frame", id, progress: run.progress(), console: run.takeConsole(), screen: frame, ...(screenError !== undefined ? { screenError } : {}) },
      transfer,
    );
  }

  private async compare(request: Extract<Request, { type: "compare" }>): Promise<void> {
    if (request.policies.length < 2) throw new GuestError(`compare: expected at least two policies, got ${request.policies.length}`);
    const runs = [];
    for (const [index, policy] of request.policies.entries()) {
      const run = new GuestRun(request.guest, policy);
      const total = request.policies.length;
      const ok = await this.drive(request.id, run, () => this.host.post({ type: "compare-progress", id: request.id, index, total, progress: run.progress() }));
      if (!ok) return;
      runs.push(run.policyRun());
    }
    this.host.post({ type: "compare-result", id: request.id, view: comparisonView(runs) });
  }
}

/** The comparison of finished runs, as `ringlab compare` shows it (the first run the reference). */
export function comparisonView(runs: Parameters<typeof comparisonTable>[0]): ComparisonView {
  const diffs = allDifferences(runs);
  // The playground always patches (the CLI's --no-patch has no switch here).
  const patch = true;
  return {
    indistinguishable: diffs.every((d) => d.length === 0),
    table: comparisonTable(runs),
    byReason: exitsByReasonTable(runs),
    verdict: verdictLines(runs, diffs, patch),
    text: formatComparison(runs, diffs, patch),
  };
}

/** One line for the page: the user's mistake as it is, anything else as what failed. */
export function userMessage(e: unknown): string {
  if (e instanceof GuestError) return e.message;
  const text = e instanceof Error ? e.message : String(e);
  return `the run failed: ${text.split("\n")[0]}`;
}
