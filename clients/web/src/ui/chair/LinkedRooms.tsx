// LinkedRooms: each room, whether it follows the main hall, and what it shows.

import { useState } from 'preact/hooks';
import type { MeetingStore } from '../../core/store';
import type { Room } from '../../core/types';
import * as v from '../../core/views';
import { DocumentOptions } from '../shared/DocumentOptions';
import { useApp, useRun } from '../context';
import { levelOf, rulesOf, takenBack } from '../../core/secrecy';
import type { Key } from '../../i18n';
import '../../i18n-staff'; // the staff's words (i18n-staff.ts)

/**
 * LinkedRooms lists the rooms with their attendance and what each shows. A
 * linked room follows the main hall until its box is unticked
 * (SetFollowing); then the chair may show a document and page of its own
 * there (ShowInRoom, which the server accepts only in session).
 */
export function LinkedRooms({ store }: { store: MeetingStore }) {
  const s = store.state!;
  const att = new Map(v.attendanceByRoom(s).map((a) => [a.room, a]));
  return (
    <>
      <ul class="rooms">
        {s.rooms.map((r) => (
          <RoomRow key={r.id} store={store} room={r} present={att.get(r.id)?.present ?? 0} members={att.get(r.id)?.members ?? 0} />
        ))}
      </ul>
      <SecretDisplays store={store} />
    </>
  );
}

/**
 * SecretDisplays lists the secret documents whose level keeps them off the
 * linked rooms' displays (Tuyệt mật by default), each with a box: ticked,
 * the chair lets those displays show it (AllowRoomDisplay).
 */
function SecretDisplays({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const [busy, run] = useRun();
  const s = store.state!;
  const docs = v.documentsInOrder(s).filter((id) => {
    const d = s.documents[id];
    const l = levelOf(d);
    return !!l && !rulesOf(s, l).linked_displays && !takenBack(s, d);
  });
  if (docs.length === 0) return null;
  return (
    <fieldset class="secret-displays">
      <legend>{t('secretDocs')}</legend>
      {docs.map((id) => {
        const d = s.documents[id];
        const level = t(`level_${levelOf(d)}` as Key);
        return (
          <label key={id} class="check">
            <input
              type="checkbox"
              checked={!!d.display_allowed}
              disabled={busy}
              onChange={(e) => {
                const allow = (e.target as HTMLInputElement).checked;
                void run(() => store.command('AllowRoomDisplay', { document: id, allow }), t(allow ? 'displayAllowed' : 'displayDisallowed', { title: d.title }));
              }}
            />{' '}
            {t('allowDisplayOf', { title: d.title, level })}
          </label>
        );
      })}
    </fieldset>
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
