// @vitest-environment jsdom
// The secretary workspace: participants imported from CSV (preview with
// per-row errors, one AddParticipant per valid row in turn, progress and
// refusals, nothing sent on cancel) and the agenda reordered by dragging
// (MoveAgendaItem with the position among siblings) or with up/down.
import { readFileSync } from 'node:fs';
import { URL as NodeURL } from 'node:url';
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

function snapshot() {
  return {
    version: 10,
    id: 'm1',
    title: 'Hội nghị Ban Chấp hành Đảng bộ tỉnh',
    status: 'published',
    rooms: [
      { id: 'main', name: 'Hội trường chính', main: true },
      { id: 'district-a', name: 'Điểm cầu huyện Phong Điền', following: true },
      { id: 'district-b', name: 'Điểm cầu thị xã Hương Thủy', following: true },
    ],
    participants: {
      sec: { id: 'sec', name: 'Phạm Thị Kim Oanh', role: 'secretary', room: 'main', seat: 'T01' },
      chair: { id: 'chair', name: 'Lê Trường Lưu', role: 'chair', room: 'main', seat: 'A01' },
    },
    order: ['sec', 'chair'],
    agenda: [
      { id: 'i1', title: 'Khai mạc hội nghị' },
      { id: 'i2', title: 'Báo cáo kinh tế - xã hội' },
      { id: 'i2a', parent: 'i2', title: 'Tình hình kinh tế' },
      { id: 'i2b', parent: 'i2', title: 'Tình hình xã hội' },
      { id: 'i3', title: 'Dự toán ngân sách 2027' },
      { id: 'i4', title: 'Bế mạc' },
    ],
    documents: {},
    proposals: {},
    polls: {},
    poll_order: [],
    presentation: {},
    floor: {},
  };
}

async function mountSecretary() {
  return (await signIn(root, sockets, { participant: 'sec', role: 'secretary' }, { seq: 10, snapshot: snapshot() })).ws;
}

const text = () => root.textContent ?? '';
const commands = (ws: FakeSocket) => ws.sent.filter((m) => m.type === 'command');
function button(label: string): HTMLButtonElement {
  const b = [...root.querySelectorAll('button')].find((x) => x.getAttribute('aria-label') === label || x.textContent?.trim() === label);
  if (!b) throw new Error(`no button "${label}" in: ${text().slice(0, 600)}`);
  return b as HTMLButtonElement;
}
const importBox = () => root.querySelector('.csv-import') as HTMLDetailsElement;
async function openImport() {
  // The form is mounted only once the box is open.
  expect(importBox().querySelector('textarea')).toBeNull();
  await act(() => {
    importBox().open = true;
    importBox().dispatchEvent(new Event('toggle'));
  });
}
async function paste(csv: string) {
  if (!importBox().open) await openImport();
  const ta = importBox().querySelector('textarea') as HTMLTextAreaElement;
  await act(() => {
    ta.value = csv;
    ta.dispatchEvent(new Event('input', { bubbles: true }));
  });
}
const previewRows = () => [...importBox().querySelectorAll('tbody tr')].map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim()));
// preview lists the preview's rows as [line, role, room, seat, id, check]; an id made from the name is not shown.
const preview = () =>
  [...importBox().querySelectorAll('tbody tr')].map((tr) => {
    const q = (sel: string) => tr.querySelector(sel)?.textContent?.trim() ?? '';
    return [q('td'), q('.csv-role'), q('.csv-room'), q('.csv-seat').replace(/^· /, ''), q('.csv-id'), q('.csv-check')];
  });

const csv = [
  'Họ và tên;Chức vụ;Vai trò;Điểm cầu;Ghế',
  'Nguyễn Thị Hương;Trưởng Ban Tổ chức Tỉnh ủy;Đại biểu;Hội trường chính;A03',
  'Huỳnh Văn Sơn;"Bí thư Huyện ủy; Phong Điền";đại biểu;district-a;B01',
  'Trần Văn Tư;;Giám đốc;main;A04', // unknown role
  'Ngô Thị Lan;;Khách mời;Hội trường phụ;K01', // unknown room
  ';;Đại biểu;main;A05', // no name
  'Võ Minh Quang;;Đại biểu;main;A01', // seat taken by the chair
  'Đặng Quốc Khánh;;Thư ký;Điểm cầu thị xã Hương Thủy;T02',
].join('\r\n');

