// @vitest-environment jsdom
// Between meetings (issue 13): on the account's home a member answers a
// written consultation (a choice, "Ý kiến khác" needing a text, a free
// answer) and sees the office's reminder; their calendar lists their
// meetings and consultations and makes, then revokes, the private iCal
// address; a staff account adds a person and a committee and makes a
// meeting of the committee, which opens; a member is shown no registry.
import { describe, expect, it, vi } from 'vitest';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { firstMissing, idOf } from '../src/core/office';
import { officeKeys, ot } from '../src/ui/office/strings';
import { Entry } from '../src/ui/account/Entry';
import { flush, installScreen } from './screen';

let root: HTMLElement;
installScreen((_, r) => {
  root = r;
}, { clearStorage: true });

type Call = { method: string; url: string; body: any };

function server(routes: Record<string, (body: any) => [number, unknown]>): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    const body = init.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ method, url, body });
    const route = routes[`${method} ${url}`];
    if (!route) return new Response(JSON.stringify({ error: { code: 'not_found', message: 'no route', message_vi: 'không có' } }), { status: 404 });
    const [status, out] = route(body);
    return new Response(status === 204 ? null : JSON.stringify(out), { status });
  });
  return calls;
}

const text = () => root.textContent ?? '';
const byID = (id: string) => root.querySelector('#' + id) as HTMLInputElement;
async function type(el: HTMLInputElement | HTMLTextAreaElement, v: string) {
  await act(() => {
    el.value = v;
    el.dispatchEvent(new Event('input', { bubbles: true }));
  });
}
async function submit(sel: string) {
  await act(() => {
    (root.querySelector(sel) as HTMLFormElement).dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  });
  await flush();
  await flush();
}
async function click(el: Element | undefined | null) {
  expect(el).toBeTruthy();
  await act(() => (el as HTMLElement).click());
  await flush();
  await flush();
}
const button = (label: string) => [...root.querySelectorAll('button')].find((b) => b.textContent?.trim() === label);
const forbidden = (): [number, unknown] => [403, { error: { code: 'forbidden', message: 'only staff', message_vi: 'chỉ cán bộ văn phòng' } }];

const hang = { id: 'binh', name: 'Ngô Thị Hằng', admin: false, disabled: false, password: true, totp: true, sso: false };
const deadline = new Date(Date.now() + 48 * 3600e3).toISOString();
const consultation = (over: Record<string, unknown> = {}) => ({
  id: 'lyk-1',
  committee: 'btv',
  committee_name: 'Ban Thường vụ Tỉnh ủy',
  title: 'Đề án chuyển đổi số năm 2027',
  questions: [
    { id: 'q1', text: 'Đồng chí có đồng ý thông qua Đề án?', kind: 'choice', choices: ['Đồng ý', 'Không đồng ý', 'Ý kiến khác'] },
    { id: 'gopy', text: 'Góp ý thêm', kind: 'free' },
  ],
  documents: [{ id: 'd1', title: 'Dự thảo Đề án', sha256: 'x', size: 1, pages: 12 }],
  deadline,
  members: [
    { person: 'bithu', name: 'Trần Văn Bình' },
    { person: 'uv2', name: 'Ngô Thị Hằng' },
  ],
  chair: 'bithu',
  status: 'open',
  answers: {},
  answered: {},
  reminded: { uv2: '2026-12-04T01:00:00Z' },
  role: 'member',
  answered_count: 0,
  version: 3,
  ...over,
});

describe('helpers', () => {
  it.each([
    ['Nguyễn Thị Hương', 'nguyen-thi-huong'],
    ['Ban Thường vụ Tỉnh ủy', 'ban-thuong-vu-tinh-uy'],
    ['Đặng Văn Đức', 'dang-van-duc'],
  ])('idOf(%s) = %s', (n, want) => expect(idOf(n)).toBe(want));

  it('firstMissing wants a choice, a text for Ý kiến khác and for a free question', () => {
    const qs = consultation().questions as any;
    expect(firstMissing(qs, {})).toBe(0);
    expect(firstMissing(qs, { q1: { question: 'q1', choice: 'Ý kiến khác' } })).toBe(0);
    expect(firstMissing(qs, { q1: { question: 'q1', choice: 'Đồng ý' } })).toBe(1);
    expect(firstMissing(qs, { q1: { question: 'q1', choice: 'Đồng ý' }, gopy: { question: 'gopy', text: ' x ' } })).toBe(-1);
  });

  it('has every word in both languages', () => {
    for (const k of officeKeys()) {
      expect(ot('vi', k), k).not.toBe('');
      expect(ot('en', k), k).not.toBe('');
    }
  });
});

