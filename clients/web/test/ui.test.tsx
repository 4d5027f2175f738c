// @vitest-environment jsdom
// Screens rendered in jsdom against a scripted server: the right screen per
// role, the vote panel's flow, the reconnect banner, the sign-in.
import { describe, expect, it, vi } from 'vitest';
import { render } from 'preact';
import { act } from 'preact/test-utils';
import { memoryKV, SessionStore } from '../src/core/session';
import { App } from '../src/ui/App';
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
    version: 20,
    id: 'm1',
    title: 'Hội nghị Ban Chấp hành Đảng bộ tỉnh',
    status: 'in_session',
    rooms: [
      { id: 'main', name: 'Hội trường chính', main: true },
      { id: 'district-a', name: 'Điểm cầu huyện Phong Điền' },
    ],
    participants: {
      chair: { id: 'chair', name: 'Lê Trường Lưu', role: 'chair', room: 'main', present: true },
      d1: { id: 'd1', name: 'Nguyễn Thị Hương', role: 'delegate', room: 'main' },
      d2: { id: 'd2', name: 'Huỳnh Văn Sơn', role: 'delegate', room: 'district-a', present: true },
      sec: { id: 'sec', name: 'Phạm Thị Kim Oanh', role: 'secretary', room: 'main' },
    },
    order: ['sec', 'chair', 'd1', 'd2'],
    agenda: [
      { id: 'i1', title: 'Khai mạc hội nghị' },
      { id: 'i2', title: 'Dự toán ngân sách địa phương năm 2027', presenter: 'd1' },
    ],
    current: 'i2',
    documents: {},
    proposals: {},
    polls: {
      v1: { id: 'v1', question: 'Thông qua dự toán ngân sách 2027', choices: [{ id: 'for', label: 'Tán thành' }, { id: 'against', label: 'Không tán thành' }, { id: 'abstain', label: 'Không biểu quyết' }], rule: { base: 'members', threshold: 'absolute' }, status: 'ready' },
    },
    poll_order: ['v1'],
    presentation: {},
    floor: { queue: ['d2'] },
    ...extra,
  };
}

async function mount(participant: string, role: string, search = '', extra: Record<string, unknown> = {}) {
  return signIn(root, sockets, { participant, role }, { seq: 20, snapshot: snapshot(extra), search });
}

const text = () => root.textContent ?? '';
function button(label: string): HTMLButtonElement {
  const b = [...root.querySelectorAll('button')].find((x) => x.getAttribute('aria-label') === label || x.textContent?.includes(label));
  if (!b) throw new Error(`no button "${label}" in: ${text().slice(0, 400)}`);
  return b as HTMLButtonElement;
}

