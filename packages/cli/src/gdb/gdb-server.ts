import { createServer, type Server, type Socket } from "node:net";
import { GdbSession } from "@ringlab/gdb-stub";
import { type Machine, MachineDebugTarget, type RunOutcome } from "@ringlab/machine";
import { ExitCode } from "../exit-codes.js";
import { UserError } from "../user-error.js";
import type { GdbAddress } from "./gdb-address.js";

/** How `ringlab run --gdb` serves gdb. */
export interface GdbServeOptions {
  address: GdbAddress;
  /** `--gdb-wait`: hold the guest at its first instruction until gdb connects. */
  wait: boolean;
  /** The process status for an outcome (what gdb is told when the guest ends). */
  statusOf(outcome: RunOutcome): number;
  stderr(text: string): void;
  /** True once the user asked to quit on a serial terminal (Ctrl-A x). */
  quitRequested?: () => boolean;
  /** Given the function that ends the run from the host (a signal), held or running free. */
  hostStop?: (stop: (reason: string) => void) => void;
  /** Passes on the guest's buffered output (called every 50 ms while the run lasts). */
  flush?: () => void;
}

function listen(server: Server, address: GdbAddress): Promise<void> {
  return new Promise((done, fail) => {
    server.once("error", fail);
    server.listen(address.port, address.host, () => {
      server.off("error", fail);
      done();
    });
  });
}

/**
 * Runs `machine` with a GDB remote stub on `options.address` (node:net, one connection at a
 * time): the guest runs freely (or, with `wait`, holds at its first instruction) until gdb
 * connects; gdb then holds it. A client that disconnects gets one line on stderr and the
 * guest runs on to its end. Resolves with the run's outcome.
 */
export async function runUnderGdb(machine: Machine, options: GdbServeOptions): Promise<RunOutcome> {
  const target = new MachineDebugTarget(machine, {
    statusOf: options.statusOf,
    schedule: (fn) => setImmediate(fn),
    ...(options.quitRequested ? { quitRequested: options.quitRequested } : {}),
  });
  const server = createServer();
  const { host, port } = options.address;
  try {
    await listen(server, options.address);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? String(e);
    throw new UserError(`--gdb: cannot listen on ${host}:${port} (${code})`, ExitCode.unavailable);
  }
  const bound = server.address();
  const shown = typeof bound === "object" && bound ? `${bound.family === "IPv6" ? `[${bound.address}]` : bound.address}:${bound.port}` : `${host}:${port}`;
  options.stderr(`ringlab: gdb stub listening on ${shown}${options.wait ? " (the guest waits for gdb at its first instruction)" : ""}\n`);

  let current: { socket: Socket; session: GdbSession } | undefined;
  server.on("connection", (socket) => {
    socket.setNoDelay(true);
    socket.on("error", () => {}); // 'close' follows, and says what matters
    if (current || target.outcome) {
      options.stderr(`ringlab: gdb: refused a second connection from ${socket.remoteAddress}:${socket.remotePort} (one debugger at a time)\n`);
      socket.destroy();
      return;
    }
    target.attach();
    const session = new GdbSession(
      target,
      { write: (bytes) => void socket.write(bytes), close: () => void socket.end() },
      { log: (line) => options.stderr(`ringlab: gdb: ${line}\n`) },
    );
    current = { socket, session };
    socket.on("data", (chunk: Buffer) => session.receive(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.length)));
    socket.on("close", () => {
      current = undefined;
      if (target.outcome) return;
      if (!session.ended) options.stderr("ringlab: gdb: the debugger disconnected; the guest runs on without it\n");
      // After `k` the run has ended; after `D` the session already detached the target.
      if (!session.ended) target.detach();
    });
  });

  options.hostStop?.((reason) => target.stop(reason));
  // The guest's output is buffered (ProcessOutput); while gdb holds the guest no write comes
  // to flush it, so it is passed on at least every 50 ms.
  const flusher = options.flush ? setInterval(options.flush, 50) : undefined;
  if (!options.wait) target.runFree();
  try {
    const outcome = await target.finished;
    // The stop reply (W) of the command that ended the run goes out before the socket closes.
    if (current) {
      await current.session.idle;
      await new Promise((done) => setImmediate(done));
      current.socket.end();
    }
    return outcome;
  } finally {
    if (flusher !== undefined) clearInterval(flusher);
    server.close();
  }
}
