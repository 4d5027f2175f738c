// Remote wipe (core/wipe.ts): on CloseRevoked the tablet deletes every
// document and state it kept for offline use, in every place it keeps them,
// and the client stops instead of reconnecting.
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { normalize } from '../src/core/fold';
import { cacheStore, copyKey, idbStore, storeName, type CacheLike, type CacheStorageLike } from '../src/core/offline';
import { idbBackend, kvBackend, loadState, saveState, type KVLike } from '../src/core/persist';
import { ProtocolClient, type ConnStatus } from '../src/core/protocol';
import { SessionStore } from '../src/core/session';
import { CloseCodes } from '../src/core/types';
import { wipeDevice } from '../src/core/wipe';
import { Sockets } from './fakes';

class FakeCaches implements CacheStorageLike {
  readonly caches = new Map<string, Map<string, Response>>();
  async open(name: string): Promise<CacheLike> {
    let m = this.caches.get(name);
    if (!m) this.caches.set(name, (m = new Map()));
    const entries = m;
    const abs = (u: string) => new URL(u, 'https://dais.example').href;
    return {
      match: async (u) => entries.get(abs(u))?.clone(),
      put: async (u, r) => void entries.set(abs(u), r),
      delete: async (u) => entries.delete(abs(u)),
      keys: async () => [...entries.keys()].map((url) => ({ url })),
    };
  }
  async delete(name: string) {
    return this.caches.delete(name);
  }
  async keys() {
    return [...this.caches.keys()];
  }
}

function memoryStorage(): KVLike & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
    key: (i) => [...map.keys()][i] ?? null,
    get length() {
      return map.size;
    },
  };
}

const pdf = new TextEncoder().encode('%PDF-1.4 confidential');
const state = (id: string) => normalize({ version: 7, id, title: 'Hội nghị', status: 'in_session', participants: {} });

describe('wipeDevice', () => {
  it('deletes the documents, the kept states and the sessions of every meeting, keeps the language and the app shell', async () => {
    const caches = new FakeCaches();
    for (const m of ['m1', 'm2']) await cacheStore(caches, storeName(m)).put(copyKey('d1', 'ab'.repeat(32)), pdf);
    await caches.open('dais-shell-1.0'); // the app itself, no meeting data
    const idb = new IDBFactory();
    const states = idbBackend(idb);
    await saveState(states, 'm1', 'd1', state('m1'));
    await saveState(states, 'm2', 'sec', state('m2'));
    const local = memoryStorage();
    const sessions = new SessionStore(local);
    sessions.save({ token: 't1', meeting: 'm1', participant: 'd1', role: 'delegate' });
    sessions.save({ token: 't2', meeting: 'm2', participant: 'sec', role: 'secretary' });
    local.setItem('dais.lang', 'en');
    local.setItem('other-app', 'x');
    const kvStates = kvBackend(local);
    await saveState(kvStates, 'm3', 'd2', state('m3'));

    const r = await wipeDevice({ docs: { caches }, states, kv: [local, null] });

    expect(r.errors).toEqual([]);
    expect(r.meetings.sort()).toEqual(['m1', 'm2']);
    expect([...caches.caches.keys()]).toEqual(['dais-shell-1.0']);
    expect(await loadState(states, 'm1', 'd1')).toBeNull();
    expect(await loadState(states, 'm2', 'sec')).toBeNull();
    expect(await loadState(kvStates, 'm3', 'd2')).toBeNull();
    expect(sessions.last()).toBeNull();
    expect(sessions.get('m1')).toBeNull();
    expect([...local.map.keys()].sort()).toEqual(['dais.lang', 'other-app']);
  });

  it('deletes the documents kept in IndexedDB where there is no Cache API', async () => {
    const idb = new IDBFactory();
    const store = idbStore(idb, storeName('m1'));
    await store.put(copyKey('d1', 'cd'.repeat(32)), pdf);
    const r = await wipeDevice({ docs: { indexedDB: idb } });
    expect(r.meetings).toEqual(['m1']);
    expect((await idb.databases()).map((d) => d.name)).not.toContain(storeName('m1'));
  });

  it('removes what it can when a part fails, and says what failed', async () => {
    const broken: CacheStorageLike = {
      open: () => Promise.reject(new Error('denied')),
      delete: () => Promise.reject(new Error('denied')),
      keys: () => Promise.reject(new Error('denied')),
    };
    const local = memoryStorage();
    local.setItem('dais.session.m1', '{"token":"t"}');
    const r = await wipeDevice({ docs: { caches: broken }, kv: [local] });
    expect(r.errors.length).toBe(1);
    expect(local.map.size).toBe(0);
  });
});

describe('the client on CloseRevoked', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('stops with status "revoked", fails what was pending and reconnects no more', async () => {
    const sockets = new Sockets();
    const statuses: ConnStatus[] = [];
    const client = new ProtocolClient({ url: 'ws://test/ws', token: () => 'tok', socket: sockets.factory, random: () => 0.5, handlers: { status: (s) => statuses.push(s) } });
    client.start();
    sockets.current.open();
    sockets.current.deliver({ type: 'welcome', protocol: 1, meeting: 'm1', participant: 'd1', role: 'delegate', seq: 3, snapshot: { version: 3 } as never });
    const pending = client.command('CheckIn').catch((e) => e);
    sockets.current.serverClose(CloseCodes.Revoked);
    vi.advanceTimersByTime(60_000);
    expect(statuses.at(-1)).toBe('revoked');
    expect(sockets.all.length).toBe(1);
    expect(await pending).toBeInstanceOf(Error);
  });
});
