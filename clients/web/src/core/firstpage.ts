// The first page drawn after the app starts: the moment a tablet is useful.
// The viewer calls markFirstPage() when it puts a page on screen (once per
// page load: performance.mark 'dais:first-page', read by the browser
// benchmark); work that would compete with the first page for the network
// and the CPU — the offline copies of documents — waits for it
// (afterFirstPage). A screen that shows no document calls noFirstPage() so
// that such work is not held back for ever.

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

/** markFirstPage records the first page drawn (only the first call counts). */
export function markFirstPage(): void {
  if (done) return;
  try {
    performance.mark(FIRST_PAGE_MARK);
  } catch {
    /* no User Timing */
  }
  release();
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
 * document viewer mounted), "doc-request", "doc-open", "page-request",
 * "page-render"; the browser benchmark prints them as a timeline.
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
  done = false;
  waiters = [];
}