describe('a member between meetings', () => {
  it('answers a consultation, sees the reminder, and makes then revokes the iCal address', async () => {
    let feed = false;
    const calls = server({
      'GET /api/v1/account/options': () => [200, { setup: false, sso: false, session: { account: hang, expires: '' } }],
      'GET /api/v1/account/meetings': () => [200, { meetings: [] }],
      'GET /api/v1/account/calendar': () => [
        200,
        {
          person: { id: 'uv2', name: 'Ngô Thị Hằng' },
          feed,
          entries: [
            { uid: 'meeting-m1@dais', kind: 'meeting', id: 'm1', title: 'Hội nghị Ban Thường vụ tháng 12', start: '2026-12-10T01:00:00Z', end: '2026-12-10T05:00:00Z', location: 'Phòng họp số 1' },
            { uid: 'consultation-lyk-1@dais', kind: 'consultation', id: 'lyk-1', title: 'Hạn trả lời phiếu lấy ý kiến: Đề án', start: deadline, end: deadline },
          ],
        },
      ],
      'GET /api/v1/consultations': () => [200, { consultations: [consultation()] }],
      'POST /api/v1/consultations/lyk-1/answers': (b) => [
        200,
        { consultation: consultation({ answers: { uv2: b.answers }, answered: { uv2: '2026-12-04T02:00:00Z' }, answered_count: 1 }) },
      ],
      'POST /api/v1/account/calendar/feed': () => {
        feed = true;
        return [201, { url: 'https://dais.example/api/v1/calendar/SECRET.ics', webcal: 'webcal://dais.example/api/v1/calendar/SECRET.ics' }];
      },
      'DELETE /api/v1/account/calendar/feed': () => {
        feed = false;
        return [204, undefined];
      },
      'GET /api/v1/people': forbidden,
      'GET /api/v1/committees': forbidden,
    });
    await act(() => render(<Entry initialCode="" onSignedIn={() => {}} hash="" search="" />, root));
    await flush();
    await flush();
    expect(text()).toContain('Lấy ý kiến bằng văn bản');
    expect(text()).toContain('Đề án chuyển đổi số năm 2027');
    expect(text()).toContain('Văn phòng đã nhắc đồng chí trả lời');
    expect(text()).toContain('Dự thảo Đề án (12 trang)');
    expect(text()).not.toContain('Các ban và thành viên'); // not staff
    expect(text()).not.toContain('chỉ cán bộ văn phòng'); // the refusal is not shown as an error
    // "Ý kiến khác" without a text is not sent.
    const radio = (v: string) => root.querySelector(`input[type=radio][value="${v}"]`) as HTMLInputElement;
    await click(radio('Ý kiến khác'));
    await submit('form.consult-answer');
    expect(text()).toContain('Câu 1 chưa trả lời đủ');
    expect(calls.some((c) => c.url.endsWith('/answers'))).toBe(false);
    await type(root.querySelector('textarea[aria-label="Ý kiến cho câu 1"]') as HTMLTextAreaElement, 'Đề nghị bổ sung kinh phí cho vùng sâu.');
    await type(root.querySelector('textarea[aria-label="Ý kiến cho câu 2"]') as HTMLTextAreaElement, 'Cần lộ trình rõ ràng.');
    await submit('form.consult-answer');
    expect(calls.find((c) => c.url.endsWith('/answers'))?.body).toEqual({
      answers: [
        { question: 'q1', choice: 'Ý kiến khác', text: 'Đề nghị bổ sung kinh phí cho vùng sâu.' },
        { question: 'gopy', text: 'Cần lộ trình rõ ràng.' },
      ],
    });
    expect(text()).toContain('Đã gửi ý kiến.');
    expect(text()).toContain('Đồng chí đã trả lời lúc');
    expect(button('Gửi lại ý kiến')).toBeTruthy();
    // The calendar and its private address.
    expect(text()).toContain('Lịch của đồng chí');
    expect(text()).toContain('Hội nghị Ban Thường vụ tháng 12');
    await click(button('Tạo địa chỉ lịch riêng'));
    expect((root.querySelector('.feed-url input') as HTMLInputElement).value).toBe('https://dais.example/api/v1/calendar/SECRET.ics');
    expect(root.querySelector('.feed-url a')?.getAttribute('href')).toBe('webcal://dais.example/api/v1/calendar/SECRET.ics');
    await click(button('Thu hồi địa chỉ lịch'));
    expect(calls.some((c) => c.method === 'DELETE' && c.url === '/api/v1/account/calendar/feed')).toBe(true);
    expect(text()).toContain('Đã thu hồi');
    expect(root.querySelector('.feed-url')).toBeNull();
  });

  it('the chair approves a draft and closes it; the result shows', async () => {
    let c: any = consultation({ status: 'draft', role: 'chair', reminded: {} });
    server({
      'GET /api/v1/account/options': () => [200, { setup: false, sso: false, session: { account: { ...hang, id: 'bithu', name: 'Trần Văn Bình' }, expires: '' } }],
      'GET /api/v1/account/meetings': () => [200, { meetings: [] }],
      'GET /api/v1/account/calendar': () => [200, { person: { id: 'bithu', name: 'Trần Văn Bình' }, feed: false, entries: [] }],
      'GET /api/v1/consultations': () => [200, { consultations: [c] }],
      'POST /api/v1/consultations/lyk-1/approve': () => [200, { consultation: (c = { ...c, status: 'open' }) }],
      'POST /api/v1/consultations/lyk-1/close': () => [
        200,
        {
          consultation: (c = {
            ...c,
            status: 'closed',
            closed_by: 'chair',
            result: { members: 2, answered: 1, not_answered: ['bithu'], questions: [{ question: 'q1', counts: [{ choice: 'Đồng ý', count: 1 }], opinions: [], base: 2, needed: 2, passed: false }] },
          }),
        },
      ],
      'GET /api/v1/people': forbidden,
      'GET /api/v1/committees': forbidden,
    });
    await act(() => render(<Entry initialCode="" onSignedIn={() => {}} hash="" search="" />, root));
    await flush();
    await flush();
    expect(text()).toContain('bản nháp, chờ duyệt');
    await click(button('Duyệt và gửi phiếu'));
    expect(text()).toContain('đang lấy ý kiến');
    await click(button('Kết thúc lấy ý kiến'));
    expect(text()).toContain('KHÔNG THÔNG QUA: 1/2 đồng ý, cần 2');
    expect(root.querySelector('a[href="/api/v1/consultations/lyk-1/summary.pdf?lang=vi"]')).not.toBeNull();
  });
});

