// @vitest-environment jsdom
// The meeting state kept on the device (core/persist.ts): the module against
// IndexedDB (fake-indexeddb) and Web Storage, and the store starting from a
// kept state and resuming from its version; the App starting offline from
// it (last describe block).
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apply, clone, normalize } from '../src/core/fold';
import {
  checkEmpty,
  clearState,
  decodeRecord,
  dropOtherStates,
  idbBackend,
  isQuotaError,
  kvBackend,
  loadState,
  loadStateNow,
  saveState,
  stateKey,
  StateSaver,
  type KVLike,
  type SavedState,
  type StateBackend,
} from '../src/core/persist';
import { markFirstPage, resetFirstPage } from '../src/core/firstpage';
import { MeetingStore } from '../src/core/store';
import type { State } from '../src/core/types';
import { h, render } from 'preact';
import { act } from 'preact/test-utils';
import { memoryKV, SessionStore } from '../src/core/session';
import { App } from '../src/ui/App';
import { ev, FakeSocket, Sockets } from './fakes';
import { flush, installScreen } from './screen';

vi.mock('../src/ui/PdfView', async () => {
  const { h } = await import('preact');
  return { PdfView: (p: { label?: string }) => h('div', { class: 'pdf-box' }, p.label ?? '') };
});

/** memoryStorage is a Web Storage in memory; full() makes setItem throw a QuotaExceededError. */
function memoryStorage() {
  const m = new Map<string, string>();
  let quota = false;
  const kv: KVLike & { full(on: boolean): void } = {
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => {
      if (quota) throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      m.set(k, v);
    },
    removeItem: (k) => void m.delete(k),
    key: (i) => [...m.keys()][i] ?? null,
    get length() {
      return m.size;
    },
    full: (on) => void (quota = on),
  };
  return { kv, map: m };
}

function baseState(version = 20, extra: Partial<State> = {}): State {
  return normalize({
    version,
    id: 'm1',
    title: 'Hội nghị Ban Chấp hành Đảng bộ tỉnh',
    status: 'in_session',
    rooms: [{ id: 'main', name: 'Hội trường chính', main: true }],
    participants: {
      chair: { id: 'chair', name: 'Lê Trường Lưu', role: 'chair', room: 'main', present: true },
      d1: { id: 'd1', name: 'Nguyễn Thị Hương', role: 'delegate', room: 'main' },
      d2: { id: 'd2', name: 'Huỳnh Văn Sơn', role: 'delegate', room: 'main', present: true },
    },
    agenda: [
      { id: 'i1', title: 'Khai mạc hội nghị' },
      { id: 'i2', title: 'Dự toán ngân sách địa phương năm 2027', presenter: 'd1', documents: ['doc1'] },
    ],
    current: 'i2',
    documents: { doc1: { id: 'doc1', title: 'Báo cáo dự toán ngân sách 2027', pages: 12, sha256: 'abc' } },
    polls: {
      v1: {
        id: 'v1',
        question: 'Thông qua dự toán ngân sách 2027',
        choices: [
          { id: 'for', label: 'Tán thành' },
          { id: 'against', label: 'Không tán thành' },
        ],
        rule: { base: 'members', threshold: 'absolute' },
        status: 'open',
      },
    },
    presentation: { document: 'doc1', page: 4 },
    floor: {},
    annotations: { d1: { a1: { id: 'a1', document: 'doc1', page: 1, kind: 'ink', color: '#000', points: [[0.1, 0.1]] } } },
    ...extra,
  });
}

const backends: [string, () => StateBackend][] = [
  ['IndexedDB', () => idbBackend(new IDBFactory())],
  ['localStorage', () => kvBackend(memoryStorage().kv)],
];

