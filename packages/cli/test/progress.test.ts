import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * The progress line of a long `ringlab run` (issue 18): on a terminal only. util-linux's
 * `script` (Debian's essential bsdutils) gives the run a pseudo-terminal, as a user's shell
 * would.
 */

const main = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const guest = fileURLToPath(new URL("../../../test/guests/cpubench/cpubench-100k.bin", import.meta.url));
const SCRIPT = "/usr/bin/script";

function onTerminal(args: string): string {
  const r = spawnSync(SCRIPT, ["-qfec", `${process.execPath} ${main} ${args}`, "/dev/null"], { encoding: "latin1", timeout: 120_000 });
  return r.stdout;
}

/**
 * The lines a terminal ends up showing for `raw`: a small emulation of what the progress
 * line uses — CR and ESC[1G go to column 1, ESC[2K clears the line, ESC[0K / ESC[K clear to
 * its end; other control sequences change nothing visible here.
 */
function screen(raw: string): string[] {
  const lines: string[] = [];
  let line = "";
  let col = 0;
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch === "\x1b") {
      const m = /^\x1b(\[[0-9;?]*[A-Za-z]|[78])/.exec(raw.slice(i));
      const seq = m?.[1] ?? "";
      if (seq === "[1G") col = 0;
      else if (seq === "[2K") (line = ""), (col = 0);
      else if (seq === "[0K" || seq === "[K") line = line.slice(0, col);
      i += seq.length;
    } else if (ch === "\r") col = 0;
    else if (ch === "\n") {
      lines.push(line);
      line = "";
      col = 0;
    } else {
      line = line.slice(0, col) + ch + line.slice(col + 1);
      col++;
    }
  }
  if (line !== "") lines.push(line);
  return lines;
}

describe("the progress line", () => {
  it("shows instructions, M/s, virtual time and exits on a terminal, cleared before the guest's output", (ctx) => {
    if (!existsSync(SCRIPT)) ctx.skip(`needs ${SCRIPT} (Debian's bsdutils) to give the run a terminal`);
    const raw = onTerminal(`run ${guest} --screen none --policy scan-patch`);
    expect(raw).toMatch(/[\d,]+ instructions \| [\d.]+ M\/s \| virtual [\d.]+ s \| [\d,]+ exits/);
    // The terminal shows the guest's lines whole, and no progress line once the run is over.
    expect(screen(raw)).toEqual(["cpubench: 100000 iterations of ALU, load/store, call and branch work", "cpubench: checksum=204f02e4"]);
  });

  it("is not shown with --no-progress, nor when stderr is not a terminal", (ctx) => {
    if (!existsSync(SCRIPT)) ctx.skip(`needs ${SCRIPT} (Debian's bsdutils) to give the run a terminal`);
    expect(onTerminal(`run ${guest} --screen none --no-progress`)).not.toMatch(/M\/s/);
    const piped = spawnSync(process.execPath, [main, "run", guest, "--screen", "none"], { encoding: "latin1" });
    expect(piped.stderr).toBe("");
    expect(piped.stdout).toBe("cpubench: 100000 iterations of ALU, load/store, call and branch work\ncpubench: checksum=204f02e4\n");
  });
});
