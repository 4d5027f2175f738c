// AnnotationSaver sends SaveAnnotation so that the edits of one annotation
// are coalesced (issue 11, finding 5). The server takes one edit of an
// annotation per second (meeting.AnnotationEditInterval) and refuses a
// faster one with "rate_limited", writing nothing; it refuses with the same
// code a participant over their annotation byte budget. So, per annotation:
//
//   - at most one SaveAnnotation is in flight; a save made meanwhile
//     replaces the content waiting to go (only the latest is sent);
//   - a rate_limited refusal is retried after retryMs with the latest
//     content, up to maxTries times;
//   - every caller's promise settles with the ack of the content that was
//     finally written (their edit was superseded by a later one of the same
//     annotation, which the log holds), or with the refusal that ended it.
//
// Nothing is reported saved that the server did not write.

import type { AckMsg, Annotation } from './types';

export type SendSave = (a: Annotation, shared: boolean) => Promise<AckMsg>;

export interface SaverOptions {
  /** retryMs is the wait after a rate_limited refusal (default 1000: the server's interval). */
  retryMs?: number;
  /** maxTries bounds the sends of one annotation's content while refused rate_limited (default 20). */
  maxTries?: number;
  /** sleep waits; tests pass a fake. */
  sleep?: (ms: number) => Promise<void>;
}

interface Entry {
  latest: { a: Annotation; shared: boolean };
  waiters: { resolve: (a: AckMsg) => void; reject: (e: unknown) => void }[];
}

export class AnnotationSaver {
  private readonly entries = new Map<string, Entry>();
  private readonly retryMs: number;
  private readonly maxTries: number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly send: SendSave,
    o: SaverOptions = {},
  ) {
    this.retryMs = o.retryMs ?? 1000;
    this.maxTries = o.maxTries ?? 20;
    this.sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  /** save sends a (or, if one of the same annotation is on its way, queues it as the latest). */
  save(a: Annotation, shared: boolean): Promise<AckMsg> {
    const key = (shared ? 's ' : 'p ') + a.id;
    return new Promise<AckMsg>((resolve, reject) => {
      const e = this.entries.get(key);
      if (e) {
        e.latest = { a, shared };
        e.waiters.push({ resolve, reject });
        return;
      }
      const entry: Entry = { latest: { a, shared }, waiters: [{ resolve, reject }] };
      this.entries.set(key, entry);
      void this.run(key, entry);
    });
  }

  /** busy reports whether saves of some annotation are still on their way. */
  get busy(): boolean {
    return this.entries.size > 0;
  }

  private async run(key: string, e: Entry): Promise<void> {
    let tries = 0;
    for (;;) {
      const sent = e.latest;
      let ack: AckMsg;
      try {
        ack = await this.send(sent.a, sent.shared);
      } catch (err) {
        if ((err as { code?: string })?.code === 'rate_limited' && ++tries < this.maxTries) {
          await this.sleep(this.retryMs);
          continue; // with the latest content
        }
        if (e.latest !== sent) {
          tries = 0;
          continue; // a newer edit came meanwhile: it may be taken
        }
        this.entries.delete(key);
        for (const w of e.waiters) w.reject(err);
        return;
      }
      if (e.latest !== sent) {
        tries = 0;
        continue; // written; a newer edit came meanwhile: send it too
      }
      this.entries.delete(key);
      for (const w of e.waiters) w.resolve(ack);
      return;
    }
  }
}
