// FloorControl: the speaker, the queue, giving and ending the floor.

import type { MeetingStore } from '../../core/store';
import { QueueList, SpeakerLine } from '../shared/Floor';
import { useApp, useRun } from '../context';

export function FloorControl({ store }: { store: MeetingStore }) {
  const { t } = useApp();
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
    </div>
  );
}
