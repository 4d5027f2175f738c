// @vitest-environment jsdom
// Conclusions and their tasks (issue 13, part 4) on the account's home: the
// follow-up dashboard counts open, late and done per committee with the
// late rows marked (red) and the PDF report; the assignee's list reports a
// task done with a PDF (multipart) and refuses what the server would; a
// chair approves a draft; an account that is neither staff nor chair sees
// no dashboard.
import { describe, expect, it, vi } from 'vitest';
import { h, render } from 'preact';
import { act } from 'preact/test-utils';
import { checkReport, heading, stateAt, totals, type TaskRow } from '../src/core/conclusions';
import { FollowUp, MyTasks, Tasks, ToSign } from '../src/ui/tasks/Tasks';
import { taskKeys, tw } from '../src/ui/tasks/words';
import { MeetingConclusions, toDraft } from '../src/ui/tasks/MeetingConclusions';
import { flush, installScreen } from './screen';
import { Ctx } from '../src/ui/context';

let root: HTMLElement;
installScreen((_, r) => {
  root = r;
});

type Call = { method: string; url: string; body: unknown };

function server(routes: Record<string, (body: unknown) => [number, unknown]>): Call[] {
  const calls: Call[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    const body = init.body instanceof FormData ? init.body : init.body ? JSON.parse(String(init.body)) : undefined;
    calls.push({ method, url, body });
    const route = routes[`${method} ${url}`];
    if (!route) return new Response(JSON.stringify({ error: { code: 'not_found', message: 'no route', message_vi: 'không có' } }), { status: 404 });
    const [status, out] = route(body);
    return new Response(JSON.stringify(out), { status });
  });
  return calls;
}

const task = (id: string, state: 'open' | 'late' | 'done' | 'imported', over: Partial<TaskRow> = {}): TaskRow => ({
  id,
  title: id === 't1' ? 'Hoàn thiện dự toán trình HĐND' : 'Tuyên truyền kết quả',
  assignee: id === 't1' ? { kind: 'person', person: 'uv1', name: 'Đặng Quốc Việt' } : { kind: 'unit', name: 'Ban Tuyên giáo' },
  deadline: state === 'late' ? '2026-12-01T01:00:00Z' : '2026-12-20T01:00:00Z',
  percent: state === 'done' ? 100 : 20,
  done: state === 'done' ? '2026-12-02T01:00:00Z' : undefined,
  reports: [],
  state,
  conclusion: 'kl-1',
  heading: 'Kết luận số 01-KL/TU',
  meeting: 'btv-12',
  ...over,
});

const text = () => root.textContent ?? '';
/** settle lets the effects, the fetches and the renders after them run. */
const settle = async () => {
  for (let i = 0; i < 4; i++) await flush();
};

describe('the core of conclusions', () => {
  it('names, counts and checks as the server does', () => {
    expect(heading({ kind: 'conclusion', numbered: '15-KL/TU' }, 'vi')).toBe('Kết luận số 15-KL/TU');
    expect(heading({ kind: 'resolution', numbered: '07-NQ/TU' }, 'en')).toBe('Resolution No. 07-NQ/TU');
    expect(heading({ kind: 'resolution' }, 'vi')).toBe('Nghị quyết');
    const now = new Date('2026-12-03T01:00:00Z');
    expect(stateAt({ deadline: '2026-12-03T01:00:00Z' }, now)).toBe('late'); // at the deadline: late
    expect(stateAt({ deadline: '2026-12-04T01:00:00Z' }, now)).toBe('open');
    expect(stateAt({ deadline: '2026-12-01T01:00:00Z', done: '2026-12-02T00:00:00Z' }, now)).toBe('done');
    expect(totals([{ committee: 'a', name: 'A', open: 1, late: 2, done: 3, tasks: [] }, { committee: 'b', name: 'B', open: 1, late: 0, done: 1, tasks: [] }])).toEqual({ open: 2, late: 2, done: 4 });
    expect(checkReport({ percent: 140, done: false, note: 'x' })).toBe('badPercent');
    expect(checkReport({ percent: 140, done: true, note: 'x' })).toBe(''); // done sends 100
    expect(checkReport({ percent: 50, done: false, note: ' ' })).toBe('needNote');
    expect(checkReport({ percent: 50, done: false, note: '', file: { name: 'a.docx', type: 'application/msword' } })).toBe('notPDF');
    expect(checkReport({ percent: 50, done: false, note: '', file: { name: 'bao-cao.pdf', type: '' } })).toBe('');
  });
  it('has every word in both languages', () => {
    for (const k of taskKeys()) {
      expect(tw('vi', k), k).not.toBe('');
      expect(tw('en', k), k).not.toBe('');
    }
    expect(tw('vi', 'dashCounts', { open: 1, late: 2, done: 3 })).toBe('Đang thực hiện: 1 · Quá hạn: 2 · Hoàn thành: 3');
  });
});

