// Documents kept for offline reading, against a fake Cache API: keys by id
// and sha256, what is purged, the background sync, sign-out.
import { describe, expect, it, vi } from 'vitest';
import {
  OfflineDocs,
  agendaDocuments,
  cacheStore,
  canRead,
  copyKey,
  dropMeeting,
  dropOthers,
  openStore,
  parseKey,
  staleKeys,
  storeName,
  type CacheLike,
  type CacheStorageLike,
} from '../src/core/offline';
import { normalize } from '../src/core/fold';
import type { DocumentMeta, Participant } from '../src/core/types';

/** FakeCaches is CacheStorage in memory; keys resolve like a browser's, against the page's origin. */
class FakeCaches implements CacheStorageLike {
  readonly caches = new Map<string, Map<string, Response>>();
  puts = 0;
  async open(name: string): Promise<CacheLike> {
    let m = this.caches.get(name);
    if (!m) this.caches.set(name, (m = new Map()));
    const entries = m;
    const abs = (u: string) => new URL(u, 'https://dais.example').href;
    return {
      match: async (u) => entries.get(abs(u))?.clone(),
      put: async (u, r) => {
        this.puts++;
        entries.set(abs(u), r);
      },
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

const pdf = (s: string) => new TextEncoder().encode('%PDF-1.4 ' + s);
const doc = (id: string, sha256: string, extra: Partial<DocumentMeta> = {}): DocumentMeta => ({ id, title: id, pages: 3, sha256, ...extra });
const person = (id: string, role: Participant['role']): Participant => ({ id, name: id, role, room: 'main' });

/** server answers GET …/documents/{id}/file with a PDF naming the document, and records the calls. */
function server(fail: Set<string> = new Set()) {
  const calls: { url: string; auth: string | null }[] = [];
  const fetchFn = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
    const u = String(url);
    calls.push({ url: u, auth: new Headers(init?.headers).get('Authorization') });
    const id = /documents\/([^/]+)\/file$/.exec(u)?.[1] ?? '';
    if (fail.has(id)) return new Response('{}', { status: 503 });
    return new Response(pdf(id), { status: 200, headers: { 'Content-Type': 'application/pdf' } });
  }) as unknown as typeof fetch;
  return { calls, fetchFn };
}

function meetingState(docs: DocumentMeta[], agenda: { id: string; documents: string[] }[], participants: Participant[] = [person('d1', 'delegate')]) {
  return normalize({
    version: 1,
    id: 'm1',
    documents: Object.fromEntries(docs.map((d) => [d.id, d])),
    agenda: agenda.map((a) => ({ title: a.id, ...a })),
    participants: Object.fromEntries(participants.map((p) => [p.id, p])),
  });
}

const text = (b: Uint8Array | null) => (b ? new TextDecoder().decode(b) : null);

describe('keys', () => {
  it.each([
    ['doc-1', 'ab12', 'doc-1/ab12'],
    ['d.2', 'ff', 'd.2/ff'],
  ])('%s at %s is %s, and back', (d, sha, key) => {
    expect(copyKey(d, sha)).toBe(key);
    expect(parseKey(key)).toEqual({ doc: d, sha256: sha });
  });
  it.each(['', 'nosha', '/sha', 'doc/'])('%j is not a key', (k) => {
    expect(parseKey(k)).toBeNull();
  });
});

describe('cacheStore', () => {
  it('puts, gets, lists, deletes and destroys copies in one cache per meeting', async () => {
    const caches = new FakeCaches();
    const st = cacheStore(caches, storeName('m1'));
    expect(await st.get('d1/aa')).toBeNull();
    await st.put('d1/aa', pdf('one'));
    await st.put('d 2/bb', pdf('two'));
    expect(text(await st.get('d1/aa'))).toBe('%PDF-1.4 one');
    expect((await st.keys()).sort()).toEqual(['d 2/bb', 'd1/aa']);
    expect([...caches.caches.keys()]).toEqual(['dais-docs:m1']);
    await st.delete('d1/aa');
    expect(await st.keys()).toEqual(['d 2/bb']);
    await st.destroy();
    expect(caches.caches.size).toBe(0);
  });
});

describe('who may read, what is stale', () => {
  const pub = doc('pub', 's1');
  const conf = doc('conf', 's2', { confidential: true, readers: ['d1'] });
  it.each([
    ['a public document, a delegate', pub, person('d2', 'delegate'), true],
    ['a confidential one, a reader', conf, person('d1', 'delegate'), true],
    ['a confidential one, not a reader', conf, person('d2', 'delegate'), false],
    ['a confidential one, the chair', conf, person('c', 'chair'), true],
    ['a confidential one, a secretary', conf, person('s', 'secretary'), true],
    ['a confidential one, an observer', conf, person('o', 'observer'), false],
    ['nobody', pub, undefined, false],
  ])('%s: %s', (_, d, p, want) => {
    expect(canRead(d, p)).toBe(want);
  });

  it.each([
    ['current', ['pub/s1'], []],
    ['a document no longer in the meeting', ['gone/s9'], ['gone/s9']],
    ['a document whose sha256 changed', ['pub/old'], ['pub/old']],
    ['a confidential document the viewer may no longer read', ['conf/s2'], ['conf/s2']],
    ['not a key at all', ['junk'], ['junk']],
  ])('%s', (_, keys, want) => {
    const docs = { pub, conf: { ...conf, readers: ['d9'] } };
    expect(staleKeys(keys, docs, person('d1', 'delegate'))).toEqual(want);
  });

  it('lists the readable documents of the agenda in order, once each', () => {
    const s = meetingState(
      [doc('a', '1'), doc('b', '2'), doc('c', '3', { confidential: true, readers: ['d9'] }), doc('loose', '4')],
      [
        { id: 'i1', documents: ['b', 'c'] },
        { id: 'i2', documents: ['a', 'b', 'missing'] },
      ],
    );
    expect(agendaDocuments(s, 'd1').map((d) => d.id)).toEqual(['b', 'a']);
  });
});

describe('OfflineDocs', () => {
  const make = (caches = new FakeCaches(), fetchFn?: typeof fetch) =>
    new OfflineDocs({ store: cacheStore(caches, storeName('m1')), meeting: 'm1', token: 'tok', fetchFn });

  it('opens nothing it has not kept, then what it downloaded with the session token', async () => {
    const { calls, fetchFn } = server();
    const off = make(new FakeCaches(), fetchFn);
    const d = doc('d1', 'aa');
    expect(off.status(d)).toBe('none');
    expect(await off.open(d)).toBeNull();
    expect(await off.download(d)).toBe(true);
    expect(calls).toEqual([{ url: '/api/v1/meetings/m1/documents/d1/file', auth: 'Bearer tok' }]);
    expect(off.status(d)).toBe('saved');
    expect(text(await off.open(d))).toBe('%PDF-1.4 d1');
    // Another version of the same document is not the copy.
    expect(off.status(doc('d1', 'bb'))).toBe('none');
    expect(await off.open(doc('d1', 'bb'))).toBeNull();
  });

  it('keeps bytes the viewer already has once, however many ask at the same time', async () => {
    const caches = new FakeCaches();
    const off = make(caches);
    const d = doc('d1', 'aa');
    let release!: (b: Uint8Array) => void;
    const produce = vi.fn(() => new Promise<Uint8Array>((r) => (release = r)));
    const first = off.keep(d, produce);
    await Promise.resolve();
    expect(off.status(d)).toBe('saving');
    const second = off.keep(d, produce);
    await vi.waitFor(() => expect(produce).toHaveBeenCalledTimes(1));
    release(pdf('from the viewer'));
    expect(await first).toBe(true);
    expect(await second).toBe(true);
    expect(caches.puts).toBe(1);
    expect(await off.keep(d, produce)).toBe(true);
    expect(produce).toHaveBeenCalledTimes(1);
  });

  it('reports a failed download without keeping anything', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { fetchFn } = server(new Set(['d1']));
    const off = make(new FakeCaches(), fetchFn);
    expect(await off.download(doc('d1', 'aa'))).toBe(false);
    expect(off.status(doc('d1', 'aa'))).toBe('none');
    expect(await off.keep(doc('d2', 'bb'), async () => new Uint8Array())).toBe(false);
    expect(warn).toHaveBeenCalled();
    warn.mockRestore();
  });

  it('finds the copies a previous page load kept', async () => {
    const caches = new FakeCaches();
    const { fetchFn } = server();
    await make(caches, fetchFn).download(doc('d1', 'aa'));
    const again = make(caches);
    await again.load();
    expect(again.status(doc('d1', 'aa'))).toBe('saved');
    expect(text(await again.open(doc('d1', 'aa')))).toBe('%PDF-1.4 d1');
  });

  it('syncs: purges what left or changed, then downloads the agenda one document at a time', async () => {
    const caches = new FakeCaches();
    const { calls, fetchFn } = server();
    const off = make(caches, fetchFn);
    const changes: number[] = [];
    off.subscribe(() => changes.push(1));
    // Kept earlier: a document since removed, and an old version of b.
    await off.keep(doc('gone', 'zz'), async () => pdf('gone'));
    await off.keep(doc('b', 'old'), async () => pdf('b old'));
    const s = meetingState([doc('a', '1'), doc('b', '2'), doc('loose', '3')], [{ id: 'i1', documents: ['a', 'b'] }]);
    expect(await off.sync(s, 'd1')).toEqual(['a', 'b']);
    expect(calls.map((c) => c.url)).toEqual(['/api/v1/meetings/m1/documents/a/file', '/api/v1/meetings/m1/documents/b/file']);
    const st = cacheStore(caches, storeName('m1'));
    expect((await st.keys()).sort()).toEqual(['a/1', 'b/2']);
    expect(changes.length).toBeGreaterThan(0);
    // A second sync has nothing to do.
    expect(await off.sync(s, 'd1')).toEqual([]);
    expect(calls).toHaveLength(2);
    // The secretary replaces b: its new version is fetched, the old one purged.
    const s2 = meetingState([doc('a', '1'), doc('b', '2b')], [{ id: 'i1', documents: ['a', 'b'] }]);
    expect(await off.sync(s2, 'd1')).toEqual(['b']);
    expect((await st.keys()).sort()).toEqual(['a/1', 'b/2b']);
  });

  it('goes on past a document that fails, and a later sync retries it', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const failing = new Set(['a']);
    const { fetchFn } = server(failing);
    const off = make(new FakeCaches(), fetchFn);
    const s = meetingState([doc('a', '1'), doc('b', '2')], [{ id: 'i1', documents: ['a', 'b'] }]);
    expect(await off.sync(s, 'd1')).toEqual(['b']);
    failing.clear();
    expect(await off.sync(s, 'd1')).toEqual(['a']);
    warn.mockRestore();
  });

