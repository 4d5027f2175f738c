// Committees is the staff's page of the office's registry: the people
// (added once, with their title, unit, e-mail and login account) and the
// committees with their members and chair; a meeting of a committee is
// made here, its members becoming the participants, and opens in the app.
// An administrator also marks who is the office's staff (cán bộ văn phòng),
// in the new person's form and on each person of the list.
// An account that is not staff sees nothing here.

import { useEffect, useState } from 'preact/hooks';
import { committeeMeeting, committees, hidden, idOf, people, putCommittee, putPerson, type Committee, type Person } from '../../core/office';
import type { Session } from '../../core/session';
import { errorText, type Lang } from '../../i18n';
import { useApp } from '../context';
import { localToRFC3339, tomorrowAt8 } from '../secretary/NewMeeting';
import '../../i18n-staff'; // quoted words the staff test reads as staff words (i18n.test.ts)
import { ot } from './strings';

export function Committees({ onOpen, admin = false }: { onOpen: (s: Session) => void; admin?: boolean }) {
  const { lang } = useApp();
  const [ps, setPeople] = useState<Person[] | null>(null);
  const [cs, setCommittees] = useState<Committee[]>([]);
  const [error, setError] = useState('');
  const [note, setNote] = useState('');

  const load = async () => {
    try {
      const [p, c] = await Promise.all([people(), committees()]);
      setPeople(p);
      setCommittees(c);
    } catch (err) {
      if (!hidden(err)) setError(errorText(lang, err));
    }
  };
  useEffect(() => {
    load();
  }, []);
  if (!ps) return error ? <p class="error" role="alert">{error}</p> : null;
  const name = (id: string) => ps.find((p) => p.id === id)?.name ?? id;
  const guard = async (f: () => Promise<unknown>, ok: string) => {
    setError('');
    setNote('');
    try {
      await f();
      setNote(ok);
      await load();
      return true;
    } catch (err) {
      setError(errorText(lang, err));
      return false;
    }
  };

  return (
    <section class="panel committees" aria-labelledby="committees">
      <h2 id="committees">{ot(lang, 'committeesTitle')}</h2>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <p role="status" class="live">
        {note}
      </p>
      <ul class="office-meetings committee-list">
        {cs.map((c) => (
          <li key={c.id}>
            <details>
              <summary>
                <strong>{c.name}</strong> · {ot(lang, 'memberCount', { n: c.members.length })}
              </summary>
              <ol>
                {c.members.map((m) => (
                  <li key={m.person}>
                    {name(m.person)}
                    {m.title ? ` — ${m.title}` : ''}
                    {m.chair ? ` (${ot(lang, 'chairOf')})` : ''}
                  </li>
                ))}
              </ol>
              <MeetingOf c={c} lang={lang} onOpen={onOpen} onError={setError} />
            </details>
          </li>
        ))}
      </ul>
      <NewCommittee lang={lang} people={ps} onSave={(c) => guard(() => putCommittee(c), ot(lang, 'saved', { name: c.name }))} />
      <h3>{ot(lang, 'peopleTitle')}</h3>
      <ul class="people-list">
        {ps.map((p) => (
          <li key={p.id}>
            {p.name}
            {p.title ? ` — ${p.title}` : ''}
            {p.unit ? `, ${p.unit}` : ''}
            {p.staff && !admin && <span class="badge staff-badge">{ot(lang, 'staffBadge')}</span>}
            {admin && (
              <label class="check staff-toggle">
                <input
                  type="checkbox"
                  aria-label={ot(lang, 'staffOf', { name: p.name })}
                  checked={!!p.staff}
                  onChange={(e) => {
                    const staff = (e.target as HTMLInputElement).checked;
                    guard(() => putPerson(personInput({ ...p, staff })), ot(lang, staff ? 'staffOn' : 'staffOff', { name: p.name }));
                  }}
                />{' '}
                {ot(lang, 'staffBadge')}
              </label>
            )}
          </li>
        ))}
      </ul>
      <NewPerson lang={lang} admin={admin} onSave={(p) => guard(() => putPerson(p), ot(lang, 'saved', { name: p.name }))} />
    </section>
  );
}

function field(id: string, label: string, value: string, set: (v: string) => void, o: { required?: boolean; type?: string } = {}) {
  return (
    <>
      <label for={id}>{label}</label>
      <input id={id} type={o.type ?? 'text'} required={o.required} value={value} onInput={(e) => set((e.target as HTMLInputElement).value)} />
    </>
  );
}

/** personInput is what PUT /api/v1/people/{id} takes of a listed person (it refuses unknown fields). */
export function personInput(p: Person & { updated?: string }): Person {
  const out: Person = { id: p.id, name: p.name };
  for (const k of ['title', 'unit', 'email', 'account'] as const) if (p[k]) out[k] = p[k];
  if (p.staff) out.staff = true;
  return out;
}

