// @vitest-environment jsdom
// The secretary's invitations: choosing who (everybody, a room, a role, one
// by one) sends those participant ids; the sheet has one card per code with
// its QR code (of the sign-in link) and pages of 8; errors in Vietnamese;
// codes never reach localStorage.
import { describe, expect, it, vi } from 'vitest';
import { act } from 'preact/test-utils';
import { chosen, inviteURL, qrPath } from '../src/ui/secretary/Invitations';
import { FakeSocket } from './fakes';
import { flush, installScreen, signIn } from './screen';

let sockets: FakeSocket[] = [];
let root: HTMLElement;
installScreen((s, r) => {
  sockets = s;
  root = r;
}, { clearStorage: true });

const participants = {
  sec: { id: 'sec', name: 'Phạm Thị Kim Oanh', role: 'secretary', room: 'main', seat: 'T01' },
  chair: { id: 'chair', name: 'Lê Trường Lưu', role: 'chair', room: 'main', seat: 'A01' },
  d1: { id: 'd1', name: 'Nguyễn Thị Hương', role: 'delegate', room: 'main', seat: 'A02' },
  d2: { id: 'd2', name: 'Huỳnh Văn Sơn', role: 'delegate', room: 'district-a', seat: 'B01', title: 'Bí thư Huyện ủy' },
  d3: { id: 'd3', name: 'Trần Thị Thu', role: 'delegate', room: 'district-a', seat: 'B02' },
  obs: { id: 'obs', name: 'Màn hình điểm cầu', role: 'observer', room: 'district-a' },
};

function snapshot() {
  return {
    version: 20,
    id: 'm1',
    title: 'Hội nghị Ban Chấp hành Đảng bộ tỉnh',
    status: 'published',
    rooms: [
      { id: 'main', name: 'Hội trường chính', main: true },
      { id: 'district-a', name: 'Điểm cầu huyện Phong Điền' },
    ],
    participants,
    order: ['sec', 'chair', 'd1', 'd2', 'd3', 'obs'],
    agenda: [],
    documents: {},
    proposals: {},
    polls: {},
    poll_order: [],
    presentation: {},
    floor: {},
  };
}

async function mountSecretary() {
  await signIn(root, sockets, { participant: 'sec', role: 'secretary' }, { seq: 20, snapshot: snapshot() });
}

// fakeFetch answers every call with answer(body) and records the calls.
function fakeFetch(answer: (body: any) => Response | Promise<Response>) {
  const calls: { url: string; auth: string; body: any }[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    const body = JSON.parse(String(init.body));
    calls.push({ url, auth: (init.headers as Record<string, string>).Authorization, body });
    return answer(body);
  });
  return calls;
}

// codesFor answers like the server: a code per participant asked (all when none).
const codesFor = (body: { participants?: string[] }) =>
  new Response(
    JSON.stringify({ invitations: (body.participants?.length ? body.participants : snapshot().order).map((p, i) => ({ participant: p, code: `C${i}X7-Q2M${i}` })) }),
    { status: 200 },
  );

const section = () => root.querySelector('.invitations') as HTMLElement;
const text = () => section().textContent ?? '';
function radio(label: string): HTMLInputElement {
  const l = [...section().querySelectorAll('label')].find((x) => x.textContent?.includes(label) && x.querySelector('input[type=radio]'));
  if (!l) throw new Error(`no radio "${label}"`);
  return l.querySelector('input')!;
}
function button(label: string): HTMLButtonElement {
  const b = [...section().querySelectorAll('button')].find((x) => x.textContent?.includes(label));
  if (!b) throw new Error(`no button "${label}" in: ${text().slice(0, 300)}`);
  return b as HTMLButtonElement;
}
async function make() {
  await act(() => button('Tạo mã mời').click());
  await flush();
}
async function choose(select: HTMLSelectElement, value: string) {
  await act(() => {
    select.value = value;
    select.dispatchEvent(new Event('change', { bubbles: true }));
  });
}
const cards = () => [...section().querySelectorAll('.invite-card')] as HTMLElement[];

describe('chosen', () => {
  const s = snapshot() as any;
  it.each([
    [{ kind: 'all' }, ['sec', 'chair', 'd1', 'd2', 'd3', 'obs']],
    [{ kind: 'room', room: 'district-a' }, ['d2', 'd3', 'obs']],
    [{ kind: 'role', role: 'delegate' }, ['d1', 'd2', 'd3']],
    [{ kind: 'pick', ids: new Set(['d3', 'chair', 'nobody']) }, ['chair', 'd3']],
  ])('%o names %o in the meeting order', (c, want) => {
    expect(chosen(s, c as any)).toEqual(want);
  });
});

describe('QR codes', () => {
  it('encode the sign-in link of the code', () => {
    expect(inviteURL('K7Q2-M4XP', 'https://dais.example.vn')).toBe('https://dais.example.vn/?code=K7Q2-M4XP');
    const a = qrPath(inviteURL('K7Q2-M4XP', 'https://dais.example.vn'));
    // 37 bytes at level M: version 3, 29 modules a side.
    expect(a.size).toBe(29);
    expect(a.d).toMatch(/^(M\d+ \d+h\d+v1h-\d+z)+$/);
    expect(qrPath(inviteURL('AB12-CD34', 'https://dais.example.vn')).d).not.toBe(a.d);
  });
});

