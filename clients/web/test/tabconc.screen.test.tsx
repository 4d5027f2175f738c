// @vitest-environment jsdom
// The conclusions published to the participants (issue 13, part 4) on a
// delegate's tablet: under the agenda, per agenda item, each published one
// with its number, title, text and its PDF (fetched with the meeting
// session's token); a draft or an approved one the server sent is never
// listed; fetched again when the current agenda item changes; English words.
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { act } from 'preact/test-utils';
import type { Conclusion } from '../src/core/conclusions';
import { published } from '../src/ui/delegate/Conclusions';
import { cw, cwKeys } from '../src/ui/delegate/conclusionWords';
import { FakeSocket } from './fakes';
import { flush, installScreen, signIn } from './screen';

let sockets: FakeSocket[] = [];
let root: HTMLElement;
installScreen((s, r) => {
  sockets = s;
  root = r;
});

function snapshot() {
  return {
    version: 20,
    id: 'm1',
    title: 'Hội nghị Ban Thường vụ',
    status: 'in_session',
    rooms: [{ id: 'main', name: 'Hội trường chính', main: true }],
    participants: {
      d1: { id: 'd1', name: 'Nguyễn Thị Hương', role: 'delegate', room: 'main', present: true },
    },
    order: ['d1'],
    agenda: [
      { id: 'i1', title: 'Khai mạc' },
      { id: 'ns', title: 'Dự toán ngân sách năm 2027' },
    ],
    current: 'i1',
    documents: {},
    proposals: {},
    polls: {},
    poll_order: [],
    presentation: {},
    floor: {},
  };
}

const kl = (over: Partial<Conclusion>): Conclusion => ({
  id: 'kl-1',
  kind: 'conclusion',
  committee: 'btv',
  committee_name: 'Ban Thường vụ',
  chair: 'chair',
  meeting: 'm1',
  meeting_title: 'Hội nghị Ban Thường vụ',
  agenda_item: 'ns',
  agenda_title: 'Dự toán ngân sách năm 2027',
  title: 'Về dự toán ngân sách năm 2027',
  text: 'Thống nhất thông qua dự toán.\nGiao Văn phòng hoàn thiện hồ sơ.',
  tasks: [],
  status: 'published',
  numbered: '01-KL/TU',
  created: '2026-12-03T01:00:00Z',
  published: '2026-12-03T02:00:00Z',
  version: 3,
  ...over,
});

const list = [
  kl({}),
  kl({ id: 'kl-2', status: 'draft', numbered: undefined, published: undefined, title: 'Dự thảo về công tác cán bộ' }),
  kl({ id: 'kl-3', status: 'approved', numbered: '02-KL/TU', published: undefined, title: 'Về chuyển đổi số' }),
];

const text = () => root.textContent ?? '';
const settle = async () => {
  for (let i = 0; i < 4; i++) await flush();
};
/** shown waits (with the screen's own timers) until the list has arrived. */
const shown = (words: string) =>
  vi.waitFor(
    async () => {
      await flush();
      expect(text()).toContain(words);
    },
    { timeout: 5000, interval: 20 },
  );

