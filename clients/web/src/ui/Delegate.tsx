// Delegate is the tablet: the agenda with the current item, the document
// following the presenter, the vote panel, the speaker request and the
// check-in. Observers get the same screen without the voting and speaking.
//
// The tablet keeps the documents it opens and those of the agenda for
// reading offline (core/offline.ts): fetched in the background once online,
// purged when they leave the meeting or change, dropped at sign-out.

import { useEffect, useMemo } from 'preact/hooks';
import { agendaDocuments, browserBackend, dropOthers, OfflineDocs, openStore } from '../core/offline';
import { SessionStore } from '../core/session';
import type { MeetingStore } from '../core/store';
import * as v from '../core/views';
import { AgendaList, ResultView, Section, SpeakerLine, name } from './common';
import { useApp, useRun } from './context';
import { DocumentPane, useOffline } from './DocumentPane';
import { VotePanel } from './VotePanel';

/** hasSession reports whether the device still holds a session for the meeting (not after a sign-out). */
function hasSession(meeting: string): boolean {
  try {
    return new SessionStore(localStorage).get(meeting) !== null;
  } catch {
    return false;
  }
}

/** useOfflineDocs keeps the meeting's documents on the device while the tablet is signed in. */
function useOfflineDocs(store: MeetingStore): OfflineDocs {
  const meeting = store.session.meeting;
  const offline = useMemo(
    () => new OfflineDocs({ store: openStore(browserBackend(), meeting), meeting, token: store.session.token }),
    [store],
  );
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
    .map((d) => `${d.id}:${d.sha256}:${d.readers?.length ?? 0}`)
    .join(',');
  const wanted = agendaDocuments(s, store.me)
    .map((d) => d.id)
    .join(',');
  useEffect(() => {
    if (online && store.state) void offline.sync(store.state, store.me);
  }, [offline, online, versions, wanted]);
  return offline;
}

export function Delegate({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const s = store.state!;
  const me = s.participants[store.me];
  const item = v.currentItem(s);
  const last = v.lastClosedPoll(s);
  const offline = useOfflineDocs(store);
  return (
    <div class="screen delegate">
      <aside class="side">
        <CurrentItemCard store={store} />
        <FloorCard store={store} />
        <Section title={t('agenda')}>
          <AgendaList s={s} />
        </Section>
        <OfflineList store={store} offline={offline} />
        {last?.result && (
          <Section title={t('result')}>
            <ResultView poll={last} />
          </Section>
        )}
      </aside>
      <main class="main" aria-label={item?.title ?? t('documents')}>
        <DocumentPane store={store} allowPresent={me?.role !== 'observer'} offline={offline} />
      </main>
      <VotePanel store={store} />
    </div>
  );
}

function CurrentItemCard({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const s = store.state!;
  const item = v.currentItem(s);
  return (
    <section class="panel current-card" aria-live="polite">
      <p class="eyebrow">{t('currentItem')}</p>
      {item ? (
        <>
          <h2>
            {v.itemNumber(s, item.id)}. {item.title}
          </h2>
          {item.presenter && (
            <p class="muted">
              {t('presenter')}: {name(s, item.presenter)}
            </p>
          )}
        </>
      ) : (
        <p class="muted">{t('noCurrentItem')}</p>
      )}
    </section>
  );
}

function FloorCard({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const [busy, run] = useRun();
  const s = store.state!;
  const me = s.participants[store.me];
  if (!me) return null;
  const place = v.queuePlace(s, store.me);
  const speaking = s.floor.speaker === store.me;
  const canSpeak = me.role !== 'observer';
  return (
    <section class="panel floor-card">
      <SpeakerLine store={store} />
      {canSpeak && (
        <div class="stack">
          {speaking ? (
            <p class="you-speak" role="status">
              {t('youSpeak')}
            </p>
          ) : place > 0 ? (
            <>
              <p role="status">{t('queuePlace', { n: place })}</p>
              <button type="button" class="btn large" disabled={busy} onClick={() => run(() => store.command('WithdrawFloor'))}>
                {t('withdrawFloor')}
              </button>
            </>
          ) : (
            <button type="button" class="btn large primary" disabled={busy} onClick={() => run(() => store.command('RequestFloor'))}>
              {t('requestFloor')}
            </button>
          )}
        </div>
      )}
      <CheckInLine store={store} />
    </section>
  );
}

function CheckInLine({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const [busy, run] = useRun();
  const me = store.state!.participants[store.me];
  return (
    <div class="checkin">
      {me?.present ? (
        <p class="ok-text">✓ {t('checkedIn')}</p>
      ) : (
        <>
          <p class="muted">{t('notCheckedIn')}</p>
          <button type="button" class="btn large" disabled={busy} onClick={() => run(() => store.command('CheckIn', {}))}>
            {t('checkIn')}
          </button>
        </>
      )}
    </div>
  );
}

/** OfflineList lists the agenda's documents and which are kept for reading offline. */
function OfflineList({ store, offline }: { store: MeetingStore; offline: OfflineDocs }) {
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
              <span>{d.title}</span>
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