describe('the office staff', () => {
  it('the staff remind those who have not answered; a failed e-mail is named', async () => {
    const staff = { ...hang, id: 'huong', name: 'Nguyễn Thị Hương', admin: true };
    const calls = server({
      'GET /api/v1/account/options': () => [200, { setup: false, sso: false, session: { account: staff, expires: '' } }],
      'GET /api/v1/account/meetings': () => [200, { meetings: [] }],
      'GET /api/v1/accounts': () => [200, { accounts: [] }],
      'GET /api/v1/consultations': () => [200, { consultations: [consultation({ role: 'staff', reminded: {} })] }],
      'GET /api/v1/people': () => [200, { people: [] }],
      'GET /api/v1/committees': () => [200, { committees: [] }],
      'POST /api/v1/consultations/lyk-1/remind': () => [200, { reminded: ['bithu', 'uv2'], mail_failed: ['uv2'] }],
    });
    await act(() => render(<Entry initialCode="" onSignedIn={() => {}} hash="" search="" />, root));
    await flush();
    await flush();
    await click(button('Nhắc người chưa trả lời'));
    expect(calls.some((c) => c.method === 'POST' && c.url === '/api/v1/consultations/lyk-1/remind')).toBe(true);
    expect(text()).toContain('Đã nhắc 2 đồng chí chưa trả lời.');
    expect(text()).toContain('Không gửi được thư nhắc tới: Ngô Thị Hằng.');
  });

  it('adds a person and a committee, and makes a meeting of the committee that opens', async () => {
    let ps = [
      { id: 'bithu', name: 'Trần Văn Bình', title: 'Bí thư Tỉnh ủy' },
      { id: 'uv2', name: 'Ngô Thị Hằng' },
    ];
    let cs: any[] = [];
    const opened = vi.fn();
    const calls = server({
      'GET /api/v1/account/options': () => [200, { setup: false, sso: false, session: { account: { ...hang, id: 'huong', name: 'Nguyễn Thị Hương', admin: true }, expires: '' } }],
      'GET /api/v1/account/meetings': () => [200, { meetings: [] }],
      'GET /api/v1/accounts': () => [200, { accounts: [] }],
      'GET /api/v1/consultations': () => [200, { consultations: [] }],
      'GET /api/v1/people': () => [200, { people: ps }],
      'GET /api/v1/committees': () => [200, { committees: cs }],
      'PUT /api/v1/people/le-thi-phuong': (b) => {
        ps = [...ps, { id: 'le-thi-phuong', ...b }];
        return [200, { person: { id: 'le-thi-phuong', ...b } }];
      },
      'PUT /api/v1/committees/ban-thuong-vu': (b) => {
        cs = [{ id: 'ban-thuong-vu', ...b }];
        return [200, { committee: cs[0] }];
      },
      'POST /api/v1/committees/ban-thuong-vu/meetings': () => [201, { session: { token: 'mtok', meeting: 'm9', participant: 'huong', role: 'secretary' }, participants: [] }],
    });
    await act(() => render(<Entry initialCode="" onSignedIn={opened} hash="" search="" />, root));
    await flush();
    await flush();
    expect(text()).toContain('Các ban và thành viên');
    expect(text()).toContain('Trần Văn Bình — Bí thư Tỉnh ủy');
    expect(text()).not.toContain('Lịch của đồng chí'); // no person for this account (404)
    await type(byID('np-name'), 'Lê Thị Phương');
    await type(byID('np-title'), 'Phó Bí thư Thường trực');
    await type(byID('np-email'), 'phuong@tinhuy.example');
    await submit('form.new-person');
    expect(calls.find((c) => c.method === 'PUT' && c.url === '/api/v1/people/le-thi-phuong')?.body).toEqual({
      name: 'Lê Thị Phương',
      title: 'Phó Bí thư Thường trực',
      email: 'phuong@tinhuy.example',
    });
    expect(text()).toContain('Đã lưu Lê Thị Phương.');
    await type(byID('nc-name'), 'Ban Thường vụ');
    const pick = (name: string) => [...root.querySelectorAll('.member-pick')].find((d) => d.textContent?.includes(name))!;
    await click(pick('Trần Văn Bình').querySelector('input[type=checkbox]'));
    await click(pick('Trần Văn Bình').querySelector('input[type=radio]'));
    await click(pick('Lê Thị Phương').querySelector('input[type=checkbox]'));
    await submit('form.new-committee');
    expect(calls.find((c) => c.method === 'PUT' && c.url === '/api/v1/committees/ban-thuong-vu')?.body).toEqual({
      name: 'Ban Thường vụ',
      members: [{ person: 'bithu', chair: true }, { person: 'le-thi-phuong' }],
    });
    expect(text()).toContain('Ban Thường vụ · 2 thành viên');
    await submit('form.committee-meeting');
    expect(calls.find((c) => c.url === '/api/v1/committees/ban-thuong-vu/meetings')?.body).toMatchObject({ title: 'Hội nghị Ban Thường vụ' });
    expect(opened).toHaveBeenCalledWith(expect.objectContaining({ token: 'mtok', meeting: 'm9' }));
  });
});

