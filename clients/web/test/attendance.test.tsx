// @vitest-environment jsdom
// Attendance with reasons (issue 13, part 2): the core functions (absences,
// substitutes, whose ballot a substitute casts, the bases), the fold and
// the store's resync when a seat changes, the secretary's panel (MarkAbsent
// with the approval, SeatSubstitute for an observer or someone new, the
// rules), the chair's list of absent members and a substitute's ballot.
import { describe, expect, it } from 'vitest';
import { act } from 'preact/test-utils';
import * as att from '../src/core/attendance';
import { apply, newState } from '../src/core/fold';
import { seatChanged } from '../src/core/store';
import type { MeetingEvent, Participant, State } from '../src/core/types';
import { FakeSocket } from './fakes';
import { flush, installScreen, signIn } from './screen';

let sockets: FakeSocket[] = [];
let root: HTMLElement;
installScreen((s, r) => {
  sockets = s;
  root = r;
});

function people(): Record<string, Participant> {
  return {
    sec: { id: 'sec', name: 'Phạm Thị Kim Oanh', role: 'secretary', room: 'main' },
    chair: { id: 'chair', name: 'Lê Trường Lưu', role: 'chair', room: 'main', present: true, attended: true },
    d1: { id: 'd1', name: 'Nguyễn Thị Hương', role: 'delegate', room: 'main', present: true, attended: true },
    d2: { id: 'd2', name: 'Trần Văn Đức', role: 'delegate', room: 'main', absence: { reason: 'Đi công tác', approved: true }, excused: 'Đi công tác', substitute: 'pho' },
    d3: { id: 'd3', name: 'Hoàng Thị Thu Hà', role: 'delegate', room: 'district-a', absence: { reason: 'Việc riêng', during: true } },
    pho: { id: 'pho', name: 'Đặng Văn Phó', role: 'observer', room: 'main', present: true, for: 'd2' },
    obs: { id: 'obs', name: 'Đinh Thị Lan', role: 'observer', room: 'main' },
  };
}

function snapshot(extra: Partial<State> = {}) {
  return {
    version: 10,
    id: 'm1',
    title: 'Hội nghị Ban Thường vụ',
    status: 'in_session',
    rooms: [
      { id: 'main', name: 'Hội trường chính', main: true },
      { id: 'district-a', name: 'Điểm cầu huyện Phong Điền', following: true },
    ],
    participants: people(),
    order: ['sec', 'chair', 'd1', 'd2', 'd3', 'pho', 'obs'],
    agenda: [],
    documents: {},
    proposals: {},
    polls: {},
    poll_order: [],
    presentation: {},
    floor: {},
    ...extra,
  };
}

function state(extra: Partial<State> = {}): State {
  const s = newState();
  Object.assign(s, snapshot(extra));
  return s;
}

describe('core/attendance', () => {
  it('reads absences, the old excused one as approved', () => {
    const s = state();
    expect(att.absenceOf(s.participants.d2)).toEqual({ reason: 'Đi công tác', approved: true, during: false, wholeMeeting: true });
    expect(att.absenceOf(s.participants.d3)).toEqual({ reason: 'Việc riêng', approved: false, during: true, wholeMeeting: false });
    expect(att.absenceOf({ id: 'x', name: 'X', role: 'delegate', room: 'main', excused: 'Ốm' })).toEqual({ reason: 'Ốm', approved: true, during: false, wholeMeeting: true });
    expect(att.absenceOf(s.participants.d1)).toBeNull();
    expect(att.absentMembers(s).map((p) => p.id)).toEqual(['d2', 'd3']);
    expect(att.substituteOf(s, 'd2')?.id).toBe('pho');
    expect(att.needsSubstitute(s).map((p) => p.id)).toEqual(['d3']);
    expect(att.seatable(s).map((p) => p.id)).toEqual(['obs']);
  });

  it('gives a substitute the member’s ballot only where the meeting allows it', () => {
    expect(att.ballotVoter(state(), 'pho')).toBe('pho');
    const s = state({ attendance_rules: { substitutes_vote: true } });
    expect(att.ballotVoter(s, 'pho')).toBe('d2');
    expect(att.votesAsSubstitute(s, 'pho')).toBe(true);
    expect(att.ballotVoter(s, 'd1')).toBe('d1');
  });

  // The notes' example: 11 members, 1 absent all meeting with an approved
  // reason, 10 present: 6 needed on each base.
  it.each([
    ['members, excused on', 'members', { members: 11, present: 10, excused: 1, excusedOff: false, substitutes: 0 }, 11],
    ['members, excused off', 'members', { members: 11, present: 10, excused: 1, excusedOff: true, substitutes: 0 }, 10],
    ['present', 'present', { members: 11, present: 10, excused: 1, excusedOff: true, substitutes: 0 }, 10],
    ['present with a substitute', 'present', { members: 11, present: 10, excused: 0, excusedOff: false, substitutes: 1 }, 11],
  ] as const)('base %s', (_name, base, t, want) => {
    expect(att.baseFor(base, t, 0)).toBe(want);
    expect(Math.floor(want / 2) + 1).toBe(6);
  });

  it('counts the turnout as Go does', () => {
    expect(att.turnout(state())).toEqual({ members: 4, present: 2, excused: 1, excusedOff: false, substitutes: 0 });
    expect(att.turnout(state({ attendance_rules: { substitutes_vote: true, excused_off_base: true } }))).toEqual({ members: 4, present: 2, excused: 1, excusedOff: true, substitutes: 1 });
  });
});

