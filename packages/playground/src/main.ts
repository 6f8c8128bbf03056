// The page: controls, the VGA canvas, the console, live exits, and the comparison. The
// machine runs in a Web Worker (worker.ts); this file only sends requests and draws replies.
import { BUNDLED_GUESTS } from "./guests.js";
import type { ComparisonView, GuestImage, Progress, Reply, Request, ScreenFrame } from "./protocol.js";
import { appendConsole, fileProblem } from "./page-model.js";

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const guestSelect = $<HTMLSelectElement>("guest");
const policySelect = $<HTMLSelectElement>("policy");
const fileInput = $<HTMLInputElement>("file");
const runButton = $<HTMLButtonElement>("run");
const stopButton = $<HTMLButtonElement>("stop");
const compareButton = $<HTMLButtonElement>("compare");
const status = $<HTMLParagraphElement>("status");
const errorBox = $<HTMLParagraphElement>("error");
const canvas = $<HTMLCanvasElement>("screen");
const screenText = $<HTMLPreElement>("screen-text");
const consoleBox = $<HTMLPreElement>("console");
const exitsBody = $<HTMLTableElement>("exits").tBodies[0]!;
const exitsNote = $<HTMLParagraphElement>("exits-note");
const exitsPolicy = $<HTMLSpanElement>("exits-policy");
const comparison = $<HTMLElement>("comparison");
const drop = $<HTMLDivElement>("drop");

/** The user's own kernels, by the value of their option in the guest picker. */
const ownGuests = new Map<string, GuestImage>();
const fetched = new Map<string, Promise<Uint8Array>>();
let requestId = 0;
let consoleText = "";
let runs = 0;

const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
const send = (r: Request) => worker.postMessage(r);

function setState(state: string, text: string): void {
  status.dataset.state = state;
  status.textContent = text;
  const busy = state === "running" || state === "comparing";
  stopButton.disabled = !busy;
  runButton.disabled = state === "starting";
  compareButton.disabled = state === "starting";
  policySelect.disabled = state === "starting";
}

function showError(message: string): void {
  errorBox.textContent = message;
  errorBox.hidden = false;
  setState("error", "Nothing is running.");
}

async function currentGuest(): Promise<GuestImage> {
  const own = ownGuests.get(guestSelect.value);
  if (own) return own;
  const g = BUNDLED_GUESTS.find((x) => x.url === guestSelect.value) ?? BUNDLED_GUESTS[0]!;
  let bytes = fetched.get(g.url);
  if (!bytes) {
    bytes = fetch(g.url).then(async (r) => {
      if (!r.ok) throw new Error(`${g.name}: the page's server answered ${r.status}`);
      return new Uint8Array(await r.arrayBuffer());
    });
    fetched.set(g.url, bytes);
    bytes.catch(() => fetched.delete(g.url));
  }
  return { name: g.name, bytes: await bytes };
}

/**
 * Starts a request to the worker: a new id (cancelling whatever ran) and the chosen guest's
 * image, or undefined when it could not be read (the error is shown) or a newer request
 * came while it was being read.
 */
async function startRequest(): Promise<{ id: number; guest: GuestImage } | undefined> {
  const id = ++requestId;
  errorBox.hidden = true;
  try {
    const guest = await currentGuest();
    return id === requestId ? { id, guest } : undefined;
  } catch (e) {
    if (id === requestId) showError(e instanceof Error ? e.message : String(e));
    return undefined;
  }
}

/** Boots the chosen guest under the chosen policy (cancelling whatever ran). */
async function run(): Promise<void> {
  const request = await startRequest();
  if (request === undefined) return;
  const { id, guest } = request;
  consoleText = "";
  consoleBox.textContent = "";
  showExits([]);
  const policy = policySelect.value;
  exitsPolicy.textContent = `(${guest.name} under ${policy})`;
  status.dataset.policy = policy;
  setState("running", `Booting ${guest.name} under ${policy}…`);
  send({ type: "run", id, guest, policy });
}

async function compareAll(): Promise<void> {
  const request = await startRequest();
  if (request === undefined) return;
  const { id, guest } = request;
  comparison.hidden = true;
  const policies = [...policySelect.options].map((o) => o.value);
  setState("comparing", `Comparing ${guest.name} under ${policies.join(", ")}…`);
  send({ type: "compare", id, guest, policies });
}

function drawScreen(frame: ScreenFrame): void {
  if (canvas.width !== frame.width || canvas.height !== frame.height) {
    canvas.width = frame.width;
    canvas.height = frame.height;
  }
  const pixels = new Uint8ClampedArray(frame.pixels.buffer as ArrayBuffer, frame.pixels.byteOffset, frame.pixels.byteLength);
  canvas.getContext("2d")!.putImageData(new ImageData(pixels, frame.width, frame.height), 0, 0);
  // What the canvas shows, as text, for screen readers (and the browser test).
  screenText.textContent = frame.text;
  canvas.dataset.frames = String(Number(canvas.dataset.frames ?? 0) + 1);
  // How soon the first picture came, in ms since the page started loading: "instant" is measured.
  document.body.dataset.firstFrameMs ??= performance.now().toFixed(0);
}

