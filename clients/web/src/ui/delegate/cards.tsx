// The tablet's cards: the current item, and the floor with the check-in.

import type { MeetingStore } from '../../core/store';
import * as v from '../../core/views';
import { SpeakerLine } from '../shared/Floor';
import { name } from '../shared/format';
import { ProposalText } from '../shared/ProposalText';
import { useApp, useRun } from '../context';

export function CurrentItemCard({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const s = store.state!;
  const item = v.currentItem(s);
  return (
    <section class="panel current-card" aria-live="polite">
      <p class="eyebrow">{t('currentItem')}</p>
      {item ? (
        <>
          <h2>
            {v.itemNumber(s, item.id)}. {item.title}
          </h2>
          {item.presenter && (
            <p class="muted">
              {t('presenter')}: {name(s, item.presenter)}
            </p>
          )}
          {(item.proposals ?? [])
            .filter((id) => s.proposals[id])
            .map((id) => (
              <details key={id} class="proposal-box">
                <summary>{t('readProposal', { title: s.proposals[id].title })}</summary>
                <ProposalText s={s} id={id} />
              </details>
            ))}
        </>
      ) : (
        <p class="muted">{t('noCurrentItem')}</p>
      )}
    </section>
  );
}

export function FloorCard({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const [busy, run] = useRun();
  const s = store.state!;
  const me = s.participants[store.me];
  if (!me) return null;
  const place = v.queuePlace(s, store.me);
  const speaking = s.floor.speaker === store.me;
  const canSpeak = me.role !== 'observer';
  return (
    <section class="panel floor-card">
      <SpeakerLine store={store} />
      {canSpeak && (
        <div class="stack">
          {speaking ? (
            <p class="you-speak" role="status">
              {t('youSpeak')}
            </p>
          ) : place > 0 ? (
            <>
              <p role="status">{t('queuePlace', { n: place })}</p>
              <button type="button" class="btn large" disabled={busy} onClick={() => run(() => store.command('WithdrawFloor'))}>
                {t('withdrawFloor')}
              </button>
            </>
          ) : (
            <button type="button" class="btn large primary" disabled={busy} onClick={() => run(() => store.command('RequestFloor'))}>
              {t('requestFloor')}
            </button>
          )}
        </div>
      )}
      <CheckInLine store={store} />
    </section>
  );
}

function CheckInLine({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const [busy, run] = useRun();
  const me = store.state!.participants[store.me];
  return (
    <div class="checkin">
      {me?.present ? (
        <p class="ok-text">✓ {t('checkedIn')}</p>
      ) : (
        <>
          <p class="muted">{t('notCheckedIn')}</p>
          <button type="button" class="btn large" disabled={busy} onClick={() => run(() => store.command('CheckIn', {}))}>
            {t('checkIn')}
          </button>
        </>
      )}
    </div>
  );
}
