// @vitest-environment jsdom
// The chair console's linked rooms: attendance per room, the follow box
// (SetFollowing) and showing a document of its own in a room that does not
// follow (ShowInRoom).
import { describe, expect, it } from 'vitest';
import { act } from 'preact/test-utils';
import { FakeSocket } from './fakes';
import { flush, installScreen, signIn } from './screen';

let sockets: FakeSocket[] = [];
let root: HTMLElement;
installScreen((s, r) => {
  sockets = s;
  root = r;
});

function snapshot(extra: Record<string, unknown> = {}) {
  return {
    version: 30,
    id: 'm1',
    title: 'Hội nghị Ban Chấp hành Đảng bộ tỉnh',
    status: 'in_session',
    rooms: [
      { id: 'main', name: 'Hội trường chính', main: true, following: false },
      { id: 'district-a', name: 'Điểm cầu huyện Phong Điền', following: true },
      { id: 'district-b', name: 'Điểm cầu thị xã Hương Thủy', following: false, presentation: { document: 'doc1', page: 4 } },
    ],
    participants: {
      chair: { id: 'chair', name: 'Lê Trường Lưu', role: 'chair', room: 'main', present: true },
      d1: { id: 'd1', name: 'Nguyễn Thị Hương', role: 'delegate', room: 'main' },
      d2: { id: 'd2', name: 'Huỳnh Văn Sơn', role: 'delegate', room: 'district-a', present: true },
      d3: { id: 'd3', name: 'Ngô Thị Lan Anh', role: 'delegate', room: 'district-a' },
      d4: { id: 'd4', name: 'Lý Thị Mỹ Duyên', role: 'delegate', room: 'district-b' },
    },
    order: ['chair', 'd1', 'd2', 'd3', 'd4'],
    agenda: [{ id: 'i1', title: 'Khai mạc hội nghị', documents: ['doc1'] }],
    current: 'i1',
    documents: {
      doc1: { id: 'doc1', title: 'Báo cáo chính trị', pages: 10, sha256: 'x' },
      doc2: { id: 'doc2', title: 'Dự toán ngân sách 2027', pages: 6, sha256: 'y' },
    },
    proposals: {},
    polls: {},
    poll_order: [],
    presentation: { document: 'doc1', page: 2 },
    floor: {},
    ...extra,
  };
}

async function mountChair(extra: Record<string, unknown> = {}) {
  return (await signIn(root, sockets, { participant: 'chair', role: 'chair' }, { seq: 30, snapshot: snapshot(extra) })).ws;
}

const row = (room: string) => {
  const r = root.querySelector(`.room-row[data-room="${room}"]`) as HTMLElement | null;
  if (!r) throw new Error(`no row for room ${room}`);
  return r;
};
const checkbox = (room: string) => row(room).querySelector('input[type=checkbox]') as HTMLInputElement;
const commands = (ws: FakeSocket) => ws.sent.filter((m) => m.type === 'command');
function buttonIn(el: HTMLElement, label: string): HTMLButtonElement {
  const b = [...el.querySelectorAll('button')].find((x) => x.getAttribute('aria-label') === label || x.textContent?.trim() === label);
  if (!b) throw new Error(`no button "${label}" in: ${el.textContent}`);
  return b as HTMLButtonElement;
}

