// @vitest-environment jsdom
// "Meeting details" in the secretary workspace: UpdateMeeting carries only
// the fields that changed (the time as RFC 3339), what the server cannot do
// (erase a title or a place) is said before anything is sent, AddRoom gets
// an id made from the name, and refusals from the ack are shown in
// Vietnamese or English.
import { describe, expect, it } from 'vitest';
import { act } from 'preact/test-utils';
import type { Lang } from '../src/i18n';
import { meetingChanges, newRoomId, rfc3339ToLocal } from '../src/ui/secretary/MeetingDetails';
import { localToRFC3339 } from '../src/ui/secretary/NewMeeting';
import { FakeSocket } from './fakes';
import { flush, installScreen, signIn } from './screen';

let sockets: FakeSocket[] = [];
let root: HTMLElement;
installScreen((s, r) => {
  sockets = s;
  root = r;
}, { clearStorage: true });

const title = 'Hội nghị Ban Chấp hành Đảng bộ tỉnh';
const startsAt = '2026-12-03T01:00:00Z';
const place = 'Hội trường Tỉnh ủy';

function snapshot(status = 'published') {
  return {
    version: 10,
    id: 'm1',
    title,
    starts_at: startsAt,
    place,
    status,
    rooms: [
      { id: 'main', name: 'Hội trường chính', main: true },
      { id: 'diem-cau-huyen-a', name: 'Điểm cầu huyện A', following: true },
    ],
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

async function mountSecretary(lang: Lang = 'vi', status = 'published') {
  return (await signIn(root, sockets, { participant: 'sec', role: 'secretary' }, { seq: 10, snapshot: snapshot(status), lang })).ws;
}

const commands = (ws: FakeSocket) => ws.sent.filter((m) => m.type === 'command');
const editForm = () => root.querySelector('form.meeting-edit') as HTMLFormElement;
const roomForm = () => root.querySelector('form.room-add') as HTMLFormElement;
function field(within: HTMLElement, label: string): HTMLInputElement {
  const l = [...within.querySelectorAll('label')].find((x) => x.textContent?.trim().startsWith(label));
  if (!l) throw new Error(`no field "${label}" in ${within.textContent}`);
  return l.querySelector('input')!;
}
async function type(within: HTMLElement, label: string, value: string) {
  await act(() => {
    const i = field(within, label);
    i.value = value;
    i.dispatchEvent(new Event('input', { bubbles: true }));
  });
}
function button(within: HTMLElement, label: string): HTMLButtonElement {
  const b = [...within.querySelectorAll('button')].find((x) => x.textContent?.includes(label));
  if (!b) throw new Error(`no button "${label}"`);
  return b;
}
async function press(within: HTMLElement, label: string) {
  await act(() => button(within, label).click());
  await flush();
}
const alertText = (within: HTMLElement) => within.querySelector('[role=alert]')?.textContent ?? '';
async function ack(ws: FakeSocket, ok: true | { code: string; message: string; message_vi: string }, seq = 11) {
  const id = ws.last('command').id;
  await act(() => ws.deliver(ok === true ? { type: 'ack', id, ok: true, seq } : { type: 'ack', id, ok: false, error: ok }));
  await flush();
}
async function event(ws: FakeSocket, seq: number, type: string, data: unknown) {
  await act(() => ws.deliver({ type: 'event', event: { seq, type, at: '2026-12-03T01:05:00Z', actor: 'sec', data } }));
  await flush();
}

describe('helpers', () => {
  it.each([
    ['2026-12-10T08:00'],
    ['2026-12-10T08:00:30'],
    ['2027-01-01T00:00'],
  ])('rfc3339ToLocal undoes localToRFC3339 for %s', (local) => {
    expect(rfc3339ToLocal(localToRFC3339(local)!)).toBe(local);
  });

  it.each([[undefined], [''], ['hôm qua']])('rfc3339ToLocal(%s) is empty', (v) => {
    expect(rfc3339ToLocal(v)).toBe('');
  });

  const cur = { title, starts_at: startsAt, place };
  const same = { title, when: rfc3339ToLocal(startsAt), place };
  it.each([
    ['nothing', {}, { args: {} }],
    ['the title only (trimmed)', { title: '  Kỳ họp thứ 12  ' }, { args: { title: 'Kỳ họp thứ 12' } }],
    ['the place only', { place: 'Phòng họp số 2' }, { args: { place: 'Phòng họp số 2' } }],
    ['the time only', { when: '2026-12-10T14:30' }, { args: { starts_at: localToRFC3339('2026-12-10T14:30') } }],
    ['spaces around the title', { title: ` ${title} ` }, { args: {} }],
    ['an empty title', { title: '  ' }, { error: 'meetingTitleRequired' }],
    ['an erased place', { place: ' ' }, { error: 'placeCannotClear' }],
    ['an erased time', { when: '' }, { error: 'badTime' }],
    ['a bad time', { when: '2026-02-30T08:00' }, { error: 'badTime' }],
  ])('meetingChanges: %s', (_, change, want) => {
    expect(meetingChanges(cur, { ...same, ...change })).toEqual(want);
  });

  it('sends a place to a meeting that had none', () => {
    expect(meetingChanges({ title }, { title, when: '', place: 'Nhà khách Tỉnh ủy' })).toEqual({ args: { place: 'Nhà khách Tỉnh ủy' } });
  });

  it.each([
    ['Điểm cầu huyện Đắk Lắk', 'diem-cau-huyen-dak-lak'],
    ['Điểm cầu huyện A', 'diem-cau-huyen-a-2'],
    ['Hội trường chính', 'hoi-truong-chinh'],
    ['main', 'main-2'],
    ['★', 'room'],
  ])('newRoomId(%s) = %s', (name, want) => {
    expect(newRoomId(name, snapshot().rooms)).toBe(want);
  });
});

describe('meeting details', () => {
  it('shows the meeting as it is, with nothing to save', async () => {
    await mountSecretary();
    expect(root.textContent).toContain('Thông tin cuộc họp');
    expect(field(editForm(), 'Tên cuộc họp').value).toBe(title);
    expect(field(editForm(), 'Thời gian bắt đầu').value).toBe(rfc3339ToLocal(startsAt));
    expect(field(editForm(), 'Địa điểm').value).toBe(place);
    expect(button(editForm(), 'Lưu thay đổi').disabled).toBe(true);
  });

  it('shows a meeting brought back from its archive as read only in the top bar', async () => {
    const ws = await mountSecretary();
    expect(root.querySelector('.topbar .archived')).toBeNull();
    await event(ws, 11, 'MeetingArchived', { archive: 'ab'.repeat(32), events: 10 });
    expect(root.querySelector('.topbar .archived')?.textContent).toContain('Bản lưu trữ — chỉ xem');
  });

  it('sends only the changed title, then shows the meeting’s new title', async () => {
    const ws = await mountSecretary();
    await type(editForm(), 'Tên cuộc họp', 'Kỳ họp thứ 12 HĐND tỉnh');
    await press(editForm(), 'Lưu thay đổi');
    expect(commands(ws)).toEqual([{ type: 'command', id: expect.any(String), name: 'UpdateMeeting', args: { title: 'Kỳ họp thứ 12 HĐND tỉnh' } }]);
    await ack(ws, true);
    await event(ws, 11, 'MeetingUpdated', { title: 'Kỳ họp thứ 12 HĐND tỉnh' });
    expect(root.querySelector('.topbar')?.textContent).toContain('Kỳ họp thứ 12 HĐND tỉnh');
    expect(field(editForm(), 'Tên cuộc họp').value).toBe('Kỳ họp thứ 12 HĐND tỉnh');
    expect(button(editForm(), 'Lưu thay đổi').disabled).toBe(true);
    expect(root.querySelector('.toast.ok')?.textContent).toBe('Đã lưu thông tin cuộc họp');

    // Another secretary's change shows: the field is no longer a draft.
    await event(ws, 12, 'MeetingUpdated', { title: 'Kỳ họp thứ 13' });
    expect(field(editForm(), 'Tên cuộc họp').value).toBe('Kỳ họp thứ 13');
  });

  it('sends the time as RFC 3339 with the local offset, and the place', async () => {
    const ws = await mountSecretary();
    await type(editForm(), 'Thời gian bắt đầu', '2026-12-10T14:30');
    await type(editForm(), 'Địa điểm', 'Phòng họp số 2');
    await press(editForm(), 'Lưu thay đổi');
    const args = ws.last('command').args;
    expect(ws.last('command').name).toBe('UpdateMeeting');
    expect(Object.keys(args).sort()).toEqual(['place', 'starts_at']);
    expect(args.place).toBe('Phòng họp số 2');
    expect(args.starts_at).toMatch(/^2026-12-10T14:30:00(Z|[+-]\d\d:\d\d)$/);
    expect(Date.parse(args.starts_at)).toBe(new Date(2026, 11, 10, 14, 30).getTime());
  });

  it.each([
    ['an empty title', 'Tên cuộc họp', '', 'Vui lòng nhập tên cuộc họp.'],
    ['an erased place', 'Địa điểm', '', 'Không thể để trống địa điểm; vui lòng nhập địa điểm mới.'],
    ['no time', 'Thời gian bắt đầu', '', 'Thời gian bắt đầu không hợp lệ.'],
  ])('refuses %s without asking the server', async (_, label, value, want) => {
    const ws = await mountSecretary();
    await type(editForm(), label, value);
    await press(editForm(), 'Lưu thay đổi');
    expect(alertText(editForm())).toBe(want);
    expect(commands(ws)).toHaveLength(0);
  });

  it.each([
    ['vi', 'Lưu thay đổi', 'Hội nghị đã bế mạc; không thể thay đổi'],
    ['en', 'Save changes', 'the meeting is closed; nothing can change'],
  ] as const)('shows the server’s refusal (%s) and keeps what was typed', async (lang, save, want) => {
    const ws = await mountSecretary(lang);
    await type(editForm(), lang === 'vi' ? 'Địa điểm' : 'Place', 'Phòng họp số 3');
    await press(editForm(), save);
    await ack(ws, { code: 'conflict', message: 'the meeting is closed; nothing can change', message_vi: 'Hội nghị đã bế mạc; không thể thay đổi' });
    expect(alertText(editForm())).toBe(want);
    expect(field(editForm(), lang === 'vi' ? 'Địa điểm' : 'Place').value).toBe('Phòng họp số 3');
    expect(button(editForm(), save).disabled).toBe(false);
  });

  it('disables the form once the meeting is closed', async () => {
    await mountSecretary('vi', 'closed');
    expect(root.textContent).toContain('Cuộc họp đã bế mạc; không thể sửa thông tin.');
    expect(field(editForm(), 'Tên cuộc họp').closest('fieldset')!.disabled).toBe(true);
    expect(button(roomForm(), 'Thêm điểm cầu').disabled).toBe(true);
  });
});

describe('add a room', () => {
  it('sends AddRoom with an id made from the name; the room appears with its event', async () => {
    const ws = await mountSecretary();
    await type(roomForm(), 'Tên điểm cầu mới', 'Điểm cầu huyện Đắk Lắk');
    expect(roomForm().textContent).not.toContain('diem-cau-huyen-dak-lak'); // the id is made, not shown
    await press(roomForm(), 'Thêm điểm cầu');
    expect(commands(ws)).toEqual([
      { type: 'command', id: expect.any(String), name: 'AddRoom', args: { room: { id: 'diem-cau-huyen-dak-lak', name: 'Điểm cầu huyện Đắk Lắk' } } },
    ]);
    await ack(ws, true);
    await event(ws, 11, 'RoomAdded', { room: { id: 'diem-cau-huyen-dak-lak', name: 'Điểm cầu huyện Đắk Lắk', following: true } });
    expect(field(roomForm(), 'Tên điểm cầu mới').value).toBe('');
    const rooms = [...root.querySelectorAll('.room-list li')].map((li) => li.textContent);
    // Rooms by their names only: ids are not for people.
    expect(rooms).toEqual(['Hội trường chínhHội trường chính', 'Điểm cầu huyện A', 'Điểm cầu huyện Đắk Lắk']);
  });

  it('gives a namesake of a room another id', async () => {
    const ws = await mountSecretary();
    await type(roomForm(), 'Tên điểm cầu mới', ' Điểm cầu huyện A ');
    await press(roomForm(), 'Thêm điểm cầu');
    expect(ws.last('command').args).toEqual({ room: { id: 'diem-cau-huyen-a-2', name: 'Điểm cầu huyện A' } });
  });

  it('asks for a name before sending anything', async () => {
    const ws = await mountSecretary();
    await press(roomForm(), 'Thêm điểm cầu');
    expect(alertText(roomForm())).toBe('Vui lòng nhập tên điểm cầu.');
    expect(commands(ws)).toHaveLength(0);
  });

  it.each([
    ['vi', 'Tên điểm cầu mới', 'Thêm điểm cầu', 'Chỉ thư ký mới được chuẩn bị hội nghị'],
    ['en', 'Name of the new room', 'Add a room', 'only a secretary may prepare the meeting'],
  ] as const)('shows a refusal (%s) and keeps the name', async (lang, label, add, want) => {
    const ws = await mountSecretary(lang);
    await type(roomForm(), label, 'Điểm cầu xã B');
    await press(roomForm(), add);
    await ack(ws, { code: 'forbidden', message: 'only a secretary may prepare the meeting', message_vi: 'Chỉ thư ký mới được chuẩn bị hội nghị' });
    expect(alertText(roomForm())).toBe(want);
    expect(field(roomForm(), label).value).toBe('Điểm cầu xã B');
  });
});