describe('the follow-up screens', () => {
  it('counts per committee, marks the late task and links the PDF report', async () => {
    server({
      'GET /api/v1/tasks/dashboard': () => [200, { now: '2026-12-03T01:00:00Z', committees: [{ committee: 'btv', name: 'Ban Thường vụ Tỉnh ủy', open: 0, late: 1, done: 1, tasks: [task('t2', 'late'), task('t1', 'done')] }] }],
    });
    await act(() => {
      render(h(FollowUp, { reload: 0 }), root);
    });
    await settle();
    expect(text()).toContain('Theo dõi nhiệm vụ');
    expect(text()).toContain('Ban Thường vụ Tỉnh ủy');
    expect(text()).toContain('Đang thực hiện: 0 · Quá hạn: 1 · Hoàn thành: 1');
    const late = root.querySelector('tr.task-late')!;
    expect(late.textContent).toContain('Tuyên truyền kết quả');
    expect(late.textContent).toContain('Quá hạn');
    expect(root.querySelector('tr.task-done')!.textContent).toContain('Hoàn thành');
    expect(root.querySelector('a[href="/api/v1/tasks/dashboard.pdf?lang=vi"]')).not.toBeNull();
  });

  it("lists an imported conclusion's tasks apart, in no count", async () => {
    const old = { conclusion: 'kl-cu', heading: 'Kết luận số 03-KL/TU', title: 'Rà soát quy hoạch cũ' };
    server({
      'GET /api/v1/tasks/dashboard': () => [
        200,
        { now: '2026-12-03T01:00:00Z', committees: [{ committee: 'btv', name: 'Ban Thường vụ Tỉnh ủy', open: 0, late: 1, done: 0, tasks: [task('t2', 'late')], imported: [{ ...task('t2', 'late', old), state: 'imported' }, task('t1', 'done', { conclusion: 'kl-cu' })] }] },
      ],
    });
    await act(() => {
      render(h(FollowUp, { reload: 0 }), root);
    });
    await settle();
    expect(text()).toContain('Đang thực hiện: 0 · Quá hạn: 1 · Hoàn thành: 0');
    const apart = root.querySelector('.follow-imported')!;
    expect(apart.querySelector('h4')!.textContent).toBe('Nhiệm vụ của kết luận khôi phục từ bản lưu trữ — chỉ để xem, không tính vào số liệu trên (2)');
    expect(apart.querySelector('tr.task-imported')!.textContent).toContain('Rà soát quy hoạch cũ');
    expect(apart.querySelector('tr.task-imported')!.textContent).toContain('Chưa xong khi lưu trữ');
    expect(apart.querySelector('tr.task-done')!.textContent).toContain('Hoàn thành');
    expect(apart.querySelector('tr.task-late')).toBeNull();
    // Only the counted late task is drawn late, outside the imported list.
    expect(root.querySelectorAll('tr.task-late').length).toBe(1);
  });

  it('shows nothing to an account that is neither staff nor a chair', async () => {
    server({ 'GET /api/v1/tasks/dashboard': () => [403, { error: { code: 'forbidden', message: 'no', message_vi: 'không' } }] });
    await act(() => {
      render(h(FollowUp, { reload: 0 }), root);
    });
    await settle();
    expect(text()).toBe('');
  });

  it('reports a task done with a PDF, after refusing a report without anything', async () => {
    let reported = false;
    const calls = server({
      'GET /api/v1/account/tasks': () => [200, { now: '2026-12-03T01:00:00Z', tasks: reported ? [task('t1', 'done')] : [task('t1', 'open', { reminded: '2026-12-02T01:00:00Z' })] }],
      'POST /api/v1/conclusions/kl-1/tasks/t1/reports': () => {
        reported = true;
        return [200, { conclusion: { id: 'kl-1' } }];
      },
    });
    await act(() => {
      render(h(MyTasks, { onChange: () => undefined }), root);
    });
    await settle();
    expect(text()).toContain('Nhiệm vụ được giao cho đồng chí');
    expect(text()).toContain('Hoàn thiện dự toán trình HĐND');
    expect(text()).toContain('Văn phòng đã nhắc lúc');
    const form = root.querySelector('form.task-report') as HTMLFormElement;
    await act(async () => {
      form.dispatchEvent(new Event('submit', { cancelable: true }));
    });
    expect(text()).toContain('Cần nội dung báo cáo hoặc tệp đính kèm.');
    expect(calls.some((c) => c.method === 'POST')).toBe(false);

    const done = form.querySelector('input[type=checkbox]') as HTMLInputElement;
    const file = form.querySelector('input[type=file]') as HTMLInputElement;
    const pdf = new File(['%PDF-1.7 báo cáo'], 'Báo cáo kết quả.pdf', { type: 'application/pdf' });
    Object.defineProperty(file, 'files', { value: [pdf] });
    await act(async () => {
      done.checked = true;
      done.dispatchEvent(new Event('change'));
      file.dispatchEvent(new Event('change'));
    });
    await act(async () => {
      form.dispatchEvent(new Event('submit', { cancelable: true }));
    });
    await settle();
    const post = calls.find((c) => c.method === 'POST')!;
    const body = post.body as FormData;
    expect(body.get('done')).toBe('true');
    expect(body.get('percent')).toBe('100');
    expect(body.get('title')).toBe('Báo cáo kết quả');
    expect((body.get('file') as File).size).toBe(pdf.size);
    // Done: the list no longer offers a report.
    expect(root.querySelector('form.task-report')).toBeNull();
    expect(text()).toContain('Hoàn thành');
  });

  it('offers no report on a task of a conclusion restored from an archive, and says why', async () => {
    server({
      'GET /api/v1/account/tasks': () => [200, { now: '2026-12-03T01:00:00Z', tasks: [task('t1', 'open'), task('t2', 'imported')] }],
    });
    await act(() => {
      render(h(MyTasks, { onChange: () => undefined }), root);
    });
    await settle();
    const open = root.querySelector('li.task-open')!;
    const imported = root.querySelector('li.task-imported')!;
    expect(open.querySelector('form.task-report')).not.toBeNull();
    expect(imported.querySelector('form.task-report')).toBeNull();
    expect(imported.textContent).toContain('Chưa xong khi lưu trữ');
    expect(imported.textContent).toContain('Kết luận này được khôi phục từ bản lưu trữ: chỉ để xem, không báo cáo tiến độ tại đây.');
  });

  it('lets the chair approve a draft, which gets its number', async () => {
    const calls = server({
      'GET /api/v1/account/calendar': () => [200, { person: { id: 'bithu', name: 'Trần Văn Bình' }, feed: false, entries: [] }],
      'GET /api/v1/conclusions': () => [200, { conclusions: [{ id: 'kl-1', kind: 'conclusion', status: 'draft', chair: 'bithu', title: 'Kết luận về dự toán', meeting_title: 'Hội nghị', agenda_title: 'Dự toán', tasks: [] }] }],
      'POST /api/v1/conclusions/kl-1/approve': () => [200, { conclusion: { id: 'kl-1', kind: 'conclusion', status: 'approved', numbered: '01-KL/TU' } }],
      'GET /api/v1/account/tasks': () => [200, { tasks: [], now: '2026-12-03T01:00:00Z' }],
      'GET /api/v1/tasks/dashboard': () => [200, { committees: [], now: '2026-12-03T01:00:00Z' }],
    });
    await act(() => {
      render(h(Tasks, null), root);
    });
    await settle();
    const btn = [...root.querySelectorAll('button')].find((b) => b.textContent === 'Duyệt và cấp số: Kết luận về dự toán')!;
    await act(async () => {
      btn.click();
    });
    await flush();
    expect(calls.some((c) => c.method === 'POST' && c.url === '/api/v1/conclusions/kl-1/approve')).toBe(true);
    expect(text()).toContain('Đã duyệt: Kết luận số 01-KL/TU.');
  });
});