describe('chair console: linked rooms', () => {
  it('lists every room with its attendance and whether it follows the main hall', async () => {
    await mountChair();
    expect(row('main').textContent).toContain('Hội trường chính');
    expect(row('main').textContent).toContain('Có mặt 1 / 2');
    expect(row('main').textContent).toContain('Đang chiếu: Báo cáo chính trị · trang 2');
    expect(row('main').querySelector('input[type=checkbox]')).toBeNull();
    expect(row('district-a').textContent).toContain('Có mặt 1 / 2');
    expect(checkbox('district-a').checked).toBe(true);
    expect(row('district-a').textContent).toContain('Đang theo hội trường chính');
    // A following room shows the main hall's page.
    expect(row('district-a').textContent).toContain('Đang chiếu: Báo cáo chính trị · trang 2');
    expect(checkbox('district-b').checked).toBe(false);
    expect(row('district-b').textContent).toContain('Không theo hội trường chính');
    expect(row('district-b').textContent).toContain('Đang chiếu: Báo cáo chính trị · trang 4');
    expect(checkbox('district-a').getAttribute('aria-label')).toBe('Điểm cầu Điểm cầu huyện Phong Điền theo hội trường chính');
  });

  it('unticking follow sends SetFollowing and shows the room as not following once the event comes', async () => {
    const ws = await mountChair();
    await act(() => checkbox('district-a').click());
    expect(ws.last('command')).toEqual({ type: 'command', id: expect.any(String), name: 'SetFollowing', args: { room: 'district-a', follow: false } });
    // Until the server says so, the box shows what the state says.
    expect(checkbox('district-a').checked).toBe(true);
    await act(() => {
      ws.deliver({ type: 'event', event: { seq: 31, type: 'RoomFollowing', at: '2026-12-03T01:00:00Z', data: { room: 'district-a', follow: false } } });
      ws.deliver({ type: 'ack', id: ws.last('command').id, ok: true, seq: 31 });
    });
    await flush();
    expect(checkbox('district-a').checked).toBe(false);
    expect(row('district-a').textContent).toContain('Không theo hội trường chính');
    // It keeps the main hall's page, and may now show its own.
    expect(row('district-a').textContent).toContain('Đang chiếu: Báo cáo chính trị · trang 2');
    expect(row('district-a').querySelector('form')).not.toBeNull();
  });

  it('ticking it again sends SetFollowing with follow true', async () => {
    const ws = await mountChair();
    await act(() => checkbox('district-b').click());
    expect(ws.last('command')).toMatchObject({ name: 'SetFollowing', args: { room: 'district-b', follow: true } });
  });

  it('shows a document and page of its own in a room that does not follow', async () => {
    const ws = await mountChair();
    const r = row('district-b');
    expect(row('district-a').querySelector('form')).toBeNull();
    await act(() => buttonIn(r, 'Tiến một trang tại Điểm cầu thị xã Hương Thủy').click());
    expect(ws.last('command')).toMatchObject({ name: 'ShowInRoom', args: { room: 'district-b', document: 'doc1', page: 5 } });
    await act(() => ws.deliver({ type: 'ack', id: ws.last('command').id, ok: true, seq: 31 }));
    await flush();
    await act(() => buttonIn(r, 'Lùi một trang tại Điểm cầu thị xã Hương Thủy').click());
    expect(ws.last('command')).toMatchObject({ name: 'ShowInRoom', args: { room: 'district-b', document: 'doc1', page: 3 } });
    await act(() => ws.deliver({ type: 'ack', id: ws.last('command').id, ok: true, seq: 32 }));
    await flush();

    const select = r.querySelector('select') as HTMLSelectElement;
    const page = r.querySelector('input[type=number]') as HTMLInputElement;
    await act(() => {
      select.value = 'doc2';
      select.dispatchEvent(new Event('change', { bubbles: true }));
      page.value = '6';
      page.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await act(() => buttonIn(r, 'Chiếu tại điểm cầu').click());
    expect(ws.last('command')).toMatchObject({ name: 'ShowInRoom', args: { room: 'district-b', document: 'doc2', page: 6 } });
    await act(() => {
      ws.deliver({ type: 'event', event: { seq: 33, type: 'RoomShown', at: '2026-12-03T01:00:00Z', data: { room: 'district-b', document: 'doc2', page: 6 } } });
      ws.deliver({ type: 'ack', id: ws.last('command').id, ok: true, seq: 33 });
    });
    await flush();
    expect(r.textContent).toContain('Đang chiếu: Dự toán ngân sách 2027 · trang 6');
    expect(buttonIn(r, 'Tiến một trang tại Điểm cầu thị xã Hương Thủy').disabled).toBe(true);
    // The main hall is untouched.
    expect(row('main').textContent).toContain('Đang chiếu: Báo cáo chính trị · trang 2');
    expect(commands(ws).filter((c) => c.name === 'ShowDocument')).toHaveLength(0);
  });

  it('shows the server refusal and says the session must be open first', async () => {
    const ws = await mountChair({ status: 'published' });
    const r = row('district-b');
    expect(r.textContent).toContain('Cần khai mạc phiên họp trước khi chiếu tài liệu tại điểm cầu.');
    expect(buttonIn(r, 'Chiếu tại điểm cầu').disabled).toBe(true);
    // Following can be set before the session.
    await act(() => checkbox('district-a').click());
    const cmd = ws.last('command');
    expect(cmd).toMatchObject({ name: 'SetFollowing', args: { room: 'district-a', follow: false } });
    await act(() => ws.deliver({ type: 'ack', id: cmd.id, ok: false, error: { code: 'forbidden', message: 'no', message_vi: 'Chỉ chủ tọa hoặc thư ký của điểm cầu mới được điều khiển điểm cầu' } }));
    await flush();
    expect(root.textContent).toContain('Chỉ chủ tọa hoặc thư ký của điểm cầu mới được điều khiển điểm cầu');
    expect(checkbox('district-a').checked).toBe(true);
  });

  it('has no rooms panel for a meeting with the main hall only', async () => {
    await mountChair({ rooms: [{ id: 'main', name: 'Hội trường chính', main: true }] });
    expect(root.querySelector('.room-row')).toBeNull();
    expect(root.textContent).not.toContain('Các điểm cầu');
  });
});

async function mountAs(participant: string, role: string, extra: Record<string, unknown> = {}, params = '') {
  return (await signIn(root, sockets, { participant, role }, { seq: 30, snapshot: snapshot(extra), search: params })).ws;
}

const pageNo = () => root.querySelector('.page-no')?.textContent ?? '';

describe('tablets in linked rooms', () => {
  it('a tablet in a room that follows shows the main hall page', async () => {
    await mountAs('d2', 'delegate');
    expect(pageNo()).toContain('2');
    expect(pageNo()).not.toContain('4');
  });

  it('a tablet in a room that does not follow shows its room page, and moves with ShowInRoom, not with the main hall', async () => {
    const ws = await mountAs('d4', 'delegate');
    expect(pageNo()).toMatch(/\b4\b/);
    await act(() => {
      ws.deliver({ type: 'event', event: { seq: 31, type: 'PageTurned', at: '2026-12-03T01:00:00Z', actor: 'chair', data: { document: 'doc1', page: 7 } } });
    });
    await flush();
    expect(pageNo()).toMatch(/\b4\b/);
    await act(() => {
      ws.deliver({ type: 'event', event: { seq: 32, type: 'RoomShown', at: '2026-12-03T01:00:01Z', actor: 'chair', data: { room: 'district-b', document: 'doc1', page: 5 } } });
    });
    await flush();
    expect(pageNo()).toMatch(/\b5\b/);
    // Back to following: the main hall's page again.
    await act(() => {
      ws.deliver({ type: 'event', event: { seq: 33, type: 'RoomFollowing', at: '2026-12-03T01:00:02Z', actor: 'chair', data: { room: 'district-b', follow: true } } });
    });
    await flush();
    expect(pageNo()).toMatch(/\b7\b/);
  });
});
