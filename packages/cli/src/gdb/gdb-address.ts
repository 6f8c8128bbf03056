import { isIP } from "node:net";
import { InvalidArgumentError } from "commander";

/** Where `--gdb` listens. */
export interface GdbAddress {
  host: string;
  /** 0: any free port (the listening line on stderr names it). */
  port: number;
}

/** Hosts `--gdb` accepts: the stub has no authentication, so it listens on the loopback only. */
function isLoopback(host: string): boolean {
  if (host === "localhost") return true;
  if (isIP(host) === 4) return host.startsWith("127.");
  return host === "::1";
}

/**
 * Parses `--gdb HOST:PORT` (`[::1]:PORT` for IPv6; a bare `PORT` means 127.0.0.1). For
 * commander: a bad value throws InvalidArgumentError, which names the flag.
 */
export function parseGdbAddress(value: string): GdbAddress {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(value) ?? (/^\d{1,5}$/.test(value) ? [value, undefined, "127.0.0.1", value] : null);
  if (!m) throw new InvalidArgumentError(`expected HOST:PORT on the loopback such as 127.0.0.1:1234, got '${value}'`);
  const host = m[1] ?? m[2] ?? "";
  const port = Number(m[3]);
  if (!isLoopback(host)) {
    throw new InvalidArgumentError(`expected a loopback host (127.0.0.1, localhost or [::1]: the stub has no authentication), got '${host}'`);
  }
  if (port > 65535) throw new InvalidArgumentError(`expected a port from 0 to 65535, got ${port}`);
  return { host, port };
}
