// What the page decides by itself, without the worker: pure functions, tested without a browser.

/** Largest kernel file the page accepts: the default machine has 32 MiB of RAM. */
export const MAX_IMAGE_BYTES = 32 * 1024 * 1024;

/** Why a file the user chose cannot be a kernel before it is even read, or undefined. */
export function fileProblem(name: string, size: number): string | undefined {
  if (size === 0) return `${name} is empty: expected a Multiboot kernel`;
  if (size > MAX_IMAGE_BYTES) return `${name} is ${(size / 1024 / 1024).toFixed(1)} MiB: larger than the machine's 32 MiB of RAM`;
  return undefined;
}

/**
 * The debug console's text as the page keeps it: appended chunks, only the last `limit`
 * characters kept (a guest may write for ever), cut at a line start.
 */
export function appendConsole(text: string, chunk: string, limit = 200_000): string {
  const all = text + chunk;
  if (all.length <= limit) return all;
  const cut = all.indexOf("\n", all.length - limit);
  return cut < 0 ? all.slice(all.length - limit) : all.slice(cut + 1);
}
