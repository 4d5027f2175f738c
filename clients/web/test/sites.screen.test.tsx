// @vitest-environment jsdom
// The chair console's "Điểm cầu" panel (docs/bridge.md): each bridge site's
// link (online or cut, latency, tablets, last heard) from GET …/sites,
// asked again every few seconds, its room's attendance and, while a poll is
// open, its ballots from the chair's progress.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { act } from 'preact/test-utils';
import { FakeSocket } from './fakes';
import { flush, installScreen, signIn } from './screen';

let sockets: FakeSocket[] = [];
let root: HTMLElement;
installScreen((s, r) => {
  sockets = s;
  root = r;
});
afterEach(() => vi.useRealTimers());

const NOW = Date.parse('2026-12-03T08:00:00Z');

function snapshot() {
  return {
    version: 30,
    id: 'm1',
    title: 'Hội nghị Ban Chấp hành Đảng bộ tỉnh',
    status: 'in_session',
    rooms: [
      { id: 'main', name: 'Hội trường chính', main: true },
      { id: 'bavi', name: 'Điểm cầu huyện Ba Vì', following: true },
      { id: 'sontay', name: 'Điểm cầu thị xã Sơn Tây', following: true },
    ],
    participants: {
      chair: { id: 'chair', name: 'Lê Trường Lưu', role: 'chair', room: 'main', present: true },
      d1: { id: 'd1', name: 'Huỳnh Văn Sơn', role: 'delegate', room: 'bavi', present: true },
      d2: { id: 'd2', name: 'Ngô Thị Lan Anh', role: 'delegate', room: 'bavi', present: true },
      d3: { id: 'd3', name: 'Lý Thị Mỹ Duyên', role: 'delegate', room: 'bavi' },
      d4: { id: 'd4', name: 'Đỗ Văn Minh', role: 'delegate', room: 'sontay', present: true },
    },
    order: ['chair', 'd1', 'd2', 'd3', 'd4'],
    agenda: [],
    documents: {},
    proposals: {},
    polls: {
      v1: {
        id: 'v1',
        question: 'Thông qua nghị quyết',
        choices: [
          { id: 'for', label: 'Tán thành' },
          { id: 'against', label: 'Không tán thành' },
        ],
        rule: { base: 'present', threshold: 'absolute' },
        status: 'open',
      },
    },
    poll_order: ['v1'],
    floor: {},
  };
}

type Site = { site: string; room?: string; online: boolean; rtt_ms: number; tablets: number; version: number; last_heard: string };

/** serve answers GET …/sites with what sites() returns now, and records those calls. */
function serve(sites: () => Site[] | number): { calls: string[] } {
  const calls: string[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    if (url !== '/api/v1/meetings/m1/sites') return new Response('{}', { status: 404 });
    calls.push(`${init.method ?? 'GET'} ${url} ${(init.headers as Record<string, string>)?.Authorization ?? ''}`);
    const s = sites();
    if (typeof s === 'number') return new Response(JSON.stringify({ error: { code: 'unavailable', message: 'down', message_vi: 'lỗi' } }), { status: s });
    return new Response(JSON.stringify({ sites: s }), { status: 200 });
  });
  return { calls };
}

const panel = () => root.querySelector('.sites-panel') as HTMLElement | null;
const siteRow = (site: string) => {
  const r = root.querySelector(`.site-row[data-site="${site}"]`) as HTMLElement | null;
  if (!r) throw new Error(`no row for site ${site} in: ${panel()?.textContent}`);
  return r;
};
const ago = (s: number) => new Date(NOW - s * 1000).toISOString();

async function tick(ms: number) {
  await act(() => {
    vi.advanceTimersByTime(ms);
  });
  await flush();
  await flush();
}

