// @vitest-environment jsdom
// The election screens in jsdom against a scripted server: the ballot on
// the tablet (strike, restore, the invalid warning with its reason before
// confirming, the ballot as it will be cast, the marks sent), the agree
// form, the committee's paper entry and mismatch, the result table and
// chart, and the chair's next round.
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

const cands = [
  { id: 'c01', name: 'Nguyễn Văn Ánh', birth_year: 1970, position: 'Phó Bí thư Tỉnh ủy' },
  { id: 'c02', name: 'Trần Thị Bích Ngọc', birth_year: 1975, position: 'Trưởng Ban Tổ chức' },
  { id: 'c03', name: 'Lê Hoàng Cường', birth_year: 1968 },
  { id: 'c04', name: 'Phạm Đức Dũng', birth_year: 1972 },
  { id: 'c05', name: 'Võ Thị Ê', birth_year: 1980 },
];

function snapshot(extra: Record<string, unknown> = {}) {
  return {
    version: 20,
    id: 'm1',
    title: 'Đại hội Đảng bộ tỉnh',
    status: 'in_session',
    rooms: [
      { id: 'main', name: 'Hội trường chính', main: true },
      { id: 'r2', name: 'Điểm cầu huyện Phong Điền' },
    ],
    participants: {
      chair: { id: 'chair', name: 'Lê Trường Lưu', role: 'chair', room: 'main', present: true },
      d1: { id: 'd1', name: 'Nguyễn Thị Hương', role: 'delegate', room: 'main', present: true },
      d2: { id: 'd2', name: 'Huỳnh Văn Sơn', role: 'delegate', room: 'r2', present: true },
      k1: { id: 'k1', name: 'Đặng Hữu Phước', role: 'delegate', room: 'main', present: true },
      sec: { id: 'sec', name: 'Phạm Thị Kim Oanh', role: 'secretary', room: 'main' },
      scr: { id: 'scr', name: 'Màn hình hội trường', role: 'display', room: 'main' },
    },
    order: ['sec', 'chair', 'd1', 'd2', 'k1', 'scr'],
    agenda: [],
    documents: {},
    proposals: {},
    elections: {
      bch: { id: 'bch', title: 'Bầu Ban Chấp hành khóa XVI', kind: 'election', seats: 4, candidates: cands, base: 'convened', paper_rooms: ['r2'], approval: 'bch-approval', approved: true, rounds: ['bch-r1'] },
    },
    election_order: ['bch'],
    committee: ['k1'],
    polls: {
      'bch-r1': {
        id: 'bch-r1',
        question: 'Bầu Ban Chấp hành khóa XVI — lần 1',
        choices: [{ id: 'ballot', label: 'Phiếu bầu' }],
        secret: true,
        rule: { base: 'members', threshold: 'absolute' },
        status: 'ready',
        kind: 'election',
        election: 'bch',
        round: 1,
        candidates: ['c01', 'c02', 'c03', 'c04', 'c05'],
        seats: 4,
        style: 'strike',
      },
    },
    poll_order: ['bch-r1'],
    presentation: {},
    floor: {},
    ...extra,
  };
}

const text = () => root.textContent ?? '';
function button(label: string): HTMLButtonElement {
  const b = [...root.querySelectorAll('button')].find((x) => x.getAttribute('aria-label') === label || x.textContent?.includes(label));
  if (!b) throw new Error(`no button "${label}" in: ${text().slice(0, 600)}`);
  return b as HTMLButtonElement;
}
const at = '2026-12-03T01:00:00Z';
let seq = 21;
const ev = (ws: FakeSocket, type: string, data: unknown) => ws.deliver({ type: 'event', event: { seq: seq++, type, at, data } });

