import { describe, expect, it, vi } from 'vitest';
import { MeetingStore } from '../src/core/store';
import { ev, Sockets } from './fakes';

function snapshot(version: number) {
  return {
    version,
    id: 'm1',
    title: 'Hội nghị',
    status: 'in_session',
    rooms: [{ id: 'main', name: 'Hội trường chính', main: true }],
    participants: {
      'p-chair': { id: 'p-chair', name: 'Lê Trường Lưu', role: 'chair', room: 'main' },
      'p-d1': { id: 'p-d1', name: 'Phan Ngọc Thọ', role: 'delegate', room: 'main' },
    },
    order: null,
    agenda: [{ id: 'i1', title: 'Khai mạc' }],
    documents: null,
    proposals: null,
    polls: null,
    poll_order: null,
    presentation: {},
    floor: {},
  };
}

function setup(onUnauthorized = () => {}) {
  const sockets = new Sockets();
  let now = Date.parse('2026-12-03T01:00:05Z');
  const store = new MeetingStore({
    session: { token: 't', meeting: 'm1', participant: 'p-d1', role: 'delegate' },
    url: 'ws://x/ws',
    socket: sockets.factory,
    now: () => now,
    random: () => 0.25,
    onUnauthorized,
  });
  store.start();
  sockets.current.open();
  return { sockets, store, setNow: (t: number) => (now = t) };
}