describe('persist: save, load, clear', () => {
  it.each(backends)('%s: keeps, reads back and removes a state', async (_, make) => {
    const b = make();
    expect(await loadState(b, 'm1', 'd1')).toBeNull();
    const s = baseState();
    expect(await saveState(b, 'm1', 'd1', s, 1_000)).toBe(true);
    const got = await loadState(b, 'm1', 'd1');
    expect(got).toEqual({ meeting: 'm1', participant: 'd1', version: 20, state: s, savedAt: 1_000 });
    // A newer save replaces it.
    const s2 = baseState(25, { title: 'Đổi tên' });
    await saveState(b, 'm1', 'd1', s2, 2_000);
    expect((await loadState(b, 'm1', 'd1'))?.state.title).toBe('Đổi tên');
    await clearState(b, 'm1', 'd1');
    expect(await loadState(b, 'm1', 'd1')).toBeNull();
    expect(await b.keys()).toEqual([]);
  });

  it.each(backends)('%s: a device found keeping nothing (checkEmpty) answers at once until this page saves', async (_, make) => {
    const idb = make();
    expect(await checkEmpty(idb)).toBe(true);
    expect(loadStateNow(idb, 'm1', 'd1')).toBeNull();
    await saveState(idb, 'm1', 'd1', baseState(), 1_000);
    const after = loadStateNow(idb, 'm1', 'd1');
    if (after !== undefined) expect(after?.version).toBe(20); // localStorage reads at once; IndexedDB cannot
    expect((await loadState(idb, 'm1', 'd1'))?.version).toBe(20);
    // A device that keeps something is not taken for empty.
    expect(await checkEmpty(idb)).toBe(false);
    expect(loadStateNow(idb, 'm1', 'd2')).toBe(idb.getNow ? null : undefined);
  });

  it.each(backends)('%s: keeps one record per meeting and participant', async (_, make) => {
    const b = make();
    await saveState(b, 'm1', 'd1', baseState(20), 1);
    const other = baseState(30, { participants: { ...baseState().participants } });
    await saveState(b, 'm1', 'd2', other, 2);
    expect((await loadState(b, 'm1', 'd1'))?.version).toBe(20);
    expect((await loadState(b, 'm1', 'd2'))?.version).toBe(30);
    // Another meeting, another person: nothing.
    expect(await loadState(b, 'm2', 'd1')).toBeNull();
    expect(await loadState(b, 'm1', 'chair')).toBeNull();
    // Signing d2 out leaves d1's record.
    await clearState(b, 'm1', 'd2');
    expect(await loadState(b, 'm1', 'd2')).toBeNull();
    expect((await loadState(b, 'm1', 'd1'))?.version).toBe(20);
  });

  it.each(backends)('%s: drops the records of sessions the device no longer holds', async (_, make) => {
    const b = make();
    await saveState(b, 'm1', 'd1', baseState(), 1);
    await saveState(b, 'm1', 'd2', baseState(), 1);
    await saveState(b, 'm.2/x', 'd1', { ...baseState(), id: 'm.2/x' }, 1);
    await b.put('garbage', 'x');
    const dropped = await dropOtherStates(b, (m, p) => m === 'm1' && p === 'd1');
    expect(dropped.sort()).toEqual([stateKey('m.2/x', 'd1'), stateKey('m1', 'd2'), 'garbage'].sort());
    expect(await b.keys()).toEqual([stateKey('m1', 'd1')]);
  });

  it('takes the state as it is when save is called, not when the write runs', async () => {
    const b = idbBackend(new IDBFactory());
    const s = baseState(20);
    const saving = saveState(b, 'm1', 'd1', s, 1);
    apply(s, ev(21, 'CurrentItemSet', { item: 'i1' }));
    await saving;
    const got = await loadState(b, 'm1', 'd1');
    expect(got?.version).toBe(20);
    expect(got?.state.current).toBe('i2');
  });

  it('a removal queued after a save wins', async () => {
    const b = idbBackend(new IDBFactory());
    void saveState(b, 'm1', 'd1', baseState(), 1);
    await clearState(b, 'm1', 'd1');
    expect(await loadState(b, 'm1', 'd1')).toBeNull();
  });

  it('reads Web Storage at once, unless a write is still queued', async () => {
    const b = kvBackend(memoryStorage().kv);
    expect(loadStateNow(b, 'm1', 'd1')).toBeNull();
    const saving = saveState(b, 'm1', 'd1', baseState(), 5);
    expect(loadStateNow(b, 'm1', 'd1')).toBeUndefined();
    await saving;
    expect(loadStateNow(b, 'm1', 'd1')?.savedAt).toBe(5);
    expect(loadStateNow(idbBackend(new IDBFactory()), 'm1', 'd1')).toBeUndefined();
  });
});

