// The first page drawn after the app starts: the moment a tablet is useful.
// The viewer calls markFirstPage() when it puts a page on screen (once per
// page load: performance.mark 'dais:first-page', read by the browser
// benchmark); work that would compete with the first page for the network
// and the CPU — the offline copies of documents — waits for it
// (afterFirstPage). A screen that shows no document calls noFirstPage() so
// that such work is not held back for ever.
//
// The waiting work starts after the frame that shows the page, not in the
// task that put it on the canvas: a promise resolved there runs its
// continuations (and Preact its re-renders: the delegate's side column,
// ≈0.1–0.2 s of layout at 4×) before the browser paints, so the page would
// reach the screen only after them.

let done = false;
let waiters: (() => void)[] = [];

/** FIRST_PAGE_MARK names the performance mark of the first page drawn. */
export const FIRST_PAGE_MARK = 'dais:first-page';

function release(): void {
  if (done) return;
  done = true;
  const w = waiters;
  waiters = [];
  for (const f of w) f();
}

let marked1 = false;

/** markFirstPage records the first page drawn (only the first call counts); the waiting work goes after it is painted. */
export function markFirstPage(): void {
  if (done || marked1) return;
  marked1 = true;
  try {
    performance.mark(FIRST_PAGE_MARK);
  } catch {
    /* no User Timing */
  }
  afterPaint(release);
}

/**
 * afterPaint calls f after the next frame is painted: a task queued from
 * that frame's animation callback runs after its paint. Where there are no
 * frames (tests, a page in the background) a timer bounds the wait.
 */
function afterPaint(f: () => void): void {
  let called = false;
  const once = () => {
    if (called) return;
    called = true;
    f();
  };
  const raf = (globalThis as { requestAnimationFrame?: (cb: () => void) => number }).requestAnimationFrame;
  if (typeof raf === 'function') raf(() => setTimeout(once, 0));
  setTimeout(once, raf ? 500 : 0);
}

/** noFirstPage lets waiting work go when no document is shown. */
export function noFirstPage(): void {
  release();
}

/** firstPageDone reports whether the first page was drawn (or will not be). */
export function firstPageDone(): boolean {
  return done;
}

/** afterFirstPage resolves once the first page is drawn (or none will be). */
export function afterFirstPage(): Promise<void> {
  if (done) return Promise.resolve();
  return new Promise((r) => waiters.push(r));
}

const marked = new Set<string>();

/**
 * markOnce records a step of the start (performance.mark "dais:<name>",
 * the first time only): "main" (the bundle runs), "signed-in", "pdfjs"
 * (the library evaluated), "kept" (the device's kept state read),
 * "connect" (the socket opened), "state" (the meeting shown), "viewer" (the
 * document viewer mounted), "doc-fetch" and "doc-bytes" (the document's
 * first bytes asked for and received by the app), "doc-request",
 * "doc-open", "page-request", "page-render"; the browser benchmark prints
 * them as a timeline.
 */
export function markOnce(name: string): void {
  if (marked.has(name)) return;
  marked.add(name);
  try {
    performance.mark('dais:' + name);
  } catch {
    /* no User Timing */
  }
}

/** resetFirstPage is for the tests. */
export function resetFirstPage(): void {
  marked.clear();
  marked1 = false;
  done = false;
  waiters = [];
}
