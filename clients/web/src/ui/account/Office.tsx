// Office is a signed-in account's home: its meetings (opened here as
// secretary or chair, no invitation code; a delegate's listed with their
// date, to join from a tablet), a form that creates a meeting
// (the account becomes its secretary), the written consultations to
// answer or approve, the person's calendar with its iCal link, the
// committees (staff), and, for administrators, the accounts page.

import { useEffect, useState } from 'preact/hooks';
import { accountMeetings, createMeeting, logout, openMeeting, type AccountMeeting, type AccountSession } from '../../core/accounts';
import type { Session } from '../../core/session';
import { errorText, translate, type Key } from '../../i18n';
import { useApp } from '../context';
import { localToRFC3339, tomorrowAt8 } from '../secretary/NewMeeting';
import { MyCalendar } from '../office/Calendar';
import { Committees } from '../office/Committees';
import { MyConsultations } from '../office/Consultations';
import { Tasks } from '../tasks/Tasks';
import { when } from '../office/strings';
import { AccountsAdmin } from './AccountsAdmin';
import { at } from './strings';
import '../../i18n-staff'; // the staff's words (i18n-staff.ts)

export function Office({ session, onOpen, onSignedOut }: { session: AccountSession; onOpen: (s: Session) => void; onSignedOut: () => void }) {
  const { lang, setLang, t } = useApp();
  const [meetings, setMeetings] = useState<AccountMeeting[] | null>(null);
  const [error, setError] = useState('');
  const [title, setTitle] = useState('');
  const [starts, setStarts] = useState(tomorrowAt8());
  const [place, setPlace] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    accountMeetings()
      .then(setMeetings)
      .catch((err) => setError(errorText(lang, err)));
  }, []);

  const open = async (m: string) => {
    setError('');
    try {
      onOpen(await openMeeting(m));
    } catch (err) {
      setError(errorText(lang, err));
    }
  };

  return (
    <main class="office">
      <header class="topbar">
        <strong>Dais</strong>
        <span class="me">{at(lang, 'hello', { name: session.account.name })}</span>
        <button type="button" class="btn small" onClick={() => setLang(lang === 'vi' ? 'en' : 'vi')}>
          {t('switchLang')}
        </button>
        <button
          type="button"
          class="btn small"
          onClick={async () => {
            await logout().catch(() => undefined);
            onSignedOut();
          }}
        >
          {at(lang, 'signOut')}
        </button>
      </header>
      <div class="office-body">
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <section class="panel" aria-labelledby="office-meetings">
          <h2 id="office-meetings">{at(lang, 'officeTitle')}</h2>
          {meetings && meetings.length === 0 && <p>{at(lang, 'noMeetings')}</p>}
          <ul class="office-meetings">
            {(meetings ?? []).map((m) => (
              <li key={m.meeting}>
                <span>
                  <strong>{m.title}</strong> · {translate(lang, ('role_' + m.role) as Key)} · {translate(lang, ('status_' + m.status) as Key)}
                  {m.starts_at && <> · {when(lang, m.starts_at)}</>}
                  {m.place && <> · {m.place}</>}
                </span>
                {m.can_open !== false ? (
                  <button type="button" class="btn small primary" aria-label={at(lang, 'openMeeting', { title: m.title })} onClick={() => open(m.meeting)}>
                    {at(lang, 'open')}
                  </button>
                ) : (
                  <span class="hint">{at(lang, 'joinOnTablet')}</span>
                )}
              </li>
            ))}
          </ul>
        </section>
        <section class="panel" aria-labelledby="office-new">
          <h2 id="office-new">{at(lang, 'newMeeting')}</h2>
          <p class="hint">{at(lang, 'newMeetingHint')}</p>
          <form
            class="stack office-new-meeting"
            onSubmit={async (e) => {
              e.preventDefault();
              const at3339 = localToRFC3339(starts);
              if (!title.trim() || !at3339) return setError(at(lang, 'titleRequired'));
              setBusy(true);
              setError('');
              try {
                onOpen(await createMeeting({ title: title.trim(), starts_at: at3339, place: place.trim() || undefined }));
              } catch (err) {
                setError(errorText(lang, err));
              } finally {
                setBusy(false);
              }
            }}
          >
            <label for="om-title">{at(lang, 'meetingTitle')}</label>
            <input id="om-title" required value={title} onInput={(e) => setTitle((e.target as HTMLInputElement).value)} />
            <label for="om-starts">{at(lang, 'startsAt')}</label>
            <input id="om-starts" type="datetime-local" required value={starts} onInput={(e) => setStarts((e.target as HTMLInputElement).value)} />
            <label for="om-place">{at(lang, 'place')}</label>
            <input id="om-place" value={place} onInput={(e) => setPlace((e.target as HTMLInputElement).value)} />
            <button type="submit" class="btn primary" disabled={busy}>
              {at(lang, 'create')}
            </button>
          </form>
        </section>
        <MyConsultations />
        <Tasks />
        <MyCalendar />
        <Committees onOpen={onOpen} admin={session.account.admin} />
        {session.account.admin && <AccountsAdmin me={session.account.id} />}
      </div>
    </main>
  );
}
