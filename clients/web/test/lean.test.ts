// A delegate's lean state (issue 17): the welcome holds only the viewer of
// the roster and the attendance counts; the names come from GET …/roster,
// fetched once per snapshot; attendance arrives as "attendance" messages,
// not as others' check-ins.
import { describe, expect, it, vi } from 'vitest';
import { MeetingStore } from '../src/core/store';
import * as v from '../src/core/views';
import type { RosterEntry } from '../src/core/types';
import { ev, Sockets } from './fakes';

const counts = (present: number) => ({
  participants: 5,
  rooms: [
    { room: 'main', members: 3, present: Math.min(present, 3) },
    { room: 'r2', members: 1, present: Math.max(0, present - 3) },
  ],
  total: { members: 4, present },
});

function leanSnapshot(version: number) {
  return {
    version,
    id: 'm1',
    title: 'Đại hội',
    status: 'in_session',
    rooms: [
      { id: 'main', name: 'Hội trường chính', main: true },
      { id: 'r2', name: 'Điểm cầu Đông Anh', following: true },
    ],
    participants: { 'p-d1': { id: 'p-d1', name: 'Phan Ngọc Thọ', role: 'delegate', room: 'main', present: true } },
    order: ['p-d1'],
    agenda: [],
    documents: {},
    proposals: {},
    polls: {},
    poll_order: [],
    presentation: {},
    floor: { speaker: 'p-d2', queue: ['p-d3'] },
    lean: counts(1),
  };
}

const list: RosterEntry[] = [
  { id: 'p-sec', name: 'Phạm Thị Kim Oanh', role: 'secretary', room: 'main' },
  { id: 'p-chair', name: 'Lê Trường Lưu', role: 'chair', room: 'main' },
  { id: 'p-d1', name: 'Tên cũ trong danh sách', role: 'delegate', room: 'main', seat: 'A1' },
  { id: 'p-d2', name: 'Trần Văn Đức', role: 'delegate', room: 'main' },
  { id: 'p-d3', name: 'Vũ Quốc Khánh', role: 'delegate', room: 'r2' },
];

function setup(roster: () => Promise<RosterEntry[]>) {
  const sockets = new Sockets();
  const store = new MeetingStore({
    session: { token: 't', meeting: 'm1', participant: 'p-d1', role: 'delegate' },
    url: 'ws://x/ws',
    socket: sockets.factory,
    random: () => 0.25,
    roster,
  });
  store.start();
  sockets.current.open();
  return { sockets, store };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('lean state', () => {
  it('fetches the roster once, merges the names, keeps its own entry and counts', async () => {
    const roster = vi.fn(async () => list);
    const { sockets, store } = setup(roster);
    sockets.current.deliver({ type: 'welcome', protocol: 1, meeting: 'm1', participant: 'p-d1', role: 'delegate', seq: 9, snapshot: leanSnapshot(9) });
    expect(v.members(store.state!)).toEqual({ members: 4, present: 1 });
    await flush();
    expect(roster).toHaveBeenCalledTimes(1);
    const s = store.state!;
    expect(s.participants['p-d2'].name).toBe('Trần Văn Đức'); // the speaker has a name
    expect(s.participants['p-d3'].name).toBe('Vũ Quốc Khánh');
    expect(s.participants['p-d1']).toMatchObject({ name: 'Phan Ngọc Thọ', present: true }); // own entry untouched
    expect(s.order).toEqual(['p-sec', 'p-chair', 'p-d1', 'p-d2', 'p-d3']);
    // The roster carries no attendance: the counts still come from lean.
    expect(v.members(s)).toEqual({ members: 4, present: 1 });
    expect(v.attendanceByRoom(s).map((r) => [r.room, r.members, r.present])).toEqual([
      ['main', 3, 1],
      ['r2', 1, 0],
    ]);
    // Events and a resume (no snapshot) fetch nothing more.
    sockets.current.deliver({ type: 'event', event: ev(11, 'CheckedOut', { participant: 'p-d1' }) });
    expect(s.participants['p-d1'].present).toBeFalsy();
    await flush();
    expect(roster).toHaveBeenCalledTimes(1);
  });

  it('takes the counts of attendance messages, not of check-ins it never gets', () => {
    const { sockets, store } = setup(async () => list);
    sockets.current.deliver({ type: 'welcome', protocol: 1, meeting: 'm1', participant: 'p-d1', role: 'delegate', seq: 9, snapshot: leanSnapshot(9) });
    sockets.current.deliver({ type: 'attendance', ...counts(4) });
    expect(v.members(store.state!)).toEqual({ members: 4, present: 4 });
    expect(v.quorum(store.state!, 50)).toMatchObject({ ok: true, present: 4, members: 4 });
    expect(v.attendanceByRoom(store.state!).find((r) => r.room === 'r2')).toMatchObject({ members: 1, present: 1 });
    // A check-in of someone not in the state (it cannot be, but a fold must not fail) changes nothing.
    sockets.current.deliver({ type: 'event', event: ev(12, 'CheckedIn', { participant: 'p-unknown' }) });
    expect(store.state!.version).toBe(12);
    expect(v.members(store.state!)).toEqual({ members: 4, present: 4 });
  });

  it('tries the roster again at the next welcome when it failed, and a whole state never asks', async () => {
    let fail = true;
    const roster = vi.fn(async () => {
      if (fail) throw new Error('offline');
      return list;
    });
    const { sockets, store } = setup(roster);
    sockets.current.deliver({ type: 'welcome', protocol: 1, meeting: 'm1', participant: 'p-d1', role: 'delegate', seq: 9, snapshot: leanSnapshot(9) });
    await flush();
    expect(store.state!.participants['p-d2']).toBeUndefined();
    fail = false;
    sockets.current.deliver({ type: 'welcome', protocol: 1, meeting: 'm1', participant: 'p-d1', role: 'delegate', seq: 9 });
    await flush();
    expect(roster).toHaveBeenCalledTimes(2);
    expect(store.state!.participants['p-d2'].name).toBe('Trần Văn Đức');

    const whole = setup(roster);
    const snap = { ...leanSnapshot(3), lean: undefined };
    whole.sockets.current.deliver({ type: 'welcome', protocol: 1, meeting: 'm1', participant: 'p-d1', role: 'delegate', seq: 3, snapshot: snap });
    // An attendance message is for lean states only.
    whole.sockets.current.deliver({ type: 'attendance', ...counts(4) });
    await flush();
    expect(roster).toHaveBeenCalledTimes(2);
    expect(whole.store.state!.lean).toBeUndefined();
    expect(v.members(whole.store.state!)).toEqual({ members: 1, present: 1 });
  });
});
