// MeetingDetails is the "meeting details" section of the secretary
// workspace: the meeting's title, start time and place, edited in place and
// sent as one UpdateMeeting with only the fields that changed, and its rooms,
// to which the secretary adds a linked room (AddRoom, id made from the name
// like the new-meeting form does). Refusals from the server's ack are shown
// under the form, in the language shown.
//
// The server keeps a field when UpdateMeeting leaves it empty, so a title
// or a place cannot be erased: the form says so instead of sending nothing.

import { useEffect, useState } from 'preact/hooks';
import { uniqueId } from '../../core/csv';
import type { MeetingStore } from '../../core/store';
import type { Room } from '../../core/types';
import { errorText, type Key } from '../../i18n';
import { useApp, useRun } from '../context';
import { localToRFC3339, slug } from './NewMeeting';
import { ActiveContentSetting } from './ActiveContent';
import '../../i18n-staff'; // the staff's words (i18n-staff.ts)

/** rfc3339ToLocal turns an RFC 3339 time into a datetime-local value (local time), or '' when it is not one. */
export function rfc3339ToLocal(v: string | undefined): string {
  const ms = v ? Date.parse(v) : NaN;
  if (Number.isNaN(ms)) return '';
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  const sec = d.getSeconds() ? `:${p(d.getSeconds())}` : '';
  return `${String(d.getFullYear()).padStart(4, '0')}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}${sec}`;
}

/** MeetingFields is what the form edits: the title, the start (datetime-local) and the place. */
export interface MeetingFields {
  title: string;
  when: string;
  place: string;
}

/** UpdateArgs is the body of UpdateMeeting: only the fields that change. */
export interface UpdateArgs {
  title?: string;
  starts_at?: string;
  place?: string;
}

/**
 * meetingChanges compares the form with the meeting and gives what to send,
 * or why not: an empty title or place (the server would keep the old one), a
 * time it cannot read. A time is changed when it is another instant.
 */
export function meetingChanges(cur: { title: string; starts_at?: string; place?: string }, form: MeetingFields): { args: UpdateArgs } | { error: Key } {
  const args: UpdateArgs = {};
  const title = form.title.trim();
  if (!title) return { error: 'meetingTitleRequired' };
  if (title !== cur.title) args.title = title;
  if (form.when !== rfc3339ToLocal(cur.starts_at)) {
    const at = localToRFC3339(form.when);
    if (!at) return { error: 'badTime' };
    if (Date.parse(at) !== Date.parse(cur.starts_at ?? '')) args.starts_at = at;
  }
  const place = form.place.trim();
  if (place !== (cur.place ?? '')) {
    if (!place) return { error: 'placeCannotClear' };
    args.place = place;
  }
  return { args };
}

/** newRoomId is the id of a room to add: the slug of its name (as for a new meeting), -2, -3 … when taken. */
export function newRoomId(name: string, rooms: Room[]): string {
  return uniqueId(slug(name) || 'room', (id) => rooms.some((r) => r.id === id));
}

type Draft = Partial<MeetingFields>;

