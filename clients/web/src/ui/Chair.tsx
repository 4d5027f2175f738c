// Chair is the chair's console: the session, the agenda, what the room is
// shown and who presents, the polls, the speaker queue, the linked rooms
// (whether each follows the main hall, or what it shows on its own) and
// attendance.

import { useState } from 'preact/hooks';
import type { MeetingStore } from '../core/store';
import type { Room, State } from '../core/types';
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
        {s.rooms.some((r) => !r.main) && (
          <Section title={t('lrTitle')}>
            <LinkedRooms store={store} />
          </Section>
        )}
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
            <DocumentOptions state={s} docs={docs} />
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

/**
 * LinkedRooms lists the rooms with their attendance and what each shows. A
 * linked room follows the main hall until its box is unticked
 * (SetFollowing); then the chair may show a document and page of its own
 * there (ShowInRoom, which the server accepts only in session).
 */
function LinkedRooms({ store }: { store: MeetingStore }) {
  const s = store.state!;
  const att = new Map(v.attendanceByRoom(s).map((a) => [a.room, a]));
  return (
    <ul class="rooms">
      {s.rooms.map((r) => (
        <RoomRow key={r.id} store={store} room={r} present={att.get(r.id)?.present ?? 0} members={att.get(r.id)?.members ?? 0} />
      ))}
    </ul>
  );
}

function RoomRow({ store, room, present, members }: { store: MeetingStore; room: Room; present: number; members: number }) {
  const { t } = useApp();
  const [busy, run] = useRun();
  const s = store.state!;
  const following = !room.main && room.following !== false;
  const shown = v.shownIn(s, room.id);
  const shownDoc = shown.document ? s.documents[shown.document] : undefined;
  const docs = v.documentsInOrder(s);
  const [doc, setDoc] = useState('');
  const [page, setPage] = useState('');
  const chosen = doc || shown.document || docs[0] || '';
  const pages = s.documents[chosen]?.pages ?? 1;
  const inSession = s.status === 'in_session';
  const show = (document: string, p: number) => run(() => store.command('ShowInRoom', { room: room.id, document, page: p }));
  return (
    <li class={'room-row' + (room.main ? ' main' : following ? '' : ' own')} data-room={room.id}>
      <div class="row between wrap">
        <strong>
          {room.name}
          {room.main && room.name !== t('mainHall') && <span class="tag">{t('mainHall')}</span>}
        </strong>
        <span class="muted small">{t('lrPresent', { present, members })}</span>
      </div>
      {!room.main && (
        <div class="row between wrap">
          <label class="check">
            <input
              type="checkbox"
              checked={following}
              disabled={busy}
              aria-label={t('lrFollowOf', { room: room.name })}
              onChange={(e) => {
                const follow = (e.target as HTMLInputElement).checked;
                // Show the truth until the server's event says otherwise.
                (e.target as HTMLInputElement).checked = following;
                void run(() => store.command('SetFollowing', { room: room.id, follow }));
              }}
            />{' '}
            {t('lrFollow')}
          </label>
          <span class={following ? 'tag' : 'tag open'} role="status">
            {following ? t('lrFollows') : t('lrOwn')}
          </span>
        </div>
      )}
      <p class="muted small room-shows">
        {shownDoc ? t('lrShows', { title: shownDoc.title, page: shown.page ?? 1 }) : t('nothingShown')}
      </p>
      {!room.main && !following && (
        <div class="stack">
          {!inSession && <p class="muted small">{t('lrNeedSession')}</p>}
          <form
            class="row wrap"
            onSubmit={(e) => {
              e.preventDefault();
              const n = Math.min(Math.max(1, parseInt(page, 10) || 1), pages);
              if (chosen) void show(chosen, n).then((ok) => ok && setPage(''));
            }}
          >
            <label class="grow">
              <span class="sr-only">{t('lrDoc', { room: room.name })}</span>
              <select value={chosen} aria-label={t('lrDoc', { room: room.name })} onChange={(e) => setDoc((e.target as HTMLSelectElement).value)}>
                <DocumentOptions state={s} docs={docs} />
              </select>
            </label>
            <label>
              <span class="sr-only">{t('lrPage')}</span>
              <input
                type="number"
                min={1}
                max={pages}
                inputMode="numeric"
                size={4}
                value={page}
                placeholder={t('lrPage')}
                aria-label={t('lrPage')}
                onInput={(e) => setPage((e.target as HTMLInputElement).value)}
              />
            </label>
            <button type="submit" class="btn small primary" disabled={busy || !chosen || !inSession}>
              {t('lrShow')}
            </button>
          </form>
          {shown.document && shownDoc && (
            <div class="row">
              <button
                type="button"
                class="btn small"
                disabled={busy || !inSession || (shown.page ?? 1) <= 1}
                aria-label={t('lrBack', { room: room.name })}
                onClick={() => void show(shown.document!, (shown.page ?? 1) - 1)}
              >
                ‹
              </button>
              <span class="small">{t('pageOf', { page: shown.page ?? 1, pages: shownDoc.pages })}</span>
              <button
                type="button"
                class="btn small"
                disabled={busy || !inSession || (shown.page ?? 1) >= shownDoc.pages}
                aria-label={t('lrForward', { room: room.name })}
                onClick={() => void show(shown.document!, (shown.page ?? 1) + 1)}
              >
                ›
              </button>
            </div>
          )}
        </div>
      )}
    </li>
  );
}

// DocumentOptions are the <option>s of a document picker: title and page
// count, or "no documents".
function DocumentOptions({ state, docs }: { state: State; docs: string[] }) {
  const { t } = useApp();
  return (
    <>
      {docs.length === 0 && <option value="">{t('noDocuments')}</option>}
      {docs.map((d) => (
        <option key={d} value={d}>
          {state.documents[d].title} · {t('pages', { n: state.documents[d].pages })}
        </option>
      ))}
    </>
  );
}