describe('MeetingStore', () => {
  it('folds a snapshot and the events after it, and notifies once per batch', async () => {
    const { sockets, store } = setup();
    const seen = vi.fn();
    store.subscribe(seen);
    sockets.current.deliver({ type: 'welcome', protocol: 1, meeting: 'm1', participant: 'p-d1', role: 'delegate', seq: 5, snapshot: snapshot(5) });
    sockets.current.deliver({ type: 'event', event: ev(6, 'CurrentItemSet', { item: 'i1' }) });
    sockets.current.deliver({ type: 'event', event: ev(8, 'CheckedIn', { participant: 'p-d1' }) });
    expect(store.status).toBe('online');
    expect(store.state?.version).toBe(8);
    expect(store.state?.current).toBe('i1');
    expect(store.state?.participants['p-d1'].present).toBe(true);
    expect(store.state?.order).toEqual(['p-chair', 'p-d1']);
    await Promise.resolve();
    expect(seen).toHaveBeenCalledTimes(1);
  });

  it('keeps its state across a resume without snapshot', () => {
    const { sockets, store } = setup();
    sockets.current.deliver({ type: 'welcome', protocol: 1, meeting: 'm1', participant: 'p-d1', role: 'delegate', seq: 5, snapshot: snapshot(5) });
    sockets.current.serverClose(4008);
    expect(store.status).toBe('reconnecting');
    store.client.nudge();
    sockets.current.open();
    expect(sockets.current.last('hello').last_seq).toBe(5);
    sockets.current.deliver({ type: 'welcome', protocol: 1, meeting: 'm1', participant: 'p-d1', role: 'delegate', seq: 6 });
    sockets.current.deliver({ type: 'event', event: ev(6, 'SessionAdjourned') });
    expect(store.state?.status).toBe('adjourned');
    expect(store.state?.title).toBe('Hội nghị');
  });

  it('tracks live progress of the open poll only', () => {
    const { sockets, store } = setup();
    sockets.current.deliver({ type: 'welcome', protocol: 1, meeting: 'm1', participant: 'p-d1', role: 'delegate', seq: 5, snapshot: snapshot(5) });
    sockets.current.deliver({ type: 'event', event: ev(6, 'PollCreated', { poll: { id: 'v1', question: 'Q', rule: { base: 'cast', threshold: 'simple' } } }) });
    sockets.current.deliver({ type: 'event', event: ev(7, 'PollOpened', { poll: 'v1' }) });
    sockets.current.deliver({ type: 'progress', poll: 'v1', cast: 1, members: 2, present: 2 });
    expect(store.progress).toMatchObject({ cast: 1, members: 2 });
    sockets.current.deliver({ type: 'event', event: ev(8, 'PollClosed', { poll: 'v1', result: { counts: {}, cast: 1, members: 2, present: 2, base: 1, quorum_ok: true, passed: true } }) });
    expect(store.progress).toBeNull();
    sockets.current.deliver({ type: 'progress', poll: 'v1', cast: 2, members: 2, present: 2 });
    expect(store.progress).toBeNull();
  });

  it('casts ballots with a stable id per choice and remembers the choice', async () => {
    const { sockets, store } = setup();
    sockets.current.deliver({ type: 'welcome', protocol: 1, meeting: 'm1', participant: 'p-d1', role: 'delegate', seq: 5, snapshot: snapshot(5) });
    const first = store.castBallot('v1', 'for').catch((e) => e);
    const c1 = sockets.current.last('command');
    sockets.current.serverClose(1006);
    expect((await first).code).toBe('disconnected');
    store.client.nudge();
    sockets.current.open();
    sockets.current.deliver({ type: 'welcome', protocol: 1, meeting: 'm1', participant: 'p-d1', role: 'delegate', seq: 5 });
    const again = store.castBallot('v1', 'for');
    const c2 = sockets.current.last('command');
    expect(c2.args).toEqual(c1.args);
    expect(c2.args.ballot_id).toMatch(/^b-p-d1-/);
    sockets.current.deliver({ type: 'ack', id: c2.id, ok: true, seq: 9 });
    await again;
    expect(store.localChoice('v1')).toBe('for');
    const other = store.castBallot('v1', 'against').catch((e) => e);
    const c3 = sockets.current.last('command');
    expect(c3.args.ballot_id).not.toBe(c1.args.ballot_id);
    sockets.current.deliver({ type: 'ack', id: c3.id, ok: false, error: { code: 'conflict', message: 'already voted', message_vi: 'đã biểu quyết' } });
    expect((await other).code).toBe('conflict');
    expect(store.localChoice('v1')).toBe('for');
  });

  it('estimates the server clock from live events only', () => {
    const { sockets, store, setNow } = setup();
    sockets.current.deliver({ type: 'welcome', protocol: 1, meeting: 'm1', participant: 'p-d1', role: 'delegate', seq: 5, snapshot: snapshot(5) });
    setNow(Date.parse('2026-12-03T01:00:05Z'));
    sockets.current.deliver({ type: 'event', event: ev(6, 'SessionAdjourned', {}, '2026-12-03T01:00:03Z') });
    expect(store.skewMs).toBe(2000);
    expect(store.serverNow()).toBe(Date.parse('2026-12-03T01:00:03Z'));
  });

  it('waits until a seq is folded', async () => {
    const { sockets, store } = setup();
    sockets.current.deliver({ type: 'welcome', protocol: 1, meeting: 'm1', participant: 'p-d1', role: 'delegate', seq: 5, snapshot: snapshot(5) });
    let done = false;
    const w = store.untilSeq(7).then(() => (done = true));
    sockets.current.deliver({ type: 'event', event: ev(6, 'SessionAdjourned') });
    await Promise.resolve();
    expect(done).toBe(false);
    sockets.current.deliver({ type: 'event', event: ev(7, 'SessionOpened') });
    await w;
    expect(done).toBe(true);
    await store.untilSeq(3);
  });

  it('reports a refused session', () => {
    const gone = vi.fn();
    const { sockets, store } = setup(gone);
    sockets.current.serverClose(4001);
    expect(store.status).toBe('unauthorized');
    expect(gone).toHaveBeenCalledOnce();
  });
});

describe('MeetingStore without a state', () => {
  it('asks for a snapshot when a welcome without one comes first', async () => {
    const sockets = new Sockets();
    const store = new MeetingStore({
      session: { token: 't', meeting: 'm1', participant: 'p-d1', role: 'delegate' },
      url: 'ws://x/ws',
      socket: sockets.factory,
      client: { lastSeq: 9 },
    });
    store.start();
    sockets.current.open();
    expect(sockets.current.last('hello').last_seq).toBe(9);
    sockets.current.deliver({ type: 'welcome', protocol: 1, meeting: 'm1', participant: 'p-d1', role: 'delegate', seq: 12 });
    await Promise.resolve();
    expect(sockets.all).toHaveLength(2);
    sockets.current.open();
    expect(sockets.current.last('hello').last_seq).toBe(0);
    sockets.current.deliver({ type: 'welcome', protocol: 1, meeting: 'm1', participant: 'p-d1', role: 'delegate', seq: 12, snapshot: snapshot(12) });
    expect(store.state?.version).toBe(12);
  });
});
