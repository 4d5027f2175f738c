// @vitest-environment jsdom
// "New meeting" in the secretary workspace: the form's body (title, RFC 3339
// time, place, rooms with one main hall), the switch to the new meeting's
// session, the way back, and errors in Vietnamese.
import { describe, expect, it, vi } from 'vitest';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { memoryKV, SessionStore } from '../src/core/session';
import { App } from '../src/ui/App';
import { localToRFC3339, roomsOf, slug, tomorrowAt8 } from '../src/ui/secretary/NewMeeting';
import { FakeSocket } from './fakes';
import { flush, installScreen } from './screen';

let sockets: FakeSocket[] = [];
let root: HTMLElement;
installScreen((s, r) => {
  sockets = s;
  root = r;
}, { clearStorage: true });

describe('helpers', () => {
  it.each([
    ['Hội trường', 'hoi-truong'],
    ['Điểm cầu huyện Đắk Lắk', 'diem-cau-huyen-dak-lak'],
    ['  Phòng 2 / tầng 3 ', 'phong-2-tang-3'],
    ['★★', ''],
  ])('slug(%s) = %s', (name, want) => {
    expect(slug(name)).toBe(want);
  });

  it('gives the main hall "main" and the others distinct slugs', () => {
    expect(
      roomsOf(
        [
          { key: 1, name: 'Điểm cầu A' },
          { key: 2, name: ' Hội trường ' },
          { key: 3, name: 'Điểm cầu A' },
          { key: 4, name: '★' },
          { key: 5, name: 'main' },
        ],
        2,
      ),
    ).toEqual([
      { id: 'diem-cau-a', name: 'Điểm cầu A' },
      { id: 'main', name: 'Hội trường', main: true },
      { id: 'diem-cau-a-2', name: 'Điểm cầu A' },
      { id: 'room', name: '★' },
      { id: 'main-2', name: 'main' },
    ]);
  });

  it.each([
    ['2026-12-10T08:00', true],
    ['2026-12-10T08:00:30', true],
    ['2026-02-30T08:00', false],
    ['10/12/2026 08:00', false],
    ['', false],
  ])('reads the local time %s', (v, ok) => {
    const got = localToRFC3339(v);
    if (!ok) return expect(got).toBeNull();
    expect(got).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d)$/);
    // The same instant as the local time the browser reads.
    expect(Date.parse(got!)).toBe(new Date(v).getTime());
  });

  it('proposes tomorrow at 8', () => {
    expect(tomorrowAt8(new Date(2026, 11, 31, 15, 0))).toBe('2027-01-01T08:00');
  });
});

function snapshot(id: string, title: string) {
  return {
    version: 3,
    id,
    title,
    status: 'draft',
    rooms: [{ id: 'main', name: 'Hội trường', main: true }],
    participants: { sec: { id: 'sec', name: 'Phạm Thị Kim Oanh', role: 'secretary', room: 'main' } },
    order: ['sec'],
    agenda: [],
    documents: {},
    proposals: {},
    polls: {},
    poll_order: [],
    presentation: {},
    floor: {},
  };
}

const oldTitle = 'Hội nghị Ban Chấp hành Đảng bộ tỉnh';

async function welcome(meeting: string, title: string) {
  const ws = sockets[sockets.length - 1];
  await act(() => {
    ws.open();
    ws.deliver({ type: 'welcome', protocol: 1, meeting, participant: 'sec', role: 'secretary', seq: 3, snapshot: snapshot(meeting, title) });
  });
  await flush();
  return ws;
}

async function mountSecretary() {
  const sessions = new SessionStore(memoryKV());
  sessions.save({ token: 'tok', meeting: 'm1', participant: 'sec', role: 'secretary' });
  await act(() => {
    render(<App sessions={sessions} params={new URLSearchParams()} initialLang="vi" saveLang={() => {}} />, root);
  });
  await flush();
  await welcome('m1', oldTitle);
  return sessions;
}

const form = () => root.querySelector('form.new-meeting') as HTMLFormElement;
function field(label: string): HTMLInputElement {
  const byAria = form().querySelector(`input[aria-label="${label}"]`);
  if (byAria) return byAria as HTMLInputElement;
  const l = [...form().querySelectorAll('label')].find((x) => x.textContent?.trim().startsWith(label));
  if (!l) throw new Error(`no field "${label}"`);
  return l.querySelector('input')!;
}
async function type(label: string, value: string) {
  await act(() => {
    const i = field(label);
    i.value = value;
    i.dispatchEvent(new Event('input', { bubbles: true }));
  });
}
function button(label: string, within: ParentNode = form()): HTMLButtonElement {
  const b = [...within.querySelectorAll('button')].find((x) => x.textContent?.includes(label) || x.getAttribute('aria-label') === label);
  if (!b) throw new Error(`no button "${label}"`);
  return b as HTMLButtonElement;
}
async function submit() {
  await act(() => button('Tạo cuộc họp').click());
  await flush();
}

function fakeFetch(answer: () => Response | Promise<Response>) {
  const calls: { url: string; auth: string; body: any }[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    calls.push({ url, auth: (init.headers as Record<string, string>).Authorization, body: JSON.parse(String(init.body)) });
    return answer();
  });
  return calls;
}

