// The documents kept on the tablet for reading offline, and the list that
// shows them. The copies are made after the first page is drawn.

import { useEffect, useMemo } from 'preact/hooks';
import { agendaDocuments, browserBackend, dropOthers, OfflineDocs, openStore } from '../../core/offline';
import { mayKeepOffline } from '../../core/secrecy';
import { afterFirstPage } from '../../core/firstpage';
import { SessionStore } from '../../core/session';
import type { MeetingStore } from '../../core/store';
import { Section } from '../shared/Section';
import { useOffline } from '../document/DocumentPane';
import { useApp } from '../context';
import { LevelBadge } from '../shared/Secrecy';

/** hasSession reports whether the device still holds a session for the meeting (not after a sign-out). */
function hasSession(meeting: string): boolean {
  try {
    return new SessionStore(localStorage).get(meeting) !== null;
  } catch {
    return false;
  }
}

/** FIRST_PAGE_WAIT_MS bounds how long the copies wait for the first page drawn. */
const FIRST_PAGE_WAIT_MS = 20_000;

function firstPageOr(ms: number): Promise<void> {
  return Promise.race([afterFirstPage(), new Promise<void>((r) => setTimeout(r, ms))]);
}

const perStore = new WeakMap<MeetingStore, OfflineDocs>();

/**
 * offlineFor returns the meeting's offline copies for a store (one per
 * store: the tablet's screens and its take-back share it). A document
 * whose level allows no offline copy, or taken back, is never kept.
 */
export function offlineFor(store: MeetingStore): OfflineDocs {
  let o = perStore.get(store);
  if (!o) {
    const meeting = store.session.meeting;
    o = new OfflineDocs({
      store: openStore(browserBackend(), meeting),
      meeting,
      token: store.session.token,
      mayKeep: (d) => !!store.state && mayKeepOffline(store.state, d),
    });
    perStore.set(store, o);
  }
  return o;
}

/** useOfflineDocs keeps the meeting's documents on the device while the tablet is signed in. */
export function useOfflineDocs(store: MeetingStore): OfflineDocs {
  const meeting = store.session.meeting;
  const offline = useMemo(() => offlineFor(store), [store]);
  useEffect(() => {
    void offline.load();
    // Copies of meetings signed out of while this page was closed.
    void dropOthers(browserBackend(), (m) => m === meeting || hasSession(m)).catch(() => {});
    if (offline.enabled) void navigator.storage?.persist?.().catch(() => false);
    return () => {
      offline.stop();
      if (!hasSession(meeting)) void offline.clear().catch(() => {});
    };
  }, [offline]);
  const s = store.state!;
  const online = store.status === 'online';
  const versions = Object.values(s.documents)
    .map((d) => `${d.id}:${d.sha256}:${d.readers?.length ?? 0}:${d.level ?? ''}:${d.taken_back ? 1 : 0}`)
    .join(',');
  const wanted = agendaDocuments(s, store.me)
    .map((d) => d.id)
    .join(',');
  useEffect(() => {
    if (!online || !store.state) return;
    // Not before the first page is drawn: the copies would take the network and the CPU from it.
    let live = true;
    void firstPageOr(FIRST_PAGE_WAIT_MS).then(() => {
      if (live && store.state) void offline.sync(store.state, store.me);
    });
    return () => {
      live = false;
    };
  }, [offline, online, versions, wanted]);
  return offline;
}

/** OfflineList lists the agenda's documents and which are kept for reading offline. */
export function OfflineList({ store, offline }: { store: MeetingStore; offline: OfflineDocs }) {
  const { t } = useApp();
  useOffline(offline);
  const docs = agendaDocuments(store.state!, store.me);
  if (docs.length === 0) return null;
  return (
    <Section title={t('documents')}>
      <ul class="docs offline-docs">
        {docs.map((d) => {
          const st = offline.enabled ? offline.status(d) : 'none';
          return (
            <li key={d.id} data-doc={d.id}>
              <span>
                {d.title}
                <LevelBadge s={store.state!} d={d} />
              </span>
              {st === 'saved' ? (
                <span class="tag offline-tag">✓ {t('offlineSaved')}</span>
              ) : st === 'saving' ? (
                <span class="tag">{t('offlineSaving')}</span>
              ) : null}
            </li>
          );
        })}
      </ul>
    </Section>
  );
}