describe('the office staff drafts a consultation', () => {
  it('with a choice and a free question, then adds a PDF to the draft', async () => {
    const staff = { ...hang, id: 'huong', name: 'Nguyễn Thị Hương', admin: true };
    const com = { id: 'btv', name: 'Ban Thường vụ Tỉnh ủy', members: [{ person: 'bithu', chair: true }, { person: 'uv2' }] };
    const calls = server({
      'GET /api/v1/account/options': () => [200, { setup: false, sso: false, session: { account: staff, expires: '' } }],
      'GET /api/v1/account/meetings': () => [200, { meetings: [] }],
      'GET /api/v1/accounts': () => [200, { accounts: [] }],
      'GET /api/v1/consultations': () => [200, { consultations: [] }],
      'GET /api/v1/people': () => [200, { people: [] }],
      'GET /api/v1/committees': () => [200, { committees: [com] }],
      'POST /api/v1/consultations': (b) => [201, { consultation: consultation({ status: 'draft', role: 'staff', title: b.title, documents: [], reminded: {} }) }],
    });
    // The upload's body is a file, not JSON: answer it apart.
    const jsonFetch = globalThis.fetch;
    vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
      if (url.startsWith('/api/v1/consultations/lyk-1/documents')) {
        calls.push({ method: init.method ?? 'GET', url, body: init.body });
        return new Response(JSON.stringify({ document: { id: 'd9', title: 'Dự thảo', sha256: 'x', size: 5, pages: 4 } }), { status: 201 });
      }
      return jsonFetch(url, init);
    });
    await act(() => render(<Entry initialCode="" onSignedIn={() => {}} hash="" search="" />, root));
    await flush();
    await flush();
    expect(text()).toContain('Soạn phiếu lấy ý kiến');
    await type(byID('dc-title'), 'Lấy ý kiến về Đề án chuyển đổi số');
    await type(byID('dc-q0'), 'Đồng chí có đồng ý thông qua Đề án?');
    await click(button('Thêm câu hỏi'));
    await type(byID('dc-q1'), 'Góp ý thêm');
    await click(root.querySelectorAll('.draft-consultation fieldset')[1].querySelector('input[type=checkbox]'));
    // The status region is in the page before the note, so a screen reader announces the note.
    const live = root.querySelector('form.draft-consultation > [role="status"]');
    expect(live).not.toBeNull();
    expect(live!.textContent).toBe('');
    await submit('form.draft-consultation');
    const sent = calls.find((c) => c.method === 'POST' && c.url === '/api/v1/consultations')?.body;
    expect(sent).toMatchObject({
      committee: 'btv',
      title: 'Lấy ý kiến về Đề án chuyển đổi số',
      questions: [
        { text: 'Đồng chí có đồng ý thông qua Đề án?', kind: 'choice' },
        { text: 'Góp ý thêm', kind: 'free' },
      ],
    });
    expect(sent.deadline).toMatch(/T17:00:00/);
    await vi.waitFor(() => expect(live!.textContent).toBe('Đã lưu bản nháp; chờ người chủ trì duyệt.'));
    expect(root.querySelector('form.draft-consultation > [role="status"]')).toBe(live);
    expect(text()).toContain('bản nháp, chờ duyệt');
    const file = root.querySelector('.add-document input[type=file]') as HTMLInputElement;
    Object.defineProperty(file, 'files', { value: [new File(['%PDF-'], 'Dự thảo.pdf', { type: 'application/pdf' })] });
    await act(() => {
      file.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await flush();
    await flush();
    expect(calls.find((c) => c.url.startsWith('/api/v1/consultations/lyk-1/documents'))?.url).toBe('/api/v1/consultations/lyk-1/documents?title=D%E1%BB%B1%20th%E1%BA%A3o');
    expect(text()).toContain('Dự thảo (4 trang)');
  });
});