  it('a newer sync ends an older one between two downloads', async () => {
    const { calls, fetchFn } = server();
    const off = make(new FakeCaches(), fetchFn);
    const s = meetingState([doc('a', '1'), doc('b', '2'), doc('c', '3')], [{ id: 'i1', documents: ['a', 'b', 'c'] }]);
    const first = off.sync(s, 'd1');
    const second = off.sync(s, 'd1');
    expect(await first).toEqual([]);
    expect(await second).toEqual(['a', 'b', 'c']);
    expect(calls).toHaveLength(3);
    // stop (the tablet leaves the screen) ends a sync and any later one.
    const s2 = meetingState([doc('d', '4')], [{ id: 'i1', documents: ['d'] }]);
    const third = off.sync(s2, 'd1');
    off.stop();
    expect(await third).toEqual([]);
    expect(await off.sync(s2, 'd1')).toEqual([]);
    expect(calls).toHaveLength(3);
    expect(off.enabled).toBe(false);
  });

  it('clears every copy of the meeting at sign-out, and keeps nothing after', async () => {
    const caches = new FakeCaches();
    const { fetchFn } = server();
    const off = make(caches, fetchFn);
    await off.download(doc('a', '1'));
    expect(caches.caches.has('dais-docs:m1')).toBe(true);
    await off.clear();
    expect(caches.caches.has('dais-docs:m1')).toBe(false);
    expect(off.status(doc('a', '1'))).toBe('none');
    expect(await off.download(doc('b', '2'))).toBe(false);
    expect(caches.caches.has('dais-docs:m1')).toBe(false);
  });