describe("the tablet's published conclusions", () => {
  it('has every word in both languages', () => {
    for (const k of cwKeys()) {
      expect(cw('vi', k), k).not.toBe('');
      expect(cw('en', k), k).not.toBe('');
    }
  });

  it('keeps only the published ones, in the agenda order', () => {
    const g = published([kl({ id: 'a', agenda_item: 'ns' }), kl({ id: 'b', agenda_item: 'i1' }), kl({ id: 'c', status: 'draft', agenda_item: 'x' }), kl({ id: 'd', agenda_item: 'gone' })], [{ id: 'i1' }, { id: 'ns' }]);
    expect(g.map(([item, cs]) => [item, cs.map((c) => c.id)])).toEqual([
      ['i1', ['b']],
      ['ns', ['a']],
      ['gone', ['d']],
    ]);
  });

  it('lists a published conclusion with its number and PDF, never a draft (English)', async () => {
    const seen: string[] = [];
    vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
      seen.push(`${init.method ?? 'GET'} ${url} ${(init.headers as Record<string, string>)?.Authorization ?? ''}`);
      if (url === '/api/v1/meetings/m1/conclusions') return new Response(JSON.stringify({ conclusions: list }), { status: 200 });
      if (url === '/api/v1/meetings/m1/conclusions/kl-1/pdf?lang=en') {
        return new Response('%PDF-1.7', { status: 200, headers: { 'Content-Type': 'application/pdf', 'Content-Disposition': 'inline; filename="kl-01-KL-TU.pdf"' } });
      }
      return new Response(JSON.stringify({ error: { code: 'not_found', message: 'no route', message_vi: 'không có' } }), { status: 404 });
    });
    const created = vi.fn((_: Blob) => 'blob:kl');
    // (jsdom has no object URLs; removed again at the end)
    Object.assign(URL, { createObjectURL: created, revokeObjectURL: () => {} });
    onTestFinished(() => {
      delete (URL as any).createObjectURL;
      delete (URL as any).revokeObjectURL;
    });
    const { ws } = await signIn(root, sockets, { participant: 'd1', role: 'delegate' }, { seq: 20, snapshot: snapshot(), lang: 'en' });
    await shown('01-KL/TU');
    const sec = root.querySelector('section[aria-labelledby="h-Conclusions-and-resolutions"]') as HTMLElement;
    expect(sec).not.toBeNull();
    expect(sec.textContent).toContain('Conclusion No. 01-KL/TU: Về dự toán ngân sách năm 2027');
    expect(sec.textContent).toContain('Agenda item: Dự toán ngân sách năm 2027');
    expect(sec.textContent).toContain('Giao Văn phòng hoàn thiện hồ sơ.');
    expect(sec.textContent).not.toContain('Dự thảo về công tác cán bộ');
    expect(sec.textContent).not.toContain('Về chuyển đổi số');
    expect(sec.textContent).not.toContain('02-KL/TU');
    expect(seen).toContain('GET /api/v1/meetings/m1/conclusions Bearer tok');
    const fetched = seen.filter((l) => l.includes('/conclusions ')).length;

    // The PDF, with the session's token.
    const pdf = sec.querySelector('button[aria-label="Open the PDF: Conclusion No. 01-KL/TU"]') as HTMLButtonElement;
    expect(pdf).not.toBeNull();
    const clicked = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    await act(async () => {
      pdf.click();
    });
    await settle();
    expect(seen).toContain('GET /api/v1/meetings/m1/conclusions/kl-1/pdf?lang=en Bearer tok');
    expect(created).toHaveBeenCalledTimes(1);
    expect(clicked).toHaveBeenCalledTimes(1);

    // The chair moves to the next item: the list is fetched again.
    await act(() => {
      ws.deliver({ type: 'event', event: { seq: 21, type: 'CurrentItemSet', at: '2026-12-03T03:00:00Z', data: { item: 'ns' } } });
    });
    await settle();
    expect(seen.filter((l) => l.includes('/conclusions ')).length).toBe(fetched + 1);
    expect(text()).not.toContain('Dự thảo về công tác cán bộ');
  });

  it('fetches again at once when the server rings (a notice) and after a welcome, not only each minute', async () => {
    let served: Conclusion[] = [];
    const seen: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      seen.push(url);
      if (url === '/api/v1/meetings/m1/conclusions') return new Response(JSON.stringify({ conclusions: served }), { status: 200 });
      return new Response(JSON.stringify({ error: { code: 'not_found', message: 'no route', message_vi: 'không có' } }), { status: 404 });
    });
    const { ws } = await signIn(root, sockets, { participant: 'd1', role: 'delegate' }, { seq: 20, snapshot: snapshot() });
    await shown('Chưa có kết luận, nghị quyết nào được ban hành.');
    const count = () => seen.filter((u) => u === '/api/v1/meetings/m1/conclusions').length;
    const before = count();
    // The chair publishes: the server's notice arrives; the list is fetched now.
    served = [kl({})];
    await act(() => {
      ws.deliver({ type: 'notice', name: 'conclusions', id: 'kl-1' });
    });
    await shown('Kết luận số 01-KL/TU');
    expect(count()).toBe(before + 1);
    // A notice of another kind fetches nothing.
    await act(() => {
      ws.deliver({ type: 'notice', name: 'something-newer' });
    });
    await settle();
    expect(count()).toBe(before + 1);
    // Back from a cut (a notice missed meanwhile): the welcome fetches again.
    served = [kl({}), kl({ id: 'kl-4', numbered: '02-KL/TU', title: 'Về công tác cán bộ' })];
    await act(() => {
      ws.deliver({ type: 'welcome', protocol: 1, meeting: 'm1', participant: 'd1', role: 'delegate', seq: 20 });
    });
    await shown('02-KL/TU');
    expect(count()).toBe(before + 2);
  });

  it('says when none is published yet', async () => {
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ conclusions: [list[1]] }), { status: 200 }));
    await signIn(root, sockets, { participant: 'd1', role: 'delegate' }, { seq: 20, snapshot: snapshot() });
    await shown('Chưa có kết luận, nghị quyết nào được ban hành.');
    expect(text()).toContain('Kết luận, nghị quyết');
    expect(text()).toContain('Chưa có kết luận, nghị quyết nào được ban hành.');
    expect(text()).not.toContain('Dự thảo về công tác cán bộ');
  });
});