describe('signing a conclusion', () => {
  it('lists the numbered conclusions the account may sign, signs one with the server certificate, hides the others', async () => {
    const sig = { field: 'Sig1', name: 'Văn phòng Tỉnh ủy', signer: 'Văn phòng Tỉnh ủy Hòa Bình', subject: '', chain: [], trusted: true, signing_time: '2026-12-03T03:30:00Z', level: 'B-B', valid: true, whole_document: true, unchanged: true };
    const calls = server({
      'GET /api/v1/conclusions': () => [200, { conclusions: [
        { id: 'kl-1', kind: 'conclusion', status: 'published', numbered: '01-KL/TU', chair: 'bithu', title: 'Kết luận về dự toán', tasks: [] },
        { id: 'kl-2', kind: 'resolution', status: 'approved', numbered: '02-NQ/TU', chair: 'khac', title: 'Nghị quyết của ban khác', tasks: [] },
        { id: 'kl-3', kind: 'conclusion', status: 'draft', chair: 'bithu', title: 'Dự thảo', tasks: [] },
      ] }],
      'GET /api/v1/conclusions/kl-1/record?record=conclusion%2Fvi': () => [200, { record: 'conclusion/vi', issued: false, signatures: [], log: [], server_signer: 'Văn phòng Tỉnh ủy Hòa Bình' }],
      'GET /api/v1/conclusions/kl-2/record?record=conclusion%2Fvi': () => [403, { error: { code: 'forbidden', message: 'no', message_vi: 'không' } }],
      'POST /api/v1/conclusions/kl-1/record/sign?record=conclusion%2Fvi': () => [200, { record: 'conclusion/vi', issued: true, sha256: 'ab', signatures: [sig], log: [{ participant: 'bithu', signer: sig.signer, level: 'B-B', where: 'server', at: sig.signing_time }], server_signer: sig.signer }],
    });
    await act(() => {
      render(h(ToSign, { reload: 0 }), root);
    });
    await settle();
    expect(text()).toContain('Ký số kết luận, nghị quyết');
    expect(text()).toContain('Kết luận số 01-KL/TU');
    expect(text()).toContain('Chưa ký số.');
    expect(text()).not.toContain('02-NQ/TU'); // not theirs: the server said 403
    expect(text()).not.toContain('Dự thảo'); // a draft is not signed
    expect(root.querySelector('a[href^="/api/v1/conclusions/kl-1/record/file"]')).toBeNull(); // nothing issued yet
    const btn = root.querySelector('button[aria-label="Ký số bằng chứng thư của máy chủ: Kết luận số 01-KL/TU — Kết luận về dự toán"]') as HTMLButtonElement;
    await act(async () => {
      btn.click();
    });
    await settle();
    expect(calls.some((c) => c.method === 'POST' && c.url === '/api/v1/conclusions/kl-1/record/sign?record=conclusion%2Fvi')).toBe(true);
    expect(text()).toContain('Đã ký số: Văn phòng Tỉnh ủy Hòa Bình');
    expect(text()).toContain('không thay đổi từ khi ký.');
    expect(text()).toContain('Đã ký số Kết luận số 01-KL/TU.');
    expect(root.querySelector('a[href="/api/v1/conclusions/kl-1/record/file?record=conclusion%2Fvi"]')!.textContent).toBe('Bản đã ký (PDF)');
  });

  it("lists the closed consultations' summaries the account chairs or staffs, signs one, leaves open, imported and members' ones out", async () => {
    const sig = { field: 'Sig1', name: 'Văn phòng Tỉnh ủy', signer: 'Văn phòng Tỉnh ủy Hòa Bình', subject: '', chain: [], trusted: true, signing_time: '2026-12-03T03:30:00Z', level: 'B-T', valid: true, whole_document: true, unchanged: true };
    const calls = server({
      'GET /api/v1/conclusions': () => [200, { conclusions: [] }],
      'GET /api/v1/consultations': () => [200, { consultations: [
        { id: 'lyk-1', status: 'closed', role: 'chair', title: 'Lấy ý kiến về Đề án chuyển đổi số', questions: [], members: [] },
        { id: 'lyk-2', status: 'open', role: 'chair', title: 'Đang lấy ý kiến', questions: [], members: [] },
        { id: 'lyk-3', status: 'closed', role: 'member', title: 'Của thành viên', questions: [], members: [] },
        { id: 'lyk-4', status: 'closed', role: 'staff', title: 'Khôi phục từ lưu trữ', questions: [], members: [], archived: { archive: 'ab', events: 5, at: '2026-12-03T00:00:00Z' } },
      ] }],
      'GET /api/v1/consultations/lyk-1/record?record=summary%2Fvi': () => [200, { record: 'summary/vi', issued: false, signatures: [], log: [], server_signer: 'Văn phòng Tỉnh ủy Hòa Bình' }],
      'POST /api/v1/consultations/lyk-1/record/sign?record=summary%2Fvi': () => [200, { record: 'summary/vi', issued: true, sha256: 'ab', signatures: [sig], log: [{ participant: 'bithu', signer: sig.signer, level: 'B-T', where: 'server', at: sig.signing_time }], server_signer: sig.signer }],
    });
    await act(() => {
      render(h(ToSign, { reload: 0 }), root);
    });
    await settle();
    expect(text()).toContain('Báo cáo tổng hợp ý kiến — Lấy ý kiến về Đề án chuyển đổi số');
    expect(text()).toContain('dais sign -consultation lyk-1');
    for (const other of ['Đang lấy ý kiến', 'Của thành viên', 'Khôi phục từ lưu trữ']) expect(text()).not.toContain(other);
    expect(calls.filter((c) => c.url.includes('/record')).map((c) => c.url)).toEqual(['/api/v1/consultations/lyk-1/record?record=summary%2Fvi']);
    const btn = root.querySelector('button[aria-label="Ký số bằng chứng thư của máy chủ: Báo cáo tổng hợp ý kiến — Lấy ý kiến về Đề án chuyển đổi số"]') as HTMLButtonElement;
    await act(async () => {
      btn.click();
    });
    await settle();
    expect(calls.some((c) => c.method === 'POST' && c.url === '/api/v1/consultations/lyk-1/record/sign?record=summary%2Fvi')).toBe(true);
    expect(text()).toContain('Đã ký số: Văn phòng Tỉnh ủy Hòa Bình');
    expect(root.querySelector('a[href="/api/v1/consultations/lyk-1/record/file?record=summary%2Fvi"]')!.textContent).toBe('Bản đã ký (PDF)');
  });

  it('says it in English', async () => {
    server({
      'GET /api/v1/conclusions': () => [200, { conclusions: [] }],
      'GET /api/v1/consultations': () => [200, { consultations: [{ id: 'lyk-1', status: 'closed', role: 'staff', title: 'Digital transformation', questions: [], members: [] }] }],
      'GET /api/v1/consultations/lyk-1/record?record=summary%2Fvi': () => [200, { record: 'summary/vi', issued: false, signatures: [], log: [] }],
    });
    await act(() => {
      const en = { lang: 'en' as const, t: (k: string) => k, setLang: () => {}, toast: () => {}, signOut: () => {} };
      render(h(Ctx.Provider, { value: en as any }, h(ToSign, { reload: 0 })), root);
    });
    await settle();
    expect(text()).toContain('Signing conclusions, resolutions and consultation summaries');
    expect(text()).toContain('Summary of opinions — Digital transformation');
    expect(text()).toContain('dais sign -consultation lyk-1');
  });
});