describe('new meeting', () => {
  it('creates the meeting, switches to it, and can go back', async () => {
    const calls = fakeFetch(() => new Response(JSON.stringify({ token: 't2', meeting: 'm2', participant: 'sec', role: 'secretary' }), { status: 201 }));
    const sessions = await mountSecretary();
    expect(root.textContent).toContain('Cuộc họp mới');
    await type('Tên cuộc họp', 'Hội nghị Ban Thường vụ tháng 12');
    await type('Thời gian bắt đầu', '2026-12-10T08:00');
    await type('Địa điểm', 'Phòng họp số 1');
    await act(() => button('Thêm điểm cầu').click());
    await type('Tên điểm cầu 2', 'Điểm cầu huyện A');
    await act(() => button('Thêm điểm cầu').click());
    await type('Tên điểm cầu 3', 'Bỏ đi');
    await act(() => button('Xóa điểm cầu Bỏ đi').click());
    await submit();

    expect(calls).toEqual([
      {
        url: '/api/v1/meetings',
        auth: 'Bearer tok',
        body: {
          title: 'Hội nghị Ban Thường vụ tháng 12',
          starts_at: localToRFC3339('2026-12-10T08:00'),
          place: 'Phòng họp số 1',
          rooms: [
            { id: 'main', name: 'Hội trường', main: true },
            { id: 'diem-cau-huyen-a', name: 'Điểm cầu huyện A' },
          ],
        },
      },
    ]);
    // The new session is kept and opened: a new connection with its token.
    expect(sessions.last()).toEqual({ token: 't2', meeting: 'm2', participant: 'sec', role: 'secretary' });
    expect(sessions.get('m1')?.token).toBe('tok');
    expect(sockets.at(-1)!.sent).toEqual([]);
    const ws2 = await welcome('m2', 'Hội nghị Ban Thường vụ tháng 12');
    expect(ws2.sent[0]).toMatchObject({ type: 'hello', token: 't2' });
    expect(root.querySelector('.topbar')?.textContent).toContain('Hội nghị Ban Thường vụ tháng 12');
    expect(root.textContent).toContain('Không gian làm việc của Thư ký');

    // The previous meeting is one tap away.
    await act(() => button(`Chuyển sang cuộc họp ${oldTitle}`, root).click());
    await flush();
    expect(sessions.last()?.meeting).toBe('m1');
    await welcome('m1', oldTitle);
    expect(sockets.at(-1)!.sent[0]).toMatchObject({ type: 'hello', token: 'tok' });
    expect(root.querySelector('.topbar')?.textContent).toContain(oldTitle);
  });

  it('lets another room be the main hall', async () => {
    const calls = fakeFetch(() => new Response(JSON.stringify({ token: 't2', meeting: 'm2', participant: 'sec', role: 'secretary' }), { status: 201 }));
    await mountSecretary();
    await type('Tên cuộc họp', 'Kỳ họp HĐND');
    await act(() => button('Thêm điểm cầu').click());
    await type('Tên điểm cầu 2', 'Hội trường tầng 3');
    const radios = form().querySelectorAll('input[type=radio]');
    await act(() => (radios[1] as HTMLInputElement).click());
    await submit();
    expect(calls[0].body.rooms).toEqual([
      { id: 'hoi-truong', name: 'Hội trường' },
      { id: 'main', name: 'Hội trường tầng 3', main: true },
    ]);
    expect(calls[0].body.place).toBeUndefined();
  });

  it.each([
    ['no title', async () => {}, 'Vui lòng nhập tên cuộc họp.'],
    ['a bad time', async () => { await type('Tên cuộc họp', 'X'); await type('Thời gian bắt đầu', 'hôm nay'); }, 'Thời gian bắt đầu không hợp lệ.'],
    ['a room without a name', async () => { await type('Tên cuộc họp', 'X'); await type('Tên điểm cầu 1', ' '); }, 'Mỗi điểm cầu cần có tên.'],
  ])('refuses %s without asking the server', async (_, fill, want) => {
    const calls = fakeFetch(() => new Response('{}', { status: 500 }));
    await mountSecretary();
    await fill();
    await submit();
    expect(form().querySelector('[role=alert]')?.textContent).toBe(want);
    expect(calls).toEqual([]);
  });

  it.each([
    ['400', () => new Response(JSON.stringify({ error: { code: 'invalid', message: 'two main rooms', message_vi: 'Chỉ được có một hội trường chính' } }), { status: 400 }), 'Chỉ được có một hội trường chính'],
    ['403', () => new Response(JSON.stringify({ error: { code: 'forbidden', message: 'only secretaries', message_vi: 'Chỉ Thư ký được tạo cuộc họp' } }), { status: 403 }), 'Chỉ Thư ký được tạo cuộc họp'],
    ['a network error', () => Promise.reject(new TypeError('Failed to fetch')), 'Không kết nối được tới máy chủ'],
  ])('shows a %s in Vietnamese and stays', async (_, answer, want) => {
    fakeFetch(answer as () => Response);
    const sessions = await mountSecretary();
    const before = sockets.length;
    await type('Tên cuộc họp', 'Hội nghị mới');
    await submit();
    expect(form().querySelector('[role=alert]')?.textContent).toContain(want);
    expect(sessions.last()?.meeting).toBe('m1');
    expect(sockets.length).toBe(before);
  });
});
