import { describe, expect, it } from 'vitest';
import { ApiError, documentURL, join, normalizeCode, uploadDocument } from '../src/core/api';
import { memoryKV, SessionStore } from '../src/core/session';

describe('join', () => {
  it('posts the tidied code and returns the session', async () => {
    let got: { url: string; init: RequestInit } | undefined;
    const fetchFn = (async (url: string, init: RequestInit) => {
      got = { url, init };
      return new Response(JSON.stringify({ token: 't1', meeting: 'm1', participant: 'p1', role: 'delegate' }), { status: 200 });
    }) as unknown as typeof fetch;
    const s = await join(' k7q2-m4xp ', fetchFn);
    expect(s).toEqual({ token: 't1', meeting: 'm1', participant: 'p1', role: 'delegate' });
    expect(got?.url).toBe('/api/v1/join');
    expect(JSON.parse(String(got?.init.body))).toEqual({ code: 'K7Q2-M4XP' });
  });

  it('turns an error answer into an ApiError with both messages', async () => {
    const fetchFn = (async () =>
      new Response(JSON.stringify({ error: { code: 'not_found', message: 'unknown code', message_vi: 'Mã không đúng' } }), { status: 404 })) as unknown as typeof fetch;
    const err = await join('X', fetchFn).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 404, code: 'not_found', messageVi: 'Mã không đúng' });
  });

  it('reports an unreachable server and a non-JSON error', async () => {
    const down = (async () => {
      throw new TypeError('Failed to fetch');
    }) as unknown as typeof fetch;
    expect((await join('X', down).catch((e) => e)).code).toBe('network');
    const html = (async () => new Response('<html>', { status: 502 })) as unknown as typeof fetch;
    expect((await join('X', html).catch((e) => e)).code).toBe('http_502');
  });

  it('normalizes codes and builds document URLs', () => {
    expect(normalizeCode(' ab cd-ef ')).toBe('ABCD-EF');
    expect(documentURL('m 1', 'd/1')).toBe('/api/v1/meetings/m%201/documents/d%2F1/file');
  });
});

// FakeXHR records the request and lets the test answer it.
class FakeXHR {
  method = '';
  url = '';
  headers: Record<string, string> = {};
  body: unknown;
  status = 0;
  responseText = '';
  upload: { onprogress: ((ev: { lengthComputable: boolean; loaded: number; total: number }) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  open(m: string, u: string) {
    this.method = m;
    this.url = u;
  }
  setRequestHeader(k: string, v: string) {
    this.headers[k] = v;
  }
  send(b: unknown) {
    this.body = b;
  }
}

describe('uploadDocument', () => {
  it('sends the raw PDF with the token and reports progress', async () => {
    const x = new FakeXHR();
    const progress: number[] = [];
    const p = uploadDocument({
      meeting: 'm1',
      token: 'tok',
      title: 'Dự toán ngân sách 2027',
      confidential: true,
      file: new Blob(['%PDF-1.7']),
      onProgress: (f) => progress.push(f),
      xhr: () => x as unknown as XMLHttpRequest,
    });
    expect(x.method).toBe('POST');
    expect(x.url).toBe('/api/v1/meetings/m1/documents?title=D%E1%BB%B1+to%C3%A1n+ng%C3%A2n+s%C3%A1ch+2027&confidential=true');
    expect(x.headers.Authorization).toBe('Bearer tok');
    x.upload.onprogress?.({ lengthComputable: true, loaded: 4, total: 8 });
    x.status = 201;
    x.responseText = JSON.stringify({ id: 'd9', title: 'Dự toán', pages: 3, sha256: 'aa' });
    x.onload?.();
    await expect(p).resolves.toMatchObject({ id: 'd9', pages: 3 });
    expect(progress).toEqual([0.5, 1]);
  });

  it('rejects with the server error', async () => {
    const x = new FakeXHR();
    const p = uploadDocument({ meeting: 'm1', token: 't', title: 'x', confidential: false, file: new Blob([]), xhr: () => x as unknown as XMLHttpRequest });
    x.status = 400;
    x.responseText = JSON.stringify({ error: { code: 'invalid', message: 'not a PDF', message_vi: 'Không phải tệp PDF' } });
    x.onload?.();
    await expect(p).rejects.toMatchObject({ code: 'invalid', status: 400 });
  });
});

describe('SessionStore', () => {
  it('keeps a session per meeting and the last one to resume', () => {
    const s = new SessionStore(memoryKV());
    expect(s.last()).toBeNull();
    s.save({ token: 'a', meeting: 'm1', participant: 'p1', role: 'delegate' });
    s.save({ token: 'b', meeting: 'm2', participant: 'p2', role: 'chair' });
    expect(s.get('m1')?.token).toBe('a');
    expect(s.last()?.meeting).toBe('m2');
    s.forget('m2');
    expect(s.last()).toBeNull();
    expect(s.get('m2')).toBeNull();
    expect(s.get('m1')?.token).toBe('a');
  });

  it('ignores damaged entries', () => {
    const kv = memoryKV();
    kv.setItem('dais.session.m1', '{oops');
    kv.setItem('dais.session.last', 'm1');
    expect(new SessionStore(kv).last()).toBeNull();
  });
});
