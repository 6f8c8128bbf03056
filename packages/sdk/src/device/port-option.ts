import { z } from "zod";
import { formatAddress } from "../address-text.js";

/**
 * A device option that is an I/O port base (`port = 0x3F8`): an integer such that all `span`
 * ports from it lie in the 64K I/O space (SDM vol.1 §18.3), so 0..0xFFFF for one port and
 * 0..0xFFF8 for a UART's eight. Every device's `port` option uses it, so a bad value reads the
 * same everywhere and shows in hexadecimal: `expected a port number 0..0xFFFF, got 0x10000`.
 */
export function ioPortOption(defaultPort: number, span = 1) {
  const last = 0x10000 - span;
  const expected = span === 1 ? "a port number 0..0xFFFF" : `a port number 0..${formatAddress(last)} (the first of ${span})`;
  return z
    .number({ error: (issue) => `expected ${expected}, got ${JSON.stringify(issue.input)}` })
    .superRefine((v, ctx) => {
      if (!Number.isInteger(v) || v < 0 || v > last) {
        ctx.addIssue({ code: "custom", message: `expected ${expected}, got ${Number.isInteger(v) ? formatAddress(v) : String(v)}` });
      }
    })
    .default(defaultPort);
}
