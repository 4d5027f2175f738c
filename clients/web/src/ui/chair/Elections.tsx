// The chair's election controls: per election, whether its list is
// approved (the show-of-hands poll is run from the polls' list), the
// rounds with their live count per room and the paper sheets that do not
// agree, "open the ballot" for the first round, "close the ballot", and —
// from a result that needs one (a tie at the last seat, fewer elected than
// seats) — "open the next round" among the right candidates.

import type { MeetingStore } from '../../core/store';
import type { Election } from '../../core/types';
import * as v from '../../core/views';
import type { Key } from '../../i18n';
import { ElectionResultView } from '../shared/ElectionResult';
import { Mismatches, RoundStatus, SheetCounts } from '../shared/RoundStatus';
import { useApp, useRun } from '../context';
import { countingMinutesURL, CountingMinutes } from '../shared/CountingMinutes';
import '../../i18n-staff'; // the staff's words (i18n-staff.ts)

export function ElectionsControl({ store, canRun }: { store: MeetingStore; canRun: boolean }) {
  const { t } = useApp();
  const s = store.state!;
  const list = s.election_order.map((id) => s.elections[id]).filter(Boolean);
  if (list.length === 0) return <p class="muted">{t('elNone')}</p>;
  return (
    <ul class="elections">
      {list.map((el) => (
        <ElectionItem key={el.id} store={store} el={el} canRun={canRun} />
      ))}
    </ul>
  );
}

function ElectionItem({ store, el, canRun }: { store: MeetingStore; el: Election; canRun: boolean }) {
  const { t } = useApp();
  const [busy, run] = useRun();
  const s = store.state!;
  const rounds = v.electionRounds(s, el);
  const anyOpen = !!v.openPoll(s);
  const next = v.nextRound(s, el);
  const approved = el.kind === 'confidence' || el.approved;
  const nameOf = (id: string) => el.candidates.find((c) => c.id === id)?.name ?? id;
  const last = rounds[rounds.length - 1];
  return (
    <li class="election" data-election={el.id}>
      <div class="row between">
        <strong>{el.title}</strong>
        <span class="tag">{el.kind === 'confidence' ? t('elKind_confidence') : t('elSeatsOf', { seats: el.seats, n: el.candidates.length })}</span>
      </div>
      {el.kind === 'election' && <p class={approved ? 'ok-text small' : 'muted small'}>{approved ? t('elApproved') : t('elWaitApproval')}</p>}
      {rounds.map((p) => (
        <div key={p.id} class={'round ' + p.status}>
          <div class="row between">
            <span>{t('elRound', { n: p.round ?? 1 })}</span>
            <span class={'tag ' + p.status}>{t(('elStatus_' + p.status) as Key)}</span>
          </div>
          {p.status === 'open' && (
            <>
              <RoundStatus store={store} poll={p} />
              <SheetCounts s={s} poll={p} />
              {(el.paper_rooms?.length ?? 0) > 0 && <Mismatches s={s} poll={p} />}
              {canRun && (
                <button type="button" class="btn danger" disabled={busy} onClick={() => run(() => store.command('ClosePoll', { poll: p.id }), t('elClosed', { title: el.title }))}>
                  {t('elClose')}
                </button>
              )}
            </>
          )}
          {p.status === 'closed' && <ElectionResultView s={s} poll={p} chart={false} />}
          {p.status === 'closed' && <CountingMinutes store={store} poll={p} />}
        </div>
      ))}
      {canRun && rounds.length === 0 && (
        <button
          type="button"
          class="btn primary"
          disabled={busy || anyOpen || !approved}
          onClick={() => run(() => store.command('OpenElectionRound', { election: el.id }), t('elOpened', { title: el.title }))}
        >
          {t('elOpen')}
        </button>
      )}
      {canRun && next && last?.status === 'closed' && (
        <div class="next-round">
          <p>{t('elNextRoundAmong', { n: (last.round ?? 1) + 1, names: next.candidates.map(nameOf).join(', ') })}</p>
          <button
            type="button"
            class="btn primary"
            disabled={busy || anyOpen}
            onClick={() => run(() => store.command('OpenElectionRound', { election: el.id }), t('elOpened', { title: el.title }))}
          >
            {t('elNextRound')}
          </button>
        </div>
      )}
    </li>
  );
}

export { countingMinutesURL };