describe('the meeting conclusions panel', () => {
  const store = {
    state: {
      id: 'btv-12',
      agenda: [{ id: 'ns', title: 'Dự toán ngân sách năm 2027' }],
      participants: { uv1: { id: 'uv1', name: 'Đặng Quốc Việt', role: 'delegate' }, sec: { id: 'sec', name: 'Thư ký', role: 'secretary' } },
    },
    session: { token: 'tok-1', meeting: 'btv-12', participant: 'sec', role: 'secretary' },
  } as any;

  it('turns the form into a draft, refusing a half-filled task', () => {
    const base = { item: 'ns', kind: 'conclusion' as const, title: ' Kết luận ', text: 'Nội dung', tasks: [] as any[] };
    expect(toDraft({ ...base, title: '' })).toEqual({ missing: 'needTitle' });
    expect(toDraft({ ...base, tasks: [{ title: 'Việc', who: '', unit: '', deadline: '2026-12-20' }] })).toEqual({ missing: 'needTask', n: 1 });
    expect(toDraft({ ...base, tasks: [{ title: '', who: '', unit: '', deadline: '' }, { title: 'Tuyên truyền', who: '', unit: 'Ban Tuyên giáo', deadline: '2026-12-20' }, { title: 'Dự toán', who: 'uv1', unit: '', deadline: '2026-12-10' }] })).toEqual({
      agenda_item: 'ns',
      kind: 'conclusion',
      title: 'Kết luận',
      text: 'Nội dung',
      tasks: [
        { title: 'Tuyên truyền', deadline: '2026-12-20T17:00:00+07:00', assignee: { kind: 'unit', name: 'Ban Tuyên giáo' } },
        { title: 'Dự toán', deadline: '2026-12-10T17:00:00+07:00', assignee: { kind: 'person', person: 'uv1' } },
      ],
    });
  });

  it('lets the secretary draft one with a task, with the meeting session', async () => {
    let drafted: any = null;
    const seen: string[] = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
      seen.push(`${init.method} ${url} ${(init.headers as Record<string, string>)?.Authorization ?? ''}`);
      if (init.method === 'POST') {
        drafted = JSON.parse(String(init.body));
        return new Response(JSON.stringify({ conclusion: { id: 'kl-1', kind: 'conclusion', status: 'draft', title: drafted.title, agenda_title: 'Dự toán ngân sách năm 2027', tasks: [] } }), { status: 201 });
      }
      return new Response(JSON.stringify({ conclusions: drafted ? [{ id: 'kl-1', kind: 'conclusion', status: 'draft', title: drafted.title, agenda_title: 'Dự toán ngân sách năm 2027', tasks: [] }] : [] }), { status: 200 });
    });
    await act(() => {
      render(h(MeetingConclusions, { store, mode: 'secretary' }), root);
    });
    await settle();
    expect(text()).toContain('Chưa có kết luận nào.');
    const input = (sel: string, v: string) => {
      const el = root.querySelector(sel) as HTMLInputElement;
      el.value = v;
      el.dispatchEvent(new Event(el.tagName === 'SELECT' ? 'change' : 'input'));
    };
    await act(async () => {
      input('#kl-title', 'Kết luận về dự toán');
      input('#kl-text', 'Thống nhất thông qua.');
      input('#kl-t1', 'Hoàn thiện dự toán');
      input('#kl-w1', 'uv1');
      input('#kl-d1', '2026-12-20');
    });
    await act(async () => {
      (root.querySelector('form.conclusion-draft') as HTMLFormElement).dispatchEvent(new Event('submit', { cancelable: true }));
    });
    await settle();
    expect(drafted).toEqual({ agenda_item: 'ns', kind: 'conclusion', title: 'Kết luận về dự toán', text: 'Thống nhất thông qua.', tasks: [{ title: 'Hoàn thiện dự toán', deadline: '2026-12-20T17:00:00+07:00', assignee: { kind: 'person', person: 'uv1' } }] });
    expect(seen).toContain('POST /api/v1/meetings/btv-12/conclusions Bearer tok-1');
    expect(text()).toContain('Đã lưu dự thảo; chờ người chủ trì duyệt.');
    expect(text()).toContain('dự thảo, chờ duyệt');
  });

  it('lets the secretary edit a draft before approval: its title, text and tasks, filled in from the draft', async () => {
    let c: any = {
      id: 'kl-1', kind: 'conclusion', status: 'draft', agenda_item: 'ns', title: 'Kết luận về dự toán', text: 'Thống nhất thông qua.', agenda_title: 'Dự toán',
      tasks: [{ id: 't1', title: 'Hoàn thiện dự toán', assignee: { kind: 'person', person: 'uv1', name: 'Nguyễn Văn A' }, deadline: '2026-12-20T10:00:00Z', percent: 0, reports: [] },
        { id: 't2', title: 'Tuyên truyền', assignee: { kind: 'unit', name: 'Ban Tuyên giáo' }, deadline: '2026-12-31T10:00:00Z', percent: 0, reports: [] }],
    };
    let put: any = null;
    vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
      if (init.method === 'PUT' && url === '/api/v1/meetings/btv-12/conclusions/kl-1') {
        put = JSON.parse(String(init.body));
        c = { ...c, title: put.title, text: put.text };
        return new Response(JSON.stringify({ conclusion: c }), { status: 200 });
      }
      return new Response(JSON.stringify({ conclusions: [c] }), { status: 200 });
    });
    await act(() => {
      render(h(MeetingConclusions, { store, mode: 'secretary' }), root);
    });
    await settle();
    const edit = root.querySelector('button[aria-label="Sửa dự thảo: Kết luận về dự toán"]') as HTMLButtonElement;
    await act(async () => edit.click());
    const form = root.querySelector('form.conclusion-edit') as HTMLFormElement;
    const field = (sel: string) => form.querySelector(sel) as HTMLInputElement;
    // Filled in from the draft: the deadline is its day in Vietnam; the item and the kind stay.
    expect(field('#kl-e-kl-1-title').value).toBe('Kết luận về dự toán');
    expect(field('#kl-e-kl-1-t1').value).toBe('Hoàn thiện dự toán');
    expect(field('#kl-e-kl-1-w1').value).toBe('uv1');
    expect(field('#kl-e-kl-1-d1').value).toBe('2026-12-20');
    expect(field('#kl-e-kl-1-u2').value).toBe('Ban Tuyên giáo');
    expect(field('#kl-e-kl-1-item').disabled).toBe(true);
    await act(async () => {
      field('#kl-e-kl-1-title').value = 'Kết luận về dự toán ngân sách năm 2027';
      field('#kl-e-kl-1-title').dispatchEvent(new Event('input'));
    });
    await act(async () => void form.dispatchEvent(new Event('submit', { cancelable: true })));
    await settle();
    expect(put).toEqual({
      title: 'Kết luận về dự toán ngân sách năm 2027', text: 'Thống nhất thông qua.',
      tasks: [
        { title: 'Hoàn thiện dự toán', deadline: '2026-12-20T17:00:00+07:00', assignee: { kind: 'person', person: 'uv1' } },
        { title: 'Tuyên truyền', deadline: '2026-12-31T17:00:00+07:00', assignee: { kind: 'unit', name: 'Ban Tuyên giáo' } },
      ],
    });
    expect(text()).toContain('Đã lưu thay đổi của dự thảo.');
    expect(text()).toContain('Kết luận về dự toán ngân sách năm 2027');
    expect(root.querySelector('form.conclusion-edit')).toBeNull();
  });

  it('offers no edit once approved, nor to the chair', async () => {
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ conclusions: [
      { id: 'kl-1', kind: 'conclusion', status: 'approved', numbered: '01-KL/TU', title: 'Đã duyệt', agenda_title: 'Dự toán', tasks: [] },
      { id: 'kl-2', kind: 'conclusion', status: 'draft', title: 'Dự thảo', agenda_title: 'Dự toán', tasks: [] },
    ] }), { status: 200 }));
    await act(() => {
      render(h(MeetingConclusions, { store, mode: 'secretary' }), root);
    });
    await settle();
    expect(root.querySelector('button[aria-label="Sửa dự thảo: Đã duyệt"]')).toBeNull();
    expect(root.querySelector('button[aria-label="Sửa dự thảo: Dự thảo"]')).not.toBeNull();
    render(null, root);
    await act(() => {
      render(h(MeetingConclusions, { store: { ...store, session: { ...store.session, role: 'chair' } }, mode: 'chair' }), root);
    });
    await settle();
    expect(root.querySelector('button[aria-label="Sửa dự thảo: Dự thảo"]')).toBeNull();
  });

  it('lets the chair approve a draft from the console', async () => {
    let status = 'draft';
    vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
      const c = { id: 'kl-1', kind: 'conclusion', status, numbered: status === 'draft' ? undefined : '01-KL/TU', title: 'Kết luận về dự toán', agenda_title: 'Dự toán', tasks: [] };
      if (init.method === 'POST' && url === '/api/v1/meetings/btv-12/conclusions/kl-1/approve') {
        status = 'approved';
        return new Response(JSON.stringify({ conclusion: { ...c, status, numbered: '01-KL/TU' } }), { status: 200 });
      }
      return new Response(JSON.stringify({ conclusions: [c] }), { status: 200 });
    });
    await act(() => {
      render(h(MeetingConclusions, { store: { ...store, session: { ...store.session, role: 'chair' } }, mode: 'chair' }), root);
    });
    await settle();
    expect(root.querySelector('form.conclusion-draft')).toBeNull(); // the chair drafts nothing
    const btn = root.querySelector('button[aria-label="Duyệt và cấp số: Kết luận về dự toán"]') as HTMLButtonElement;
    await act(async () => {
      btn.click();
    });
    await settle();
    expect(text()).toContain('Đã duyệt: Kết luận số 01-KL/TU.');
    expect(text()).toContain('Kết luận số 01-KL/TU: Kết luận về dự toán');
    expect(root.querySelector('button[aria-label="Ban hành: Kết luận về dự toán"]')).not.toBeNull();
  });

  it("lets the chair sign an approved conclusion from the console opened from the chair's account, with the meeting session", async () => {
    const sig = { field: 'Sig1', name: 'Văn phòng Tỉnh ủy', signer: 'Văn phòng Tỉnh ủy Hòa Bình', subject: '', chain: [], trusted: true, signing_time: '2026-12-03T03:30:00Z', level: 'B-B', valid: true, whole_document: true, unchanged: true };
    const seen: string[] = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
      seen.push(`${init.method ?? 'GET'} ${url} ${(init.headers as Record<string, string>)?.Authorization ?? ''}`);
      if (url === '/api/v1/meetings/btv-12/conclusions/kl-1/record?record=conclusion%2Fvi') {
        return new Response(JSON.stringify({ record: 'conclusion/vi', issued: false, signatures: [], log: [], server_signer: sig.signer }), { status: 200 });
      }
      if (init.method === 'POST' && url === '/api/v1/meetings/btv-12/conclusions/kl-1/record/sign?record=conclusion%2Fvi') {
        return new Response(JSON.stringify({ record: 'conclusion/vi', issued: true, sha256: 'ab', signatures: [sig], log: [{ participant: 'chair', signer: sig.signer, level: 'B-B', where: 'server', at: sig.signing_time }], server_signer: sig.signer }), { status: 200 });
      }
      return new Response(JSON.stringify({ conclusions: [{ id: 'kl-1', kind: 'conclusion', status: 'approved', numbered: '01-KL/TU', title: 'Kết luận về dự toán', agenda_title: 'Dự toán', tasks: [], version: 3 }] }), { status: 200 });
    });
    await act(() => {
      render(h(MeetingConclusions, { store: { ...store, session: { ...store.session, participant: 'chair', role: 'chair' } }, mode: 'chair' }), root);
    });
    await settle();
    expect(text()).toContain('Chưa ký số.');
    const btn = root.querySelector('button[aria-label="Ký số bằng chứng thư của máy chủ: Kết luận số 01-KL/TU"]') as HTMLButtonElement;
    await act(async () => {
      btn.click();
    });
    await settle();
    expect(seen).toContain('POST /api/v1/meetings/btv-12/conclusions/kl-1/record/sign?record=conclusion%2Fvi Bearer tok-1');
    expect(text()).toContain('Đã ký số: Văn phòng Tỉnh ủy Hòa Bình');
    expect(text()).toContain('Đã ký số Kết luận số 01-KL/TU.');
    expect(text()).toContain('Bản đã ký (PDF)');
  });

  it("shows no signing in a console the server refuses it to (an invitation code's session, the secretary's)", async () => {
    vi.stubGlobal('fetch', async (url: string) => {
      if (url.includes('/record')) return new Response(JSON.stringify({ error: { code: 'forbidden', message: 'only the chair', message_vi: 'chỉ người chủ trì' } }), { status: 403 });
      return new Response(JSON.stringify({ conclusions: [{ id: 'kl-1', kind: 'conclusion', status: 'published', numbered: '01-KL/TU', title: 'Kết luận về dự toán', agenda_title: 'Dự toán', tasks: [], version: 4 }] }), { status: 200 });
    });
    await act(() => {
      render(h(MeetingConclusions, { store: { ...store, session: { ...store.session, role: 'chair' } }, mode: 'chair' }), root);
    });
    await settle();
    expect(text()).toContain('Kết luận số 01-KL/TU');
    expect(root.querySelector('.record-signatures')).toBeNull();
    expect(text()).not.toContain('chỉ người chủ trì');
  });
});