describe('screens', () => {
  it('shows the delegate tablet with the current item, floor and check-in', async () => {
    const { ws } = await mount('d1', 'delegate');
    // The hello names this device (issue 12: the copy register), the id kept in localStorage.
    expect(ws.sent[0]).toEqual({ type: 'hello', protocol: 1, token: 'tok', last_seq: 0, device: localStorage.getItem('dais.device') });
    expect(ws.sent[0].device).toMatch(/^tab-[a-z2-7]{20}$/);
    expect(text()).toContain('Nội dung đang thảo luận');
    expect(text()).toContain('2. Dự toán ngân sách địa phương năm 2027');
    expect(text()).toContain('Đồng chí chưa điểm danh');
    await act(() => button('Đăng ký phát biểu').click());
    await act(() => button('Gửi đăng ký').click());
    expect(ws.last('command')).toMatchObject({ name: 'RequestFloor', args: {} });
    await act(() => button('Điểm danh').click());
    expect(ws.last('command')).toMatchObject({ name: 'CheckIn' });
    await act(() => {
      ws.deliver({ type: 'event', event: { seq: 21, type: 'FloorRequested', at: '2026-12-03T01:00:00Z', data: { participant: 'd1' } } });
    });
    await flush();
    expect(text()).toContain('vị trí thứ 2');
  });

  it('opens the vote by itself, confirms, and says the vote was recorded', async () => {
    const { ws } = await mount('d1', 'delegate');
    await act(() => {
      ws.deliver({ type: 'event', event: { seq: 21, type: 'PollOpened', at: '2026-12-03T01:00:00Z', data: { poll: 'v1' } } });
    });
    await flush();
    expect(root.querySelector('[role=dialog]')).not.toBeNull();
    expect(text()).toContain('Thông qua dự toán ngân sách 2027');
    await act(() => button('Tán thành').click());
    expect(text()).toContain('Xác nhận: Tán thành?');
    expect(ws.sent.filter((m) => m.type === 'command')).toHaveLength(0);
    await act(() => button('Xác nhận').click());
    const cmd = ws.last('command');
    expect(cmd).toMatchObject({ name: 'CastBallot', args: { poll: 'v1', choice: 'for' } });
    await act(() => {
      ws.deliver({ type: 'event', event: { seq: 22, type: 'BallotCast', at: '2026-12-03T01:00:01Z', data: { poll: 'v1', voter: 'd1', choice: 'for' } } });
      ws.deliver({ type: 'ack', id: cmd.id, ok: true, seq: 22 });
      ws.deliver({ type: 'progress', poll: 'v1', cast: 2, members: 3, present: 2 });
    });
    await flush();
    expect(text()).toContain('Phiếu của đồng chí đã được ghi nhận');
    expect(text()).toContain('Đồng chí đã chọn: Tán thành');
    expect(text()).toContain('Đã biểu quyết: 2 / 2 có mặt (3 đại biểu)');
    await act(() => {
      ws.deliver({ type: 'event', event: { seq: 24, type: 'PollClosed', at: '2026-12-03T01:01:00Z', data: { poll: 'v1', result: { counts: { for: 2, against: 0, abstain: 0 }, cast: 2, members: 3, present: 2, base: 3, quorum_ok: true, passed: true } } } });
    });
    await flush();
    expect(text()).toContain('Kết quả biểu quyết');
    expect(text()).toContain('ĐƯỢC THÔNG QUA');
  });

  it('counts an acknowledged ballot before its event arrives', async () => {
    const { ws } = await mount('d1', 'delegate');
    await act(() => {
      ws.deliver({ type: 'event', event: { seq: 21, type: 'PollOpened', at: '2026-12-03T01:00:00Z', data: { poll: 'v1' } } });
    });
    await flush();
    await act(() => button('Không tán thành').click());
    await act(() => button('Xác nhận').click());
    await act(() => ws.deliver({ type: 'ack', id: ws.last('command').id, ok: true, seq: 22 }));
    await flush();
    expect(text()).toContain('Phiếu của đồng chí đã được ghi nhận');
    expect(text()).toContain('Đồng chí đã chọn: Không tán thành');
  });

  it('shows the reconnect banner when the connection drops', async () => {
    const { ws } = await mount('d1', 'delegate');
    await act(() => ws.serverClose(1006));
    await flush();
    expect(text()).toContain('Mất kết nối — đang kết nối lại…');
    await act(() => button('Thử lại ngay').click());
    const again = sockets[sockets.length - 1];
    expect(again).not.toBe(ws);
    await act(() => {
      again.open();
    });
    expect(again.sent[0]).toMatchObject({ type: 'hello', last_seq: 20 });
  });

  it('gives the chair the console with polls, queue and attendance per room', async () => {
    const { ws } = await mount('chair', 'chair');
    expect(text()).toContain('Bàn điều hành của Chủ tọa');
    expect(text()).toContain('Điểm cầu huyện Phong Điền');
    expect(text()).toContain('Huỳnh Văn Sơn');
    await act(() => button('Mở biểu quyết').click());
    expect(ws.last('command')).toEqual({ type: 'command', id: expect.any(String), name: 'OpenPoll', args: { poll: 'v1' } });
    await act(() => button('Mời người tiếp theo').click());
    expect(ws.last('command')).toMatchObject({ name: 'GiveFloor', args: {} });
    await act(() => button('Chuyển sang').click());
    expect(ws.last('command')).toMatchObject({ name: 'SetCurrentItem', args: { item: 'i1' } });
  });

  it('follows the presenter, browses freely, and turns the room pages when presenting', async () => {
    const docs = { d1: { id: 'd1', title: 'Báo cáo kinh tế - xã hội 2026', pages: 10, sha256: 'x' } };
    const { ws } = await mount('d1', 'delegate', '', { documents: docs, presentation: { document: 'd1', page: 3 } });
    const pageNo = () => root.querySelector('.page-no')?.textContent;
    expect(pageNo()).toBe('Trang 3 / 10');
    expect(button('Trang sau').disabled).toBe(true);
    await act(() => button('Xem tự do').click());
    await act(() => button('Trang sau').click());
    expect(pageNo()).toBe('Trang 4 / 10');
    await act(() => {
      ws.deliver({ type: 'event', event: { seq: 21, type: 'PageTurned', at: '2026-12-03T01:00:00Z', data: { document: 'd1', page: 6 } } });
    });
    await flush();
    expect(pageNo()).toBe('Trang 4 / 10');
    await act(() => button('Theo dõi người trình bày').click());
    expect(pageNo()).toBe('Trang 6 / 10');
    expect(ws.sent.filter((m) => m.type === 'command')).toHaveLength(0);
    await act(() => {
      ws.deliver({ type: 'event', event: { seq: 22, type: 'PresentationHanded', at: '2026-12-03T01:00:00Z', data: { to: 'd1' } } });
    });
    await flush();
    expect(text()).toContain('Đồng chí đang trình bày');
    await act(() => button('Trang sau').click());
    expect(ws.last('command')).toMatchObject({ name: 'TurnPage', args: { page: 7 } });
  });

  it('switches to English and back', async () => {
    await mount('d1', 'delegate');
    await act(() => button('English').click());
    await flush();
    expect(text()).toContain('Agenda');
    expect(text()).toContain('Request to speak');
    expect(document.documentElement.lang).toBe('en');
    await act(() => button('Tiếng Việt').click());
    await flush();
    expect(text()).toContain('Chương trình hội nghị');
  });

  it('gives the secretary the workspace', async () => {
    await mount('sec', 'secretary');
    expect(text()).toContain('Không gian làm việc của Thư ký');
    expect(text()).toContain('Thành phần tham dự');
    expect(text()).toContain('Tải tài liệu lên (PDF)');
  });

  it('shows the room display with ?display=1', async () => {
    await mount('d1', 'delegate', 'display=1');
    expect(root.querySelector('.display')).not.toBeNull();
    expect(text()).toContain('Chưa trình chiếu tài liệu nào');
  });

  it('returns to the sign-in with a notice on 4001', async () => {
    const { ws } = await mount('d1', 'delegate');
    await act(() => ws.serverClose(4001));
    await flush();
    expect(text()).toContain('Phiên làm việc đã hết hạn');
    expect(root.querySelector('#code')).not.toBeNull();
  });
});

