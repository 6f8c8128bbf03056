import { BUILTIN_POLICY_NAMES } from "@ringlab/monitor";
import { describe, expect, it } from "vitest";
import { PlaygroundDriver, userMessage } from "../src/driver.js";
import { GuestError, GuestRun, imageProblem } from "../src/guest-run.js";
import type { Reply, Request } from "../src/protocol.js";
import { guest } from "./guests.js";

/** A driver whose host records every reply, as the worker would post them. */
function recorder() {
  const replies: Reply[] = [];
  const transfers: ArrayBuffer[][] = [];
  const driver = new PlaygroundDriver({
    post: (r, t = []) => {
      replies.push(r);
      transfers.push(t);
    },
    yieldToEvents: () => new Promise((resolve) => setImmediate(resolve)),
    now: () => performance.now(),
  });
  return { driver, replies, transfers };
}

const of = <T extends Reply["type"]>(replies: Reply[], type: T) => replies.filter((r): r is Extract<Reply, { type: T }> => r.type === type);

describe("the worker protocol", () => {
  it("announces the built-in policies, pure first", () => {
    const { driver, replies } = recorder();
    driver.start();
    expect(replies).toHaveLength(1);
    const ready = replies[0] as Extract<Reply, { type: "ready" }>;
    expect(ready.policies.map((p) => p.name)).toEqual(BUILTIN_POLICY_NAMES);
    expect(ready.policies.every((p) => p.description.length > 0)).toBe(true);
  });

  it("runs a guest to its end with frames of its screen, console and exits, then 'finished'", async () => {
    const { driver, replies, transfers } = recorder();
    await driver.handle({ type: "run", id: 1, guest: guest("sensitive"), policy: "scan-patch" });
    const frames = of(replies, "frame");
    expect(frames.length).toBeGreaterThanOrEqual(2);
    expect(replies.at(-1)!.type).toBe("finished");
    const finished = replies.at(-1) as Extract<Reply, { type: "finished" }>;
    expect(finished.outcome).toBe("exit 0");
    expect(finished.detail).toMatch(/^guest exited with status 0/);
    // Console chunks add up to the guest's whole output, each byte once.
    const direct = new GuestRun(guest("sensitive"), "scan-patch");
    direct.runToEnd();
    expect(frames.map((f) => f.console).join("")).toBe(direct.console);
    expect(finished.progress.instructions).toBe(direct.machine.clock.instructions);
    // The screen is the VGA's 720x400 picture, its pixels moved, not copied.
    const last = frames.at(-1)!;
    expect(last.screen!.width * last.screen!.height * 4).toBe(last.screen!.pixels.length);
    expect(transfers[replies.indexOf(last)]).toEqual([last.screen!.pixels.buffer]);
    // Exits, live: ordered as the CLI lists them, the bars relative to the largest.
    expect(finished.progress.exits).toBeGreaterThan(0);
    const rows = finished.progress.exitRows;
    expect(rows.reduce((a, r) => a + r.count, 0)).toBe(finished.progress.exits);
    expect(Math.max(...rows.map((r) => r.percent))).toBe(100);
    expect(finished.progress.line).toMatch(/^scan-patch: [\d,]+ instructions, .* of guest time, [\d,]+ exits \(/);
  });

  it("a new request cancels the running one: no reply of the old one comes after it", async () => {
    const { driver, replies } = recorder();
    const first = driver.handle({ type: "run", id: 1, guest: guest("demo"), policy: "pure" });
    // Let it run a few slices, then switch policy, as the page does.
    await new Promise((r) => setTimeout(r, 50));
    const second = driver.handle({ type: "run", id: 2, guest: guest("sensitive"), policy: "pvi" });
    await Promise.all([first, second]);
    const firstOfTwo = replies.findIndex((r) => "id" in r && r.id === 2);
    expect(firstOfTwo).toBeGreaterThan(0);
    expect(replies.slice(firstOfTwo).every((r) => "id" in r && r.id === 2)).toBe(true);
    expect(replies.some((r) => r.type === "finished" && r.id === 1)).toBe(false);
    expect(replies.at(-1)).toMatchObject({ type: "finished", id: 2, outcome: "exit 0" });
  });

  it("stop ends a run and says so", async () => {
    const { driver, replies } = recorder();
    const running = driver.handle({ type: "run", id: 1, guest: guest("demo"), policy: "pure" });
    await new Promise((r) => setTimeout(r, 30));
    await driver.handle({ type: "stop", id: 2 });
    await running;
    expect(replies.at(-1)).toEqual({ type: "stopped", id: 2 });
    expect(replies.some((r) => r.type === "finished")).toBe(false);
  });

  it("compares the policies and reports progress for each", async () => {
    const { driver, replies } = recorder();
    await driver.handle({ type: "compare", id: 7, guest: guest("sensitive"), policies: ["pure", "scan-patch", "pvi"] });
    const progress = of(replies, "compare-progress");
    expect(new Set(progress.map((p) => p.index))).toEqual(new Set([0, 1, 2]));
    const result = replies.at(-1) as Extract<Reply, { type: "compare-result" }>;
    expect(result.type).toBe("compare-result");
    expect(result.view.indistinguishable).toBe(true);
    expect(result.view.verdict).toEqual([
      "verdict: the guest could not tell pure, scan-patch, pvi apart (same console output, screen, instruction count, event log and outcome)",
    ]);
    expect(result.view.table.map((r) => r[0])).toEqual(["policy", "pure", "scan-patch", "pvi"]);
    expect(result.view.byReason[0]).toEqual(["exits by reason", "pure", "scan-patch", "pvi"]);
    expect(result.view.text.endsWith(`${result.view.verdict[0]}\n`)).toBe(true);
  });

  it("compare wants two policies at least", async () => {
    const { driver, replies } = recorder();
    await driver.handle({ type: "compare", id: 1, guest: guest("sensitive"), policies: ["pure"] });
    expect(replies).toEqual([{ type: "error", id: 1, message: "compare: expected at least two policies, got 1" }]);
  });
});

describe("files that are not bootable: one clear line", () => {
  const attempt = async (request: Request) => {
    const { driver, replies } = recorder();
    await driver.handle(request);
    return replies;
  };

  it("a file with no Multiboot header", async () => {
    const bytes = new TextEncoder().encode("hello, this is not a kernel\n".repeat(50));
    const replies = await attempt({ type: "run", id: 3, guest: { name: "notes.txt", bytes }, policy: "pure" });
    expect(replies).toEqual([{ type: "error", id: 3, message: "cannot boot notes.txt: no Multiboot header in the first 8192 bytes: not a Multiboot kernel" }]);
  });

  it("an empty file", async () => {
    const replies = await attempt({ type: "run", id: 1, guest: { name: "empty.bin", bytes: new Uint8Array() }, policy: "pure" });
    expect(replies).toEqual([{ type: "error", id: 1, message: "empty.bin is empty: expected a Multiboot kernel" }]);
  });

  it("a Linux bzImage (its boot header at 0x202)", async () => {
    const bytes = new Uint8Array(4096);
    bytes.set([0x48, 0x64, 0x72, 0x53], 0x202); // "HdrS"
    bytes[0x1fe] = 0x55;
    bytes[0x1ff] = 0xaa;
    const replies = await attempt({ type: "run", id: 1, guest: { name: "vmlinuz", bytes }, policy: "pure" });
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ type: "error", message: expect.stringMatching(/^vmlinuz is a Linux bzImage: the playground boots Multiboot kernels only/) });
  });

  it("an unknown policy is the policy's line, not a crash", async () => {
    const replies = await attempt({ type: "run", id: 1, guest: guest("sensitive"), policy: "nonesuch" });
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ type: "error", id: 1, message: expect.stringContaining("nonesuch") });
  });

  it("the loader's advice for the command line is left out", () => {
    expect(imageProblem("k.elf: ELF file without a Multiboot header in its first 8192 bytes (use --load FILE@ADDR for a raw image)")).toBe(
      "k.elf: ELF file without a Multiboot header in its first 8192 bytes",
    );
    expect(userMessage(new GuestError("x is empty"))).toBe("x is empty");
    expect(userMessage(new Error("boom\nstack"))).toBe("the run failed: boom");
  });
});