describe('chair console: the bridge sites', () => {
  it('shows each site online or cut, its latency, tablets, attendance, last heard and its votes; asks again every 5 s', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    vi.setSystemTime(NOW);
    let answer: Site[] | number = [
      { site: 'bavi', online: true, rtt_ms: 31.6, tablets: 3, version: 30, last_heard: ago(2) },
      { site: 'sontay', online: true, rtt_ms: 48, tablets: 1, version: 30, last_heard: ago(4) },
    ];
    const { calls } = serve(() => answer);
    const { ws } = await signIn(root, sockets, { participant: 'chair', role: 'chair' }, { seq: 30, snapshot: snapshot() });
    await flush();
    expect(calls).toEqual(['GET /api/v1/meetings/m1/sites Bearer tok']);
    expect(panel()?.querySelector('h2')?.textContent).toBe('Điểm cầu');
    const bavi = siteRow('bavi');
    expect(bavi.textContent).toContain('Điểm cầu huyện Ba Vì');
    expect(bavi.textContent).toContain('Đang kết nối');
    expect(bavi.textContent).toContain('Độ trễ 32 ms');
    expect(bavi.textContent).toContain('3 máy tính bảng');
    expect(bavi.textContent).toContain('Có mặt 2 / 3');
    expect(bavi.textContent).toContain('Liên lạc lần cuối 2 giây trước');
    expect(bavi.querySelector('.site-progress')).toBeNull(); // no progress yet

    // The chair's progress of the open poll, per room.
    await act(() =>
      ws.deliver({
        type: 'progress',
        poll: 'v1',
        cast: 3,
        members: 5,
        present: 4,
        rooms: [
          { room: 'main', cast: 1, present: 1 },
          { room: 'bavi', cast: 1, present: 2 },
          { room: 'sontay', cast: 1, present: 1 },
        ],
      }),
    );
    await flush();
    expect(siteRow('bavi').querySelector('.site-progress')?.textContent).toBe('Đã biểu quyết 1 / 2');
    expect(siteRow('sontay').querySelector('.site-progress')?.textContent).toBe('Đã biểu quyết 1 / 1');

    // Ba Vì's link is cut: the next asking says so; no latency shown.
    answer = [
      { site: 'bavi', online: false, rtt_ms: 31.6, tablets: 3, version: 30, last_heard: ago(75) },
      { site: 'sontay', online: true, rtt_ms: 40, tablets: 1, version: 31, last_heard: ago(1) },
    ];
    await tick(5000);
    expect(calls.length).toBe(2);
    expect(siteRow('bavi').classList.contains('cut')).toBe(true);
    expect(siteRow('bavi').textContent).toContain('Mất kết nối');
    expect(siteRow('bavi').textContent).not.toContain('Độ trễ');
    expect(siteRow('bavi').textContent).toContain('Liên lạc lần cuối 1 phút trước');
    expect(siteRow('sontay').textContent).toContain('Độ trễ 40 ms');

    // A failed asking keeps the last list and says it.
    answer = 503;
    await tick(5000);
    expect(calls.length).toBe(3);
    expect(panel()?.querySelector('[role=alert]')?.textContent).toBe('Chưa cập nhật được tình trạng các điểm cầu');
    expect(siteRow('bavi').textContent).toContain('Mất kết nối');
  });

  it('names a site after the room the centre maps it to, whatever its own name', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    vi.setSystemTime(NOW);
    serve(() => [
      { site: 'edge-bavi', room: 'bavi', online: true, rtt_ms: 30, tablets: 3, version: 30, last_heard: ago(1) },
      { site: 'may-chu-2', room: 'no-such-room', online: true, rtt_ms: 30, tablets: 0, version: 30, last_heard: ago(1) },
    ]);
    const { ws } = await signIn(root, sockets, { participant: 'chair', role: 'chair' }, { seq: 30, snapshot: snapshot() });
    await flush();
    const bavi = siteRow('edge-bavi');
    expect(bavi.textContent).toContain('Điểm cầu huyện Ba Vì');
    expect(bavi.textContent).toContain('Có mặt 2 / 3');
    await act(() =>
      ws.deliver({ type: 'progress', poll: 'v1', cast: 1, members: 5, present: 4, rooms: [{ room: 'bavi', cast: 1, present: 2 }] }),
    );
    await flush();
    expect(siteRow('edge-bavi').querySelector('.site-progress')?.textContent).toBe('Đã biểu quyết 1 / 2');
    // A room the meeting does not have: the site's own name, no attendance.
    expect(siteRow('may-chu-2').querySelector('strong')?.textContent).toBe('may-chu-2');
    expect(siteRow('may-chu-2').textContent).not.toContain('Có mặt');
  });

  it('shows no panel for a meeting no site follows, in English words too', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'Date'] });
    vi.setSystemTime(NOW);
    let answer: Site[] = [];
    serve(() => answer);
    await signIn(root, sockets, { participant: 'chair', role: 'chair' }, { seq: 30, snapshot: snapshot(), lang: 'en' });
    await flush();
    expect(panel()).toBeNull();
    answer = [{ site: 'sontay', online: false, rtt_ms: 0, tablets: 0, version: 12, last_heard: ago(9) }];
    await tick(5000);
    expect(panel()?.querySelector('h2')?.textContent).toBe('Bridge sites');
    expect(siteRow('sontay').textContent).toContain('Cut off');
    expect(siteRow('sontay').textContent).toContain('0 tablets');
    expect(siteRow('sontay').textContent).toContain('Last heard 9 s ago');
  });
});
