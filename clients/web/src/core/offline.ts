// Documents kept for reading offline. A tablet keeps a copy of every
// document it has opened and, in the background after sign-in, of the
// documents of the agenda, so that the viewer still opens them when the
// network is down. Copies are keyed by document id and sha256: a document
// replaced by a new version (another sha256) is a different key, and the
// old copy is purged with those of documents no longer in the meeting or no
// longer readable; signing out drops the meeting's copies.
//
// Storage: the Cache API where the browser offers it (secure contexts:
// https, localhost), else IndexedDB (a tablet on plain http in a meeting
// room's LAN). One cache or database per meeting, "dais-docs:<meeting>".
// The viewer opens a kept copy from memory; documents not kept are still
// read in ranges from the server (pdf.js), and kept once open.

import { documentHeaders, documentURL } from './api';
import type { DocumentMeta, Participant, State } from './types';

/** DocStore keeps byte strings under string keys. */
export interface DocStore {
  get(key: string): Promise<Uint8Array | null>;
  put(key: string, bytes: Uint8Array): Promise<void>;
  delete(key: string): Promise<void>;
  keys(): Promise<string[]>;
  /** destroy removes the whole store. */
  destroy(): Promise<void>;
}

/** CacheLike is the part of the Cache API a store uses. */
export interface CacheLike {
  match(request: string): Promise<Response | undefined>;
  put(request: string, response: Response): Promise<void>;
  delete(request: string): Promise<boolean>;
  keys(): Promise<ReadonlyArray<{ url: string }>>;
}

/** CacheStorageLike is the part of CacheStorage (window.caches) a store uses. */
export interface CacheStorageLike {
  open(name: string): Promise<CacheLike>;
  delete(name: string): Promise<boolean>;
  keys(): Promise<string[]>;
}

/** STORE_PREFIX starts the name of every meeting's store. */
export const STORE_PREFIX = 'dais-docs:';
/** KEY_PATH is the made-up path under which the Cache API files a copy (never fetched). */
const KEY_PATH = '/dais-offline/';

/** storeName is the cache (or database) of a meeting's copies. */
export const storeName = (meeting: string) => STORE_PREFIX + meeting;

/** copyKey is the key of a document's copy: its id and its sha256. */
export function copyKey(doc: string, sha256: string): string {
  return `${doc}/${sha256}`;
}

/** parseKey splits a copy key; null when it is not one. */
export function parseKey(key: string): { doc: string; sha256: string } | null {
  const i = key.lastIndexOf('/');
  if (i <= 0 || i === key.length - 1) return null;
  return { doc: key.slice(0, i), sha256: key.slice(i + 1) };
}

/** cacheStore is a DocStore in the Cache API. */
export function cacheStore(caches: CacheStorageLike, name: string): DocStore {
  let opened: Promise<CacheLike> | null = null;
  const cache = () => (opened ??= caches.open(name));
  const url = (key: string) => KEY_PATH + key.split('/').map(encodeURIComponent).join('/');
  return {
    async get(key) {
      const r = await (await cache()).match(url(key));
      return r ? new Uint8Array(await r.arrayBuffer()) : null;
    },
    async put(key, bytes) {
      await (await cache()).put(url(key), new Response(bytes as BlobPart, { headers: { 'Content-Type': 'application/pdf' } }));
    },
    async delete(key) {
      await (await cache()).delete(url(key));
    },
    async keys() {
      const out: string[] = [];
      for (const r of await (await cache()).keys()) {
        const path = new URL(r.url, 'http://x').pathname;
        if (path.startsWith(KEY_PATH)) out.push(path.slice(KEY_PATH.length).split('/').map(decodeURIComponent).join('/'));
      }
      return out;
    },
    async destroy() {
      opened = null;
      await caches.delete(name);
    },
  };
}

const req = <T>(r: IDBRequest<T>) =>
  new Promise<T>((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });

/** idbStore is a DocStore in IndexedDB: a database with one object store "copies". */
export function idbStore(idb: IDBFactory, name: string): DocStore {
  let db: Promise<IDBDatabase> | null = null;
  const open = () =>
    (db ??= new Promise<IDBDatabase>((resolve, reject) => {
      const r = idb.open(name, 1);
      r.onupgradeneeded = () => r.result.createObjectStore('copies');
      r.onsuccess = () => {
        // Let a deletion (a wipe, another tab's sign-out) go through: close, reopen on next use.
        r.result.onversionchange = () => {
          r.result.close();
          db = null;
        };
        resolve(r.result);
      };
      r.onerror = () => reject(r.error);
    }));
  const tx = async (mode: IDBTransactionMode) => (await open()).transaction('copies', mode).objectStore('copies');
  return {
    async get(key) {
      const v = await req((await tx('readonly')).get(key));
      return v instanceof ArrayBuffer ? new Uint8Array(v) : v instanceof Uint8Array ? v : null;
    },
    async put(key, bytes) {
      await req((await tx('readwrite')).put(bytes.slice().buffer, key));
    },
    async delete(key) {
      await req((await tx('readwrite')).delete(key));
    },
    async keys() {
      return (await req((await tx('readonly')).getAllKeys())).map(String);
    },
    async destroy() {
      if (db) (await db).close();
      db = null;
      await req(idb.deleteDatabase(name) as unknown as IDBRequest<unknown>);
    },
  };
}

/** Backend is where a browser can keep copies: the Cache API, else IndexedDB. */
export interface Backend {
  caches?: CacheStorageLike;
  indexedDB?: IDBFactory;
}

/** browserBackend returns what this browser offers (nothing in a test without them). */
export function browserBackend(): Backend {
  const g = globalThis as { caches?: CacheStorageLike; indexedDB?: IDBFactory; isSecureContext?: boolean };
  return { caches: g.isSecureContext !== false ? g.caches : undefined, indexedDB: g.indexedDB };
}

/** openStore returns the meeting's store, or null when the browser can keep nothing. */
export function openStore(b: Backend, meeting: string): DocStore | null {
  if (b.caches) return cacheStore(b.caches, storeName(meeting));
  if (b.indexedDB) return idbStore(b.indexedDB, storeName(meeting));
  return null;
}

/** dropMeeting removes a meeting's copies (on sign-out). */
export async function dropMeeting(b: Backend, meeting: string): Promise<void> {
  await openStore(b, meeting)?.destroy();
}

/**
 * dropOthers removes the stores of meetings for which keep(meeting) is
 * false: copies left by a session that ended while this page was closed.
 */
export async function dropOthers(b: Backend, keep: (meeting: string) => boolean): Promise<string[]> {
  let names: string[] = [];
  if (b.caches) names = await b.caches.keys();
  else if (b.indexedDB && typeof b.indexedDB.databases === 'function') names = (await b.indexedDB.databases()).map((d) => d.name ?? '');
  const dropped: string[] = [];
  for (const n of names) {
    if (!n.startsWith(STORE_PREFIX)) continue;
    const m = n.slice(STORE_PREFIX.length);
    if (keep(m)) continue;
    await dropMeeting(b, m);
    dropped.push(m);
  }
  return dropped;
}

/**
 * canRead mirrors meeting.(*State).CanRead: a public document is read by
 * every participant, a confidential one by its readers, the chair and the
 * secretaries.
 */
export function canRead(doc: DocumentMeta, p: Participant | undefined): boolean {
  if (doc.withheld) return false; // the server listed it by title only: not for this viewer
  if (!p) return false;
  if (!doc.confidential) return true;
  if (p.role === 'chair' || p.role === 'secretary') return true;
  return (doc.readers ?? []).includes(p.id);
}

/** agendaDocuments lists the documents attached to agenda items that the viewer may read, in agenda order. */
export function agendaDocuments(s: State, me: string): DocumentMeta[] {
  const out: DocumentMeta[] = [];
  for (const it of s.agenda) {
    for (const id of it.documents ?? []) {
      const d = s.documents[id];
      if (d && d.sha256 && canRead(d, s.participants[me]) && !out.includes(d)) out.push(d);
    }
  }
  return out;
}