describe('sign-in', () => {
  it('redeems ?code= at once and opens the meeting', async () => {
    const fetchMock = vi.fn(async () => new Response(JSON.stringify({ token: 'tok2', meeting: 'm1', participant: 'd1', role: 'delegate' }), { status: 200 }));
    vi.stubGlobal('fetch', fetchMock);
    const sessions = new SessionStore(memoryKV());
    await act(() => {
      render(<App sessions={sessions} params={new URLSearchParams('code=k7q2-m4xp')} initialLang="vi" saveLang={() => {}} />, root);
    });
    await flush();
    await flush();
    expect(fetchMock).toHaveBeenCalledOnce();
    expect(JSON.parse((fetchMock.mock.calls[0] as any)[1].body)).toEqual({ code: 'K7Q2-M4XP' });
    expect(sessions.last()?.token).toBe('tok2');
    expect(sockets).toHaveLength(1);
    vi.unstubAllGlobals();
  });

  it('shows a loading line, not the form, while ?code= is redeemed; the form with the reason if refused', async () => {
    let answer!: (r: Response) => void;
    vi.stubGlobal('fetch', vi.fn(() => new Promise<Response>((r) => (answer = r))));
    await act(() => {
      render(<App sessions={new SessionStore(memoryKV())} params={new URLSearchParams('code=k7q2-m4xp')} initialLang="vi" saveLang={() => {}} />, root);
    });
    expect(text()).toContain('Đang vào…');
    expect(root.querySelector('#code')).toBeNull();
    expect(root.querySelector('.staff-link')).toBeNull();
    await act(() => answer(new Response(JSON.stringify({ error: { code: 'not_found', message: 'unknown code', message_vi: 'Mã mời không đúng hoặc đã được dùng' } }), { status: 404 })));
    await flush();
    expect(text()).toContain('Mã mời không đúng hoặc đã được dùng');
    expect((root.querySelector('#code') as HTMLInputElement).value).toBe('k7q2-m4xp');
    expect(root.querySelector('.staff-link')).not.toBeNull();
    vi.unstubAllGlobals();
  });

  it('shows the server message in Vietnamese', async () => {
    vi.stubGlobal('fetch', async () => new Response(JSON.stringify({ error: { code: 'not_found', message: 'unknown code', message_vi: 'Mã mời không đúng hoặc đã được dùng' } }), { status: 404 }));
    await act(() => {
      render(<App sessions={new SessionStore(memoryKV())} params={new URLSearchParams()} initialLang="vi" saveLang={() => {}} />, root);
    });
    const input = root.querySelector('#code') as HTMLInputElement;
    await act(() => {
      input.value = 'ABCD';
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await act(() => button('Vào hội nghị').click());
    await flush();
    expect(text()).toContain('Mã mời không đúng hoặc đã được dùng');
    vi.unstubAllGlobals();
  });
});

// Issue 12: what a delegate's viewer offers for a document by its level.
describe('secret documents on the tablet', () => {
  const sha = 'cd'.repeat(32);
  const docs = {
    mat: { id: 'mat', title: 'Báo cáo nội bộ', pages: 3, sha256: sha, level: 'mat' },
    toi: { id: 'toi', title: 'Phương án nhân sự', pages: 2, sha256: sha, level: 'toi_mat' },
    back: { id: 'back', title: 'Tài liệu đã thu hồi', pages: 2, sha256: sha, level: 'mat', taken_back: { at: '2026-12-03T02:00:00Z', seq: 19, reason: 'secretary' } },
  };
  const agenda = [
    { id: 'i1', title: 'Khai mạc hội nghị' },
    { id: 'i2', title: 'Dự toán ngân sách địa phương năm 2027', presenter: 'd1', documents: ['mat', 'toi', 'back'] },
  ];
  const buttons = () => [...root.querySelectorAll('.doc-toolbar button, .doc-toolbar a')].map((b) => b.textContent?.trim() ?? '');

  it('Tối mật: the badge and the note, no download, print or annotated copy', async () => {
    await mount('d1', 'delegate', '', { documents: docs, agenda, presentation: { document: 'toi', page: 1 } });
    expect(root.querySelector('.doc-mode .tag.level')?.textContent).toBe('Tối mật');
    expect(text()).toContain('không tải về, không in');
    expect(buttons().some((b) => b.includes('Tải về') || b === '🖨 In' || b.includes('Bản có ghi chú'))).toBe(false);
    expect(root.querySelector('.doc-pane')?.classList.contains('no-print-doc')).toBe(true);
  });

  it('Mật: download, print and the annotated copy are there', async () => {
    await mount('d1', 'delegate', '', { documents: docs, agenda, presentation: { document: 'mat', page: 1 } });
    expect(root.querySelector('.doc-mode .tag.level')?.textContent).toBe('Mật');
    expect(buttons()).toEqual(expect.arrayContaining(['⬇ Tải về', '🖨 In', 'Bản có ghi chú của tôi']));
  });

  it('a document taken back is not shown: the viewer says so', async () => {
    await mount('d1', 'delegate', '', { documents: docs, agenda, presentation: { document: 'back', page: 1 } });
    expect(text()).toContain('Tài liệu mật này đã được thu hồi.');
    expect(root.querySelector('.doc-pane canvas')).toBeNull();
    // The agenda still names it, with its level and "taken back".
    expect(root.querySelector('.agenda .item-docs')?.textContent).toContain('Đã thu hồi');
  });
});
