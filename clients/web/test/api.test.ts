import { describe, expect, it } from 'vitest';
import { ApiError, createMeeting, documentURL, downloadExport, exportPath, filenameOf, invite, join, joinAhead, normalizeCode, prepareCopies, takeJoinAhead, uploadDocument, type PrepareProgress } from '../src/core/api';
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

  it.each<[string, number, string, boolean]>([
    // name, answer status, code taken, taken?
    ['the same code: the answer joinAhead got, asked once', 200, 'K7Q2-M4XP', true],
    ['another code: nothing (SignIn asks the server itself)', 200, 'AAAA-BBBB', false],
    ['a refused code: the refusal, for SignIn to show', 404, 'K7Q2-M4XP', true],
  ])('joinAhead: %s', async (_, status, taken, expected) => {
    let calls = 0;
    const fetchFn = (async () => {
      calls++;
      return status === 200
        ? new Response(JSON.stringify({ token: 't1', meeting: 'm1', participant: 'p1', role: 'delegate' }), { status })
        : new Response(JSON.stringify({ error: { code: 'not_found', message: 'unknown code', message_vi: 'Mã không đúng' } }), { status });
    }) as unknown as typeof fetch;
    joinAhead('K7Q2-M4XP', fetchFn);
    const p = takeJoinAhead(taken);
    expect(p !== null).toBe(expected);
    if (p) {
      const got = await p.catch((e) => e);
      if (status === 200) expect(got).toMatchObject({ token: 't1' });
      else expect(got).toBeInstanceOf(ApiError);
      expect(takeJoinAhead(taken)).toBeNull(); // once: a code works once
    }
    expect(calls).toBe(1);
    takeJoinAhead('K7Q2-M4XP'); // leave nothing for the next case
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

  it('names the readers of a confidential upload, and only of one', () => {
    const send = (confidential: boolean) => {
      const x = new FakeXHR();
      void uploadDocument({ meeting: 'm1', token: 't', title: 'x', confidential, readers: ['p01', 'p02'], file: new Blob([]), xhr: () => x as unknown as XMLHttpRequest }).catch(() => {});
      return new URL(x.url, 'http://h').searchParams;
    };
    expect(send(true).get('readers')).toBe('p01,p02');
    expect(send(false).has('readers')).toBe(false);
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

// scripted answers fetch calls in order and records them.
function scripted(answers: (() => Response)[]) {
  const calls: { url: string; method: string; auth: string }[] = [];
  const fetchFn = (async (url: string, init: RequestInit) => {
    calls.push({ url, method: init.method ?? 'GET', auth: (init.headers as Record<string, string>).Authorization });
    const a = answers.shift();
    if (!a) throw new Error('unexpected call ' + url);
    return a();
  }) as unknown as typeof fetch;
  return { calls, fetchFn };
}

const json = (v: unknown, status = 200) => () => new Response(JSON.stringify(v), { status });

describe('prepareCopies', () => {
  it('starts the job, polls until it stops, and reports each step', async () => {
    const prog = (done: number, running: boolean, failed = 0): PrepareProgress => ({ document: 'd2', done, total: 3, failed, running });
    const { calls, fetchFn } = scripted([json(prog(0, true), 202), json(prog(2, true)), json(prog(2, false, 1))]);
    const seen: number[] = [];
    const slept: number[] = [];
    const last = await prepareCopies({
      meeting: 'm 1', token: 'tok', doc: 'd2', fetchFn, intervalMs: 7,
      onProgress: (p) => seen.push(p.done),
      sleep: async (ms) => void slept.push(ms),
    });
    expect(last).toMatchObject({ done: 2, failed: 1, running: false });
    expect(seen).toEqual([0, 2, 2]);
    expect(slept).toEqual([7, 7]);
    expect(calls.map((c) => `${c.method} ${c.url} ${c.auth}`)).toEqual([
      'POST /api/v1/meetings/m%201/documents/d2/prepare Bearer tok',
      'GET /api/v1/meetings/m%201/documents/d2/prepare Bearer tok',
      'GET /api/v1/meetings/m%201/documents/d2/prepare Bearer tok',
    ]);
  });

  it('rejects with the server error', async () => {
    const { fetchFn } = scripted([json({ error: { code: 'forbidden', message: 'no', message_vi: 'không' } }, 403)]);
    await expect(prepareCopies({ meeting: 'm', token: 't', doc: 'd1', fetchFn })).rejects.toMatchObject({ code: 'forbidden', status: 403 });
  });
});

describe('exports', () => {
  it('has a path per kind', () => {
    expect(exportPath('minutes-vi')).toBe('/minutes.pdf?lang=vi');
    expect(exportPath('minutes-en')).toBe('/minutes.pdf?lang=en');
    expect(exportPath('packet')).toBe('/packet.pdf');
    expect(exportPath('ballots')).toBe('/ballots.csv');
  });

  it.each([
    ['attachment; filename=bieu-quyet-m1.csv', 'bieu-quyet-m1.csv'],
    ['attachment; filename="bien ban.pdf"', 'bien ban.pdf'],
    ["attachment; filename*=utf-8''bi%C3%AAn-b%E1%BA%A3n.pdf", 'biên-bản.pdf'],
    ['attachment', 'fallback.pdf'],
    [null, 'fallback.pdf'],
  ])('reads the file name of %s', (header, want) => {
    expect(filenameOf(header, 'fallback.pdf')).toBe(want);
  });

  it('downloads with the token and names the file', async () => {
    const { calls, fetchFn } = scripted([() => new Response('a,b\n', { status: 200, headers: { 'Content-Disposition': 'attachment; filename=bieu-quyet-m1.csv' } })]);
    const got = await downloadExport({ meeting: 'm1', token: 'tok', kind: 'ballots', fetchFn });
    expect(got.name).toBe('bieu-quyet-m1.csv');
    expect(await got.blob.text()).toBe('a,b\n');
    expect(calls[0]).toEqual({ url: '/api/v1/meetings/m1/ballots.csv', method: 'GET', auth: 'Bearer tok' });
    const none = scripted([() => new Response('%PDF', { status: 200 })]);
    expect((await downloadExport({ meeting: 'm1', token: 't', kind: 'minutes-en', fetchFn: none.fetchFn })).name).toBe('minutes-en.pdf');
  });
});

// posting records the POSTs a fetch receives and answers each with answer().
function posting(answer: () => Response | Promise<Response>) {
  const calls: { url: string; auth: string; body: unknown }[] = [];
  const fetchFn = (async (url: string, init: RequestInit) => {
    calls.push({ url, auth: (init.headers as Record<string, string>).Authorization, body: JSON.parse(String(init.body)) });
    if (init.method !== 'POST') throw new Error('not a POST');
    return answer();
  }) as unknown as typeof fetch;
  return { calls, fetchFn };
}

const down = () => {
  throw new TypeError('Failed to fetch');
};
const forbidden = json({ error: { code: 'forbidden', message: 'only a secretary may do this', message_vi: 'Chỉ Thư ký được làm việc này' } }, 403);

describe('invite', () => {
  const codes = { invitations: [{ participant: 'p2', code: 'K7Q2-M4XP' }, { participant: 'p1', code: 'AB12-CD34' }] };
  it.each([
    { name: 'named participants, in the order asked', participants: ['p2', 'p1'], answer: json(codes), body: { participants: ['p2', 'p1'] }, want: codes.invitations },
    { name: 'everybody: no list sent', participants: undefined, answer: json(codes), body: {}, want: codes.invitations },
    { name: 'everybody: an empty list is not sent either', participants: [], answer: json({ invitations: [] }), body: {}, want: [] },
    { name: '403 from the server', participants: ['p1'], answer: forbidden, body: { participants: ['p1'] }, err: { status: 403, code: 'forbidden', messageVi: 'Chỉ Thư ký được làm việc này' } },
    { name: 'a network error', participants: ['p1'], answer: down, body: { participants: ['p1'] }, err: { status: 0, code: 'network' } },
    { name: 'an answer without codes', participants: ['p1'], answer: json({ invitations: [{ participant: 'p1' }] }), body: { participants: ['p1'] }, err: { code: 'invalid' } },
    { name: 'a non-JSON error', participants: ['p1'], answer: () => new Response('<html>', { status: 503 }), body: { participants: ['p1'] }, err: { status: 503, code: 'http_503' } },
  ])('$name', async ({ participants, answer, body, want, err }) => {
    const { calls, fetchFn } = posting(answer);
    const got = invite('m 1', 'tok', participants, fetchFn).catch((e) => e);
    if (err) {
      expect(await got).toBeInstanceOf(ApiError);
      expect(await got).toMatchObject(err);
    } else {
      expect(await got).toEqual(want);
    }
    expect(calls).toEqual([{ url: '/api/v1/meetings/m%201/invitations', auth: 'Bearer tok', body }]);
  });
});

describe('createMeeting', () => {
  const body = {
    title: 'Hội nghị Ban Thường vụ',
    starts_at: '2026-12-10T08:00:00+07:00',
    place: 'Phòng họp số 1',
    rooms: [{ id: 'hall', name: 'Hội trường', main: true }, { id: 'd1', name: 'Điểm cầu huyện A' }],
  };
  const session = { token: 't2', meeting: 'm2', participant: 'p-sec', role: 'secretary' };
  it.each([
    { name: '201 with the new session', answer: json(session, 201), want: session },
    { name: '403 from the server', answer: forbidden, err: { status: 403, code: 'forbidden' } },
    { name: '400 invalid', answer: json({ error: { code: 'invalid', message: 'two main rooms', message_vi: 'Có hai hội trường chính' } }, 400), err: { status: 400, code: 'invalid', messageVi: 'Có hai hội trường chính' } },
    { name: 'a network error', answer: down, err: { status: 0, code: 'network' } },
    { name: 'an incomplete session', answer: json({ meeting: 'm2' }, 201), err: { code: 'invalid' } },
  ])('$name', async ({ answer, want, err }) => {
    const { calls, fetchFn } = posting(answer);
    const got = createMeeting('tok', body, fetchFn).catch((e) => e);
    if (err) {
      expect(await got).toBeInstanceOf(ApiError);
      expect(await got).toMatchObject(err);
    } else {
      expect(await got).toEqual(want);
    }
    expect(calls).toEqual([{ url: '/api/v1/meetings', auth: 'Bearer tok', body }]);
  });
});
