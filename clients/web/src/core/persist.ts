// The viewer's folded meeting state kept on the device, so that a tablet
// reloaded without network starts from what it last saw (read-only until
// the server answers) and then resumes with last_seq = the kept version
// instead of asking for a snapshot.
//
// One record per (meeting, participant): a device may hold sessions of
// several meetings, and another person signing in on the same device must
// never be shown the previous one's private annotations or ballots. Records
// are removed with the session (sign-out, 4001, a session no longer held).
//
// Storage: IndexedDB (database "dais-state", object store "states"), else
// localStorage ("dais.state.<meeting>.<participant>", both URI-encoded). The
// record holds the state as a JSON string taken at the moment of the save:
// the store folds events into its state in place, and an asynchronous write
// must not pick up a half-later state. Writes are serialized per backend, so
// a removal queued after a save always wins. A full disk (QuotaExceeded) or
// a storage that fails is logged and tolerated: the old record (consistent,
// only older) stays, and the resume from it is still correct.

import { normalize } from './fold';
import type { State } from './types';

/** SavedState is what the device keeps of a meeting for one participant. */
export interface SavedState {
  meeting: string;
  participant: string;
  /** version is the state's last seq: the last_seq to resume with. */
  version: number;
  state: State;
  /** savedAt is the local time of the save in ms. */
  savedAt: number;
}

/** StateBackend keeps strings under string keys. */
export interface StateBackend {
  get(key: string): Promise<string | null>;
  put(key: string, value: string): Promise<void>;
  delete(key: string): Promise<void>;
  keys(): Promise<string[]>;
  /** getNow reads at once, where the storage is synchronous (Web Storage). */
  getNow?(key: string): string | null;
}

/** FORMAT is the record's format; a record of another format is ignored. */
const FORMAT = 1;
const KV_PREFIX = 'dais.state.';

/** stateKey is the key of a (meeting, participant) record. */
export function stateKey(meeting: string, participant: string): string {
  return `${encodeURIComponent(meeting)}.${encodeURIComponent(participant)}`;
}

/** parseStateKey splits a key made by stateKey; null when it is not one. */
export function parseStateKey(key: string): { meeting: string; participant: string } | null {
  const parts = key.split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return null;
  try {
    return { meeting: decodeURIComponent(parts[0]), participant: decodeURIComponent(parts[1]) };
  } catch {
    return null;
  }
}

/** KVLike is the part of Web Storage a localStorage backend uses. */
export interface KVLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
  key(i: number): string | null;
  readonly length: number;
}

/** kvBackend keeps records in Web Storage (localStorage) under "dais.state.". */
export function kvBackend(kv: KVLike): StateBackend {
  return {
    get: async (k) => kv.getItem(KV_PREFIX + k),
    getNow: (k) => kv.getItem(KV_PREFIX + k),
    put: async (k, v) => kv.setItem(KV_PREFIX + k, v),
    delete: async (k) => kv.removeItem(KV_PREFIX + k),
    async keys() {
      const out: string[] = [];
      for (let i = 0; i < kv.length; i++) {
        const k = kv.key(i);
        if (k?.startsWith(KV_PREFIX)) out.push(k.slice(KV_PREFIX.length));
      }
      return out;
    },
  };
}

const DB_NAME = 'dais-state';
const OBJECTS = 'states';

