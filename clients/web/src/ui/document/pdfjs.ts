// Loading pdf.js. The library (≈400 kB) and its worker (≈1.2 MB) are the
// largest files of the app, and a tablet needs them for its first page: so
// they are fetched as soon as there is a session or a sign-in under way
// (main.tsx, the sign-in), in parallel with the sign-in and the meeting's
// welcome, not when the document pane mounts. (With a one-time code the
// library used to follow the sign-in, its evaluation keeping the main
// thread from the sign-in's answer; since the code is redeemed behind a
// loading line instead of the form, the answer comes sooner and the library
// was then the last thing the document waited for.)
//
// The worker is started by us at once (new Worker: its script downloads and
// compiles on its own thread while the library loads) and handed to pdf.js
// as one PDFWorker shared by every document, passed to getDocument; a
// document's loading task then never owns nor terminates it. Each file is
// requested once; the service worker keeps what the page fetched.
//
// A document's first bytes are fetched by the app itself (fetchFirst, as
// soon as the shown document is known: openAhead at the welcome) and handed
// to pdf.js with the file's size; pdf.js's own requests would wait for the
// main thread (core/ranges.ts).

import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import { markOnce } from '../../core/firstpage';
import { documentHeaders } from '../../core/api';
import { fetchFirstBytes, fetchRange, type FirstBytes } from '../../core/ranges';

export type PdfJs = typeof import('pdfjs-dist');
type PDFWorkerT = InstanceType<PdfJs['PDFWorker']>;

let libP: Promise<PdfJs> | null = null;
let port: Worker | null = null;
let shared: PDFWorkerT | null = null;

/**
 * preloadPdfJs starts pdf.js's worker and, unless workerOnly, loads the
 * library (once; not where there are no workers: tests); it never throws.
 */
export function preloadPdfJs(workerOnly = false): void {
  if (typeof Worker === 'undefined') return;
  startWorker();
  if (workerOnly) return;
  void loadPdfJs().catch(() => {
    /* reported when a document is opened */
  });
}

function startWorker(): void {
  if (port || typeof Worker === 'undefined') return;
  try {
    port = new Worker(workerUrl, { type: 'module', name: 'pdf.js' });
  } catch {
    port = null; // pdf.js starts it itself from workerSrc
  }
}

/** loadPdfJs resolves with the library, its worker started. */
export function loadPdfJs(): Promise<PdfJs> {
  if (libP) return libP;
  startWorker();
  libP = import('pdfjs-dist').then((lib) => {
    markOnce('pdfjs');
    lib.GlobalWorkerOptions.workerSrc = workerUrl;
    return lib;
  });
  libP.catch(() => {
    libP = null; // a later call tries again (the network may be back)
  });
  return libP;
}

/** pdfWorker returns the PDFWorker every document shares (undefined: pdf.js makes one per document). */
export function pdfWorker(lib: PdfJs): PDFWorkerT | undefined {
  if (!port) return undefined;
  // (pdf.js types the port as null; it takes a Worker.)
  shared ??= new lib.PDFWorker({ port: port as never });
  return shared;
}

type PdfDoc = Awaited<ReturnType<PdfJs['getDocument']>['promise']>;

/**
 * OpenTask is a document being opened: pdf.js's loading task, or, when the
 * app hands it the bytes, one whose promise also rejects when a range the
 * server refuses was needed to open it; failed rejects (with the server's
 * status, core/ranges RangeRefused) when one is refused later, the
 * document then closed (pdf.js cannot be told a range failed: its pages
 * would wait for ever).
 */
export interface OpenTask {
  promise: Promise<PdfDoc>;
  destroy(): Promise<void>;
  failed?: Promise<never>;
}
type LoadingTask = OpenTask;

/** CHUNK is the size of the ranges pdf.js asks for. */
const CHUNK = 128 * 1024;
/** FIRST_BYTES are fetched by the app itself before pdf.js opens a document (a file this small comes whole, as pdf.js would fetch it). */
export const FIRST_BYTES = 2 * CHUNK;