describe('persist: damaged or foreign records are ignored', () => {
  const good = () => JSON.parse(JSON.stringify({ format: 1, meeting: 'm1', participant: 'd1', version: 20, savedAt: 1, state: baseState(20) }));
  const cases: [string, (r: any) => unknown][] = [
    ['not JSON', () => '{"format":1,'],
    ['JSON null', () => null],
    ['another format', (r) => ({ ...r, format: 2 })],
    ['another meeting', (r) => ({ ...r, meeting: 'm2' })],
    ['another participant', (r) => ({ ...r, participant: 'd2' })],
    ['a state of another meeting', (r) => ({ ...r, state: { ...r.state, id: 'm2' } })],
    ['a version that is not the state’s', (r) => ({ ...r, version: 19 })],
    ['version 0', (r) => ({ ...r, version: 0, state: { ...r.state, version: 0 } })],
    ['no savedAt', (r) => ({ ...r, savedAt: 'yesterday' })],
    ['a state without the viewer', (r) => ({ ...r, state: { ...r.state, participants: {} } })],
    ['a state that is an array', (r) => ({ ...r, state: [] })],
    ['an agenda that is not a list', (r) => ({ ...r, state: { ...r.state, agenda: 'x' } })],
  ];
  it.each(cases)('%s', async (_, damage) => {
    const d = damage(good());
    const raw = typeof d === 'string' ? d : JSON.stringify(d);
    expect(decodeRecord(raw, 'm1', 'd1')).toBeNull();
    const { kv } = memoryStorage();
    kv.setItem('dais.state.' + stateKey('m1', 'd1'), raw);
    expect(await loadState(kvBackend(kv), 'm1', 'd1')).toBeNull();
  });

  it('the undamaged record reads', () => {
    expect(decodeRecord(JSON.stringify(good()), 'm1', 'd1')?.version).toBe(20);
  });

  it('a storage that cannot be read gives nothing', async () => {
    const b: StateBackend = { get: () => Promise.reject(new Error('gone')), put: async () => {}, delete: async () => {}, keys: async () => [] };
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    expect(await loadState(b, 'm1', 'd1')).toBeNull();
  });
});

describe('persist: a full storage', () => {
  it('tolerates QuotaExceeded in Web Storage and keeps the older record', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { kv } = memoryStorage();
    const b = kvBackend(kv);
    await saveState(b, 'm1', 'd1', baseState(20), 1);
    kv.full(true);
    expect(await saveState(b, 'm1', 'd1', baseState(30), 2)).toBe(false);
    expect(warn).toHaveBeenCalledWith('dais: no room left to keep the meeting on this device', expect.anything());
    expect((await loadState(b, 'm1', 'd1'))?.version).toBe(20);
    kv.full(false);
    expect(await saveState(b, 'm1', 'd1', baseState(31), 3)).toBe(true);
  });

  it('tolerates a refused IndexedDB write', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const idb = idbBackend(new IDBFactory());
    const b: StateBackend = { ...idb, put: () => Promise.reject(new DOMException('full', 'QuotaExceededError')) };
    expect(await saveState(b, 'm1', 'd1', baseState(), 1)).toBe(false);
    expect(await loadState(b, 'm1', 'd1')).toBeNull();
  });

  it.each([
    [new DOMException('x', 'QuotaExceededError'), true],
    [{ name: 'NS_ERROR_DOM_QUOTA_REACHED' }, true],
    [{ code: 22 }, true],
    [new Error('other'), false],
    [null, false],
  ])('isQuotaError(%s) = %s', (err, want) => {
    expect(isQuotaError(err)).toBe(want);
  });
});

