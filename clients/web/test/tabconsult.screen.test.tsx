// @vitest-environment jsdom
// Written consultations on a member's tablet (issue 13): the tablet signed
// in with the meeting's code shows a "Lấy ý kiến" entry with the number
// waiting for the member's answer, answers with the meeting session's token
// through the same card as the account's home (its documents open from
// buttons, fetched with the token), and asks again after each
// welcome; a tablet that proves no member (the server answers person "")
// shows nothing.
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { act } from 'preact/test-utils';
import { FakeSocket } from './fakes';
import { flush, installScreen, signIn } from './screen';

let sockets: FakeSocket[] = [];
let root: HTMLElement;
installScreen((s, r) => {
  sockets = s;
  root = r;
});

const snapshot = () => ({
  version: 20,
  id: 'm1',
  title: 'Họp Ban Thường vụ thường kỳ',
  status: 'published',
  rooms: [{ id: 'main', name: 'Hội trường chính', main: true }],
  participants: { uv2: { id: 'uv2', name: 'Ngô Thị Hằng', role: 'delegate', room: 'main' } },
  order: ['uv2'],
  agenda: [{ id: 'i1', title: 'Khai mạc' }],
  current: 'i1',
  documents: {},
  proposals: {},
  polls: {},
  poll_order: [],
  presentation: {},
  floor: {},
});

const deadline = new Date(Date.now() + 48 * 3600e3).toISOString();
const consultation = (over: Record<string, unknown> = {}) => ({
  id: 'lyk-1',
  committee: 'btv',
  committee_name: 'Ban Thường vụ Tỉnh ủy',
  title: 'Đề án chuyển đổi số năm 2027',
  questions: [{ id: 'q1', text: 'Đồng chí có đồng ý thông qua Đề án?', kind: 'choice', choices: ['Đồng ý', 'Không đồng ý', 'Ý kiến khác'] }],
  documents: [{ id: 'd1', title: 'Dự thảo Đề án', pages: 12 }],
  deadline,
  members: [
    { person: 'bithu', name: 'Trần Văn Bình' },
    { person: 'uv2', name: 'Ngô Thị Hằng' },
  ],
  chair: 'bithu',
  status: 'open',
  answers: {},
  answered: {},
  role: 'member',
  answered_count: 0,
  ...over,
});

const text = () => root.textContent ?? '';
const shown = (sel: string) =>
  vi.waitFor(
    async () => {
      await flush();
      expect(root.querySelector(sel)).not.toBeNull();
    },
    { timeout: 5000, interval: 20 },
  );