describe('secretary: participants from CSV', () => {
  it('previews every row with its errors before sending anything', async () => {
    const ws = await mountSecretary();
    await paste(csv);
    expect(text()).toContain('3 dòng hợp lệ, 4 dòng lỗi (sẽ bỏ qua)');
    expect(preview()).toEqual([
      ['2', 'Đại biểu', 'Hội trường chính', 'A03', '', 'Hợp lệ'],
      ['3', 'Đại biểu', 'Điểm cầu huyện Phong Điền', 'B01', '', 'Hợp lệ'],
      ['4', '—', 'Hội trường chính', 'A04', '', 'Vai trò không rõ: “Giám đốc”'],
      ['5', 'Quan sát viên', '—', 'K01', '', 'Không có điểm cầu “Hội trường phụ”'],
      ['6', 'Đại biểu', 'Hội trường chính', 'A05', '', 'Thiếu họ và tên'],
      ['7', 'Đại biểu', 'Hội trường chính', 'A01', '', 'Ghế A01 đã có người'],
      ['8', 'Thư ký', 'Điểm cầu thị xã Hương Thủy', 'T02', '', 'Hợp lệ'],
    ]);
    expect(importBox().querySelector('tbody tr td:nth-child(2)')?.textContent).toContain('Trưởng Ban Tổ chức Tỉnh ủy');
    expect(commands(ws)).toHaveLength(0);
  });

  it('sends one AddParticipant per valid row, one after the other, and shows the refusals', async () => {
    const ws = await mountSecretary();
    await paste(csv);
    await act(() => button('Nhập 3 người').click());
    // Only the first goes out until its ack comes.
    expect(commands(ws)).toHaveLength(1);
    expect(ws.last('command')).toEqual({
      type: 'command',
      id: expect.any(String),
      name: 'AddParticipant',
      args: { participant: { id: 'nguyen-thi-huong', name: 'Nguyễn Thị Hương', title: 'Trưởng Ban Tổ chức Tỉnh ủy', role: 'delegate', room: 'main', seat: 'A03' } },
    });
    expect(text()).toContain('Đang nhập 0 / 3');
    await act(() => ws.deliver({ type: 'ack', id: ws.last('command').id, ok: true, seq: 11 }));
    await flush();
    expect(commands(ws)).toHaveLength(2);
    expect(ws.last('command').args).toEqual({ participant: { id: 'huynh-van-son', name: 'Huỳnh Văn Sơn', title: 'Bí thư Huyện ủy; Phong Điền', role: 'delegate', room: 'district-a', seat: 'B01' } });
    expect(text()).toContain('Đang nhập 1 / 3');
    await act(() =>
      ws.deliver({ type: 'ack', id: ws.last('command').id, ok: false, error: { code: 'conflict', message: 'participant id "huynh-van-son" is taken', message_vi: 'Mã đại biểu "huynh-van-son" đã được dùng' } }),
    );
    await flush();
    expect(commands(ws)).toHaveLength(3);
    expect(ws.last('command').args).toEqual({ participant: { id: 'dang-quoc-khanh', name: 'Đặng Quốc Khánh', role: 'secretary', room: 'district-b', seat: 'T02' } });
    await act(() => ws.deliver({ type: 'ack', id: ws.last('command').id, ok: true, seq: 12 }));
    await flush();
    expect(commands(ws)).toHaveLength(3);
    expect(text()).toContain('Đã nhập 2 / 3 người — 1 dòng bị từ chối');
    const rows = previewRows();
    expect(rows.map((r) => r[3])).toEqual(['✓ Đã thêm', 'Mã đại biểu "huynh-van-son" đã được dùng', '✓ Đã thêm']);
    await act(() => button('Xong').click());
    expect(importBox().querySelector('textarea')!.value).toBe('');
  });

  it('sends nothing when cancelled', async () => {
    const ws = await mountSecretary();
    await paste(csv);
    expect(previewRows()).toHaveLength(7);
    await act(() => button('Hủy').click());
    expect(commands(ws)).toHaveLength(0);
    expect(importBox().querySelector('textarea')!.value).toBe('');
    expect(importBox().querySelector('tbody')).toBeNull();
  });

  it('stops after the row in flight', async () => {
    const ws = await mountSecretary();
    await paste(csv);
    await act(() => button('Nhập 3 người').click());
    await act(() => button('Dừng nhập').click());
    await act(() => ws.deliver({ type: 'ack', id: ws.last('command').id, ok: true, seq: 11 }));
    await flush();
    expect(commands(ws)).toHaveLength(1);
    expect(text()).toContain('Đã nhập 1 / 3 người — Đã dừng: 2 dòng chưa gửi');
    expect(previewRows().map((r) => r[3])).toEqual(['✓ Đã thêm', 'Chưa gửi', 'Chưa gửi']);
  });

  it('reads a file: UTF-8 with a BOM, ; and CRLF, Vietnamese names and roles', async () => {
    const ws = await mountSecretary();
    await openImport();
    const bytes = readFileSync(new NodeURL('./fixtures/participants.csv', import.meta.url));
    const file = new File([bytes], 'dai-bieu.csv', { type: 'text/csv' });
    const input = importBox().querySelector('input[type=file]') as HTMLInputElement;
    Object.defineProperty(input, 'files', { value: [file] });
    await act(() => {
      input.dispatchEvent(new Event('change', { bubbles: true }));
    });
    await flush();
    await flush();
    const rows = preview();
    expect(rows.length).toBe(7);
    expect(rows.every((r) => r[5] === 'Hợp lệ')).toBe(true);
    expect(rows[0]).toEqual(['2', 'Đại biểu', 'Hội trường chính', 'A21', '', 'Hợp lệ']);
    expect(rows[2][1]).toBe('Chủ tọa');
    expect(rows[3][1]).toBe('Thư ký');
    expect(rows[4][1]).toBe('Quan sát viên');
    await act(() => button('Nhập 7 người').click());
    expect(ws.last('command').args.participant).toEqual({ id: 'nguyen-thi-huong', name: 'Nguyễn Thị Hương', title: 'Giám đốc Sở Y tế', role: 'delegate', room: 'main', seat: 'A21' });
  });

  it('lets the secretary merge or skip, row by row, a row naming someone already in the meeting', async () => {
    const ws = await mountSecretary();
    await paste(
      [
        'Họ và tên;Chức vụ;Ghế',
        'Lê Trường Lưu;Bí thư Tỉnh ủy;', // the chair, a new title: merged
        'Phạm Thị Kim Oanh;Chánh Văn phòng Tỉnh ủy;', // the secretary, a new title: skipped
        'le truong luu;;A01', // the chair again, nothing differs
        'Trần Thị Bích;Ủy viên;A09', // new
      ].join('\n'),
    );
    expect(text()).toContain('3 dòng trùng với người đã có trong hội nghị');
    const checks = preview().map((r) => r[5]);
    expect(checks[0]).toContain('Đã có: Lê Trường Lưu');
    expect(checks[0]).toContain('Chức vụ: — → Bí thư Tỉnh ủy');
    expect(checks[1]).toContain('Chức vụ: — → Chánh Văn phòng Tỉnh ủy');
    expect(checks[2]).toContain('Không có gì khác — bỏ qua');
    const choice = (line: number) => importBox().querySelector(`select[aria-label^="Dòng ${line} "]`) as HTMLSelectElement;
    expect(choice(4)).toBeNull(); // nothing to merge
    // Skipped unless chosen.
    expect(choice(2).value).toBe('skip');
    expect(choice(3).value).toBe('skip');
    button('Nhập 1 người');
    await act(() => {
      choice(2).value = 'merge';
      choice(2).dispatchEvent(new Event('change', { bubbles: true }));
    });
    await act(() => button('Nhập 1 người, cập nhật 1 người').click());
    expect(ws.last('command').name).toBe('AddParticipant');
    expect(ws.last('command').args.participant).toMatchObject({ name: 'Trần Thị Bích', title: 'Ủy viên', seat: 'A09' });
    await act(() => ws.deliver({ type: 'ack', id: ws.last('command').id, ok: true, seq: 11 }));
    await flush();
    expect(commands(ws)).toHaveLength(2);
    // The merge keeps what the row leaves empty (role, room, seat; the meeting's spelling of the name).
    expect(ws.last('command')).toEqual({
      type: 'command',
      id: expect.any(String),
      name: 'UpdateParticipant',
      args: { participant: { id: 'chair', name: 'Lê Trường Lưu', title: 'Bí thư Tỉnh ủy', role: 'chair', room: 'main', seat: 'A01' } },
    });
    await act(() => ws.deliver({ type: 'ack', id: ws.last('command').id, ok: true, seq: 12 }));
    await flush();
    expect(commands(ws)).toHaveLength(2); // the skipped secretary is not sent
    expect(text()).toContain('Đã nhập 2 / 2 người');
    expect(previewRows().map((r) => r[3])).toEqual(['✓ Đã thêm', '✓ Đã cập nhật']);
  });

  it('says when the header has no name column', async () => {
    await mountSecretary();
    await paste('role,room\ndelegate,main');
    expect(text()).toContain('Dòng đầu không có cột họ và tên');
    expect(() => button('Nhập 0 người')).toThrow();
  });
});