describe('persist: StateSaver', () => {
  afterEach(() => vi.useRealTimers());

  it('saves at most once per delay while events come, and nothing after stop', async () => {
    vi.useFakeTimers();
    const b = kvBackend(memoryStorage().kv);
    const put = vi.spyOn(b, 'put');
    const saver = new StateSaver({ backend: b, meeting: 'm1', participant: 'd1', delayMs: 3000, now: () => 7 });
    const s = baseState(20);
    for (let seq = 21; seq <= 25; seq++) {
      apply(s, ev(seq, 'CheckedIn', { participant: 'd1' }));
      saver.schedule(() => s);
    }
    expect(put).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(3000);
    expect(put).toHaveBeenCalledTimes(1);
    expect((await loadState(b, 'm1', 'd1'))?.version).toBe(25);
    // The same version again is not written, unless forced.
    expect(await saver.save()).toBe(false);
    expect(await saver.save(undefined, true)).toBe(true);
    apply(s, ev(26, 'CheckedOut', { participant: 'd1' }));
    saver.schedule(() => s);
    saver.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(await saver.save()).toBe(false);
    expect((await loadState(b, 'm1', 'd1'))?.version).toBe(25);
  });

  it('clear removes the record even with a save in flight', async () => {
    const b = idbBackend(new IDBFactory());
    const saver = new StateSaver({ backend: b, meeting: 'm1', participant: 'd1' });
    const s = baseState(20);
    void saver.save(() => s);
    await saver.clear();
    expect(await loadState(b, 'm1', 'd1')).toBeNull();
    expect(await saver.save(() => s)).toBe(false);
  });
});

// The store: it starts from a kept state and resumes after its version.
function storeFrom(saved: SavedState | null, persist: StateBackend | null = null) {
  const sockets = new Sockets();
  const store = new MeetingStore({
    session: { token: 't', meeting: 'm1', participant: 'd1', role: 'delegate' },
    url: 'ws://x/ws',
    socket: sockets.factory,
    random: () => 0.25,
    saved,
    persist,
    client: { heartbeatMs: 0 },
  });
  return { store, sockets };
}

const kept = (s: State, at = Date.parse('2026-12-03T07:05:00')): SavedState => ({ meeting: 'm1', participant: 'd1', version: s.version, state: s, savedAt: at });