describe('the ballot on the tablet', () => {
  it('strikes and restores names, warns before confirming, shows the ballot as cast, sends the marks', async () => {
    const { ws } = await signIn(root, sockets, { participant: 'd1', role: 'delegate' }, { seq: 20, snapshot: snapshot() });
    await act(() => ev(ws, 'PollOpened', { poll: 'bch-r1' }));
    await flush();
    const dialog = root.querySelector('[role=dialog]')!;
    expect(dialog.textContent).toContain('Bầu Ban Chấp hành khóa XVI');
    expect(dialog.textContent).toContain('Số lượng cần bầu: 4 — danh sách 5 người');
    // Every name in full, in list order.
    const names = [...dialog.querySelectorAll('.ballot-name .cand-name')].map((x) => x.textContent);
    expect(names).toEqual(cands.map((c) => c.name));
    // Nothing struck: five kept for four seats, invalid, said at once.
    expect(dialog.textContent).toContain('Phiếu không hợp lệ: giữ lại 5 người, nhiều hơn số lượng cần bầu (4).');
    await act(() => button('Xem lại phiếu trước khi bỏ').click());
    expect(text()).toContain('Phiếu sẽ được bỏ như sau');
    expect(root.querySelector('[role=alert]')?.textContent).toContain('Phiếu không hợp lệ');
    button('Vẫn bỏ phiếu không hợp lệ');
    expect(ws.sent.filter((m) => m.type === 'command')).toHaveLength(0);
    await act(() => button('Sửa lại phiếu').click());
    // Strike 2 and 4, restore 4: one struck, four kept, valid.
    await act(() => button('Trần Thị Bích Ngọc — giữ lại').click());
    await act(() => button('Phạm Đức Dũng — giữ lại').click());
    expect(button('Phạm Đức Dũng — đã gạch tên').getAttribute('aria-pressed')).toBe('true');
    await act(() => button('Phạm Đức Dũng — đã gạch tên').click());
    expect(text()).toContain('Giữ lại 4 / 4 người');
    expect(text()).not.toContain('Phiếu không hợp lệ');
    await act(() => button('Xem lại phiếu trước khi bỏ').click());
    // The ballot as it will be cast: the struck name crossed out.
    expect([...root.querySelectorAll('.ballot-confirm s')].map((x) => x.textContent)).toEqual(['Trần Thị Bích Ngọc']);
    await act(() => button('Bỏ phiếu').click());
    const cmd = ws.last('command');
    expect(cmd).toMatchObject({ name: 'CastBallot', args: { poll: 'bch-r1', marks: '10111' } });
    expect(cmd.args.choice).toBeUndefined();
    expect(typeof cmd.args.ballot_id).toBe('string');
    await act(() => ws.deliver({ type: 'ack', id: cmd.id, ok: true, seq: seq++ }));
    await flush();
    expect(text()).toContain('Phiếu bầu của đồng chí đã được ghi nhận');
    // The marks are not shown once cast.
    expect(root.querySelector('.ballot-confirm')).toBeNull();
  });

  it('every name struck: invalid with its reason', async () => {
    const { ws } = await signIn(root, sockets, { participant: 'd1', role: 'delegate' }, { seq: 20, snapshot: snapshot() });
    await act(() => ev(ws, 'PollOpened', { poll: 'bch-r1' }));
    await flush();
    for (const c of cands) await act(() => button(`${c.name} — giữ lại`).click());
    expect(text()).toContain('Phiếu không hợp lệ: gạch tên tất cả những người trong danh sách.');
  });

  it('names == seats: Đồng ý / Không đồng ý per name; neither or both gives no vote and stays valid', async () => {
    const snap = snapshot();
    const p = (snap.polls as any)['bch-r1'];
    p.candidates = ['c01', 'c02'];
    p.seats = 2;
    p.style = 'agree';
    const { ws } = await signIn(root, sockets, { participant: 'd1', role: 'delegate' }, { seq: 20, snapshot: snap });
    await act(() => ev(ws, 'PollOpened', { poll: 'bch-r1' }));
    await flush();
    const boxes = [...root.querySelectorAll('.ballot-box')] as HTMLButtonElement[];
    expect(boxes.map((b) => b.textContent)).toEqual(['Đồng ý', 'Không đồng ý', 'Đồng ý', 'Không đồng ý']);
    await act(() => boxes[0].click());
    await act(() => boxes[1].click());
    expect(text()).toContain('Không tính phiếu cho: Nguyễn Văn Ánh, Trần Thị Bích Ngọc');
    await act(() => button('Xem lại phiếu trước khi bỏ').click());
    await act(() => button('Bỏ phiếu').click());
    expect(ws.last('command').args.marks).toBe('*-');
  });

  it('a delegate of a paper room is told to vote on paper', async () => {
    const { ws } = await signIn(root, sockets, { participant: 'd2', role: 'delegate' }, { seq: 20, snapshot: snapshot() });
    await act(() => ev(ws, 'PollOpened', { poll: 'bch-r1' }));
    await flush();
    expect(text()).toContain('Điểm cầu của đồng chí bỏ phiếu giấy');
    expect(root.querySelector('.ballot-name')).toBeNull();
  });
});