/**
 * openFromServer opens a document from the server in ranges, with the
 * session token. With first (its first bytes, fetched by fetchFirst), pdf.js
 * starts from them: the whole file as data, or a range transport whose
 * other ranges are fetched here (core/ranges.ts); without, pdf.js fetches
 * it itself.
 */
export function openFromServer(lib: PdfJs, url: string, token: string, first?: FirstBytes | null): LoadingTask {
  const worker = pdfWorker(lib);
  const headers = documentHeaders(token, 'viewer');
  if (first && first.data.length === first.total) return lib.getDocument({ data: first.data, isEvalSupported: false, worker });
  if (first) {
    const ctl = new AbortController();
    const range = new lib.PDFDataRangeTransport(first.total, first.data);
    let fail!: (err: unknown) => void;
    const failed = new Promise<never>((_, reject) => (fail = reject));
    failed.catch(() => {}); // (read by the viewer, if it wants)
    range.requestDataRange = (begin: number, end: number) => {
      fetchRange(url, headers, begin, end, { signal: ctl.signal }).then(
        (b) => !ctl.signal.aborted && range.onDataRange(begin, b),
        (err: unknown) => {
          if (ctl.signal.aborted) return;
          // pdf.js has no way to be told a range failed: the document is closed and the error said here.
          console.warn('dais: a range of the document could not be fetched', url, err);
          fail(err);
          void task.destroy();
        },
      );
    };
    range.abort = () => ctl.abort();
    const task = lib.getDocument({ range, rangeChunkSize: CHUNK, disableAutoFetch: true, isEvalSupported: false, worker });
    return { promise: Promise.race([task.promise, failed]), destroy: () => task.destroy(), failed };
  }
  return lib.getDocument({
    url,
    httpHeaders: headers,
    rangeChunkSize: CHUNK,
    disableAutoFetch: true,
    isEvalSupported: false,
    worker,
  });
}

/** fetchFirst fetches a document's first bytes (null: pdf.js is left to fetch it, and to say what went wrong). */
export function fetchFirst(url: string, token: string, signal?: AbortSignal): Promise<FirstBytes | null> {
  if (typeof fetch !== 'function') return Promise.resolve(null);
  markOnce('doc-fetch');
  return fetchFirstBytes(url, documentHeaders(token, 'viewer'), FIRST_BYTES, fetch, signal).then((f) => {
    markOnce('doc-bytes');
    return f;
  });
}

// A document opened ahead of its viewer: a new tablet knows which document
// is shown as soon as the welcome arrives, and opens it (network, the
// worker's parsing) while the screen is being built; the viewer then takes
// the loading task (takeAhead). Not taken within AHEAD_MS: closed.
const AHEAD_MS = 30_000;
let ahead: { key: string; task: Promise<LoadingTask | null> } | null = null;

/** openAhead starts opening url before a viewer mounts (once per url and token). */
export function openAhead(url: string, token: string): void {
  if (typeof Worker === 'undefined') return;
  const key = url + '\n' + token;
  if (ahead?.key === key) return;
  dropAhead();
  // The first bytes are asked for at once, in parallel with the library (not through pdf.js: its
  // requests wait for the main thread, busy building the screen).
  const first = fetchFirst(url, token);
  const entry = { key, task: Promise.all([loadPdfJs(), first]).then(([lib, f]) => openFromServer(lib, url, token, f), () => null) };
  ahead = entry;
  setTimeout(() => ahead === entry && dropAhead(), AHEAD_MS);
}

/** takeAhead returns the loading task opened ahead for url, or null; the caller owns it. */
export function takeAhead(url: string, token: string): Promise<LoadingTask | null> | null {
  if (ahead?.key !== url + '\n' + token) return null;
  const t = ahead.task;
  ahead = null;
  return t;
}

/** dropAheadOf closes a document opened ahead whose address contains one of the parts (a document taken back). */
export function dropAheadOf(parts: Iterable<string>): void {
  if (!ahead) return;
  for (const p of parts) if (ahead.key.includes(p)) return dropAhead();
}

function dropAhead(): void {
  const a = ahead;
  ahead = null;
  void a?.task.then((t) => t?.destroy());
}