describe('invitations', () => {
  it('asks for everybody without a list and shows one card per code with its QR code', async () => {
    const calls = fakeFetch(codesFor);
    await mountSecretary();
    expect(text()).toContain('Tất cả (6 người)');
    expect(text()).toContain('các mã đã cấp trước vẫn dùng được');
    expect(cards()).toHaveLength(0);
    await make();
    expect(calls).toEqual([{ url: '/api/v1/meetings/m1/invitations', auth: 'Bearer tok', body: {} }]);
    expect(text()).toContain('Đã tạo 6 mã mời');
    expect(cards()).toHaveLength(6);
    const d2 = cards()[3];
    expect(d2.textContent).toContain('Huỳnh Văn Sơn');
    expect(d2.textContent).toContain('Bí thư Huyện ủy');
    expect(d2.textContent).toContain('Đại biểu');
    expect(d2.textContent).toContain('Điểm cầu huyện Phong Điền');
    expect(d2.textContent).toContain('Ghế B01');
    expect(d2.querySelector('.invite-code')?.textContent).toContain('C3X7-Q2M3');
    for (const [i, c] of cards().entries()) {
      const svg = c.querySelector('svg.qr');
      expect(svg?.getAttribute('aria-label')).toContain('Mã QR đăng nhập của');
      // The QR code is that of the sign-in link with this card's code.
      expect(svg?.querySelector('path')?.getAttribute('d')).toBe(qrPath(inviteURL(`C${i}X7-Q2M${i}`)).d);
    }
    // The codes are in the page only.
    for (let i = 0; i < localStorage.length; i++) expect(localStorage.getItem(localStorage.key(i)!)).not.toContain('X7-Q2M');
  });

  it('sends only the chosen room’s participants, in the meeting order', async () => {
    const calls = fakeFetch(codesFor);
    await mountSecretary();
    await act(() => radio('Theo điểm cầu').click());
    await choose(section().querySelector('select')!, 'district-a');
    expect(text()).toContain('Đã chọn 3 người');
    await make();
    expect(calls.map((c) => c.body)).toEqual([{ participants: ['d2', 'd3', 'obs'] }]);
    expect(cards().map((c) => c.querySelector('.invite-name')?.textContent)).toEqual(['Huỳnh Văn Sơn', 'Trần Thị Thu', 'Màn hình điểm cầu']);
  });

  it('sends a role’s participants, or the ones ticked', async () => {
    const calls = fakeFetch(codesFor);
    await mountSecretary();
    await act(() => radio('Theo vai trò').click());
    await choose(section().querySelector('select')!, 'chair');
    await make();
    await act(() => radio('Chọn từng người').click());
    expect(text()).toContain('Chưa chọn ai.');
    expect(button('Tạo mã mời').disabled).toBe(true);
    const tick = (name: string) => {
      const l = [...section().querySelectorAll('.inv-pick label')].find((x) => x.textContent?.includes(name))!;
      (l.querySelector('input') as HTMLInputElement).click();
    };
    await act(() => tick('Trần Thị Thu'));
    await act(() => tick('Nguyễn Thị Hương'));
    await make();
    expect(calls.map((c) => c.body)).toEqual([{ participants: ['chair'] }, { participants: ['d1', 'd3'] }]);
    // Making codes again replaces the sheet with the new codes.
    expect(cards()).toHaveLength(2);
  });

  it('lays the sheet out in pages of 8 and prints it', async () => {
    fakeFetch(() => new Response(JSON.stringify({ invitations: Array.from({ length: 9 }, (_, i) => ({ participant: i % 2 ? 'd1' : 'd2', code: `P${i}AA-BBBB` })) })));
    await mountSecretary();
    await make();
    const pages = [...section().querySelectorAll('.invite-page')];
    expect(pages.map((p) => p.querySelectorAll('.invite-card').length)).toEqual([8, 1]);
    expect(section().querySelectorAll('.invite-sheet svg.qr')).toHaveLength(9);
    const print = vi.fn();
    vi.stubGlobal('print', print);
    await act(() => button('In').click());
    expect(print).toHaveBeenCalledOnce();
  });

  it.each([
    ['a refusal', () => new Response(JSON.stringify({ error: { code: 'forbidden', message: 'only a secretary of this meeting', message_vi: 'Chỉ Thư ký của hội nghị được tạo mã mời' } }), { status: 403 }), 'Chỉ Thư ký của hội nghị được tạo mã mời'],
    ['a network error', () => Promise.reject(new TypeError('Failed to fetch')), 'Không kết nối được tới máy chủ'],
    ['a server without the store', () => new Response('busy', { status: 503 }), 'Lỗi HTTP 503'],
  ])('shows %s in Vietnamese and no sheet', async (_, answer, want) => {
    fakeFetch(answer as () => Response);
    await mountSecretary();
    await make();
    const alert = section().querySelector('[role=alert]');
    expect(alert?.textContent).toContain(want);
    expect(cards()).toHaveLength(0);
    expect(button('Tạo mã mời').disabled).toBe(false);
  });
});