describe('the counting committee', () => {
  it('enters a paper sheet, sees a mismatch with each entry in words, resolves it', async () => {
    const { ws } = await signIn(root, sockets, { participant: 'k1', role: 'delegate' }, { seq: 20, snapshot: snapshot() });
    await act(() => ev(ws, 'PollOpened', { poll: 'bch-r1' }));
    await flush();
    // Vote first (the dialog covers the tablet), then close it and open the console.
    await act(() => button('Lê Hoàng Cường — giữ lại').click());
    await act(() => button('Xem lại phiếu trước khi bỏ').click());
    await act(() => button('Bỏ phiếu').click());
    await act(() => ws.deliver({ type: 'ack', id: ws.last('command').id, ok: true, seq: seq++ }));
    await flush();
    await act(() => button('Đóng').click());
    await act(() => button('Bàn làm việc của Ban kiểm phiếu').click());
    expect(text()).toContain('Phiếu phát ra');
    // Issued: the four voters present; returned: the electronic ballot.
    expect(text()).toContain('Đã bỏ phiếu: 0 / 4');
    // The committee is not shown who voted: the live progress gives each room's ballots.
    await act(() => ws.deliver({ type: 'progress', poll: 'bch-r1', cast: 2, members: 4, present: 4, rooms: [{ room: 'main', cast: 2, present: 3 }, { room: 'r2', cast: 0, present: 1 }] }));
    await flush();
    expect(text()).toContain('Đã bỏ phiếu: 2 / 4');
    const main = [...root.querySelectorAll('.rooms-count tbody tr')].find((r) => r.textContent?.includes('Hội trường chính'))!;
    expect([...main.querySelectorAll('td')].map((c) => c.textContent)).toEqual(['3', '2']);
    // Sheet 1 of the paper room: strike names 1 and 5.
    const strike = (name: string) => {
      const box = [...root.querySelectorAll('.marks-strike')].find((l) => l.textContent?.includes(name))!.querySelector('input')!;
      box.click();
    };
    await act(() => strike('Nguyễn Văn Ánh'));
    await act(() => button('Lưu phiếu số 1').click());
    const cmd = ws.last('command');
    expect(cmd).toMatchObject({ name: 'EnterPaperBallot', args: { poll: 'bch-r1', room: 'r2', sheet: 1, marks: '01111' } });
    await act(() => ws.deliver({ type: 'ack', id: cmd.id, ok: true, seq: seq }));
    await act(() => ev(ws, 'PaperBallotEntered', { poll: 'bch-r1', room: 'r2', sheet: 1, member: 'k1', marks: '01111' }));
    await flush();
    // The next sheet number is ready, the marks cleared.
    button('Lưu phiếu số 2');
    // Another member typed it differently: listed, in words.
    await act(() => ev(ws, 'PaperBallotEntered', { poll: 'bch-r1', room: 'r2', sheet: 1, member: 'd1', marks: '11110' }));
    await flush();
    const mm = root.querySelector('.mismatch')!;
    expect(mm.textContent).toContain('Điểm cầu huyện Phong Điền — Số phiếu 1');
    expect(mm.textContent).toContain('Đặng Hữu Phước: gạch: Nguyễn Văn Ánh');
    expect(mm.textContent).toContain('Nguyễn Thị Hương: gạch: Võ Thị Ê');
    await act(() => button('Xác định theo phiếu gốc — Số phiếu 1').click());
    expect(text()).toContain('Xác định phiếu số 1 (Điểm cầu huyện Phong Điền) theo phiếu gốc');
    await act(() => button('Xác định theo phiếu gốc').click());
    expect(ws.last('command')).toMatchObject({ name: 'ResolvePaperBallot', args: { poll: 'bch-r1', room: 'r2', sheet: 1, marks: '01111' } });
    await act(() => ws.deliver({ type: 'ack', id: ws.last('command').id, ok: true, seq: seq }));
    await act(() => ev(ws, 'PaperBallotResolved', { poll: 'bch-r1', room: 'r2', sheet: 1, marks: '01111' }));
    await flush();
    expect(text()).toContain('Các lần nhập đều khớp.');
    expect(text()).toContain('1 phiếu giấy: 0 khớp, 1 đã xác định');
  });
});