describe('MeetingStore from a kept state', () => {
  it('shows the kept state before any welcome and resumes with last_seq = its version', () => {
    const { store, sockets } = storeFrom(kept(baseState(20)));
    expect(store.state?.agenda[1].title).toBe('Dự toán ngân sách địa phương năm 2027');
    expect(store.savedAt).toBe(Date.parse('2026-12-03T07:05:00'));
    store.start();
    sockets.current.open();
    expect(sockets.current.sent[0]).toEqual({ type: 'hello', protocol: 1, token: 't', last_seq: 20 });
  });

  it('folds the resumed events onto the kept state: the same state as saved + events', async () => {
    const b = idbBackend(new IDBFactory());
    const saved = baseState(20);
    const { store, sockets } = storeFrom(kept(clone(saved)), b);
    store.start();
    sockets.current.open();
    const missed = [
      ev(23, 'PollClosed', { poll: 'v1', result: { counts: { for: 2, against: 0 }, cast: 2, members: 2, present: 2, base: 2, quorum_ok: true, passed: true } }),
      ev(25, 'CurrentItemSet', { item: 'i1' }),
    ];
    sockets.current.deliver({ type: 'welcome', protocol: 1, meeting: 'm1', participant: 'd1', role: 'delegate', seq: 25 });
    for (const e of missed) sockets.current.deliver({ type: 'event', event: e });
    const want = clone(saved);
    for (const e of missed) apply(want, e);
    expect(store.state).toEqual(want);
    expect(store.state?.polls.v1.status).toBe('closed');
    expect(store.savedAt).toBeNull();
    expect(store.client.lastSeq).toBe(25);
    // Kept again, at the new version.
    await store.saveNow();
    expect((await loadState(b, 'm1', 'd1'))?.state).toEqual(want);
    store.stop();
  });

  it('replaces the kept state entirely when the server answers with a snapshot', async () => {
    const b = idbBackend(new IDBFactory());
    const { store, sockets } = storeFrom(kept(baseState(20)), b);
    store.start();
    sockets.current.open();
    // Too far behind: a snapshot without item 2, its document or the annotation.
    const fresh = baseState(900, { agenda: [{ id: 'i1', title: 'Khai mạc hội nghị' }], documents: {}, current: 'i1', annotations: {}, polls: {}, presentation: {} });
    sockets.current.deliver({ type: 'welcome', protocol: 1, meeting: 'm1', participant: 'd1', role: 'delegate', seq: 900, snapshot: fresh });
    expect(store.state).toEqual(fresh);
    expect(store.savedAt).toBeNull();
    await vi.waitFor(async () => expect((await loadState(b, 'm1', 'd1'))?.version).toBe(900));
    expect((await loadState(b, 'm1', 'd1'))?.state).toEqual(fresh);
    store.stop();
  });

  it.each([
    ['another meeting', (s: SavedState) => ({ ...s, meeting: 'm2' })],
    ['another participant', (s: SavedState) => ({ ...s, participant: 'd2' })],
    ['a state of another meeting', (s: SavedState) => ({ ...s, state: { ...s.state, id: 'm2' } })],
  ])('ignores a kept state of %s and asks for a snapshot', (_, change) => {
    const { store, sockets } = storeFrom(change(kept(baseState(20))));
    expect(store.state).toBeNull();
    store.start();
    sockets.current.open();
    expect(sockets.current.sent[0]).toMatchObject({ type: 'hello', last_seq: 0 });
  });

  it('keeps a command pressed on the kept state until the welcome; a refusal comes back as the server said', async () => {
    const { store, sockets } = storeFrom(kept(baseState(20)));
    store.start();
    const vote = store.castBallot('v1', 'for');
    sockets.current.open();
    expect(sockets.current.sent.filter((m) => m.type === 'command')).toEqual([]);
    sockets.current.deliver({ type: 'welcome', protocol: 1, meeting: 'm1', participant: 'd1', role: 'delegate', seq: 22 });
    const cmd = sockets.current.last('command');
    expect(cmd).toMatchObject({ name: 'CastBallot', args: { poll: 'v1', choice: 'for' } });
    sockets.current.deliver({ type: 'event', event: ev(22, 'PollClosed', { poll: 'v1', result: { counts: {}, cast: 0, members: 2, present: 2, base: 2, quorum_ok: true, passed: false } }) });
    sockets.current.deliver({ type: 'ack', id: cmd.id, ok: false, error: { code: 'conflict', message: 'the poll is not open', message_vi: 'Cuộc biểu quyết không đang mở' } });
    await expect(vote).rejects.toMatchObject({ code: 'conflict', messageVi: 'Cuộc biểu quyết không đang mở' });
    expect(store.localChoice('v1')).toBeUndefined();
    store.stop();
  });
});

