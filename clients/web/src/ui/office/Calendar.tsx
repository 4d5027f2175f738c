// MyCalendar shows the signed-in person's calendar (their meetings and the
// consultations they are asked to answer) and makes, renews or revokes
// their private iCalendar address for a phone's calendar app. An account
// that is no person of the office's list sees nothing here.

import { useEffect, useState } from 'preact/hooks';
import { hidden, myCalendar, newMyFeed, revokeMyFeed, type Calendar, type FeedURL } from '../../core/office';
import { errorText } from '../../i18n';
import { useApp } from '../context';
import '../../i18n-staff'; // quoted words the staff test reads as staff words (i18n.test.ts)
import { ot, when } from './strings';

export function MyCalendar() {
  const { lang } = useApp();
  const [cal, setCal] = useState<Calendar | null>(null);
  const [feed, setFeed] = useState<FeedURL | null>(null);
  const [note, setNote] = useState('');
  const [error, setError] = useState('');

  const load = () =>
    myCalendar()
      .then(setCal)
      .catch((err) => {
        if (!hidden(err)) setError(errorText(lang, err));
      });
  useEffect(() => {
    load();
  }, []);
  if (!cal && !error) return null;

  const make = async () => {
    setError('');
    setNote('');
    try {
      setFeed(await newMyFeed());
      await load();
    } catch (err) {
      setError(errorText(lang, err));
    }
  };
  const revoke = async () => {
    setError('');
    try {
      await revokeMyFeed();
      setFeed(null);
      setNote(ot(lang, 'feedRevoked'));
      await load();
    } catch (err) {
      setError(errorText(lang, err));
    }
  };

  return (
    <section class="panel my-calendar" aria-labelledby="my-calendar">
      <h2 id="my-calendar">{ot(lang, 'calendarTitle')}</h2>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {cal && cal.entries.length === 0 && <p>{ot(lang, 'calendarEmpty')}</p>}
      <ul class="office-meetings calendar-entries">
        {(cal?.entries ?? []).map((e) => (
          <li key={e.uid}>
            <span>
              <strong>{when(lang, e.start)}</strong> · {ot(lang, e.kind === 'meeting' ? 'kind_meeting' : 'kind_consultation')} · {e.title}
              {e.location ? ` · ${e.location}` : ''}
              {e.kind === 'consultation' && e.answered ? ` · ${ot(lang, 'answeredMark')}` : ''}
            </span>
          </li>
        ))}
      </ul>
      <h3>{ot(lang, 'feedTitle')}</h3>
      <p class="hint">{ot(lang, 'feedHint')}</p>
      {cal?.feed && !feed && <p>{ot(lang, 'feedHas')}</p>}
      {feed && (
        <p class="feed-url">
          <input readOnly aria-label={ot(lang, 'feedTitle')} value={feed.url} onFocus={(e) => (e.target as HTMLInputElement).select()} />{' '}
          <a href={feed.webcal}>{ot(lang, 'feedOpen')}</a>
        </p>
      )}
      <p role="status" class="live">
        {note}
      </p>
      <p class="row">
        <button type="button" class="btn small primary" onClick={make}>
          {ot(lang, cal?.feed ? 'feedRenew' : 'feedMake')}
        </button>
        {cal?.feed && (
          <button type="button" class="btn small" onClick={revoke}>
            {ot(lang, 'feedRevoke')}
          </button>
        )}
      </p>
    </section>
  );
}