describe('the link of a reminder e-mail', () => {
  it('brings its consultation into view', async () => {
    const seen: string[] = [];
    (Element.prototype as any).scrollIntoView = function (this: Element) {
      seen.push(this.getAttribute('aria-labelledby') ?? '');
    };
    location.hash = '#consultation=lyk-1';
    server({
      'GET /api/v1/account/options': () => [200, { setup: false, sso: false, session: { account: hang, expires: '' } }],
      'GET /api/v1/account/meetings': () => [200, { meetings: [] }],
      'GET /api/v1/account/calendar': () => [200, { person: { id: 'uv2', name: 'Ngô Thị Hằng' }, feed: false, entries: [] }],
      'GET /api/v1/consultations': () => [200, { consultations: [consultation(), consultation({ id: 'lyk-2', title: 'Phiếu khác' })] }],
      'GET /api/v1/people': forbidden,
      'GET /api/v1/committees': forbidden,
    });
    try {
      await act(() => render(<Entry initialCode="" onSignedIn={() => {}} hash="" search="" />, root));
      await flush();
      await flush();
      expect(seen).toEqual(['ct-lyk-1']);
    } finally {
      location.hash = '';
      delete (Element.prototype as any).scrollIntoView;
    }
  });
});

describe('a member reaches their own work (issue 13)', () => {
  it('lists their meetings as a delegate (to join on a tablet), what waits for their answer, and answers', async () => {
    const later = new Date(Date.now() + 96 * 3600e3).toISOString();
    const calls = server({
      'GET /api/v1/account/options': () => [200, { setup: false, sso: false, session: { account: hang, expires: '' } }],
      'GET /api/v1/account/meetings': () => [
        200,
        {
          meetings: [
            { meeting: 'm1', title: 'Họp Ban Thường vụ thường kỳ', starts_at: '2026-12-10T01:00:00Z', place: 'Phòng họp số 1', status: 'scheduled', participant: 'uv2', role: 'delegate', can_open: false },
          ],
        },
      ],
      'GET /api/v1/account/calendar': () => [200, { person: { id: 'uv2', name: 'Ngô Thị Hằng' }, feed: false, entries: [] }],
      'GET /api/v1/consultations': () => [
        200,
        {
          consultations: [
            consultation({ id: 'lyk-2', title: 'Phiếu đã trả lời', deadline: later, answered: { uv2: '2026-12-04T02:00:00Z' }, reminded: {} }),
            consultation({ reminded: {} }),
          ],
        },
      ],
      'POST /api/v1/consultations/lyk-1/answers': (b) => [200, { consultation: consultation({ answers: { uv2: b.answers }, answered: { uv2: '2026-12-04T03:00:00Z' }, reminded: {}, answered_count: 1 }) }],
      'GET /api/v1/people': forbidden,
      'GET /api/v1/committees': forbidden,
    });
    await act(() => render(<Entry initialCode="" onSignedIn={() => {}} hash="" search="" />, root));
    await flush();
    await flush();
    const meetings = root.querySelector('ul.office-meetings')!;
    expect(meetings.textContent).toContain('Họp Ban Thường vụ thường kỳ');
    expect(meetings.textContent).toContain('Phòng họp số 1');
    expect(meetings.textContent).toContain('Dự họp trên máy tính bảng bằng mã mời');
    expect(meetings.querySelector('button')).toBeNull(); // a delegate opens nothing here
    expect(text()).toContain('Còn 1 phiếu chờ đồng chí trả lời');
    // What waits comes first, marked; the answered one after it.
    const cards = [...root.querySelectorAll('article.consultation')];
    expect(cards.map((c) => c.querySelector('h3')?.id)).toEqual(['ct-lyk-1', 'ct-lyk-2']);
    expect(cards[0].querySelector('.answer-state')?.textContent).toBe('Chưa trả lời');
    expect(cards[1].querySelector('.answer-state')?.textContent).toBe('Đã trả lời');
    const radio = cards[0].querySelector('input[type=radio][value="Đồng ý"]') as HTMLInputElement;
    await click(radio);
    await type(cards[0].querySelector('textarea[aria-label="Ý kiến cho câu 2"]') as HTMLTextAreaElement, 'Không.');
    await act(() => {
      (cards[0].querySelector('form.consult-answer') as HTMLFormElement).dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    });
    await flush();
    await flush();
    expect(calls.filter((c) => c.url === '/api/v1/consultations/lyk-1/answers')).toHaveLength(1);
    expect(text()).toContain('Đồng chí đã trả lời mọi phiếu đang lấy ý kiến.');
  });

  it('a member who is also the office staff answers too', async () => {
    server({
      'GET /api/v1/account/options': () => [200, { setup: false, sso: false, session: { account: { ...hang, id: 'huong' }, expires: '' } }],
      'GET /api/v1/account/meetings': () => [200, { meetings: [] }],
      'GET /api/v1/account/calendar': () => [200, { person: { id: 'uv2', name: 'Ngô Thị Hằng', staff: true }, feed: false, entries: [] }],
      'GET /api/v1/consultations': () => [200, { consultations: [consultation({ role: 'staff', reminded: {} })] }],
      'GET /api/v1/people': () => [200, { people: [] }],
      'GET /api/v1/committees': () => [200, { committees: [] }],
    });
    await act(() => render(<Entry initialCode="" onSignedIn={() => {}} hash="" search="" />, root));
    await flush();
    await flush();
    expect(root.querySelector('form.consult-answer')).not.toBeNull();
    expect(button('Nhắc người chưa trả lời')).toBeTruthy();
  });
});

