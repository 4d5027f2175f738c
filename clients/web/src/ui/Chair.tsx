// Chair is the chair's console: the session, the agenda, what the room is
// shown and who presents, the polls, the speaker queue, and attendance.

import { useState } from 'preact/hooks';
import type { MeetingStore } from '../core/store';
import * as v from '../core/views';
import { AgendaList, AttendanceTable, QueueList, Section, SpeakerLine, name, quorumPercent } from './common';
import { useApp, useRun } from './context';
import { DocumentPane } from './DocumentPane';
import { PollForm, PollList } from './polls';

export function Chair({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const s = store.state!;
  return (
    <div class="screen console">
      <div class="col">
        <SessionControls store={store} />
        <Section title={t('agenda')}>
          <AgendaControl store={store} />
        </Section>
        <Section title={t('floor')}>
          <FloorControl store={store} />
        </Section>
      </div>
      <div class="col wide">
        <Section title={t('presentation')}>
          <PresentationControl store={store} />
        </Section>
        <DocumentPane store={store} allowPresent={true} />
      </div>
      <div class="col">
        <Section title={t('polls')}>
          <PollList store={store} canRun={true} />
          <details>
            <summary>{t('newPoll')}</summary>
            <PollForm store={store} />
          </details>
        </Section>
        <Section title={t('attendance')}>
          <AttendanceTable s={s} percent={quorumPercent(s)} />
          <AbsentList store={store} />
        </Section>
      </div>
    </div>
  );
}

function SessionControls({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const [busy, run] = useRun();
  const st = store.state!.status;
  return (
    <div class="panel row wrap">
      {st !== 'in_session' && st !== 'closed' && (
        <button type="button" class="btn primary" disabled={busy} onClick={() => run(() => store.command('OpenSession'))}>
          {t('openSession')}
        </button>
      )}
      {st === 'in_session' && (
        <button type="button" class="btn" disabled={busy} onClick={() => run(() => store.command('Adjourn'))}>
          {t('adjourn')}
        </button>
      )}
      {st !== 'closed' && (
        <button
          type="button"
          class="btn danger"
          disabled={busy}
          onClick={() => {
            if (confirm(t('confirmCloseMeeting'))) void run(() => store.command('CloseMeeting'));
          }}
        >
          {t('closeMeeting')}
        </button>
      )}
    </div>
  );
}

function AgendaControl({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const [busy, run] = useRun();
  const s = store.state!;
  return (
    <AgendaList
      s={s}
      action={(id) =>
        id !== s.current && (
          <button type="button" class="btn small" disabled={busy} onClick={() => run(() => store.command('SetCurrentItem', { item: id }))}>
            {t('setCurrent')}
          </button>
        )
      }
    />
  );
}

function PresentationControl({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const [busy, run] = useRun();
  const s = store.state!;
  const item = v.currentItem(s);
  const docs = [...new Set([...(item?.documents ?? []), ...v.documentsInOrder(s)])].filter((d) => s.documents[d]);
  const [doc, setDoc] = useState('');
  const chosen = doc || s.presentation.document || docs[0] || '';
  const people = s.order.map((id) => s.participants[id]).filter((p) => p && p.role !== 'observer' && p.role !== 'chair');
  return (
    <div class="stack">
      <form
        class="row wrap"
        onSubmit={(e) => {
          e.preventDefault();
          if (chosen) void run(() => store.command('ShowDocument', { document: chosen, page: 1 }));
        }}
      >
        <label class="grow">
          {t('showDoc')}
          <select value={chosen} onChange={(e) => setDoc((e.target as HTMLSelectElement).value)}>
            {docs.length === 0 && <option value="">{t('noDocuments')}</option>}
            {docs.map((d) => (
              <option key={d} value={d}>
                {s.documents[d].title} · {t('pages', { n: s.documents[d].pages })}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="btn primary" disabled={busy || !chosen}>
          {t('show')}
        </button>
      </form>
      <label>
        {t('handTo')}
        <select
          value={s.presentation.presenter ?? ''}
          disabled={busy}
          onChange={(e) => run(() => store.command('HandPresentation', { to: (e.target as HTMLSelectElement).value }))}
        >
          <option value="">{t('takeBack')}</option>
          {people.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
      {s.presentation.presenter && (
        <p class="muted small">
          {t('presenter')}: {name(s, s.presentation.presenter)}
        </p>
      )}
    </div>
  );
}

function FloorControl({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const [busy, run] = useRun();
  const s = store.state!;
  return (
    <div class="stack">
      <SpeakerLine store={store} />
      <div class="row wrap">
        {s.floor.speaker && (
          <button type="button" class="btn danger" disabled={busy} onClick={() => run(() => store.command('EndFloor'))}>
            {t('endFloor')}
          </button>
        )}
        {(s.floor.queue?.length ?? 0) > 0 && (
          <button type="button" class="btn primary" disabled={busy} onClick={() => run(() => store.command('GiveFloor', {}))}>
            {t('giveNext')}
          </button>
        )}
      </div>
      <h3>{t('queue')}</h3>
      <QueueList
        s={s}
        action={(id) => (
          <button type="button" class="btn small" disabled={busy} onClick={() => run(() => store.command('GiveFloor', { participant: id }))}>
            {t('giveFloor')}
          </button>
        )}
      />
    </div>
  );
}

function AbsentList({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const [busy, run] = useRun();
  const s = store.state!;
  const absent = s.order.map((id) => s.participants[id]).filter((p) => p && v.isVoter(p) && !p.present);
  if (absent.length === 0) return null;
  return (
    <details>
      <summary>
        {t('checkInFor')} ({absent.length})
      </summary>
      <ul class="people">
        {absent.map((p) => (
          <li key={p.id} class="row between">
            <span>
              {p.name} <span class="muted small">{s.rooms.find((r) => r.id === p.room)?.name ?? p.room}</span>
            </span>
            <button type="button" class="btn small" disabled={busy} onClick={() => run(() => store.command('CheckIn', { participant: p.id }))}>
              {t('checkIn')}
            </button>
          </li>
        ))}
      </ul>
    </details>
  );
}
