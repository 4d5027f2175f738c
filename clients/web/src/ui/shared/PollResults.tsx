// A poll's live count while open and its result when closed.

import type { MeetingStore } from '../../core/store';
import type { Poll, State } from '../../core/types';
import * as v from '../../core/views';
import { useApp } from '../context';
import { ElectionResultView } from './ElectionResult';
import { formatNumber, formatPercent } from './format';

/** ResultView shows a closed poll's counts as bars, with the outcome; a round of an election its own count (with s). */
export function ResultView({ poll, big, noQuestion, s }: { poll: Poll; big?: boolean; noQuestion?: boolean; s?: State }) {
  const { t, lang } = useApp();
  const r = poll.result;
  if (!r) return null;
  if (r.election && s) return <ElectionResultView s={s} poll={poll} big={big} />;
  const max = Math.max(1, ...poll.choices.map((c) => r.counts[c.id] ?? 0));
  return (
    <div class={big ? 'result big' : 'result'}>
      {!noQuestion && <p class="question">{poll.question}</p>}
      <ul class="bars" aria-label={t('result')}>
        {poll.choices.map((c) => {
          const n = r.counts[c.id] ?? 0;
          const pct = r.base > 0 ? Math.round((n * 1000) / r.base) / 10 : 0;
          return (
            <li key={c.id}>
              <span class="bar-label">{c.label}</span>
              <span class="bar-track">
                <span class={'bar-fill choice-' + c.id} style={{ width: `${(n / max) * 100}%` }} />
              </span>
              <span class="bar-value">
                {formatNumber(lang, n)} ({formatPercent(lang, pct / 100, 1)})
              </span>
            </li>
          );
        })}
      </ul>
      <p class="muted">{t('castOf', { cast: r.cast, members: r.members, present: r.present })}</p>
      <p class={r.passed ? 'outcome passed' : 'outcome failed'}>
        {r.passed ? t('passed') : t('notPassed')}
        {!r.quorum_ok && <span> — {t('noQuorum')}</span>}
      </p>
    </div>
  );
}

/**
 * LiveCount shows ballots cast against voters present (and all voters) for
 * the open poll: live progress, else the ballots and attendance the state
 * knows of.
 */
export function LiveCount({ store, poll }: { store: MeetingStore; poll: Poll }) {
  const { t } = useApp();
  const s = store.state!;
  const p = store.progress?.poll === poll.id ? store.progress : null;
  const cast = Math.max(p?.cast ?? 0, v.votedCount(poll));
  const att = v.members(s);
  const members = p?.members ?? att.members;
  const present = p?.present ?? att.present;
  return (
    <p class="live-count" role="status" aria-live="polite">
      {t('votedCount', { cast, present, members })}
    </p>
  );
}
