// Take-back (thu hồi) on a tablet. When the meeting closes, or when the
// secretary takes a secret document back earlier, the tablet deletes what
// it holds of the document — its offline copies (Cache API or IndexedDB,
// every version), the document opened ahead in pdf.js, the pages drawn (the
// viewer stops showing a document taken back: core/secrecy.ts) — and
// reports the deletion to the server, which keeps it in the copy register
// and shows the secretary which copies are still out.
//
// A tablet online when the take-back comes does it within the event's
// round trip; a tablet offline then does it when it reconnects (the missed
// events, or the snapshot, carry the take-back). The report is sent until
// the server acknowledges it, then never again: which take-backs were
// acknowledged is kept in Web Storage ("dais.takeback.<meeting>.<participant>"),
// so that a reload neither loses a report nor sends it twice. Reports are
// not conditional on a copy having been found: a document read from the
// server without a copy kept (a level whose rules allow none) was still
// served to the tablet, and the tablet confirms it holds nothing of it.
//
// Runs are serialized: a run started while another is under way waits for
// it, so that one take-back is never reported twice by two runs at once.

import type { KVLike } from './persist';

/** Due is a take-back this tablet must carry out: a document, and what identifies the take-back. */
export interface Due {
  doc: string;
  /**
   * mark tells one take-back of the document from another (the meeting's
   * close, a take-back by the secretary at a given seq): a document handed
   * out again and taken back again is reported again.
   */
  mark: string;
}

/** Dropper deletes every copy of the documents named (core/offline.ts OfflineDocs.drop). */
export interface Dropper {
  drop(docs: ReadonlySet<string>): Promise<{ deleted: string[]; failed: string[] }>;
}

/** Report is what the tablet tells the server: the take-backs it has carried out. */
export interface Report {
  /** due: the take-backs done (every copy deleted), one per document. */
  due: Due[];
  /** deleted: the offline copies deleted for them ("doc/sha256" keys), possibly none. */
  deleted: string[];
}

/** TakeBackOptions configure a TakeBack. */
export interface TakeBackOptions {
  /** offline deletes the kept copies; null where the tablet keeps none. */
  offline: Dropper | null;
  /** kv keeps which take-backs were acknowledged; null: kept in memory only. */
  kv: KVLike | null;
  /** key is the Web Storage key (takeBackKey). */
  key: string;
  /** send reports the take-backs; it resolves once the server acknowledged, rejects otherwise. */
  send(r: Report): Promise<void>;
  /** forget drops what the page holds of the documents in memory (pdf.js, drawn pages). */
  forget?(docs: ReadonlySet<string>): void;
}

/** RunResult says what a run did. */
export interface RunResult {
  /** deleted: the copies deleted by this run. */
  deleted: string[];
  /** reported: the take-backs this run reported and the server acknowledged. */
  reported: Due[];
  /** waiting: take-backs done but not acknowledged yet (offline, refused): sent at the next run. */
  waiting: Due[];
}

/** takeBackKey is the Web Storage key of a participant's acknowledged take-backs in a meeting. */
export const takeBackKey = (meeting: string, participant: string) => `dais.takeback.${encodeURIComponent(meeting)}.${encodeURIComponent(participant)}`;

/** MAX_KEPT bounds the acknowledged take-backs kept in Web Storage. */
const MAX_KEPT = 500;

const id = (d: Due) => `${d.doc}\u0000${d.mark}`;

/** TakeBack carries out the take-backs due on this tablet; see the file comment. */
export class TakeBack {
  private readonly done = new Set<string>();
  private tail: Promise<unknown> = Promise.resolve();
  /** copies deleted and not reported yet, by document. */
  private readonly unreported = new Map<string, string[]>();

  constructor(private readonly o: TakeBackOptions) {
    try {
      const raw = o.kv?.getItem(o.key);
      const list = raw ? (JSON.parse(raw) as unknown) : [];
      if (Array.isArray(list)) for (const x of list) if (typeof x === 'string') this.done.add(x);
    } catch {
      /* unreadable: report again (the server takes a report twice) */
    }
  }

  /** acknowledged reports whether a take-back was reported and acknowledged. */
  acknowledged(d: Due): boolean {
    return this.done.has(id(d));
  }

  /**
   * run deletes what the tablet holds of every document due and reports
   * the take-backs not acknowledged yet. It never rejects.
   */
  run(due: Due[]): Promise<RunResult> {
    const p = this.tail.then(() => this.once(due));
    this.tail = p.catch(() => {});
    return p;
  }

  private async once(due: Due[]): Promise<RunResult> {
    const r: RunResult = { deleted: [], reported: [], waiting: [] };
    if (due.length === 0) return r;
    const docs = new Set(due.map((d) => d.doc));
    try {
      this.o.forget?.(docs);
    } catch (err) {
      console.warn('dais: dropping a document taken back from memory failed', err);
    }
    // Deleted every time, acknowledged or not: a copy must not come back
    // (another tab of this device, a download that was in flight).
    let failed = new Set<string>();
    if (this.o.offline) {
      try {
        const res = await this.o.offline.drop(docs);
        r.deleted = res.deleted;
        failed = new Set(res.failed.map((k) => k.slice(0, k.lastIndexOf('/'))));
      } catch (err) {
        console.warn('dais: deleting the copies taken back failed', err);
        failed = docs;
      }
    }
    for (const k of r.deleted) {
      const doc = k.slice(0, k.lastIndexOf('/'));
      this.unreported.set(doc, [...(this.unreported.get(doc) ?? []), k]);
    }
    // A document whose copy could not be deleted is not reported as taken back.
    const todo = due.filter((d, i) => !this.done.has(id(d)) && !failed.has(d.doc) && due.findIndex((x) => id(x) === id(d)) === i);
    if (todo.length === 0) return r;
    const deleted = todo.flatMap((d) => this.unreported.get(d.doc) ?? []);
    try {
      await this.o.send({ due: todo, deleted: [...new Set(deleted)] });
    } catch (err) {
      console.warn('dais: reporting a take-back failed; reported again at the next connection', err);
      r.waiting = todo;
      return r;
    }
    for (const d of todo) {
      this.done.add(id(d));
      this.unreported.delete(d.doc);
    }
    r.reported = todo;
    this.save();
    return r;
  }

  private save(): void {
    try {
      // The last MAX_KEPT are enough: older take-backs are long carried out.
      const list = [...this.done].slice(-MAX_KEPT);
      this.o.kv?.setItem(this.o.key, JSON.stringify(list));
    } catch (err) {
      console.warn('dais: keeping the acknowledged take-backs failed', err);
    }
  }
}
