// NewMeeting: a secretary creates a meeting (title, time, place, the main
// hall and linked rooms) with POST /api/v1/meetings, becomes its secretary,
// and the app switches to it. MeetingSwitcher lists the other meetings this
// device holds a session for, to go back and forth.

import { MeetingSwitch } from '../meetingSwitch';
import { useContext, useEffect, useState } from 'preact/hooks';
import { createMeeting, type NewRoom } from '../../core/api';
import { slug as idSlug } from '../../core/csv';
import { memoryKV, type KV, type Session } from '../../core/session';
import type { MeetingStore } from '../../core/store';
import { errorText } from '../../i18n';
import { useApp } from '../context';
import '../../i18n-staff'; // the staff's words (i18n-staff.ts)

// MeetingSwitch and Switcher live in ../meetingSwitch (App needs them without this screen).
export { MeetingSwitch, type Switcher } from '../meetingSwitch';

/** localToRFC3339 turns a datetime-local value (local time) into RFC 3339 with the local offset, or null. */
export function localToRFC3339(v: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(v);
  if (!m) return null;
  const d = new Date(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +(m[6] ?? 0));
  if (Number.isNaN(d.getTime()) || d.getMonth() !== +m[2] - 1 || d.getDate() !== +m[3]) return null;
  const off = -d.getTimezoneOffset();
  const abs = Math.abs(off);
  const zone = off === 0 ? 'Z' : `${off < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}${zone}`;
}

