// The poll tools of the chair and the secretary: a form to prepare a poll,
// and the list of polls with open/close and the live count.

import type { MeetingStore } from '../../core/store';
import type { Base, Choice, Poll, Threshold } from '../../core/types';
import * as v from '../../core/views';
import type { Key } from '../../i18n';
import { LiveCount, ResultView } from './PollResults';
import { newId, useApp, useRun } from '../context';
import { FormBox, useFields } from './FormBox';
import '../../i18n-staff'; // the staff's words (i18n-staff.ts)

/** PollForm prepares a poll; after it is created the form starts empty again (no proposal, not secret). */
export function PollForm({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const [busy, run] = useRun();
  const s = store.state!;
  const f = useFields({ question: '', proposal: '', secret: false, base: 'members', threshold: 'absolute', quorum: '50', choices: '' });
  const { proposal } = f.values;

  const submit = () => {
    const { question, secret, base, threshold, quorum, choices } = f.values;
    const labels = choices
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    const cs: Choice[] = labels.map((label, i) => ({ id: `c${i + 1}`, label }));
    const poll: Partial<Poll> = {
      id: newId('poll'),
      question: question.trim() || s.proposals[proposal]?.title || '',
      rule: { base: base as Base, threshold: threshold as Threshold, quorum_percent: Math.min(100, Math.max(0, parseInt(quorum, 10) || 0)) },
    };
    if (proposal) poll.proposal = proposal;
    if (secret) poll.secret = true;
    if (cs.length) poll.choices = cs;
    return run(() => store.command('CreatePoll', { poll }), t('toastCreatedPoll', { question: poll.question ?? '' }));
  };

  return (
    <FormBox summary={t('newPoll')} submitLabel={t('create')} busy={busy} onSubmit={submit} reset={f.reset} class="poll-form">
      <label>
        {t('proposal')}
        <select {...f.pick('proposal')}>
          <option value="">{t('none')}</option>
          {Object.values(s.proposals).map((p) => (
            <option key={p.id} value={p.id}>
              {p.title}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('question')}
        <input required={!proposal} {...f.text('question')} />
      </label>
      <label class="check">
        <input type="checkbox" {...f.check('secret')} /> {t('secret')}
      </label>
      <div class="row wrap">
        <label>
          {t('base')}
          <select {...f.pick('base')}>
            {(['cast', 'present', 'members'] as Base[]).map((b) => (
              <option key={b} value={b}>
                {t(('base_' + b) as Key)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('threshold')}
          <select {...f.pick('threshold')}>
            {(['simple', 'absolute', 'two_thirds'] as Threshold[]).map((x) => (
              <option key={x} value={x}>
                {t(('threshold_' + x) as Key)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('quorumPercent')}
          <input type="number" min={0} max={100} {...f.text('quorum')} />
        </label>
      </div>
      <label>
        {t('choices')}
        <textarea rows={3} {...f.text('choices')} />
      </label>
    </FormBox>
  );
}

export function PollList({ store, canRun }: { store: MeetingStore; canRun: boolean }) {
  const { t } = useApp();
  const [busy, run] = useRun();
  const s = store.state!;
  // The rounds of an election are run from the elections' panel.
  const polls = s.poll_order.map((id) => s.polls[id]).filter((p) => p && !v.isRound(p));
  const anyOpen = s.poll_order.some((id) => s.polls[id]?.status === 'open');
  if (polls.length === 0) return <p class="muted">{t('noPolls')}</p>;
  return (
    <ul class="polls">
      {[...polls].reverse().map((p) => (
        <li key={p.id} class={'poll ' + p.status} data-poll={p.id}>
          <div class="row between">
            <strong>{p.question}</strong>
            <span class={'tag ' + p.status}>{t(('poll_' + p.status) as Key)}</span>
          </div>
          {p.secret && <span class="muted small">{t('secretVote')}</span>}
          {p.status === 'open' && <LiveCount store={store} poll={p} />}
          {p.status === 'closed' && <ResultView poll={p} noQuestion s={s} />}
          {canRun && p.status === 'ready' && (
            <button type="button" class="btn primary" disabled={busy || anyOpen} onClick={() => run(() => store.command('OpenPoll', { poll: p.id }))}>
              {t('openPollBtn')}
            </button>
          )}
          {canRun && p.status === 'open' && (
            <button type="button" class="btn danger" disabled={busy} onClick={() => run(() => store.command('ClosePoll', { poll: p.id }))}>
              {t('closePollBtn')}
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}