describe('marking the office staff (issue 13)', () => {
  it('an administrator marks a new person and a listed one as staff; the form sends only what the API takes', async () => {
    let ps: any[] = [{ id: 'uv2', name: 'Ngô Thị Hằng', title: 'Chủ nhiệm Ủy ban Kiểm tra', account: 'binh', updated: '2026-12-01T00:00:00Z' }];
    const calls = server({
      'GET /api/v1/account/options': () => [200, { setup: false, sso: false, session: { account: { ...hang, id: 'huong', name: 'Nguyễn Thị Hương', admin: true }, expires: '' } }],
      'GET /api/v1/account/meetings': () => [200, { meetings: [] }],
      'GET /api/v1/accounts': () => [200, { accounts: [] }],
      'GET /api/v1/consultations': () => [200, { consultations: [] }],
      'GET /api/v1/people': () => [200, { people: ps }],
      'GET /api/v1/committees': () => [200, { committees: [] }],
      'PUT /api/v1/people/tran-thu-ha': (b) => {
        ps = [...ps, { id: 'tran-thu-ha', ...b }];
        return [200, { person: { id: 'tran-thu-ha', ...b } }];
      },
      'PUT /api/v1/people/uv2': (b) => {
        ps = ps.map((p) => (p.id === 'uv2' ? { id: 'uv2', ...b } : p));
        return [200, { person: { id: 'uv2', ...b } }];
      },
    });
    await act(() => render(<Entry initialCode="" onSignedIn={() => {}} hash="" search="" />, root));
    await flush();
    await flush();
    await type(byID('np-name'), 'Trần Thu Hà');
    await click(byID('np-staff'));
    await submit('form.new-person');
    expect(calls.find((c) => c.method === 'PUT' && c.url === '/api/v1/people/tran-thu-ha')?.body).toEqual({ name: 'Trần Thu Hà', staff: true });
    expect(byID('np-staff').checked).toBe(false); // the form is cleared
    const toggle = (name: string) => root.querySelector(`input[aria-label="Cán bộ văn phòng: ${name}"]`) as HTMLInputElement;
    expect(toggle('Trần Thu Hà').checked).toBe(true);
    expect(toggle('Ngô Thị Hằng').checked).toBe(false);
    await click(toggle('Ngô Thị Hằng'));
    expect(calls.find((c) => c.method === 'PUT' && c.url === '/api/v1/people/uv2')?.body).toEqual({
      name: 'Ngô Thị Hằng',
      title: 'Chủ nhiệm Ủy ban Kiểm tra',
      account: 'binh',
      staff: true,
    });
    expect(text()).toContain('Đã giao quyền cán bộ văn phòng cho Ngô Thị Hằng.');
    expect(toggle('Ngô Thị Hằng').checked).toBe(true);
  });

  it('staff who are not administrators see who is staff but cannot change it', async () => {
    server({
      'GET /api/v1/account/options': () => [200, { setup: false, sso: false, session: { account: { ...hang, id: 'ha' }, expires: '' } }],
      'GET /api/v1/account/meetings': () => [200, { meetings: [] }],
      'GET /api/v1/consultations': () => [200, { consultations: [] }],
      'GET /api/v1/people': () => [200, { people: [{ id: 'tran-thu-ha', name: 'Trần Thu Hà', staff: true, account: 'ha' }] }],
      'GET /api/v1/committees': () => [200, { committees: [] }],
    });
    await act(() => render(<Entry initialCode="" onSignedIn={() => {}} hash="" search="" />, root));
    await flush();
    await flush();
    expect(root.querySelector('ul.people-list .staff-badge')?.textContent).toBe('Cán bộ văn phòng');
    expect(root.querySelector('#np-staff')).toBeNull();
    expect(root.querySelector('.staff-toggle')).toBeNull();
  });
});