export function MeetingDetails({ store }: { store: MeetingStore }) {
  const { t, lang, toast } = useApp();
  const s = store.state!;
  const cur: MeetingFields = { title: s.title, when: rfc3339ToLocal(s.starts_at), place: s.place ?? '' };
  // What the secretary typed; a field not typed in shows the meeting's value.
  const [draft, setDraft] = useState<Draft>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const closed = s.status === 'closed';

  // A field that the meeting now has (our change arrived, or another
  // secretary's equal one) is no longer a draft: later changes show.
  useEffect(() => {
    setDraft((d) => {
      const left: Draft = { ...d };
      if (d.title !== undefined && d.title.trim() === cur.title) delete left.title;
      if (d.place !== undefined && d.place.trim() === cur.place) delete left.place;
      if (d.when !== undefined && (d.when === cur.when || (cur.when && localToRFC3339(d.when) && Date.parse(localToRFC3339(d.when)!) === Date.parse(s.starts_at ?? '')))) delete left.when;
      return Object.keys(left).length === Object.keys(d).length ? d : left;
    });
  }, [s.title, s.starts_at, s.place]);

  const form: MeetingFields = { ...cur, ...draft };
  const dirty = form.title !== cur.title || form.when !== cur.when || form.place !== cur.place;
  const set = (k: keyof MeetingFields) => (e: Event) => {
    setError('');
    setDraft({ ...draft, [k]: (e.target as HTMLInputElement).value });
  };

  const save = async (e: Event) => {
    e.preventDefault();
    setError('');
    const plan = meetingChanges({ title: s.title, starts_at: s.starts_at, place: s.place }, form);
    if ('error' in plan) return setError(t(plan.error));
    if (Object.keys(plan.args).length === 0) {
      setDraft({});
      return;
    }
    setBusy(true);
    try {
      await store.command('UpdateMeeting', plan.args);
      toast(t('meetingSaved'), 'ok');
    } catch (err) {
      setError(errorText(lang, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="stack meeting-details">
      {closed && <p class="muted small">{t('meetingClosedNoEdit')}</p>}
      <form class="form meeting-edit" onSubmit={save} noValidate>
        <fieldset class="plain" disabled={closed}>
          <label>
            {t('meetingTitle')}
            <input required value={form.title} onInput={set('title')} />
          </label>
          <div class="row wrap">
            <label>
              {t('startsAt')}
              <input type="datetime-local" value={form.when} onInput={set('when')} />
            </label>
            <label class="grow">
              {t('place')}
              <input value={form.place} onInput={set('place')} />
            </label>
          </div>
        </fieldset>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <div class="row wrap">
          <button type="submit" class="btn primary" disabled={busy || closed || !dirty}>
            {busy ? t('savingMeeting') : t('saveMeeting')}
          </button>
          {dirty && !busy && (
            <button
              type="button"
              class="btn"
              onClick={() => {
                setDraft({});
                setError('');
              }}
            >
              {t('undoChanges')}
            </button>
          )}
        </div>
      </form>
      <ConfidentialListing store={store} closed={closed} />
      <ActiveContentSetting store={store} closed={closed} />
      <RoomsEdit store={store} closed={closed} />
    </div>
  );
}

/** RoomsEdit lists the meeting's rooms and adds a linked room. */
function RoomsEdit({ store, closed }: { store: MeetingStore; closed: boolean }) {
  const { t, lang, toast } = useApp();
  const s = store.state!;
  const [name, setName] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');
  const id = name.trim() ? newRoomId(name, s.rooms) : '';

  const add = async (e: Event) => {
    e.preventDefault();
    setError('');
    const n = name.trim();
    if (!n) return setError(t('newRoomNameRequired'));
    setBusy(true);
    try {
      await store.command('AddRoom', { room: { id: newRoomId(n, s.rooms), name: n } });
      toast(t('roomAdded', { name: n }), 'ok');
      setName('');
    } catch (err) {
      setError(errorText(lang, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="stack">
      <h3>{t('roomsField')}</h3>
      <ul class="docs room-list">
        {s.rooms.map((r) => (
          <li key={r.id}>
            {r.name}
            {r.main && <span class="tag">{t('mainHall')}</span>}
          </li>
        ))}
      </ul>
      <form class="form room-add" onSubmit={add} noValidate>
        <div class="row wrap">
          <label class="grow">
            {t('newRoomName')}
            <input value={name} disabled={closed} onInput={(e) => (setError(''), setName((e.target as HTMLInputElement).value))} />
          </label>
          <button type="submit" class="btn" disabled={busy || closed}>
            + {t('addRoom')}
          </button>
        </div>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
      </form>
    </div>
  );
}

/**
 * ConfidentialListing chooses what delegates who may not read a
 * confidential document get of it: a line "Tài liệu mật — không được phân
 * quyền đọc" (withheld, the default) or nothing at all (hidden). The choice
 * takes effect with the server's MeetingUpdated.
 */
function ConfidentialListing({ store, closed }: { store: MeetingStore; closed: boolean }) {
  const { t } = useApp();
  const [busy, run] = useRun();
  const s = store.state!;
  const cur = s.confidential_listing ?? 'withheld';
  return (
    <label class="confidential-listing">
      {t('confListing')}
      <select
        value={cur}
        disabled={busy || closed}
        onChange={(e) => {
          const v = (e.target as HTMLSelectElement).value as 'withheld' | 'hidden';
          (e.target as HTMLSelectElement).value = cur; // the event says when it changed
          void run(() => store.command('UpdateMeeting', { confidential_listing: v }), t(v === 'hidden' ? 'confListingHiddenDone' : 'confListingWithheldDone'));
        }}
      >
        <option value="withheld">{t('confListingWithheld')}</option>
        <option value="hidden">{t('confListingHidden')}</option>
      </select>
    </label>
  );
}