/** tomorrowAt8 is the form's default time: tomorrow 08:00, local, as a datetime-local value. */
export function tomorrowAt8(now = new Date()): string {
  const d = new Date(now.getFullYear(), now.getMonth(), now.getDate() + 1, 8, 0);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T08:00`;
}

/** slug makes a room id from a Vietnamese name: no diacritics, lower case, dashes (core/csv's, at most 40). */
export const slug = (name: string): string => idSlug(name, 40);

/** RoomRow is a room being edited. */
export interface RoomRow {
  key: number;
  name: string;
}

/** roomsOf gives the rows ids: "main" for the main hall, a slug of the name for the others, never twice. */
export function roomsOf(rows: RoomRow[], mainKey: number): NewRoom[] {
  const used = new Set<string>();
  const out: NewRoom[] = rows.map((r) => ({ id: '', name: r.name.trim(), ...(r.key === mainKey ? { main: true } : {}) }));
  const take = (base: string) => {
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    used.add(id);
    return id;
  };
  // The main hall first, so it keeps "main" whatever the others are called.
  out.forEach((r) => r.main && (r.id = take('main')));
  out.forEach((r) => !r.main && (r.id = take(slug(r.name) || 'room')));
  return out;
}

// The meetings this device has opened as secretary ({id, title}), so that
// the switcher can name them. Sessions themselves stay in SessionStore.
const knownKey = 'dais.meetings';

function deviceKV(): KV {
  try {
    return localStorage;
  } catch {
    return memoryKV();
  }
}

/** knownMeetings reads the list of meetings this device has opened as secretary. */
export function knownMeetings(kv: KV = deviceKV()): { id: string; title: string }[] {
  try {
    const l = JSON.parse(kv.getItem(knownKey) ?? '[]');
    return Array.isArray(l) ? l.filter((m) => m && typeof m.id === 'string' && typeof m.title === 'string') : [];
  } catch {
    return [];
  }
}

/** rememberMeeting adds or renames a meeting in that list. */
export function rememberMeeting(id: string, title: string, kv: KV = deviceKV()): void {
  const l = knownMeetings(kv).filter((m) => m.id !== id);
  l.push({ id, title });
  try {
    kv.setItem(knownKey, JSON.stringify(l.slice(-50)));
  } catch {
    /* storage full or disabled: the switcher only forgets */
  }
}

/** NewMeeting is the "new meeting" section of the workspace: the switcher and the form. */
export function NewMeeting({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const sw = useContext(MeetingSwitch);
  const s = store.state!;
  useEffect(() => rememberMeeting(s.id, s.title), [s.id, s.title]);
  const others = sw ? knownMeetings().filter((m) => m.id !== s.id && sw.get(m.id)) : [];
  return (
    <div class="stack">
      {sw && others.length > 0 && (
        <div class="stack">
          <h3>{t('otherMeetings')}</h3>
          <ul class="docs">
            {others.map((m) => (
              <li key={m.id}>
                <button type="button" class="btn small" onClick={() => sw.open(sw.get(m.id)!)} aria-label={t('switchTo', { title: m.title })}>
                  ⇄ {m.title}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
      <details>
        <summary>{t('newMeeting')}</summary>
        <NewMeetingForm store={store} onCreated={(ns, title) => {
          rememberMeeting(ns.meeting, title);
          sw?.open(ns);
        }} />
      </details>
    </div>
  );
}

function NewMeetingForm({ store, onCreated }: { store: MeetingStore; onCreated: (s: Session, title: string) => void }) {
  const { t, lang, toast } = useApp();
  const [title, setTitle] = useState('');
  const [when, setWhen] = useState(tomorrowAt8());
  const [place, setPlace] = useState('');
  const [rows, setRows] = useState<RoomRow[]>([{ key: 1, name: t('defaultHall') }]);
  const [mainKey, setMainKey] = useState(1);
  const [nextKey, setNextKey] = useState(2);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState('');

  const setName = (key: number, name: string) => setRows(rows.map((r) => (r.key === key ? { ...r, name } : r)));
  const remove = (key: number) => {
    const left = rows.filter((r) => r.key !== key);
    setRows(left);
    if (key === mainKey) setMainKey(left[0].key);
  };

  const submit = async (e: Event) => {
    e.preventDefault();
    setError('');
    const starts = localToRFC3339(when);
    if (!title.trim()) return setError(t('meetingTitleRequired'));
    if (!starts) return setError(t('badTime'));
    if (rows.some((r) => !r.name.trim())) return setError(t('roomNameRequired'));
    setBusy(true);
    try {
      const body = { title: title.trim(), starts_at: starts, place: place.trim() || undefined, rooms: roomsOf(rows, mainKey) };
      const ns = await createMeeting(store.session.token, body);
      toast(t('meetingCreated', { title: body.title }), 'ok');
      onCreated(ns, body.title);
    } catch (err) {
      setError(errorText(lang, err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="form new-meeting" onSubmit={submit} noValidate>
      <p class="muted small">{t('newMeetingHint')}</p>
      <label>
        {t('meetingTitle')}
        <input required value={title} onInput={(e) => setTitle((e.target as HTMLInputElement).value)} />
      </label>
      <div class="row wrap">
        <label>
          {t('startsAt')}
          <input type="datetime-local" required value={when} onInput={(e) => setWhen((e.target as HTMLInputElement).value)} />
        </label>
        <label class="grow">
          {t('place')}
          <input value={place} onInput={(e) => setPlace((e.target as HTMLInputElement).value)} />
        </label>
      </div>
      <fieldset class="rooms-edit">
        <legend>{t('roomsField')}</legend>
        {rows.map((r, i) => (
          <div key={r.key} class="row">
            <input class="grow" value={r.name} aria-label={t('roomName', { n: i + 1 })} onInput={(e) => setName(r.key, (e.target as HTMLInputElement).value)} />
            <label class="check">
              <input type="radio" name="main-room" checked={r.key === mainKey} onChange={() => setMainKey(r.key)} /> {t('mainHall')}
            </label>
            <button
              type="button"
              class="btn small ghost"
              disabled={rows.length === 1}
              aria-label={t('removeRoom', { name: r.name || String(i + 1) })}
              onClick={() => remove(r.key)}
            >
              ✕
            </button>
          </div>
        ))}
        <button
          type="button"
          class="btn small"
          onClick={() => {
            setRows([...rows, { key: nextKey, name: '' }]);
            setNextKey(nextKey + 1);
          }}
        >
          + {t('addRoom')}
        </button>
      </fieldset>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="btn primary" disabled={busy}>
        {busy ? t('creatingMeeting') : t('createMeeting')}
      </button>
    </form>
  );
}