// A screen reader announces a change inside a live region it already knows,
// not a region added together with its text: the status region is in the
// page before the action, and the message arrives inside that same element.
describe('the status messages of the tasks and conclusions', () => {
  // submitShows submits form: its status region is there and empty before,
  // and the message arrives in that same element.
  async function submitShows(form: HTMLFormElement, text: string) {
    const live = form.querySelector('[role="status"]');
    expect(live).not.toBeNull();
    expect(live!.textContent).toBe('');
    await act(async () => {
      form.dispatchEvent(new Event('submit', { cancelable: true }));
    });
    await vi.waitFor(() => expect(live!.textContent).toBe(text));
    expect(form.querySelector('[role="status"]')).toBe(live);
  }

  const store = {
    state: { id: 'btv-12', agenda: [{ id: 'ns', title: 'Dự toán ngân sách năm 2027' }], participants: {} },
    session: { token: 'tok-1', meeting: 'btv-12', participant: 'chair', role: 'chair' },
  } as any;

  it('the chair approving a draft on the home hears it in the region already there', async () => {
    server({
      'GET /api/v1/account/calendar': () => [200, { person: { id: 'bithu', name: 'Trần Văn Bình' }, feed: false, entries: [] }],
      'GET /api/v1/conclusions': () => [200, { conclusions: [{ id: 'kl-1', kind: 'conclusion', status: 'draft', chair: 'bithu', title: 'Kết luận về dự toán', meeting_title: 'Hội nghị', agenda_title: 'Dự toán', tasks: [] }] }],
      'POST /api/v1/conclusions/kl-1/approve': () => [200, { conclusion: { id: 'kl-1', kind: 'conclusion', status: 'approved', numbered: '01-KL/TU' } }],
      'GET /api/v1/account/tasks': () => [200, { tasks: [], now: '2026-12-03T01:00:00Z' }],
      'GET /api/v1/tasks/dashboard': () => [200, { committees: [], now: '2026-12-03T01:00:00Z' }],
    });
    await act(() => {
      render(h(Tasks, null), root);
    });
    const region = () => root.querySelector('section[aria-labelledby="to-approve-title"] [role="status"]');
    await vi.waitFor(() => expect(region()).not.toBeNull());
    const live = region()!;
    expect(live.textContent).toBe('');
    const btn = [...root.querySelectorAll('button')].find((b) => b.textContent === 'Duyệt và cấp số: Kết luận về dự toán')!;
    await act(async () => {
      btn.click();
    });
    await vi.waitFor(() => expect(live.textContent).toBe('Đã duyệt: Kết luận số 01-KL/TU.'));
    expect(region()).toBe(live);
    expect(live.isConnected).toBe(true);
  });

  it("a task's report refused says why in the form's region already there", async () => {
    server({
      'GET /api/v1/account/tasks': () => [200, { now: '2026-12-03T01:00:00Z', tasks: [task('t1', 'open')] }],
    });
    await act(() => {
      render(h(MyTasks, { onChange: () => undefined }), root);
    });
    await vi.waitFor(() => expect(root.querySelector('form.task-report')).not.toBeNull());
    await submitShows(root.querySelector('form.task-report') as HTMLFormElement, 'Cần nội dung báo cáo hoặc tệp đính kèm.');
  });

  it("the meeting's conclusions panel: the chair approving from the console, the secretary's half-filled draft", async () => {
    let status = 'draft';
    vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
      const c = { id: 'kl-1', kind: 'conclusion', status, numbered: status === 'draft' ? undefined : '01-KL/TU', title: 'Kết luận về dự toán', agenda_title: 'Dự toán', tasks: [] };
      if (init.method === 'POST' && url === '/api/v1/meetings/btv-12/conclusions/kl-1/approve') {
        status = 'approved';
        return new Response(JSON.stringify({ conclusion: { ...c, status, numbered: '01-KL/TU' } }), { status: 200 });
      }
      if (url.includes('/record')) return new Response(JSON.stringify({ error: { code: 'forbidden', message: 'only the chair', message_vi: 'chỉ người chủ trì' } }), { status: 403 });
      return new Response(JSON.stringify({ conclusions: [c] }), { status: 200 });
    });
    await act(() => {
      render(h(MeetingConclusions, { store, mode: 'chair' }), root);
    });
    const btn = () => root.querySelector('button[aria-label="Duyệt và cấp số: Kết luận về dự toán"]') as HTMLButtonElement | null;
    await vi.waitFor(() => expect(btn()).not.toBeNull());
    const live = root.querySelector('.meeting-conclusions > [role="status"]');
    expect(live).not.toBeNull();
    expect(live!.textContent).toBe('');
    await act(async () => {
      btn()!.click();
    });
    await vi.waitFor(() => expect(live!.textContent).toBe('Đã duyệt: Kết luận số 01-KL/TU.'));
    expect(root.querySelector('.meeting-conclusions > [role="status"]')).toBe(live);

    render(null, root);
    await act(() => {
      render(h(MeetingConclusions, { store: { ...store, session: { ...store.session, participant: 'sec', role: 'secretary' } }, mode: 'secretary' }), root);
    });
    await vi.waitFor(() => expect(root.querySelector('form.conclusion-draft')).not.toBeNull());
    await submitShows(root.querySelector('form.conclusion-draft') as HTMLFormElement, 'Cần trích yếu và nội dung.');
  });
});