function NewPerson({ lang, admin, onSave }: { lang: Lang; admin: boolean; onSave: (p: Person) => Promise<boolean> }) {
  const [p, setP] = useState<Person>({ id: '', name: '' });
  const upd = (k: keyof Person) => (v: string) => setP((x) => ({ ...x, [k]: v }));
  return (
    <form
      class="stack new-person"
      onSubmit={async (e) => {
        e.preventDefault();
        const body = { ...p, id: p.id.trim() || idOf(p.name) };
        if (await onSave(body)) setP({ id: '', name: '' });
      }}
    >
      <h3>{ot(lang, 'addPerson')}</h3>
      {field('np-name', ot(lang, 'personName'), p.name, upd('name'), { required: true })}
      {field('np-title', ot(lang, 'personTitle'), p.title ?? '', upd('title'))}
      {field('np-unit', ot(lang, 'personUnit'), p.unit ?? '', upd('unit'))}
      {field('np-email', ot(lang, 'personEmail'), p.email ?? '', upd('email'), { type: 'email' })}
      {field('np-account', ot(lang, 'personAccount'), p.account ?? '', upd('account'))}
      {admin && (
        <label class="check" for="np-staff">
          <input id="np-staff" type="checkbox" checked={!!p.staff} onChange={(e) => setP((x) => ({ ...x, staff: (e.target as HTMLInputElement).checked || undefined }))} />{' '}
          {ot(lang, 'personStaff')}
        </label>
      )}
      <button type="submit" class="btn primary">
        {ot(lang, 'save')}
      </button>
    </form>
  );
}

function NewCommittee({ lang, people, onSave }: { lang: Lang; people: Person[]; onSave: (c: Committee) => Promise<boolean> }) {
  const [id, setID] = useState('');
  const [nm, setName] = useState('');
  const [members, setMembers] = useState<string[]>([]);
  const [chair, setChair] = useState('');
  return (
    <form
      class="stack new-committee"
      onSubmit={async (e) => {
        e.preventDefault();
        const c: Committee = { id: id.trim() || idOf(nm), name: nm, members: members.map((m) => ({ person: m, chair: m === chair || undefined })) };
        if (await onSave(c)) {
          setID('');
          setName('');
          setMembers([]);
          setChair('');
        }
      }}
    >
      <h3>{ot(lang, 'newCommittee')}</h3>
      {field('nc-name', ot(lang, 'committeeName'), nm, setName, { required: true })}
      {field('nc-id', ot(lang, 'committeeID'), id, setID)}
      <fieldset>
        <legend>{ot(lang, 'membersOf')}</legend>
        {people.map((p) => (
          <div key={p.id} class="member-pick">
            <label>
              <input
                type="checkbox"
                checked={members.includes(p.id)}
                onChange={(e) => setMembers((m) => ((e.target as HTMLInputElement).checked ? [...m, p.id] : m.filter((x) => x !== p.id)))}
              />{' '}
              {p.name}
            </label>{' '}
            <label>
              <input type="radio" name="nc-chair" checked={chair === p.id} disabled={!members.includes(p.id)} onChange={() => setChair(p.id)} /> {ot(lang, 'chairOf')}
            </label>
          </div>
        ))}
      </fieldset>
      <button type="submit" class="btn primary">
        {ot(lang, 'save')}
      </button>
    </form>
  );
}

function MeetingOf({ c, lang, onOpen, onError }: { c: Committee; lang: Lang; onOpen: (s: Session) => void; onError: (s: string) => void }) {
  const [title, setTitle] = useState('Hội nghị ' + c.name);
  const [starts, setStarts] = useState(tomorrowAt8());
  const [place, setPlace] = useState('');
  const [busy, setBusy] = useState(false);
  return (
    <form
      class="stack committee-meeting"
      onSubmit={async (e) => {
        e.preventDefault();
        const at = localToRFC3339(starts);
        if (!at) return;
        setBusy(true);
        try {
          onOpen((await committeeMeeting(c.id, { title: title.trim(), starts_at: at, place: place.trim() || undefined })).session);
        } catch (err) {
          onError(errorText(lang, err));
        } finally {
          setBusy(false);
        }
      }}
    >
      <h4>{ot(lang, 'meetingOf')}</h4>
      <p class="hint">{ot(lang, 'meetingOfHint')}</p>
      {field(`cm-title-${c.id}`, ot(lang, 'meetingTitle'), title, setTitle, { required: true })}
      {field(`cm-starts-${c.id}`, ot(lang, 'startsAt'), starts, setStarts, { required: true, type: 'datetime-local' })}
      {field(`cm-place-${c.id}`, ot(lang, 'place'), place, setPlace)}
      <button type="submit" class="btn primary" disabled={busy}>
        {ot(lang, 'createMeeting')}
      </button>
    </form>
  );
}
