// FloorControl: the speaker, the queue, giving and ending the floor.
// FloorSection puts it in a panel whose heading carries the queue's count
// as a badge; a new request lights the badge and the panel up and says who
// asked (for screen readers too) until the chair answers or 15 s pass.

import { useEffect, useRef, useState } from 'preact/hooks';
import type { MeetingStore } from '../../core/store';
import { ContributionList } from '../shared/Contributions';
import { QueueList, SpeakerLine } from '../shared/Floor';
import { fw } from '../shared/floorWords';
import { name } from '../shared/format';
import { useApp, useRun } from '../context';
import '../../i18n-staff'; // the staff's words (i18n-staff.ts)

export function FloorSection({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const s = store.state!;
  const queue = s.floor.queue ?? [];
  const before = useRef<string[] | null>(null);
  const [fresh, setFresh] = useState<string | null>(null);
  useEffect(() => {
    const prev = before.current;
    before.current = queue;
    if (prev === null) return; // the queue as the console found it is not news
    const added = queue.find((id) => !prev.includes(id));
    if (added) setFresh(added);
    else if (fresh && !queue.includes(fresh)) setFresh(null);
  }, [queue.join(',')]);
  useEffect(() => {
    if (!fresh) return;
    const h = setTimeout(() => setFresh(null), 15_000);
    return () => clearTimeout(h);
  }, [fresh]);
  return (
    <section class={'panel floor-panel' + (fresh ? ' alert' : '')} aria-labelledby="h-floor">
      <h2 id="h-floor" class="row between">
        <span>{t('floor')}</span>
        <span class={'badge' + (queue.length ? ' on' : '') + (fresh ? ' fresh' : '')} aria-label={t('queueCount', { n: queue.length })}>
          ✋ {queue.length}
        </span>
      </h2>
      <p class="floor-news" role="status" aria-live="assertive">
        {fresh ? t('asksFloor', { name: name(s, fresh) }) : ''}
      </p>
      <FloorControl store={store} />
    </section>
  );
}

export function FloorControl({ store }: { store: MeetingStore }) {
  const { t, lang } = useApp();
  const [busy, run] = useRun();
  const s = store.state!;
  return (
    <div class="stack">
      <SpeakerLine store={store} />
      <div class="row wrap">
        {s.floor.speaker && (
          <button type="button" class="btn danger" disabled={busy} onClick={() => run(() => store.command('EndFloor'))}>
            {t('endFloor')}
          </button>
        )}
        {(s.floor.queue?.length ?? 0) > 0 && (
          <button type="button" class="btn primary" disabled={busy} onClick={() => run(() => store.command('GiveFloor', {}))}>
            {t('giveNext')}
          </button>
        )}
      </div>
      <h3>{t('queue')}</h3>
      <QueueList
        s={s}
        action={(id) => (
          <button type="button" class="btn small" disabled={busy} onClick={() => run(() => store.command('GiveFloor', { participant: id }))}>
            {t('giveFloor')}
          </button>
        )}
      />
      {(s.floor.contributions?.length ?? 0) > 0 && (
        <>
          <h3>{fw(lang, 'contributions')}</h3>
          <ContributionList store={store} mode="chair" />
        </>
      )}
    </div>
  );
}
