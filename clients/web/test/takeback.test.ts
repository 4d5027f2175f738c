// Take-back on the tablet (core/takeback.ts) with the offline copies of
// core/offline.ts in a fake Cache API: what is deleted and what stays, a
// second run that does nothing, a report sent until acknowledged and then
// never again (across a reload), a copy being written when the take-back
// comes, and a level whose rules allow no offline copy at all.
import { describe, expect, it, vi } from 'vitest';
import { cacheStore, copyKey, OfflineDocs, storeName, type CacheLike, type CacheStorageLike } from '../src/core/offline';
import { kvBackend, saveState, loadState, type KVLike } from '../src/core/persist';
import { normalize } from '../src/core/fold';
import { TakeBack, takeBackKey, type Report } from '../src/core/takeback';
import type { DocumentMeta } from '../src/core/types';

class FakeCaches implements CacheStorageLike {
  readonly caches = new Map<string, Map<string, Response>>();
  failDelete = false;
  async open(name: string): Promise<CacheLike> {
    let m = this.caches.get(name);
    if (!m) this.caches.set(name, (m = new Map()));
    const entries = m;
    const abs = (u: string) => new URL(u, 'https://dais.example').href;
    return {
      match: async (u) => entries.get(abs(u))?.clone(),
      put: async (u, r) => void entries.set(abs(u), r),
      delete: async (u) => {
        if (this.failDelete) throw new Error('disk error');
        return entries.delete(abs(u));
      },
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

function memoryKV(): KVLike & { map: Map<string, string> } {
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

const pdf = (s: string) => new TextEncoder().encode('%PDF-1.4 ' + s);
const doc = (id: string, sha256: string, extra: Partial<DocumentMeta> = {}): DocumentMeta => ({ id, title: id, pages: 2, sha256, ...extra });
const key = takeBackKey('m1', 'd1');

/** tablet is a tablet with copies kept of public, secret-old-version and secret documents. */
async function tablet() {
  const caches = new FakeCaches();
  const store = cacheStore(caches, storeName('m1'));
  const offline = new OfflineDocs({ store, meeting: 'm1', token: 't' });
  for (const [id, sha] of [
    ['pub', 'aa'],
    ['sec', '11'],
    ['sec', '22'], // an older version still on the device
    ['sec2', '33'],
  ]) await offline.keep(doc(id, sha), async () => pdf(id + sha));
  const keys = async () => (await store.keys()).sort();
  return { caches, store, offline, keys };
}

describe('TakeBack', () => {
  it('deletes every copy of the documents taken back and keeps the others, the kept meeting and its annotations', async () => {
    const { offline, keys } = await tablet();
    // The meeting kept on the device, with a private annotation on the secret document.
    const kv = memoryKV();
    const states = kvBackend(kv);
    const state = normalize({
      version: 7,
      id: 'm1',
      participants: { d1: { id: 'd1', name: 'D', role: 'delegate', room: 'main' } },
      annotations: { d1: { n1: { id: 'n1', document: 'sec', page: 1, kind: 'note', color: '#FFD400', rect: [0.1, 0.1, 0.1, 0.1], text: 'hỏi lại' } } },
    });
    expect(await saveState(states, 'm1', 'd1', state)).toBe(true);
    const reports: Report[] = [];
    const forgotten: string[][] = [];
    const tb = new TakeBack({ offline, kv, key, send: async (r) => void reports.push(r), forget: (d) => void forgotten.push([...d]) });

    const r = await tb.run([{ doc: 'sec', mark: 's40' }]);

    expect(r.deleted.sort()).toEqual([copyKey('sec', '11'), copyKey('sec', '22')]);
    expect(await keys()).toEqual([copyKey('pub', 'aa'), copyKey('sec2', '33')]);
    expect(offline.status(doc('sec', '11'))).toBe('none');
    expect(offline.status(doc('pub', 'aa'))).toBe('saved');
    expect(forgotten).toEqual([['sec']]);
    expect(reports).toEqual([{ due: [{ doc: 'sec', mark: 's40' }], deleted: r.deleted }]);
    expect(r.reported).toEqual([{ doc: 'sec', mark: 's40' }]);
    // The kept meeting and the annotation on the document taken back stay.
    const kept = await loadState(states, 'm1', 'd1');
    expect(kept?.state.annotations.d1.n1.text).toBe('hỏi lại');
  });

  it('is idempotent: a second run deletes nothing and reports nothing', async () => {
    const { offline, keys } = await tablet();
    const send = vi.fn(async () => {});
    const tb = new TakeBack({ offline, kv: memoryKV(), key, send });
    const due = [{ doc: 'sec', mark: 'closed' }, { doc: 'sec2', mark: 'closed' }];
    const first = await tb.run(due);
    expect(first.deleted).toHaveLength(3);
    expect(send).toHaveBeenCalledTimes(1);
    const second = await tb.run(due);
    expect(second).toEqual({ deleted: [], reported: [], waiting: [] });
    expect(send).toHaveBeenCalledTimes(1);
    expect(await keys()).toEqual([copyKey('pub', 'aa')]);
  });

  it('sends a report until it is acknowledged, then never again, even after a reload', async () => {
    const { offline } = await tablet();
    const kv = memoryKV();
    let online = false;
    const sent: Report[] = [];
    const send = async (r: Report) => {
      sent.push(r);
      if (!online) throw new Error('disconnected');
    };
    const due = [{ doc: 'sec', mark: 's40' }];
    const tb = new TakeBack({ offline, kv, key, send });
    // Offline: the copies go at once, the report waits.
    const r1 = await tb.run(due);
    expect(r1.deleted).toHaveLength(2);
    expect(r1.waiting).toEqual(due);
    expect(tb.acknowledged(due[0])).toBe(false);
    // The next connection: sent again, with the copies the first run deleted, and acknowledged.
    online = true;
    const r2 = await tb.run(due);
    expect(r2.deleted).toEqual([]);
    expect(r2.reported).toEqual(due);
    expect(sent).toHaveLength(2);
    expect(sent[1].deleted.sort()).toEqual([copyKey('sec', '11'), copyKey('sec', '22')]);
    // A reload (a new TakeBack on the same storage): acknowledged, not sent again.
    const again = new TakeBack({ offline, kv, key, send });
    expect(again.acknowledged(due[0])).toBe(true);
    expect((await again.run(due)).reported).toEqual([]);
    expect(sent).toHaveLength(2);
    // Another take-back of the same document (handed out again) is reported.
    expect((await again.run([{ doc: 'sec', mark: 's90' }])).reported).toEqual([{ doc: 'sec', mark: 's90' }]);
    expect(sent).toHaveLength(3);
  });

  it('reports once when two runs start together', async () => {
    const { offline } = await tablet();
    const send = vi.fn(async () => {});
    const tb = new TakeBack({ offline, kv: memoryKV(), key, send });
    const due = [{ doc: 'sec', mark: 'closed' }];
    await Promise.all([tb.run(due), tb.run(due), tb.run(due)]);
    expect(send).toHaveBeenCalledTimes(1);
  });

  it('reports a document it never kept (read from the server only): the tablet confirms it holds nothing', async () => {
    const { offline, keys } = await tablet();
    const sent: Report[] = [];
    const tb = new TakeBack({ offline, kv: memoryKV(), key, send: async (r) => void sent.push(r) });
    const r = await tb.run([{ doc: 'never-kept', mark: 'closed' }]);
    expect(r.deleted).toEqual([]);
    expect(sent).toEqual([{ due: [{ doc: 'never-kept', mark: 'closed' }], deleted: [] }]);
    expect(await keys()).toHaveLength(4);
  });

  it('does not report a document whose copy could not be deleted; a later run deletes and reports it', async () => {
    const { caches, offline, keys } = await tablet();
    const send = vi.fn(async () => {});
    const tb = new TakeBack({ offline, kv: memoryKV(), key, send });
    const due = [{ doc: 'sec', mark: 'closed' }];
    caches.failDelete = true;
    const r1 = await tb.run(due);
    expect(r1.reported).toEqual([]);
    expect(send).not.toHaveBeenCalled();
    caches.failDelete = false;
    const r2 = await tb.run(due);
    expect(r2.deleted).toHaveLength(2);
    expect(r2.reported).toEqual(due);
    expect(await keys()).toEqual([copyKey('pub', 'aa'), copyKey('sec2', '33')]);
  });

  it('a copy being written when the take-back comes does not survive it', async () => {
    const caches = new FakeCaches();
    const store = cacheStore(caches, storeName('m1'));
    const offline = new OfflineDocs({ store, meeting: 'm1', token: 't' });
    let finish!: (b: Uint8Array) => void;
    const writing = offline.keep(doc('sec', '11'), () => new Promise<Uint8Array>((r) => (finish = r)));
    await vi.waitFor(() => expect(finish).toBeTypeOf('function'));
    const tb = new TakeBack({ offline, kv: memoryKV(), key, send: async () => {} });
    const run = tb.run([{ doc: 'sec', mark: 'closed' }]);
    finish(pdf('late'));
    await writing;
    const r = await run;
    expect(r.deleted).toEqual([copyKey('sec', '11')]);
    expect(await store.keys()).toEqual([]);
  });

  it('finds a copy another tab of the device wrote (in the store, not in this page’s list)', async () => {
    const caches = new FakeCaches();
    const store = cacheStore(caches, storeName('m1'));
    const offline = new OfflineDocs({ store, meeting: 'm1', token: 't' });
    await offline.load();
    await cacheStore(caches, storeName('m1')).put(copyKey('sec', '44'), pdf('other tab'));
    const r = await new TakeBack({ offline, kv: memoryKV(), key, send: async () => {} }).run([{ doc: 'sec', mark: 'closed' }]);
    expect(r.deleted).toEqual([copyKey('sec', '44')]);
    expect(await store.keys()).toEqual([]);
  });

  it('with nothing due, does nothing', async () => {
    const { offline, keys } = await tablet();
    const send = vi.fn(async () => {});
    expect(await new TakeBack({ offline, kv: null, key, send }).run([])).toEqual({ deleted: [], reported: [], waiting: [] });
    expect(send).not.toHaveBeenCalled();
    expect(await keys()).toHaveLength(4);
  });
});

describe('a level that allows no offline copy', () => {
  const mayKeep = (d: DocumentMeta) => d.id !== 'topsecret';

  it('is never written, never opened from the device, and a copy kept before goes at the next purge', async () => {
    const caches = new FakeCaches();
    const store = cacheStore(caches, storeName('m1'));
    // A copy kept before the level was raised.
    await store.put(copyKey('topsecret', 'ee'), pdf('old'));
    const offline = new OfflineDocs({ store, meeting: 'm1', token: 't', mayKeep });
    const produce = vi.fn(async () => pdf('x'));
    expect(await offline.keep(doc('topsecret', 'ee'), produce)).toBe(false);
    expect(produce).not.toHaveBeenCalled();
    expect(await offline.open(doc('topsecret', 'ee'))).toBeNull();
    expect(await offline.keep(doc('pub', 'aa'), produce)).toBe(true);
    const docs = { topsecret: doc('topsecret', 'ee'), pub: doc('pub', 'aa') };
    expect(await offline.purge(docs, { id: 'd1', name: 'D', role: 'delegate', room: 'main' })).toEqual([copyKey('topsecret', 'ee')]);
    expect(await store.keys()).toEqual([copyKey('pub', 'aa')]);
  });

  it('a sync downloads the agenda but not such a document', async () => {
    const caches = new FakeCaches();
    const fetchFn = vi.fn(async (u: string | URL | Request) => new Response(pdf(String(u)), { status: 200 })) as unknown as typeof fetch;
    const offline = new OfflineDocs({ store: cacheStore(caches, storeName('m1')), meeting: 'm1', token: 't', mayKeep, fetchFn });
    const s = normalize({
      version: 1,
      id: 'm1',
      documents: { topsecret: doc('topsecret', 'ee'), pub: doc('pub', 'aa') },
      agenda: [{ id: 'i1', title: 'i1', documents: ['topsecret', 'pub'] }],
      participants: { d1: { id: 'd1', name: 'D', role: 'delegate', room: 'main' } },
    });
    expect(await offline.sync(s, 'd1')).toEqual(['pub']);
    expect(fetchFn).toHaveBeenCalledTimes(1);
  });

  it('a download that completes after the level forbids copies is not written', async () => {
    let allowed = true;
    const caches = new FakeCaches();
    const store = cacheStore(caches, storeName('m1'));
    const offline = new OfflineDocs({ store, meeting: 'm1', token: 't', mayKeep: () => allowed });
    let finish!: (b: Uint8Array) => void;
    const p = offline.keep(doc('sec', '11'), () => new Promise<Uint8Array>((r) => (finish = r)));
    await vi.waitFor(() => expect(finish).toBeTypeOf('function'));
    allowed = false;
    finish(pdf('late'));
    expect(await p).toBe(false);
    expect(await store.keys()).toEqual([]);
  });
});
