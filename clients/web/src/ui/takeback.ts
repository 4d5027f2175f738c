// The take-back on this device (core/takeback.ts), wired to the meeting:
// what is due comes from the state (documents taken back, the close) and
// from the server's asks ("takeback" messages, the welcome's take_back);
// the report is the command ConfirmDeletion with this device's id, sent
// only while connected (else at the next connection).

import { useEffect, useMemo } from 'preact/hooks';
import { deviceId } from '../core/device';
import type { OfflineDocs } from '../core/offline';
import { dueTakeBacks } from '../core/secrecy';
import type { MeetingStore } from '../core/store';
import { TakeBack, takeBackKey, type Report } from '../core/takeback';
import { dropAheadOf } from './document/pdfjs';

/** MAX_DOCS is the server's bound on the documents of one ConfirmDeletion. */
const MAX_DOCS = 200;

/** confirmDeletion sends the report as ConfirmDeletion commands of at most 200 documents. */
export async function confirmDeletion(store: MeetingStore, r: Report, device = deviceId()): Promise<void> {
  if (store.status !== 'online') throw new Error('offline: reported at the next connection');
  const docs = [...new Set(r.due.map((d) => d.doc))];
  for (let i = 0; i < docs.length; i += MAX_DOCS) {
    await store.command('ConfirmDeletion', { device, documents: docs.slice(i, i + MAX_DOCS) });
  }
}

function storage() {
  try {
    return globalThis.localStorage ?? null;
  } catch {
    return null;
  }
}

/** useTakeBack carries out the take-backs due on this device; offline: its kept copies (none on a console or display). */
export function useTakeBack(store: MeetingStore, offline: OfflineDocs | null): void {
  const tb = useMemo(
    () =>
      new TakeBack({
        offline,
        kv: storage(),
        key: takeBackKey(store.session.meeting, store.session.participant),
        send: (r) => confirmDeletion(store, r),
        forget: (docs) => dropAheadOf([...docs].map((d) => `/documents/${encodeURIComponent(d)}/file`)),
      }),
    [store, offline],
  );
  const s = store.state;
  const due = s ? dueTakeBacks(s, store.takeBackAsk, store.takeBackAskId) : [];
  const key = due.map((d) => `${d.doc}:${d.mark}`).join(',');
  const online = store.status === 'online';
  useEffect(() => {
    if (due.length) void tb.run(due);
  }, [tb, key, online]);
}