describe('fold and store', () => {
  const ev = (seq: number, type: string, data: unknown, actor = 'sec'): MeetingEvent => ({ seq, type, at: '2026-12-03T08:00:00Z', actor, data }) as MeetingEvent;
  it('folds absences, seats and the member’s check-in', () => {
    const s = state();
    s.version = 10;
    apply(s, ev(11, 'AbsenceMarked', { participant: 'd3', reason: 'Ốm', approved: true }));
    expect(s.participants.d3.absence).toEqual({ reason: 'Ốm', approved: true });
    expect(s.participants.d3.excused).toBe('Ốm');
    apply(s, ev(12, 'SubstituteSeated', { participant: 'obs', for: 'd3' }));
    expect(s.participants.obs.for).toBe('d3');
    expect(s.participants.d3.substitute).toBe('obs');
    apply(s, ev(13, 'CheckedIn', { participant: 'd3' }));
    expect(s.participants.d3).toMatchObject({ present: true, attended: true });
    expect(s.participants.d3.absence).toBeUndefined();
    expect(s.participants.d3.excused).toBeUndefined();
    expect(s.participants.obs.for).toBeUndefined();
    apply(s, ev(14, 'SubstituteSeated', { participant: 'pho' }));
    expect(s.participants.pho.for).toBeUndefined();
    expect(s.participants.d2.substitute).toBeUndefined();
    apply(s, ev(15, 'AttendanceRulesSet', { rules: { substitutes_vote: true } }));
    expect(s.attendance_rules).toEqual({ substitutes_vote: true });
  });

  it('asks for a snapshot when the viewer’s seat changes', () => {
    expect(seatChanged(ev(1, 'SubstituteSeated', { participant: 'pho', for: 'd2' }), 'pho')).toBe(true);
    expect(seatChanged(ev(1, 'SubstituteSeated', { participant: 'obs', for: 'd3' }), 'pho')).toBe(false);
    expect(seatChanged(ev(1, 'CheckedIn', { participant: 'd2' }), 'pho', 'd2')).toBe(true);
    expect(seatChanged(ev(1, 'CheckedIn', { participant: 'd1' }), 'pho', 'd2')).toBe(false);
  });
});

const text = () => root.textContent ?? '';
const commands = (ws: FakeSocket) => ws.sent.filter((m) => m.type === 'command');
function button(label: string): HTMLButtonElement {
  const b = [...root.querySelectorAll('button')].find((x) => x.textContent?.trim() === label);
  if (!b) throw new Error(`no button "${label}" in: ${text().slice(0, 600)}`);
  return b as HTMLButtonElement;
}
async function pick(name: string, value: string) {
  const el = root.querySelector(`[name="${name}"]`) as HTMLSelectElement | HTMLInputElement;
  await act(() => {
    if (el instanceof HTMLInputElement && el.type === 'checkbox') {
      el.checked = value === 'on';
      el.dispatchEvent(new Event('change', { bubbles: true }));
    } else {
      el.value = value;
      el.dispatchEvent(new Event(el instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }));
    }
  });
}

