import { ConfigError, quoteText } from "@ringlab/sdk";

/** First and last I/O port of the VGA. */
export const VGA_PORT_FIRST = 0x3b0;
export const VGA_PORT_LAST = 0x3df;
/** The physical range VGA memory windows can occupy. */
export const VGA_MEMORY_FIRST = 0xa0000;
export const VGA_MEMORY_LAST = 0xbffff;

/** One step of a replay file. */
export type ReplayStep =
  | { kind: "write"; port: number; value: number; line: number }
  | { kind: "read"; port: number; line: number }
  | { kind: "memory"; address: number; value: number; line: number };

/**
 * Parses a VGA replay file: the register accesses that bring the adapter from power-on to
 * a video mode without a BIOS (the "snapshot of BIOS VGA port writes" of the FreeMWare
 * plan). Plain text, one access a line, numbers in hexadecimal (an optional `0x` prefix is
 * allowed):
 *
 * ```
 * # comment (also after a step)
 * 3c2 67        port write: PORT VALUE
 * w 3c2 67      the same, with an explicit w
 * r 3da         port read, for its side effect (0x3DA resets the attribute flip-flop);
 *               a recorded value may follow and is ignored
 * m b8000 41    memory byte write at a physical address in A0000-BFFFF, through the
 *               window the graphics controller selects at that point
 * ```
 *
 * Ports must be VGA ports (0x3B0-0x3DF) and values bytes. A bad line throws one
 * {@link ConfigError} naming the line, e.g. `replay line 7: port 0x60 is not a VGA port
 * (0x3B0-0x3DF)`.
 */
export function parseReplay(text: string, source = "replay"): ReplayStep[] {
  const steps: ReplayStep[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = i + 1;
    const fail = (why: string): never => {
      throw new ConfigError(`${source} line ${line}: ${why}`);
    };
    const hash = raw.indexOf("#");
    const body = (hash >= 0 ? raw.slice(0, hash) : raw).trim();
    if (body === "") return;
    const words = body.split(/\s+/);
    let kind = "w";
    if (/^[wrm]$/i.test(words[0]!)) kind = words.shift()!.toLowerCase();
    const num = (word: string | undefined, what: string, max: number): number => {
      if (word === undefined) return fail(`missing ${what}`);
      if (!/^(0x)?[0-9a-f]+$/i.test(word)) return fail(`${what} ${quoteText(word)} is not a hexadecimal number`);
      const v = parseInt(word.replace(/^0x/i, ""), 16);
      if (v > max) return fail(`${what} 0x${v.toString(16)} is larger than 0x${max.toString(16)}`);
      return v;
    };
    const vgaPort = (word: string | undefined): number => {
      const port = num(word, "port", 0xffff);
      if (port < VGA_PORT_FIRST || port > VGA_PORT_LAST) {
        fail(`port 0x${port.toString(16)} is not a VGA port (0x3B0-0x3DF)`);
      }
      return port;
    };
    if (kind === "r") {
      if (words.length > 2) fail(`expected 'r PORT [VALUE]', found ${quoteText(body)}`);
      const port = vgaPort(words[0]);
      if (words[1] !== undefined) num(words[1], "value", 0xff);
      steps.push({ kind: "read", port, line });
      return;
    }
    if (words.length !== 2) fail(kind === "m" ? `expected 'm ADDRESS VALUE', found ${quoteText(body)}` : `expected 'PORT VALUE', found ${quoteText(body)}`);
    if (kind === "m") {
      const address = num(words[0], "address", 0xffffffff);
      if (address < VGA_MEMORY_FIRST || address > VGA_MEMORY_LAST) {
        fail(`address 0x${address.toString(16)} is not VGA memory (0xA0000-0xBFFFF)`);
      }
      steps.push({ kind: "memory", address, value: num(words[1], "value", 0xff), line });
      return;
    }
    steps.push({ kind: "write", port: vgaPort(words[0]), value: num(words[1], "value", 0xff), line });
  });
  return steps;
}
