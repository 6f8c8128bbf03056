// The Web Worker that runs the machine, so that the page stays responsive while a guest
// runs: it only wires the driver to the worker's message port.
import { PlaygroundDriver } from "./driver.js";
import type { Reply, Request } from "./protocol.js";

interface WorkerScope {
  postMessage(message: Reply, transfer: Transferable[]): void;
  onmessage: ((e: MessageEvent<Request>) => void) | null;
}
const scope = self as unknown as WorkerScope;

// A message on our own channel is a task like a request from the page, so awaiting it lets
// queued requests in (setTimeout(0) would be clamped to 4 ms once nested).
const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();

const driver = new PlaygroundDriver({
  post: (reply, transfer = []) => scope.postMessage(reply, transfer),
  yieldToEvents: () =>
    new Promise<void>((resolve) => {
      waiting.push(resolve);
      channel.port2.postMessage(0);
    }),
  now: () => performance.now(),
});
scope.onmessage = (e) => void driver.handle(e.data);
driver.start();