describe('secretary: absences and substitutes', () => {
  it('lists the absences and substitutes and records an absence with its approval', async () => {
    const { ws } = await signIn(root, sockets, { participant: 'sec', role: 'secretary' }, { seq: 10, snapshot: snapshot() });
    expect(text()).toContain('Trần Văn Đức — Đi công tác (được chấp thuận)');
    expect(text()).toContain('Hoàng Thị Thu Hà — Việc riêng (không được chấp thuận, báo trong khi họp)');
    expect(text()).toContain('Đặng Văn Phó (dự thay đồng chí Trần Văn Đức)');
    await pick('att-member', 'd3');
    await pick('att-reason', 'Ốm, có giấy của bệnh viện');
    await pick('att-approved', 'off');
    await act(() => button('Ghi vắng mặt').click());
    expect(ws.last('command')).toMatchObject({ name: 'MarkAbsent', args: { participant: 'd3', reason: 'Ốm, có giấy của bệnh viện', approved: false } });
  });

  it('adds someone new as an observer and seats them; seats an observer of the list; sets the rules', async () => {
    const { ws } = await signIn(root, sockets, { participant: 'sec', role: 'secretary' }, { seq: 10, snapshot: snapshot() });
    await pick('att-sub-member', 'd3');
    await pick('att-sub-name', 'Võ Văn Thay');
    await pick('att-sub-title', 'Phó Chủ tịch UBND huyện');
    await act(() => button('Cử người dự thay').click());
    const add = ws.last('command');
    expect(add).toMatchObject({ name: 'AddParticipant', args: { participant: { name: 'Võ Văn Thay', title: 'Phó Chủ tịch UBND huyện', role: 'observer', room: 'district-a' } } });
    await act(() => ws.deliver({ type: 'ack', id: add.id, ok: true, seq: 11 }));
    await flush();
    expect(ws.last('command')).toMatchObject({ name: 'SeatSubstitute', args: { participant: add.args.participant.id, for: 'd3' } });
    await act(() => ws.deliver({ type: 'ack', id: ws.last('command').id, ok: true, seq: 12 }));
    await flush();
    await pick('att-sub-member', 'd3');
    await pick('att-sub-who', 'obs');
    await act(() => button('Cử người dự thay').click());
    expect(ws.last('command')).toMatchObject({ name: 'SeatSubstitute', args: { participant: 'obs', for: 'd3' } });
    await act(() => ws.deliver({ type: 'ack', id: ws.last('command').id, ok: true, seq: 13 }));
    await flush();
    await pick('att-sub-vote', 'on');
    expect(ws.last('command')).toMatchObject({ name: 'SetAttendanceRules', args: { rules: { substitutes_vote: true, excused_off_base: false } } });
    await act(() => ws.deliver({ type: 'ack', id: ws.last('command').id, ok: true, seq: 14 }));
    await flush();
    const n = commands(ws).length;
    await act(() => button('Thôi dự thay').click());
    expect(commands(ws)).toHaveLength(n + 1);
    expect(ws.last('command')).toMatchObject({ name: 'SeatSubstitute', args: { participant: 'pho', for: '' } });
  });
});

describe('chair: absent members with reasons and substitutes', () => {
  it('shows each absent member’s reason and substitute', async () => {
    await signIn(root, sockets, { participant: 'chair', role: 'chair' }, { seq: 10, snapshot: snapshot() });
    expect(text()).toContain('Trần Văn Đức Hội trường chính — Đi công tác (được chấp thuận) · Người dự thay: Đặng Văn Phó');
    expect(text()).toContain('Hoàng Thị Thu Hà Điểm cầu huyện Phong Điền — Việc riêng (không được chấp thuận)');
    // The attendance panel sums them up.
    expect(root.querySelector('.att-summary')?.textContent).toBe('Vắng mặt có lý do: 2 (1 được chấp thuận) · người dự thay có mặt: 1');
  });
});

describe('a substitute’s ballot', () => {
  const open = { v1: { id: 'v1', question: 'Thông qua chương trình công tác', choices: [{ id: 'for', label: 'Tán thành' }, { id: 'against', label: 'Không tán thành' }], rule: { base: 'present', threshold: 'absolute' }, status: 'open' } };
  it('votes for the member where the meeting allows it', async () => {
    const { ws } = await signIn(root, sockets, { participant: 'pho', role: 'observer' }, {
      seq: 10,
      snapshot: snapshot({ attendance_rules: { substitutes_vote: true }, polls: open as any, poll_order: ['v1'] }),
    });
    expect(text()).toContain('Đồng chí biểu quyết thay đồng chí Trần Văn Đức.');
    await act(() => button('Tán thành').click());
    await flush();
    const confirm = [...root.querySelectorAll('button')].find((b) => b.textContent?.trim() === 'Xác nhận');
    if (confirm) await act(() => confirm.click());
    await flush();
    expect(ws.last('command')).toMatchObject({ name: 'CastBallot', args: { poll: 'v1', choice: 'for' } });
  });

  it('has no vote where the meeting does not allow it', async () => {
    await signIn(root, sockets, { participant: 'pho', role: 'observer' }, { seq: 10, snapshot: snapshot({ polls: open as any, poll_order: ['v1'] }) });
    expect(text()).toContain('Đồng chí không có quyền biểu quyết.');
  });
});