/**
 * staleKeys returns the kept keys to purge: copies of documents no longer
 * in the meeting, of an older version (another sha256), or that the
 * viewer may no longer read.
 */
export function staleKeys(keys: string[], docs: Record<string, DocumentMeta>, viewer: Participant | undefined): string[] {
  return keys.filter((k) => {
    const p = parseKey(k);
    const d = p ? docs[p.doc] : undefined;
    return !p || !d || d.sha256 !== p.sha256 || !canRead(d, viewer);
  });
}

/** OfflineOptions configure an OfflineDocs. */
export interface OfflineOptions {
  /** store keeps the copies; null: the browser can keep nothing and every call is a no-op. */
  store: DocStore | null;
  meeting: string;
  token: string;
  base?: string;
  fetchFn?: typeof fetch;
  /**
   * mayKeep says whether a document may be kept on the device at all (a
   * secrecy level whose rules allow no offline copy: no; default: yes). A
   * document it refuses is never written, and its copies go at the next
   * purge.
   */
  mayKeep?: (d: DocumentMeta) => boolean;
}

/** CopyStatus is what the tablet holds of a document: a copy, one being made, or nothing. */
export type CopyStatus = 'saved' | 'saving' | 'none';

/** OfflineDocs keeps a meeting's documents for reading offline. */
export class OfflineDocs {
  private readonly saved = new Set<string>();
  private readonly inflight = new Map<string, Promise<boolean>>();
  private readonly listeners = new Set<() => void>();
  private loaded: Promise<void> | null = null;
  private syncRun = 0;
  private stopped = false;

  constructor(private readonly o: OfflineOptions) {}

  /** enabled reports whether this browser can keep copies. */
  get enabled(): boolean {
    return this.o.store !== null && !this.stopped;
  }

  /** subscribe calls f when a copy is made or dropped; it returns the unsubscribe function. */
  subscribe(f: () => void): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  /** load reads which copies the store holds (once). */
  load(): Promise<void> {
    return (this.loaded ??= (async () => {
      if (!this.o.store) return;
      try {
        for (const k of await this.o.store.keys()) this.saved.add(k);
      } catch (err) {
        console.warn('dais: reading the offline copies failed', err);
      }
      this.changed();
    })());
  }

  /** status says whether a document is kept (for its current sha256). */
  status(d: DocumentMeta): CopyStatus {
    const k = copyKey(d.id, d.sha256);
    if (this.saved.has(k)) return 'saved';
    return this.inflight.has(k) ? 'saving' : 'none';
  }

  /** open returns the kept copy of a document, or null. */
  async open(d: DocumentMeta): Promise<Uint8Array | null> {
    if (!this.enabled || !d.sha256 || !this.allowed(d)) return null;
    await this.load();
    const k = copyKey(d.id, d.sha256);
    if (!this.saved.has(k)) return null;
    try {
      const b = await this.o.store!.get(k);
      if (b && b.length > 0) return b;
    } catch (err) {
      console.warn('dais: reading an offline copy failed', err);
    }
    this.saved.delete(k);
    this.changed();
    return null;
  }

  /**
   * keep stores the bytes produce() gives as the copy of d, unless it is
   * kept already or being kept (then it waits for that). It resolves with
   * whether a copy is now kept.
   */
  keep(d: DocumentMeta, produce: () => Promise<Uint8Array>): Promise<boolean> {
    if (!this.enabled || !d.sha256 || !this.allowed(d)) return Promise.resolve(false);
    const k = copyKey(d.id, d.sha256);
    const running = this.inflight.get(k);
    if (running) return running;
    const p = (async () => {
      await this.load();
      if (this.saved.has(k)) return true;
      try {
        const bytes = await produce();
        // Checked again: the document may have been taken back while it downloaded.
        if (!bytes || bytes.length === 0 || this.stopped || !this.allowed(d)) return false;
        await this.o.store!.put(k, bytes);
        this.saved.add(k);
        return true;
      } catch (err) {
        // Offline, a quota, a document that went away: try again at the next sync.
        console.warn(`dais: keeping ${d.id} for offline reading failed`, err);
        return false;
      } finally {
        this.inflight.delete(k);
        this.changed();
      }
    })();
    this.inflight.set(k, p);
    this.changed();
    return p;
  }