// The App in jsdom, started with a kept state and no server.
describe('App from a kept state', () => {
  let sockets: FakeSocket[] = [];
  let root: HTMLElement;
  installScreen((s, r) => {
    sockets = s;
    root = r;
  });

  const text = () => root.textContent ?? '';
  const button = (label: string) => {
    const b = [...root.querySelectorAll('button')].find((x) => x.getAttribute('aria-label') === label || x.textContent?.includes(label));
    if (!b) throw new Error(`no button "${label}" in: ${text().slice(0, 300)}`);
    return b as HTMLButtonElement;
  };

  async function mount(persist: StateBackend, sessions = new SessionStore(memoryKV())) {
    if (!sessions.get('m1')) sessions.save({ token: 'tok', meeting: 'm1', participant: 'd1', role: 'delegate' });
    await act(() => {
      render(h(App, { sessions, params: new URLSearchParams(), initialLang: 'vi', saveLang: () => {}, persist }), root);
    });
    await flush();
    return sessions;
  }

  it.each(backends)('%s: renders the kept meeting at once, says when it was saved, and resumes after its version', async (_, make) => {
    const b = make();
    resetFirstPage();
    await saveState(b, 'm1', 'd1', baseState(20), new Date(2026, 11, 3, 7, 5).getTime());
    await mount(b);
    await vi.waitFor(() => expect(root.querySelector('.topbar')).not.toBeNull());
    // The side column follows the first page drawn (the PDF does not open in jsdom: drawn here).
    await act(() => markFirstPage());
    // The agenda, the current item and its document, from the device.
    await vi.waitFor(() => expect(text()).toContain('2. Dự toán ngân sách địa phương năm 2027'));
    expect(text()).toContain('Báo cáo dự toán ngân sách 2027');
    expect(root.querySelector('.topbar')?.textContent).toContain('Đang xem bản lưu trên máy lúc 07:05');
    // The banner comes with the client's start (an effect after the first render).
    await vi.waitFor(() => expect(text()).toContain('Đang kết nối…'));
    // No server yet: the socket never opened. Then it does: a resume.
    const ws = sockets.at(-1)!;
    expect(ws.sent).toEqual([]);
    await act(() => ws.open());
    expect(ws.sent[0]).toMatchObject({ type: 'hello', protocol: 1, token: 'tok', last_seq: 20 });
    await act(() => {
      ws.deliver({ type: 'welcome', protocol: 1, meeting: 'm1', participant: 'd1', role: 'delegate', seq: 21 });
      ws.deliver({ type: 'event', event: ev(21, 'CurrentItemSet', { item: 'i1' }) });
    });
    await flush();
    expect(text()).toContain('1. Khai mạc hội nghị');
    expect(text()).not.toContain('Đang xem bản lưu trên máy');
  });

  it.each(backends)('%s: a session just redeemed from a code starts without the kept state; the welcome’s snapshot replaces it', async (_, make) => {
    const b = make();
    await saveState(b, 'm1', 'd1', baseState(20), new Date(2026, 11, 3, 7, 5).getTime());
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ token: 'tok2', meeting: 'm1', participant: 'd1', role: 'delegate' }), { status: 200 })));
    try {
      const sessions = new SessionStore(memoryKV());
      await act(() => {
        render(h(App, { sessions, params: new URLSearchParams('code=k7q2-m4xp'), initialLang: 'vi', saveLang: () => {}, persist: b }), root);
      });
      await vi.waitFor(() => expect(sockets.length).toBe(1));
      // Not the kept meeting: the loading line, and a hello asking for a snapshot.
      expect(text()).toContain('Đang tải dữ liệu hội nghị…');
      expect(text()).not.toContain('Đang xem bản lưu trên máy');
      const ws = sockets[0];
      await act(() => ws.open());
      expect(ws.sent[0]).toMatchObject({ type: 'hello', token: 'tok2', last_seq: 0 });
      await act(() => ws.deliver({ type: 'welcome', protocol: 1, meeting: 'm1', participant: 'd1', role: 'delegate', seq: 30, snapshot: baseState(30) }));
      // The meeting was mounted outside act (by the redeemed code's fetch), so its subscription to the
      // store is an effect that waits for a frame: the welcome may have come before it. Polled, not flushed.
      await vi.waitFor(() => expect(root.querySelector('.topbar')).not.toBeNull());
      await vi.waitFor(async () => expect((await loadState(b, 'm1', 'd1'))?.version).toBe(30));
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('starts with the loading screen and last_seq 0 when nothing is kept', async () => {
    await mount(kvBackend(memoryStorage().kv));
    expect(text()).toContain('Đang tải dữ liệu hội nghị…');
    const ws = sockets.at(-1)!;
    await act(() => ws.open());
    expect(ws.sent[0]).toMatchObject({ type: 'hello', last_seq: 0 });
  });

  it('does not show one person’s kept state to another signing in on the device', async () => {
    const b = kvBackend(memoryStorage().kv);
    await saveState(b, 'm1', 'd1', baseState(20), 1);
    const sessions = new SessionStore(memoryKV());
    sessions.save({ token: 'tok2', meeting: 'm1', participant: 'd2', role: 'delegate' });
    await mount(b, sessions);
    expect(text()).toContain('Đang tải dữ liệu hội nghị…');
    expect(text()).not.toContain('Dự toán ngân sách');
    await act(() => sockets.at(-1)!.open());
    expect(sockets.at(-1)!.sent[0]).toMatchObject({ type: 'hello', token: 'tok2', last_seq: 0 });
    // d1's record went with d1's session.
    await vi.waitFor(async () => expect(await b.keys()).toEqual([]));
  });

  it('removes the kept state at sign-out', async () => {
    const b = idbBackend(new IDBFactory());
    await saveState(b, 'm1', 'd1', baseState(20), 1);
    await mount(b);
    await vi.waitFor(() => expect(root.querySelector('.topbar')).not.toBeNull());
    await act(() => button('Đăng xuất').click());
    await flush();
    expect(text()).toContain('Vào hội nghị');
    await vi.waitFor(async () => expect(await loadState(b, 'm1', 'd1')).toBeNull());
  });

  it('removes the kept state when the server refuses the session (4001)', async () => {
    const b = kvBackend(memoryStorage().kv);
    await saveState(b, 'm1', 'd1', baseState(20), 1);
    await mount(b);
    const ws = sockets.at(-1)!;
    await act(() => ws.open());
    await act(() => ws.serverClose(4001));
    await flush();
    expect(text()).toContain('Phiên làm việc đã hết hạn');
    await vi.waitFor(async () => expect(await loadState(b, 'm1', 'd1')).toBeNull());
  });

  it('a ballot pressed on the kept state waits for the welcome; if the poll closed meanwhile the server’s refusal is shown', async () => {
    const b = kvBackend(memoryStorage().kv);
    await saveState(b, 'm1', 'd1', baseState(20), 1);
    await mount(b);
    const ws = sockets.at(-1)!;
    await act(() => button('Tán thành').click());
    await act(() => button('Xác nhận').click());
    expect(ws.sent).toEqual([]);
    // Offline is said at once; the ballot goes by itself after the welcome.
    expect(text()).toContain('Mất kết nối — phiếu chưa được gửi.');
    await act(() => ws.open());
    await act(() => ws.deliver({ type: 'welcome', protocol: 1, meeting: 'm1', participant: 'd1', role: 'delegate', seq: 22 }));
    await flush();
    const cmd = ws.last('command');
    expect(cmd).toMatchObject({ name: 'CastBallot', args: { poll: 'v1', choice: 'for' } });
    await act(() => {
      ws.deliver({ type: 'event', event: ev(22, 'PollClosed', { poll: 'v1', result: { counts: { for: 0, against: 0 }, cast: 0, members: 2, present: 1, base: 2, quorum_ok: false, passed: false } }) });
      ws.deliver({ type: 'ack', id: cmd.id, ok: false, error: { code: 'conflict', message: 'the poll is not open', message_vi: 'Cuộc biểu quyết không đang mở' } });
    });
    await flush();
    // The panel gave way to the result; the refusal is said in an alert.
    expect(text()).toContain('Kết quả biểu quyết');
    const alert = [...root.querySelectorAll('[role=alert]')].map((x) => x.textContent).join(' | ');
    expect(alert).toContain('Phiếu của đồng chí không được ghi nhận: Cuộc biểu quyết không đang mở');
  });
});