const result = {
  counts: { ballot: 4 },
  cast: 4,
  members: 4,
  present: 4,
  base: 4,
  quorum_ok: true,
  passed: false,
  election: {
    election: 'bch',
    round: 1,
    kind: 'election',
    style: 'strike',
    seats: 4,
    base_kind: 'convened',
    base: 4,
    issued: 4,
    returned: 5,
    valid: 5,
    invalid: 0,
    candidates: [
      { id: 'c01', votes: 5, share: 125, elected: true },
      { id: 'c02', votes: 4, share: 100, elected: true },
      { id: 'c03', votes: 4, share: 100, elected: true },
      { id: 'c04', votes: 3, share: 75 },
      { id: 'c05', votes: 3, share: 75 },
    ],
    elected: ['c01', 'c02', 'c03'],
    next_round: { reason: 'tie', candidates: ['c04', 'c05'], seats: 1 },
  },
};

describe('the result and the next round', () => {
  it('the chair sees the table, the tie, and opens the next round among the tied', async () => {
    const snap = snapshot();
    (snap.polls as any)['bch-r1'].status = 'open';
    const { ws } = await signIn(root, sockets, { participant: 'chair', role: 'chair' }, { seq: 20, snapshot: snap });
    await act(() => button('Kết thúc bỏ phiếu').click());
    expect(ws.last('command')).toMatchObject({ name: 'ClosePoll', args: { poll: 'bch-r1' } });
    await act(() => ws.deliver({ type: 'ack', id: ws.last('command').id, ok: true, seq }));
    await act(() => ev(ws, 'PollClosed', { poll: 'bch-r1', result }));
    await flush();
    const table = root.querySelector('.elections .el-table')!;
    const rows = [...table.querySelectorAll('tbody tr')].map((r) => [...r.children].map((c) => c.textContent));
    expect(rows[0]).toEqual(['1', 'Nguyễn Văn Ánh', '5', '125 %', '✓ Trúng cử']);
    expect(rows[3]).toEqual(['4', 'Phạm Đức Dũng', '3', '75 %', 'Bằng phiếu ở chỗ cuối cùng']);
    expect(text()).toContain('Cần bầu vòng tiếp theo: có người bằng phiếu ở chỗ cuối cùng');
    expect(text()).toContain('Bầu vòng 2 giữa: Phạm Đức Dũng, Võ Thị Ê');
    await act(() => button('Mở vòng bầu tiếp theo').click());
    expect(ws.last('command')).toMatchObject({ name: 'OpenElectionRound', args: { election: 'bch' } });
  });

  it('an agree round (names == seats) shows each name’s Đồng ý and Không đồng ý', async () => {
    const snap = snapshot();
    (snap.polls as any)['bch-r1'].status = 'open';
    const { ws } = await signIn(root, sockets, { participant: 'chair', role: 'chair' }, { seq: 20, snapshot: snap });
    const agree = structuredClone(result);
    agree.election.style = 'agree';
    (agree.election.candidates as any[]).forEach((c) => (c.against = 5 - c.votes));
    await act(() => ev(ws, 'PollClosed', { poll: 'bch-r1', result: agree }));
    await flush();
    const table = root.querySelector('.elections .el-table')!;
    const head = [...table.querySelectorAll('thead th')].map((c) => c.textContent);
    expect(head).toEqual(['STT', 'Họ và tên', 'Đồng ý', 'Không đồng ý', 'Tỷ lệ', 'Kết quả bầu cử']);
    const rows = [...table.querySelectorAll('tbody tr')].map((r) => [...r.children].map((c) => c.textContent));
    expect(rows[0]).toEqual(['1', 'Nguyễn Văn Ánh', '5', '0', '125 %', '✓ Trúng cử']);
    expect(rows[3]).toEqual(['4', 'Phạm Đức Dũng', '3', '2', '75 %', 'Bằng phiếu ở chỗ cuối cùng']);
  });

  it('the display shows the result as a table and a chart with the half line', async () => {
    const snap = snapshot();
    (snap.polls as any)['bch-r1'].status = 'open';
    const { ws } = await signIn(root, sockets, { participant: 'scr', role: 'display' }, { seq: 20, snapshot: snap });
    expect(text()).toContain('Bầu Ban Chấp hành khóa XVI');
    await act(() => ev(ws, 'PollClosed', { poll: 'bch-r1', result }));
    await flush();
    expect(text()).toContain('Kết quả bầu cử');
    expect(root.querySelectorAll('.el-table tbody tr')).toHaveLength(5);
    const svg = root.querySelector('svg.el-chart')!;
    expect(svg.getAttribute('role')).toBe('img');
    expect(svg.querySelectorAll('.bar')).toHaveLength(5);
    expect(svg.querySelectorAll('.bar.elected')).toHaveLength(3);
    expect(svg.querySelector('.half-line')).not.toBeNull();
  });
});

