// VotePanel opens by itself when the chair opens a poll: large buttons, a
// confirmation step, then "Your vote has been recorded". When the poll
// closes it shows the result until dismissed.

import { useEffect, useRef, useState } from 'preact/hooks';
import type { MeetingStore } from '../../core/store';
import * as v from '../../core/views';
import { errorText } from '../../i18n';
import { LiveCount, ResultView } from '../shared/PollResults';
import { useApp } from '../context';

export function VotePanel({ store }: { store: MeetingStore }) {
  const { t, lang } = useApp();
  const s = store.state!;
  const poll = v.openPoll(s);
  const last = v.lastClosedPoll(s);
  const me = s.participants[store.me];
  const [picked, setPicked] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState('');
  const [dismissed, setDismissed] = useState<Set<string>>(new Set());
  const [seenOpen, setSeenOpen] = useState<Set<string>>(new Set());
  const dialog = useRef<HTMLDivElement>(null);

  useEffect(() => {
    setPicked(null);
    setError('');
    if (poll) setSeenOpen((x) => new Set(x).add(poll.id));
  }, [poll?.id]);

  useEffect(() => {
    dialog.current?.focus();
  }, [poll?.id, last?.id]);

  const dismiss = (id: string) => setDismissed((x) => new Set(x).add(id));

  if (poll && !dismissed.has(poll.id)) {
    const local = store.localChoice(poll.id);
    const known = v.myBallot(poll, store.me, local);
    // The ack may come before the BallotCast event: an acknowledged ballot counts.
    const ballot = known.voted || local === undefined ? known : { voted: true, choice: local };
    const voter = v.isVoter(me);
    const label = (id?: string) => poll.choices.find((c) => c.id === id)?.label ?? '';
    const send = async () => {
      if (!picked) return;
      setSending(true);
      setError('');
      try {
        await store.castBallot(poll.id, picked);
      } catch (err) {
        const code = (err as { code?: string }).code;
        setError(code === 'disconnected' || code === 'timeout' ? t('voteUnknown') : errorText(lang, err));
      } finally {
        setSending(false);
      }
    };
    return (
      <div class="overlay">
        <div class="dialog vote" role="dialog" aria-modal="true" aria-labelledby="vote-q" tabIndex={-1} ref={dialog}>
          <p class="eyebrow">{poll.secret ? t('secretVote') : t('namedVote')}</p>
          <h2 id="vote-q">{poll.question}</h2>
          {!voter ? (
            <p>{t('noVoteRight')}</p>
          ) : ballot.voted ? (
            <div class="recorded" role="status" aria-live="assertive">
              <p class="big-ok">✓ {t('voteRecorded')}</p>
              {ballot.choice && <p>{t('yourChoice', { choice: label(ballot.choice) })}</p>}
            </div>
          ) : picked ? (
            <div class="confirm">
              <p class="confirm-q">{t('confirmChoice', { choice: label(picked) })}</p>
              <div class="row">
                <button type="button" class="btn huge primary" disabled={sending} onClick={send}>
                  {sending ? t('sending') : t('confirm')}
                </button>
                <button type="button" class="btn huge" disabled={sending} onClick={() => setPicked(null)}>
                  {t('change')}
                </button>
              </div>
            </div>
          ) : (
            <div class="choices" role="group" aria-label={t('vote')}>
              {poll.choices.map((c) => (
                <button type="button" key={c.id} class={'btn huge choice choice-' + c.id} onClick={() => setPicked(c.id)}>
                  {c.label}
                </button>
              ))}
            </div>
          )}
          {error && (
            <p class="error" role="alert">
              {error}
            </p>
          )}
          <LiveCount store={store} poll={poll} />
          {(ballot.voted || !voter) && (
            <button type="button" class="btn" onClick={() => dismiss(poll.id)}>
              {t('close')}
            </button>
          )}
        </div>
      </div>
    );
  }

  // The result of a poll this screen saw open, until dismissed.
  if (last && last.result && seenOpen.has(last.id) && !dismissed.has('r:' + last.id)) {
    return (
      <div class="overlay">
        <div class="dialog" role="dialog" aria-modal="true" aria-labelledby="res-h" tabIndex={-1} ref={dialog}>
          <h2 id="res-h">{t('result')}</h2>
          <ResultView poll={last} />
          <button type="button" class="btn" onClick={() => dismiss('r:' + last.id)}>
            {t('close')}
          </button>
        </div>
      </div>
    );
  }
  return null;
}