/** idbBackend keeps records in IndexedDB: database "dais-state", object store "states". */
export function idbBackend(idb: IDBFactory): StateBackend {
  let db: Promise<IDBDatabase> | null = null;
  const open = () =>
    (db ??= new Promise<IDBDatabase>((resolve, reject) => {
      const r = idb.open(DB_NAME, 1);
      r.onupgradeneeded = () => r.result.createObjectStore(OBJECTS);
      r.onsuccess = () => {
        // Another tab deleting or upgrading the database: open it again next time.
        r.result.onversionchange = () => {
          r.result.close();
          db = null;
        };
        resolve(r.result);
      };
      r.onerror = () => reject(r.error);
      r.onblocked = () => reject(new Error('dais-state is blocked'));
    }).catch((err) => {
      db = null;
      throw err;
    }));
  // run completes when the transaction does (a put is durable only then;
  // a quota error surfaces as the transaction's abort).
  const run = async <T>(mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> => {
    const tx = (await open()).transaction(OBJECTS, mode);
    const r = f(tx.objectStore(OBJECTS));
    return new Promise<T>((resolve, reject) => {
      tx.oncomplete = () => resolve(r.result);
      tx.onabort = tx.onerror = () => reject(tx.error ?? r.error ?? new Error('transaction aborted'));
    });
  };
  return {
    async get(k) {
      const v = await run('readonly', (s) => s.get(k));
      return typeof v === 'string' ? v : null;
    },
    async put(k, v) {
      await run('readwrite', (s) => s.put(v, k));
    },
    async delete(k) {
      await run('readwrite', (s) => s.delete(k));
    },
    async keys() {
      return (await run('readonly', (s) => s.getAllKeys())).map(String);
    },
  };
}

let browserDefault: StateBackend | null | undefined;

/** browserBackend is IndexedDB where the browser has it, else localStorage, else null. */
export function browserBackend(): StateBackend | null {
  if (browserDefault !== undefined) return browserDefault;
  const g = globalThis as { indexedDB?: IDBFactory; localStorage?: KVLike };
  browserDefault = null;
  try {
    if (g.indexedDB) browserDefault = idbBackend(g.indexedDB);
    else if (g.localStorage) browserDefault = kvBackend(g.localStorage);
  } catch {
    /* storage denied (private mode, a policy): keep nothing */
  }
  return browserDefault;
}

// Writes and removals on one backend run one after another, in call order.
const queues = new WeakMap<StateBackend, { tail: Promise<unknown>; pending: number }>();
function serial<T>(b: StateBackend, f: () => Promise<T>): Promise<T> {
  let q = queues.get(b);
  if (!q) queues.set(b, (q = { tail: Promise.resolve(), pending: 0 }));
  const queue = q;
  queue.pending++;
  const p = queue.tail.then(f, f).finally(() => queue.pending--);
  queue.tail = p.catch(() => {});
  return p;
}

/** isQuotaError reports a full storage (the names and codes browsers use). */
export function isQuotaError(err: unknown): boolean {
  const e = err as { name?: string; code?: number } | null;
  return !!e && (e.name === 'QuotaExceededError' || e.name === 'NS_ERROR_DOM_QUOTA_REACHED' || e.code === 22 || e.code === 1014);
}

/**
 * saveState keeps the state for (meeting, participant). It resolves with
 * whether the record was written; it never rejects.
 */
export function saveState(b: StateBackend, meeting: string, participant: string, state: State, now = Date.now()): Promise<boolean> {
  empty.delete(b);
  writes.set(b, (writes.get(b) ?? 0) + 1);
  // Serialized now, not when the write runs: the state changes in place.
  const record = JSON.stringify({ format: FORMAT, meeting, participant, version: state.version, savedAt: now, state });
  return serial(b, async () => {
    try {
      await b.put(stateKey(meeting, participant), record);
      return true;
    } catch (err) {
      console.warn(isQuotaError(err) ? 'dais: no room left to keep the meeting on this device' : 'dais: keeping the meeting on this device failed', err);
      return false;
    }
  });
}

/**
 * loadState returns the kept state for (meeting, participant), or null when
 * there is none or it is unreadable, of another format, or not of this
 * meeting and participant. It never rejects.
 */
export function loadState(b: StateBackend, meeting: string, participant: string): Promise<SavedState | null> {
  return serial(b, async () => {
    let raw: string | null;
    try {
      raw = await b.get(stateKey(meeting, participant));
    } catch (err) {
      console.warn('dais: reading the kept meeting failed', err);
      return null;
    }
    return raw === null ? null : decodeRecord(raw, meeting, participant);
  });
}

// Backends found without any record (checkEmpty) and not written since by this page.
const empty = new WeakSet<StateBackend>();
const writes = new WeakMap<StateBackend, number>();

/**
 * checkEmpty lists b's records (the app does it at start, in parallel with
 * the sign-in): a device that keeps nothing is then known as such, and
 * loadStateNow answers null at once instead of a new tablet waiting for two
 * IndexedDB transactions (0.1–0.3 s on a slow one) before it connects.
 * A save by this page ends it; another tab's is not seen (its state would
 * then be read from the server instead). It never rejects.
 */
export function checkEmpty(b: StateBackend): Promise<boolean> {
  const before = writes.get(b) ?? 0;
  return b.keys().then(
    (keys) => {
      const none = keys.length === 0 && (writes.get(b) ?? 0) === before;
      if (none) empty.add(b);
      return none;
    },
    () => false,
  );
}

/**
 * loadStateNow is loadState done at once, for a synchronous storage with
 * nothing queued on it, or a storage known to be empty (checkEmpty);
 * undefined when it cannot be (then use loadState).
 */
export function loadStateNow(b: StateBackend, meeting: string, participant: string): SavedState | null | undefined {
  if (empty.has(b) && (queues.get(b)?.pending ?? 0) === 0) return null;
  if (!b.getNow || (queues.get(b)?.pending ?? 0) > 0) return undefined;
  let raw: string | null;
  try {
    raw = b.getNow(stateKey(meeting, participant));
  } catch (err) {
    console.warn('dais: reading the kept meeting failed', err);
    return null;
  }
  return raw === null ? null : decodeRecord(raw, meeting, participant);
}

/** decodeRecord checks a kept record; null when it does not belong to (meeting, participant) or is damaged. */
export function decodeRecord(raw: string, meeting: string, participant: string): SavedState | null {
  let r: any;
  try {
    r = JSON.parse(raw);
  } catch {
    return null;
  }
  if (!r || typeof r !== 'object' || r.format !== FORMAT) return null;
  if (r.meeting !== meeting || r.participant !== participant) return null;
  const st = r.state;
  if (!st || typeof st !== 'object' || Array.isArray(st) || st.id !== meeting) return null;
  if (!Number.isSafeInteger(r.version) || r.version <= 0 || st.version !== r.version) return null;
  if (typeof r.savedAt !== 'number' || !Number.isFinite(r.savedAt)) return null;
  if (!st.participants || typeof st.participants !== 'object' || !st.participants[participant]) return null;
  let state: State;
  try {
    state = normalize(st);
  } catch {
    return null;
  }
  if (!Array.isArray(state.agenda) || !Array.isArray(state.rooms)) return null;
  return { meeting, participant, version: r.version, state, savedAt: r.savedAt };
}

/** clearState removes the record of (meeting, participant); it never rejects. */
export function clearState(b: StateBackend, meeting: string, participant: string): Promise<void> {
  return serial(b, async () => {
    try {
      await b.delete(stateKey(meeting, participant));
    } catch (err) {
      console.warn('dais: removing the kept meeting failed', err);
    }
  });
}

/**
 * dropOtherStates removes the records for which keep(meeting, participant)
 * is false (sessions that ended while this page was closed, or another
 * person's) and any key it cannot read. It resolves with the removed keys.
 */
export function dropOtherStates(b: StateBackend, keep: (meeting: string, participant: string) => boolean): Promise<string[]> {
  return serial(b, async () => {
    const dropped: string[] = [];
    try {
      for (const k of await b.keys()) {
        const p = parseStateKey(k);
        if (p && keep(p.meeting, p.participant)) continue;
        await b.delete(k);
        dropped.push(k);
      }
    } catch (err) {
      console.warn('dais: tidying the kept meetings failed', err);
    }
    return dropped;
  });
}

/** SaverOptions configure a StateSaver. */
export interface SaverOptions {
  backend: StateBackend;
  meeting: string;
  participant: string;
  /** delayMs: at most one save per this long while events come (default 3000). */
  delayMs?: number;
  now?: () => number;
}

/**
 * StateSaver keeps one meeting's state on the device: save() at once (after
 * a welcome, when the page is hidden), schedule() at most every delayMs
 * (after events). After stop() it writes nothing more; clear() stops it and
 * removes the record after any write already queued.
 */
export class StateSaver {
  private timer: ReturnType<typeof setTimeout> | null = null;
  private get: (() => State | null) | null = null;
  private stopped = false;
  private lastSaved = -1;

  constructor(private readonly o: SaverOptions) {}

  /** schedule saves get()'s state within delayMs, unless a save is already due. */
  schedule(get: () => State | null): void {
    if (this.stopped) return;
    this.get = get;
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.save();
    }, this.o.delayMs ?? 3000);
  }

  /**
   * save writes the state now (get's, or the scheduled one's); false when
   * nothing was written. Unless forced, a version already saved is skipped.
   */
  save(get?: () => State | null, force = false): Promise<boolean> {
    if (get) this.get = get;
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    const s = this.stopped ? null : this.get?.();
    if (!s || s.version <= 0 || (!force && s.version === this.lastSaved)) return Promise.resolve(false);
    this.lastSaved = s.version;
    return saveState(this.o.backend, this.o.meeting, this.o.participant, s, (this.o.now ?? Date.now)());
  }

  /** stop cancels a scheduled save; nothing is written after it. */
  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** clear stops and removes the record (sign-out). */
  clear(): Promise<void> {
    this.stop();
    return clearState(this.o.backend, this.o.meeting, this.o.participant);
  }
}
