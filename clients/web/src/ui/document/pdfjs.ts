// Loading pdf.js. The library (≈400 kB) and its worker (≈1.2 MB) are the
// largest files of the app, and a tablet needs them for its first page: so
// they are fetched as soon as there is a session or a sign-in under way
// (preloadPdfJs, from main.tsx and the sign-in), in parallel with the
// sign-in and the meeting's welcome, not when the document pane mounts.
//
// The worker is started by us at once (new Worker: its script downloads and
// compiles on its own thread while the library loads) and handed to pdf.js
// as one PDFWorker shared by every document, passed to getDocument; a
// document's loading task then never owns nor terminates it. Each file is
// requested once; the service worker keeps what the page fetched.

import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';
import { markOnce } from '../../core/firstpage';

export type PdfJs = typeof import('pdfjs-dist');
type PDFWorkerT = InstanceType<PdfJs['PDFWorker']>;

let libP: Promise<PdfJs> | null = null;
let port: Worker | null = null;
let shared: PDFWorkerT | null = null;

/** preloadPdfJs starts fetching pdf.js and its worker (once; not where there are no workers: tests); it never throws. */
export function preloadPdfJs(): void {
  if (typeof Worker === 'undefined') return;
  void loadPdfJs().catch(() => {
    /* reported when a document is opened */
  });
}

/** loadPdfJs resolves with the library, its worker started. */
export function loadPdfJs(): Promise<PdfJs> {
  if (libP) return libP;
  if (typeof Worker !== 'undefined' && !port) {
    try {
      port = new Worker(workerUrl, { type: 'module', name: 'pdf.js' });
    } catch {
      port = null; // pdf.js starts it itself from workerSrc
    }
  }
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
