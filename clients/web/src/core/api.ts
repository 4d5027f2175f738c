// The HTTP API (v1), same origin: sign in with an invitation code, fetch
// and upload documents.

import type { DocumentMeta, ErrorBody } from './types';
import type { Session } from './session';

/** ApiError is a 4xx/5xx answer of the HTTP API, or a network failure (code "network"). */
export class ApiError extends Error {
  readonly code: string;
  readonly messageVi: string;
  readonly status: number;
  constructor(status: number, body: ErrorBody) {
    super(body.message);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code;
    this.messageVi = body.message_vi;
  }
}

/** normalizeCode tidies a typed or scanned invitation code: upper case, no spaces. */
export function normalizeCode(code: string): string {
  return code.trim().toUpperCase().replace(/\s+/g, '');
}

async function errorOf(resp: Response): Promise<ApiError> {
  let body: ErrorBody | undefined;
  try {
    body = ((await resp.json()) as { error?: ErrorBody }).error;
  } catch {
    /* not JSON */
  }
  return new ApiError(
    resp.status,
    body ?? { code: 'http_' + resp.status, message: `HTTP ${resp.status}`, message_vi: `Lỗi HTTP ${resp.status}` },
  );
}

const networkError = (err: unknown) =>
  new ApiError(0, {
    code: 'network',
    message: `Cannot reach the server (${String(err)})`,
    message_vi: `Không kết nối được tới máy chủ (${String(err)})`,
  });

/** join redeems an invitation code: POST /api/v1/join. */
export async function join(code: string, fetchFn: typeof fetch = fetch, base = ''): Promise<Session> {
  let resp: Response;
  try {
    resp = await fetchFn(`${base}/api/v1/join`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ code: normalizeCode(code) }),
    });
  } catch (err) {
    throw networkError(err);
  }
  if (!resp.ok) throw await errorOf(resp);
  const s = (await resp.json()) as Session;
  if (!s.token || !s.meeting || !s.participant) {
    throw new ApiError(resp.status, { code: 'invalid', message: 'Incomplete session', message_vi: 'Phiên đăng nhập không đầy đủ' });
  }
  return s;
}

/** documentURL is where a document's PDF is served (Bearer token, range requests). */
export function documentURL(meeting: string, doc: string, base = ''): string {
  return `${base}/api/v1/meetings/${encodeURIComponent(meeting)}/documents/${encodeURIComponent(doc)}/file`;
}

/** UploadOptions describe one document upload. */
export interface UploadOptions {
  meeting: string;
  token: string;
  title: string;
  confidential: boolean;
  file: Blob;
  /** onProgress receives the share sent, 0–1. */
  onProgress?: (fraction: number) => void;
  base?: string;
  /** xhr makes the request object (tests). */
  xhr?: () => XMLHttpRequest;
}

/**
 * uploadDocument sends a PDF as the raw body of
 * POST /api/v1/meetings/{meeting}/documents?title=…&confidential=… and
 * resolves with the Document the server registered. XMLHttpRequest rather
 * than fetch: only it reports upload progress.
 */
export function uploadDocument(o: UploadOptions): Promise<DocumentMeta> {
  return new Promise((resolve, reject) => {
    const x = (o.xhr ?? (() => new XMLHttpRequest()))();
    const q = new URLSearchParams({ title: o.title, confidential: String(o.confidential) });
    x.open('POST', `${o.base ?? ''}/api/v1/meetings/${encodeURIComponent(o.meeting)}/documents?${q}`);
    x.setRequestHeader('Authorization', `Bearer ${o.token}`);
    x.setRequestHeader('Content-Type', 'application/pdf');
    x.upload.onprogress = (ev) => {
      if (ev.lengthComputable && ev.total > 0) o.onProgress?.(ev.loaded / ev.total);
    };
    x.onerror = () => reject(networkError('upload failed'));
    x.onload = () => {
      let body: any;
      try {
        body = JSON.parse(x.responseText);
      } catch {
        body = undefined;
      }
      if (x.status >= 200 && x.status < 300 && body?.id) {
        o.onProgress?.(1);
        resolve(body as DocumentMeta);
        return;
      }
      reject(
        new ApiError(
          x.status,
          body?.error ?? { code: 'http_' + x.status, message: `HTTP ${x.status}`, message_vi: `Lỗi HTTP ${x.status}` },
        ),
      );
    };
    x.send(o.file);
  });
}