describe('the secretary’s election editor', () => {
  const input = (el: Element | null, value: string) => {
    const i = el as HTMLInputElement;
    i.value = value;
    i.dispatchEvent(new Event('input', { bubbles: true }));
  };
  const byLabel = (label: string) => {
    const l = [...root.querySelectorAll('label')].find((x) => x.textContent?.trim().startsWith(label));
    return l?.querySelector('input, textarea, select') ?? root.querySelector(`[aria-label="${label}"]`);
  };

  it('imports the list from pasted CSV, checks the 30 % rule, sends CreateElection with the ordered list', async () => {
    const { ws } = await signIn(root, sockets, { participant: 'sec', role: 'secretary' }, { seq: 20, snapshot: snapshot({ elections: {}, election_order: [], polls: {}, poll_order: [] }) });
    const box = root.querySelector('details.new-election') as HTMLDetailsElement;
    box.open = true;
    await act(() => input(byLabel('Tên cuộc bầu cử'), 'Bầu Ban Thường vụ'));
    await act(() => input(byLabel('Số lượng cần bầu'), '2'));
    const imp = box.querySelector('details.cand-import') as HTMLDetailsElement;
    await act(() => {
      imp.open = true;
      imp.dispatchEvent(new Event('toggle'));
    });
    await act(() => input(imp.querySelector('textarea'), 'STT;Họ và tên;Năm sinh;Chức vụ\n2;Trần Thị Bích Ngọc;1975;Trưởng Ban\n1;Nguyễn Văn Ánh;1970;Phó Bí thư\n3;Lê Hoàng Cường;19x8;\n'));
    expect(imp.textContent).toContain('2 dòng hợp lệ, 1 dòng lỗi');
    expect(imp.textContent).toContain('Năm sinh không hợp lệ: “19x8”');
    await act(() => button('Đưa 2 người vào danh sách').click());
    expect((root.querySelector('[aria-label="Họ và tên 1"]') as HTMLInputElement).value).toBe('Nguyễn Văn Ánh');
    expect(text()).toContain('2 người cho 2 chỗ (tối đa 2)');
    await act(() => button('+ Thêm vào danh sách').click());
    await act(() => input(root.querySelector('[aria-label="Họ và tên 3"]'), 'Lê Hoàng Cường'));
    expect(text()).toContain('Danh sách có 3 người, dư quá 30 % so với số lượng cần bầu (2; tối đa 2 người).');
    expect(button('Tạo cuộc bầu cử').disabled).toBe(true);
    await act(() => button('Bỏ Lê Hoàng Cường khỏi danh sách').click());
    await act(() => button('Đưa Trần Thị Bích Ngọc lên').click());
    await act(() => button('Tạo cuộc bầu cử').click());
    const cmd = ws.last('command');
    expect(cmd.name).toBe('CreateElection');
    expect(cmd.args.election).toMatchObject({
      title: 'Bầu Ban Thường vụ',
      kind: 'election',
      seats: 2,
      base: 'convened',
      paper_rooms: [],
      candidates: [
        { id: 'c01', name: 'Trần Thị Bích Ngọc', birth_year: 1975, position: 'Trưởng Ban' },
        { id: 'c02', name: 'Nguyễn Văn Ánh', birth_year: 1970, position: 'Phó Bí thư' },
      ],
    });
  });

  it('edits an election whose list is not being approved yet (UpdateElection, ids kept)', async () => {
    const snap = snapshot();
    (snap.elections as any).bch.rounds = [];
    (snap.polls as any) = { 'bch-approval': { id: 'bch-approval', question: 'Thông qua', choices: [], rule: { base: 'members', threshold: 'absolute' }, status: 'ready', approves: 'bch' } };
    (snap as any).poll_order = ['bch-approval'];
    const { ws } = await signIn(root, sockets, { participant: 'sec', role: 'secretary' }, { seq: 20, snapshot: snap });
    await act(() => button('Sửa “Bầu Ban Chấp hành khóa XVI”').click());
    await act(() => button('Bỏ Võ Thị Ê khỏi danh sách').click());
    expect(text()).toContain('4 người cho 4 chỗ (tối đa 5)');
    await act(() => button('Lưu thay đổi').click());
    const cmd = ws.last('command');
    expect(cmd.name).toBe('UpdateElection');
    expect(cmd.args.election.id).toBe('bch');
    expect(cmd.args.election.candidates.map((c: any) => c.id)).toEqual(['c01', 'c02', 'c03', 'c04']);
  });
});