function showExits(rows: Progress["exitRows"]): void {
  exitsNote.hidden = rows.length > 0;
  exitsBody.replaceChildren(
    ...rows.map((r) => {
      const tr = document.createElement("tr");
      tr.dataset.reason = r.reason;
      const name = document.createElement("td");
      name.textContent = r.reason;
      const n = document.createElement("td");
      n.className = "n";
      n.textContent = r.text;
      const barCell = document.createElement("td");
      const bar = document.createElement("div");
      bar.className = "bar";
      bar.style.width = `${r.percent}%`;
      barCell.append(bar);
      tr.append(name, n, barCell);
      return tr;
    }),
  );
}

function fillTable(table: HTMLTableElement, rows: string[][]): void {
  table.replaceChildren();
  if (rows.length === 0) return;
  const [head, ...body] = rows;
  const thead = table.createTHead().insertRow();
  for (const h of head!) thead.append(Object.assign(document.createElement("th"), { textContent: h.trim() }));
  const tbody = table.createTBody();
  for (const r of body) {
    const tr = tbody.insertRow();
    for (const c of r) tr.insertCell().textContent = c.trim();
  }
}

function showComparison(view: ComparisonView): void {
  const verdict = $<HTMLParagraphElement>("verdict");
  verdict.textContent = view.verdict.join("\n");
  verdict.className = view.indistinguishable ? "same" : "differ";
  comparison.dataset.indistinguishable = String(view.indistinguishable);
  fillTable($<HTMLTableElement>("compare-table"), view.table);
  fillTable($<HTMLTableElement>("compare-reasons"), view.byReason);
  $<HTMLPreElement>("compare-text").textContent = view.text;
  comparison.hidden = false;
}

worker.onmessage = (e: MessageEvent<Reply>) => {
  const m = e.data;
  if (m.type === "ready") {
    document.body.dataset.readyMs = performance.now().toFixed(0);
    policySelect.replaceChildren(...m.policies.map((p) => Object.assign(new Option(p.name, p.name), { title: p.description })));
    setState("idle", "Ready.");
    void run();
    return;
  }
  if (m.id !== requestId) return; // a reply to a request since cancelled
  switch (m.type) {
    case "frame":
      if (m.screen) drawScreen(m.screen);
      else if (m.screenError !== undefined) screenText.textContent = m.screenError;
      if (m.console !== "") {
        consoleText = appendConsole(consoleText, m.console);
        consoleBox.textContent = consoleText;
        consoleBox.scrollTop = consoleBox.scrollHeight;
      }
      showExits(m.progress.exitRows);
      setState("running", m.progress.line);
      break;
    case "finished":
      showExits(m.progress.exitRows);
      runs++;
      document.body.dataset.runs = String(runs);
      status.dataset.outcome = m.outcome;
      setState("finished", `${m.detail}. ${m.progress.line}`);
      break;
    case "compare-progress":
      setState("comparing", `Comparing: ${m.progress.policy} (${m.index + 1} of ${m.total}): ${m.progress.line}`);
      break;
    case "compare-result":
      showComparison(m.view);
      setState("compared", m.view.indistinguishable ? "Compared: the guest could not tell the policies apart." : "Compared: the guest could tell the policies apart.");
      break;
    case "error":
      showError(m.message);
      break;
    case "stopped":
      setState("stopped", "Stopped.");
      break;
  }
};
worker.onerror = (e) => {
  e.preventDefault();
  showError(`the machine's worker failed: ${e.message || "it could not start"}`);
};

/** The user's own kernel, from the file picker or a drop. */
async function openFile(file: File): Promise<void> {
  errorBox.hidden = true;
  const problem = fileProblem(file.name, file.size);
  if (problem !== undefined) {
    ++requestId; // whatever ran is not the file's run
    send({ type: "stop", id: requestId });
    showError(problem);
    return;
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  const value = `own:${file.name}:${ownGuests.size}`;
  ownGuests.set(value, { name: file.name, bytes });
  guestSelect.append(new Option(`${file.name} (your file)`, value));
  guestSelect.value = value;
  void run();
}

for (const g of BUNDLED_GUESTS) guestSelect.append(Object.assign(new Option(g.name, g.url), { title: g.about }));
// Fetched while the worker starts, so that the demo boots the moment it is ready.
currentGuest().catch(() => undefined);
guestSelect.onchange = () => void run();
policySelect.onchange = () => void run();
runButton.onclick = () => void run();
compareButton.onclick = () => void compareAll();
stopButton.onclick = () => {
  send({ type: "stop", id: ++requestId });
};
fileInput.onchange = () => {
  const f = fileInput.files?.[0];
  if (f) void openFile(f);
  fileInput.value = "";
};
let dragDepth = 0;
window.addEventListener("dragenter", (e) => {
  e.preventDefault();
  dragDepth++;
  drop.hidden = false;
});
window.addEventListener("dragleave", () => {
  if (--dragDepth <= 0) (dragDepth = 0), (drop.hidden = true);
});
window.addEventListener("dragover", (e) => e.preventDefault());
window.addEventListener("drop", (e) => {
  e.preventDefault();
  dragDepth = 0;
  drop.hidden = true;
  const f = e.dataTransfer?.files[0];
  if (f) void openFile(f);
});