// Each agenda row is 40 px high, in agenda order.
function layOut() {
  const lis = [...root.querySelectorAll('.agenda li')] as HTMLElement[];
  lis.forEach((li, i) => {
    li.getBoundingClientRect = () => ({ top: 40 * i, bottom: 40 * i + 40, height: 40, left: 0, right: 300, width: 300, x: 0, y: 40 * i, toJSON() {} }) as DOMRect;
  });
}
const handle = (id: string) => root.querySelector(`.drag-handle[data-agenda-id="${id}"]`) as HTMLElement;
const pointer = (type: string, y: number) => new PointerEvent(type, { bubbles: true, cancelable: true, pointerId: 7, pointerType: 'touch', clientY: y, clientX: 10 });

async function dragTo(id: string, ys: number[]) {
  layOut();
  const h = handle(id);
  await act(() => {
    h.dispatchEvent(pointer('pointerdown', ys[0]));
  });
  for (const y of ys.slice(1)) {
    await act(() => {
      h.dispatchEvent(pointer('pointermove', y));
    });
  }
  await act(() => {
    h.dispatchEvent(pointer('pointerup', ys[ys.length - 1]));
  });
}

describe('secretary: agenda drag and drop', () => {
  // Rows: 0 i1 · 1 i2 · 2 i2a · 3 i2b · 4 i3 · 5 i4 (top-level siblings i1, i2, i3, i4).
  const cases: [string, string, number[], string, number][] = [
    ['first item below the third top-level item', 'i1', [20, 100, 190], 'i1', 2],
    ['first item to the end', 'i1', [20, 230], 'i1', 3],
    ['last item to the top', 'i4', [220, 5], 'i4', 0],
    ['an item with its sub-items below the next one', 'i2', [60, 190], 'i2', 2],
    ['a sub-item above its sibling', 'i2b', [140, 90], 'i2b', 0],
    ['a sub-item dragged far stays among its siblings (last)', 'i2a', [100, 230], 'i2a', 1],
  ];
  for (const [name, id, ys, item, index] of cases) {
    it(name, async () => {
      const ws = await mountSecretary();
      await dragTo(id, ys);
      expect(commands(ws)).toHaveLength(1);
      expect(ws.last('command')).toEqual({ type: 'command', id: expect.any(String), name: 'MoveAgendaItem', args: { item, index } });
    });
  }

  it('sends nothing when dropped where it was', async () => {
    const ws = await mountSecretary();
    await dragTo('i3', [180, 170, 175]);
    await dragTo('i3', [180, 195]);
    expect(commands(ws)).toHaveLength(0);
  });

  it('shows where the item will land while dragging', async () => {
    await mountSecretary();
    layOut();
    await act(() => {
      handle('i1').dispatchEvent(pointer('pointerdown', 20));
    });
    await act(() => {
      handle('i1').dispatchEvent(pointer('pointermove', 190));
    });
    const marks = [...root.querySelectorAll('.drop-mark')];
    expect(marks).toHaveLength(1);
    expect(marks[0].className).toBe('drop-mark before');
    expect(marks[0].closest('li')?.textContent).toContain('Bế mạc');
    expect(root.querySelector('.agenda-move.dragging')?.closest('li')?.textContent).toContain('Khai mạc hội nghị');
    await act(() => {
      handle('i1').dispatchEvent(pointer('pointercancel', 190));
    });
    expect(root.querySelector('.drop-mark')).toBeNull();
  });

  it('keeps keyboard-reachable up/down buttons', async () => {
    const ws = await mountSecretary();
    expect(button('Chuyển lên: Khai mạc hội nghị').disabled).toBe(true);
    expect(button('Chuyển xuống: Bế mạc').disabled).toBe(true);
    expect(button('Chuyển xuống: Tình hình xã hội').disabled).toBe(true);
    await act(() => button('Chuyển xuống: Khai mạc hội nghị').click());
    expect(ws.last('command')).toMatchObject({ name: 'MoveAgendaItem', args: { item: 'i1', index: 1 } });
    await act(() => ws.deliver({ type: 'ack', id: ws.last('command').id, ok: true, seq: 11 }));
    await flush();
    await act(() => button('Chuyển lên: Tình hình xã hội').click());
    expect(ws.last('command')).toMatchObject({ name: 'MoveAgendaItem', args: { item: 'i2b', index: 0 } });
  });
});