describe('a confidence vote', () => {
  it('one level per person, tap again to clear; the marks h/m/l/-; the levels table at the close', async () => {
    const snap = snapshot();
    (snap.elections as any).tn = { id: 'tn', title: 'Lấy phiếu tín nhiệm', kind: 'confidence', seats: 0, candidates: cands.slice(0, 3), base: 'convened', approved: true, rounds: ['tn-r1'] };
    (snap as any).election_order = ['bch', 'tn'];
    (snap.polls as any)['tn-r1'] = { id: 'tn-r1', question: 'Lấy phiếu tín nhiệm', choices: [{ id: 'ballot', label: 'Phiếu' }], secret: true, rule: { base: 'members', threshold: 'absolute' }, status: 'ready', kind: 'confidence', election: 'tn', round: 1, candidates: ['c01', 'c02', 'c03'], seats: 0, style: 'confidence' };
    (snap as any).poll_order = ['bch-r1', 'tn-r1'];
    const { ws } = await signIn(root, sockets, { participant: 'd1', role: 'delegate' }, { seq: 20, snapshot: snap });
    await act(() => ev(ws, 'PollOpened', { poll: 'tn-r1' }));
    await flush();
    expect(text()).toContain('Phiếu tín nhiệm — bỏ phiếu kín');
    const level = (who: string, lv: string) =>
      [...root.querySelectorAll(`[role=group][aria-label="${who}"] button`)].find((b) => b.textContent?.replace('✕ ', '') === lv) as HTMLButtonElement;
    await act(() => level('Nguyễn Văn Ánh', 'Tín nhiệm cao').click());
    await act(() => level('Trần Thị Bích Ngọc', 'Tín nhiệm thấp').click());
    await act(() => level('Trần Thị Bích Ngọc', 'Tín nhiệm').click());
    await act(() => level('Lê Hoàng Cường', 'Tín nhiệm').click());
    await act(() => level('Lê Hoàng Cường', 'Tín nhiệm').click());
    expect(level('Trần Thị Bích Ngọc', 'Tín nhiệm').getAttribute('aria-pressed')).toBe('true');
    await act(() => button('Xem lại phiếu trước khi bỏ').click());
    expect(text()).toContain('Nguyễn Văn ÁnhTín nhiệm cao');
    await act(() => button('Bỏ phiếu').click());
    expect(ws.last('command')).toMatchObject({ name: 'CastBallot', args: { poll: 'tn-r1', marks: 'hm-' } });
    await act(() => ws.deliver({ type: 'ack', id: ws.last('command').id, ok: true, seq: seq++ }));
    const result = {
      counts: {}, cast: 4, members: 4, present: 4, base: 4, quorum_ok: true, passed: true,
      election: {
        election: 'tn', round: 1, kind: 'confidence', style: 'confidence', seats: 0, base_kind: 'convened', base: 4, issued: 4, returned: 4, valid: 4, invalid: 0,
        candidates: [
          { id: 'c01', votes: 0, share: 0, levels: { high: 3, medium: 1, low: 0, none: 0 }, shares: { high: 75, medium: 25, low: 0, none: 0 } },
          { id: 'c02', votes: 0, share: 0, levels: { high: 0, medium: 2, low: 2, none: 0 }, shares: { high: 0, medium: 50, low: 50, none: 0 } },
          { id: 'c03', votes: 0, share: 0, levels: { high: 1, medium: 1, low: 1, none: 1 }, shares: { high: 25, medium: 25, low: 25, none: 25 } },
        ],
      },
    };
    await act(() => ev(ws, 'PollClosed', { poll: 'tn-r1', result }));
    await flush();
    const rows = [...root.querySelectorAll('.el-table.levels tbody tr')].map((r) => [...r.children].map((c) => c.textContent));
    expect(rows[0]).toEqual(['1', 'Nguyễn Văn Ánh', '3 (75 %)', '1 (25 %)', '0 (0 %)']);
    expect(root.querySelector('svg.el-chart')).toBeNull();
  });
});