  /** download fetches the whole document from the server and keeps it. */
  download(d: DocumentMeta): Promise<boolean> {
    return this.keep(d, async () => {
      const r = await (this.o.fetchFn ?? fetch)(documentURL(this.o.meeting, d.id, this.o.base), {
        headers: documentHeaders(this.o.token, 'offline'),
      });
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      return new Uint8Array(await r.arrayBuffer());
    });
  }

  /** purge drops the copies staleKeys names, and those of documents mayKeep refuses. */
  async purge(docs: Record<string, DocumentMeta>, viewer: Participant | undefined): Promise<string[]> {
    if (!this.enabled) return [];
    await this.load();
    const stale = staleKeys([...this.saved], docs, viewer);
    for (const k of this.saved) {
      const p = parseKey(k);
      const d = p ? docs[p.doc] : undefined;
      if (d && !stale.includes(k) && !this.allowed(d)) stale.push(k);
    }
    await this.remove(stale);
    return stale;
  }

  /**
   * drop deletes every copy of the documents named (any version), after a
   * copy of them being written lands (it would otherwise survive), and
   * forgets them. It resolves with the keys deleted; a key the store could
   * not delete is kept in the list of copies (a later drop tries again) and
   * reported in failed.
   */
  async drop(docs: ReadonlySet<string>): Promise<{ deleted: string[]; failed: string[] }> {
    const ofThese = (k: string) => {
      const p = parseKey(k);
      return !!p && docs.has(p.doc);
    };
    await Promise.allSettled([...this.inflight].filter(([k]) => ofThese(k)).map(([, p]) => p));
    if (!this.o.store) return { deleted: [], failed: [] };
    await this.load();
    let keys = [...this.saved];
    // The store itself too: a copy written by another tab of this device.
    try {
      keys = [...new Set([...keys, ...(await this.o.store.keys())])];
    } catch (err) {
      console.warn('dais: listing the offline copies failed', err);
    }
    return this.remove(keys.filter(ofThese));
  }

  private async remove(keys: string[]): Promise<{ deleted: string[]; failed: string[] }> {
    const deleted: string[] = [];
    const failed: string[] = [];
    for (const k of keys) {
      try {
        await this.o.store!.delete(k);
        this.saved.delete(k);
        deleted.push(k);
      } catch (err) {
        console.warn('dais: removing an offline copy failed', err);
        failed.push(k);
      }
    }
    if (keys.length) this.changed();
    return { deleted, failed };
  }

  private allowed(d: DocumentMeta): boolean {
    return !this.o.mayKeep || this.o.mayKeep(d);
  }

  /**
   * sync purges stale copies, then downloads the wanted documents not kept
   * yet, one at a time. A later sync (or stop) ends an earlier one between
   * two downloads. It resolves with the ids it kept.
   */
  async sync(s: State, me: string, wanted: DocumentMeta[] = agendaDocuments(s, me)): Promise<string[]> {
    const run = ++this.syncRun;
    if (!this.enabled) return [];
    await this.purge(s.documents, s.participants[me]);
    const kept: string[] = [];
    for (const d of wanted) {
      if (run !== this.syncRun || this.stopped) break;
      if (this.status(d) === 'saved' || !this.allowed(d)) continue;
      if (await this.download(d)) kept.push(d.id);
    }
    return kept;
  }

  /** stop ends background work; nothing is kept after it. */
  stop(): void {
    this.stopped = true;
    this.syncRun++;
  }

  /** clear removes every copy of the meeting (sign-out). */
  async clear(): Promise<void> {
    this.stop();
    // A copy being written must land before the store goes, or it would
    // bring the store back.
    await Promise.allSettled([...this.inflight.values()]);
    this.saved.clear();
    await this.o.store?.destroy();
    this.changed();
  }

  private changed(): void {
    for (const f of [...this.listeners]) {
      try {
        f();
      } catch (err) {
        console.error('dais: listener failed', err);
      }
    }
  }
}
