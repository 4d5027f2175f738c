// The poll tools of the chair and the secretary: a form to prepare a poll,
// and the list of polls with open/close and the live count.

import { useState } from 'preact/hooks';
import type { MeetingStore } from '../core/store';
import type { Base, Choice, Poll, Threshold } from '../core/types';
import type { Key } from '../i18n';
import { LiveCount, ResultView } from './common';
import { newId, useApp, useRun } from './context';

export function PollForm({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const [busy, run] = useRun();
  const s = store.state!;
  const [question, setQuestion] = useState('');
  const [proposal, setProposal] = useState('');
  const [secret, setSecret] = useState(false);
  const [base, setBase] = useState<Base>('members');
  const [threshold, setThreshold] = useState<Threshold>('absolute');
  const [quorum, setQuorum] = useState('50');
  const [choices, setChoices] = useState('');

  const submit = async (e: Event) => {
    e.preventDefault();
    const labels = choices
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    const cs: Choice[] = labels.map((label, i) => ({ id: `c${i + 1}`, label }));
    const poll: Partial<Poll> = {
      id: newId('poll'),
      question: question.trim() || s.proposals[proposal]?.title || '',
      rule: { base, threshold, quorum_percent: Math.min(100, Math.max(0, parseInt(quorum, 10) || 0)) },
    };
    if (proposal) poll.proposal = proposal;
    if (secret) poll.secret = true;
    if (cs.length) poll.choices = cs;
    const ok = await run(() => store.command('CreatePoll', { poll }), t('done'));
    if (ok) {
      setQuestion('');
      setChoices('');
    }
  };

  return (
    <form class="form" onSubmit={submit}>
      <h3>{t('newPoll')}</h3>
      <label>
        {t('proposal')}
        <select value={proposal} onChange={(e) => setProposal((e.target as HTMLSelectElement).value)}>
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
        <input required={!proposal} value={question} onInput={(e) => setQuestion((e.target as HTMLInputElement).value)} />
      </label>
      <label class="check">
        <input type="checkbox" checked={secret} onChange={(e) => setSecret((e.target as HTMLInputElement).checked)} /> {t('secret')}
      </label>
      <div class="row wrap">
        <label>
          {t('base')}
          <select value={base} onChange={(e) => setBase((e.target as HTMLSelectElement).value as Base)}>
            {(['cast', 'present', 'members'] as Base[]).map((b) => (
              <option key={b} value={b}>
                {t(('base_' + b) as Key)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('threshold')}
          <select value={threshold} onChange={(e) => setThreshold((e.target as HTMLSelectElement).value as Threshold)}>
            {(['simple', 'absolute', 'two_thirds'] as Threshold[]).map((x) => (
              <option key={x} value={x}>
                {t(('threshold_' + x) as Key)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('quorumPercent')}
          <input type="number" min={0} max={100} value={quorum} onInput={(e) => setQuorum((e.target as HTMLInputElement).value)} />
        </label>
      </div>
      <label>
        {t('choices')}
        <textarea rows={3} value={choices} onInput={(e) => setChoices((e.target as HTMLTextAreaElement).value)} />
      </label>
      <button type="submit" class="btn primary" disabled={busy}>
        {t('create')}
      </button>
    </form>
  );
}

export function PollList({ store, canRun }: { store: MeetingStore; canRun: boolean }) {
  const { t } = useApp();
  const [busy, run] = useRun();
  const s = store.state!;
  const polls = s.poll_order.map((id) => s.polls[id]).filter(Boolean);
  const anyOpen = polls.some((p) => p.status === 'open');
  if (polls.length === 0) return <p class="muted">{t('noPolls')}</p>;
  return (
    <ul class="polls">
      {[...polls].reverse().map((p) => (
        <li key={p.id} class={'poll ' + p.status}>
          <div class="row between">
            <strong>{p.question}</strong>
            <span class={'tag ' + p.status}>{t(('poll_' + p.status) as Key)}</span>
          </div>
          {p.secret && <span class="muted small">{t('secretVote')}</span>}
          {p.status === 'open' && <LiveCount store={store} poll={p} />}
          {p.status === 'closed' && <ResultView poll={p} noQuestion />}
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