describe("a member's tablet answers a written consultation", () => {
  it('shows the entry with its badge, answers with the meeting token, and asks again after a welcome', async () => {
    const seen: { line: string; body?: any }[] = [];
    let c = consultation();
    vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
      const auth = (init.headers as Record<string, string>)?.Authorization ?? '';
      seen.push({ line: `${init.method ?? 'GET'} ${url} ${auth}`, body: init.body ? JSON.parse(String(init.body)) : undefined });
      if (url === '/api/v1/meetings/m1/consultations') return new Response(JSON.stringify({ person: 'uv2', consultations: [c] }), { status: 200 });
      if (url === '/api/v1/meetings/m1/consultations/lyk-1/documents/d1/file') return new Response('%PDF-1.7', { status: 200, headers: { 'Content-Type': 'application/pdf' } });
      if (url === '/api/v1/meetings/m1/consultations/lyk-1/answers') {
        c = consultation({ answers: { uv2: JSON.parse(String(init.body)).answers }, answered: { uv2: new Date().toISOString() }, answered_count: 1 });
        return new Response(JSON.stringify({ consultation: c }), { status: 200 });
      }
      return new Response(JSON.stringify({ error: { code: 'not_found', message: 'no route', message_vi: 'không có' } }), { status: 404 });
    });
    const { ws } = await signIn(root, sockets, { participant: 'uv2', role: 'delegate' }, { seq: 20, snapshot: snapshot() });
    await shown('details.tablet-consultations');
    const entry = root.querySelector('details.tablet-consultations') as HTMLDetailsElement;
    expect(entry.querySelector('summary')?.textContent).toContain('Lấy ý kiến');
    expect(entry.querySelector('.waiting-badge')?.getAttribute('aria-label')).toBe('1 phiếu chờ đồng chí trả lời');
    expect(entry.open).toBe(true);
    expect(entry.textContent).toContain('Đề án chuyển đổi số năm 2027');
    expect(entry.textContent).toContain('Chưa trả lời');
    expect(entry.querySelector('a')).toBeNull(); // no account link to the documents on a tablet
    // The document opens from a button, fetched with the meeting's token.
    const created = vi.fn((_: Blob) => 'blob:doc');
    Object.assign(URL, { createObjectURL: created, revokeObjectURL: () => {} });
    onTestFinished(() => {
      delete (URL as any).createObjectURL;
      delete (URL as any).revokeObjectURL;
    });
    const clicked = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    const docButton = [...entry.querySelectorAll('button')].find((b) => b.textContent?.includes('Dự thảo Đề án (12 trang)'));
    expect(docButton).toBeTruthy();
    await act(async () => {
      docButton!.click();
    });
    for (let i = 0; i < 4; i++) await flush();
    expect(seen.map((s) => s.line)).toContain('GET /api/v1/meetings/m1/consultations/lyk-1/documents/d1/file Bearer tok');
    expect(created).toHaveBeenCalledTimes(1);
    expect(clicked).toHaveBeenCalledTimes(1);
    clicked.mockRestore();
    expect(entry.textContent).not.toContain('Báo cáo tổng hợp ý kiến'); // the office's buttons stay at the office
    expect(seen.map((s) => s.line)).toContain('GET /api/v1/meetings/m1/consultations Bearer tok');
    await act(async () => {
      (entry.querySelector('input[type=radio][value="Đồng ý"]') as HTMLInputElement).click();
    });
    await act(async () => {
      (entry.querySelector('form.consult-answer') as HTMLFormElement).dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    });
    for (let i = 0; i < 4; i++) await flush();
    const post = seen.find((s) => s.line.startsWith('POST '));
    expect(post?.line).toBe('POST /api/v1/meetings/m1/consultations/lyk-1/answers Bearer tok');
    expect(post?.body).toEqual({ answers: [{ question: 'q1', choice: 'Đồng ý' }] });
    expect(text()).toContain('Đã gửi ý kiến.');
    expect(entry.querySelector('.waiting-badge')).toBeNull();
    expect(entry.textContent).toContain("đã trả lời đủ");
    expect(entry.open).toBe(true); // still open: the card says it was sent

    // Back from a cut: the welcome makes the tablet ask again.
    const asked = seen.filter((s) => s.line.startsWith('GET /api/v1/meetings/m1/consultations')).length;
    await act(() => {
      ws.deliver({ type: 'welcome', protocol: 1, meeting: 'm1', participant: 'uv2', role: 'delegate', seq: 20 });
    });
    for (let i = 0; i < 4; i++) await flush();
    expect(seen.filter((s) => s.line.startsWith('GET /api/v1/meetings/m1/consultations')).length).toBe(asked + 1);
  });

  it('asks again at once when the server rings for consultations (sent or closed), not for another notice', async () => {
    let list: unknown[] = [];
    let asked = 0;
    vi.stubGlobal('fetch', async (url: string) => {
      if (url === '/api/v1/meetings/m1/consultations') {
        asked++;
        return new Response(JSON.stringify({ person: 'uv2', consultations: list }), { status: 200 });
      }
      return new Response(JSON.stringify({ error: { code: 'not_found', message: 'no route', message_vi: 'không có' } }), { status: 404 });
    });
    const { ws } = await signIn(root, sockets, { participant: 'uv2', role: 'delegate' }, { seq: 20, snapshot: snapshot() });
    await vi.waitFor(() => expect(asked).toBeGreaterThan(0), { timeout: 5000, interval: 20 });
    for (let i = 0; i < 4; i++) await flush();
    const first = asked; // on mount (and after the welcome)
    expect(root.querySelector('details.tablet-consultations')).toBeNull(); // nothing sent yet
    // Another kind of notice asks nothing here.
    await act(() => {
      ws.deliver({ type: 'notice', name: 'conclusions', id: 'kl-1' });
    });
    for (let i = 0; i < 4; i++) await flush();
    expect(asked).toBe(first);
    // The chair sends one: the notice makes the tablet ask now, not in a minute.
    list = [consultation()];
    await act(() => {
      ws.deliver({ type: 'notice', name: 'consultations', id: 'lyk-1' });
    });
    for (let i = 0; i < 4; i++) await flush();
    await shown('details.tablet-consultations');
    expect(asked).toBe(first + 1);
    expect(root.querySelector('.waiting-badge')?.getAttribute('aria-label')).toBe('1 phiếu chờ đồng chí trả lời');
    // Closed: rung again, the entry goes.
    list = [];
    await act(() => {
      ws.deliver({ type: 'notice', name: 'consultations', id: 'lyk-1' });
    });
    await vi.waitFor(
      async () => {
        await flush();
        expect(root.querySelector('details.tablet-consultations')).toBeNull();
      },
      { timeout: 5000, interval: 20 },
    );
    expect(asked).toBe(first + 2);
  }, 15000);

  it('shows nothing on a tablet that proves no member (a substitute)', async () => {
    const seen: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      seen.push(url);
      if (url === '/api/v1/meetings/m1/consultations') return new Response(JSON.stringify({ person: '', consultations: [] }), { status: 200 });
      return new Response(JSON.stringify({ error: { code: 'not_found', message: 'no route', message_vi: 'không có' } }), { status: 404 });
    });
    await signIn(root, sockets, { participant: 'uv2', role: 'delegate' }, { seq: 20, snapshot: snapshot() });
    await vi.waitFor(() => expect(seen).toContain('/api/v1/meetings/m1/consultations'), { timeout: 5000, interval: 20 });
    for (let i = 0; i < 4; i++) await flush();
    expect(root.querySelector('details.tablet-consultations')).toBeNull();
    expect(text()).not.toContain('Lấy ý kiến');
  });
});