// A screen reader announces a change inside a live region it already knows,
// not a region added together with its text: each page's status region is
// in the page before the action, and the message arrives inside that same
// element.
describe('the status messages between meetings', () => {
  it('the calendar, a consultation and the committees say it in the region already there', async () => {
    server({
      'GET /api/v1/account/options': () => [200, { setup: false, sso: false, session: { account: { ...hang, id: 'huong', name: 'Nguyễn Thị Hương', admin: true }, expires: '' } }],
      'GET /api/v1/account/meetings': () => [200, { meetings: [] }],
      'GET /api/v1/accounts': () => [200, { accounts: [] }],
      'GET /api/v1/account/calendar': () => [200, { person: { id: 'uv2', name: 'Ngô Thị Hằng' }, feed: true, entries: [] }],
      'DELETE /api/v1/account/calendar/feed': () => [204, undefined],
      'GET /api/v1/consultations': () => [200, { consultations: [consultation({ reminded: {} })] }],
      'POST /api/v1/consultations/lyk-1/answers': (b) => [200, { consultation: consultation({ reminded: {}, answers: { uv2: b.answers }, answered: { uv2: '2026-12-04T02:00:00Z' }, answered_count: 1 }) }],
      'GET /api/v1/people': () => [200, { people: [{ id: 'bithu', name: 'Trần Văn Bình' }] }],
      'GET /api/v1/committees': () => [200, { committees: [] }],
      'PUT /api/v1/people/le-thi-phuong': (b) => [200, { person: { id: 'le-thi-phuong', ...b } }],
    });
    await act(() => render(<Entry initialCode="" onSignedIn={() => {}} hash="" search="" />, root));
    await vi.waitFor(() => {
      expect(button('Thu hồi địa chỉ lịch')).toBeTruthy();
      expect(root.querySelector('form.consult-answer')).not.toBeNull();
      expect(root.querySelector('form.new-person')).not.toBeNull();
    });
    const region = (sel: string) => {
      const el = root.querySelector(sel + ' [role="status"]');
      expect(el, sel).not.toBeNull();
      expect(el!.textContent, sel).toBe('');
      return el!;
    };
    // The calendar.
    const cal = region('section.my-calendar');
    await act(() => button('Thu hồi địa chỉ lịch')!.click());
    await vi.waitFor(() => expect(cal.textContent).toBe('Đã thu hồi; địa chỉ cũ không còn hoạt động.'));
    expect(root.querySelector('section.my-calendar [role="status"]')).toBe(cal);
    // A consultation: the region of the card, not the answer form's.
    const card = region('article.consultation');
    await click(root.querySelector('input[type=radio][value="Đồng ý"]'));
    await type(root.querySelector('textarea[aria-label="Ý kiến cho câu 2"]') as HTMLTextAreaElement, 'Cần lộ trình rõ ràng.');
    await act(() => void (root.querySelector('form.consult-answer') as HTMLFormElement).dispatchEvent(new Event('submit', { bubbles: true, cancelable: true })));
    await vi.waitFor(() => expect(card.textContent).toBe('Đã gửi ý kiến.'));
    expect(root.querySelector('article.consultation [role="status"]')).toBe(card);
    // The committees.
    const reg = root.querySelector('section.committees > [role="status"]');
    expect(reg).not.toBeNull();
    expect(reg!.textContent).toBe('');
    await type(byID('np-name'), 'Lê Thị Phương');
    await act(() => void (root.querySelector('form.new-person') as HTMLFormElement).dispatchEvent(new Event('submit', { bubbles: true, cancelable: true })));
    await vi.waitFor(() => expect(reg!.textContent).toBe('Đã lưu Lê Thị Phương.'));
    expect(root.querySelector('section.committees > [role="status"]')).toBe(reg);
  });
});
