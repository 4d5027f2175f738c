// A document's bytes fetched by the app itself, for pdf.js (issue 17).
//
// pdf.js asks for a document's data through the page's main thread: on a
// new tablet the first request waited until the screen built after the
// welcome was done (≈0.1–0.2 s at 4× throttling). So the viewer fetches
// the first bytes itself, as soon as it knows which document is shown,
// and hands them to pdf.js with the file's size (a PDFDataRangeTransport);
// pdf.js then asks for any other range through requestDataRange, served
// here. A file no larger than the first request (pdf.js would have
// fetched it whole in one request too) is handed over complete.
//
// The size is taken from the server's Content-Range, not from the
// document's metadata: a confidential document is a copy made for its
// reader (watermarked), whose size is its own.

import { backoffDelay } from './backoff';

/** FirstBytes are the first bytes of a file and its size (data.length === total: the whole file). */
export interface FirstBytes {
  data: Uint8Array;
  total: number;
}

type FetchFn = typeof fetch;

/**
 * fetchFirstBytes asks for bytes 0…n-1 of url with headers. It resolves
 * with them and the file's size, or with null when the server answers
 * anything but a range (206) or the whole file (200), or the network
 * fails: the caller then leaves the loading to pdf.js, whose error the
 * viewer shows. It never rejects.
 */
export async function fetchFirstBytes(url: string, headers: Record<string, string>, n: number, fetchFn: FetchFn = fetch, signal?: AbortSignal): Promise<FirstBytes | null> {
  try {
    const resp = await fetchFn(url, { headers: { ...headers, Range: `bytes=0-${n - 1}` }, signal });
    if (resp.status === 200) {
      const data = new Uint8Array(await resp.arrayBuffer());
      return data.length > 0 ? { data, total: data.length } : null;
    }
    if (resp.status !== 206) {
      void resp.body?.cancel().catch(() => {});
      return null;
    }
    const r = parseContentRange(resp.headers.get('Content-Range'));
    const data = new Uint8Array(await resp.arrayBuffer());
    if (!r || r.begin !== 0 || data.length !== r.end - r.begin + 1 || r.total < data.length) return null;
    return { data, total: r.total };
  } catch {
    return null;
  }
}

/** parseContentRange reads "bytes a-b/total" (null: anything else, an unknown total included). */
export function parseContentRange(h: string | null): { begin: number; end: number; total: number } | null {
  const m = /^bytes\s+(\d+)-(\d+)\/(\d+)\s*$/i.exec(h ?? '');
  if (!m) return null;
  const [begin, end, total] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (!(begin <= end && end < total)) return null;
  return { begin, end, total };
}

/** RangeRefused is a range the server refused (a 4xx, or a whole file where a range was asked): asking again will not help. */
export class RangeRefused extends Error {
  readonly status: number;
  constructor(status: number) {
    super(`HTTP ${status}`);
    this.name = 'RangeRefused';
    this.status = status;
  }
}

/** RangeOptions tune fetchRange; every field has a default. */
export interface RangeOptions {
  fetchFn?: FetchFn;
  signal?: AbortSignal;
  /** retries after a network failure or a 5xx answer (default 4; backoff from 250 ms). */
  retries?: number;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * fetchRange fetches bytes begin…end-1 (end exclusive, as pdf.js asks) of
 * url. A network failure or a 5xx answer is retried with backoff; a 4xx
 * answer, or a 206 whose range or length is not the one asked, rejects at
 * once (RangeRefused for the status; an Error otherwise), as does an abort.
 */
export async function fetchRange(url: string, headers: Record<string, string>, begin: number, end: number, o: RangeOptions = {}): Promise<Uint8Array> {
  const fetchFn = o.fetchFn ?? fetch;
  const retries = o.retries ?? 4;
  const sleep = o.sleep ?? abortableSleep;
  for (let attempt = 0; ; attempt++) {
    let resp: Response | null = null;
    try {
      resp = await fetchFn(url, { headers: { ...headers, Range: `bytes=${begin}-${end - 1}` }, signal: o.signal });
    } catch (err) {
      if (o.signal?.aborted || attempt >= retries) throw err;
    }
    if (resp) {
      if (resp.status === 206) {
        const r = parseContentRange(resp.headers.get('Content-Range'));
        const data = new Uint8Array(await resp.arrayBuffer());
        if (!r || r.begin !== begin || data.length !== r.end - r.begin + 1 || (r.end + 1 !== end && r.end + 1 !== r.total)) {
          throw new Error(`the server answered bytes ${resp.headers.get('Content-Range')} for ${begin}-${end - 1}`);
        }
        return data;
      }
      void resp.body?.cancel().catch(() => {});
      if (resp.status < 500 || attempt >= retries) throw new RangeRefused(resp.status);
    }
    await sleep(backoffDelay(attempt, o.random ?? Math.random, { baseMs: 250, capMs: 4000 }), o.signal);
    if (o.signal?.aborted) throw new Error('aborted');
  }
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const h = setTimeout(done, ms);
    function done() {
      clearTimeout(h);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