  it('does nothing where the browser can keep nothing', async () => {
    const { calls, fetchFn } = server();
    const off = new OfflineDocs({ store: null, meeting: 'm1', token: 'tok', fetchFn });
    expect(off.enabled).toBe(false);
    expect(await off.download(doc('a', '1'))).toBe(false);
    expect(await off.open(doc('a', '1'))).toBeNull();
    expect(await off.sync(meetingState([doc('a', '1')], [{ id: 'i1', documents: ['a'] }]), 'd1')).toEqual([]);
    expect(calls).toHaveLength(0);
  });
});

describe('stores per meeting', () => {
  it('prefers the Cache API, falls back to IndexedDB, else nothing', () => {
    expect(openStore({}, 'm1')).toBeNull();
    expect(openStore({ caches: new FakeCaches() }, 'm1')).not.toBeNull();
    const idb = { open: vi.fn() } as unknown as IDBFactory;
    expect(openStore({ indexedDB: idb }, 'm1')).not.toBeNull();
  });

  it('drops the copies of meetings without a session, and one meeting at sign-out', async () => {
    const caches = new FakeCaches();
    for (const m of ['m1', 'm2', 'm3']) await cacheStore(caches, storeName(m)).put('d/1', pdf(m));
    await caches.open('someone-else');
    expect((await dropOthers({ caches }, (m) => m === 'm1')).sort()).toEqual(['m2', 'm3']);
    expect((await caches.keys()).sort()).toEqual(['dais-docs:m1', 'someone-else']);
    await dropMeeting({ caches }, 'm1');
    expect(await caches.keys()).toEqual(['someone-else']);
  });
});
