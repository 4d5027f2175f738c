// The floor: who speaks (with a timer) and the queue.

import type { ComponentChildren } from 'preact';
import type { MeetingStore } from '../../core/store';
import type { State } from '../../core/types';
import { useApp, useNow } from '../context';
import { elapsed, name } from './format';

export function SpeakerLine({ store, big }: { store: MeetingStore; big?: boolean }) {
  const { t } = useApp();
  const s = store.state!;
  const now = useNow(1000, !!s.floor.speaker);
  const since = s.floor.since ? Date.parse(s.floor.since) : NaN;
  return (
    <div class={big ? 'speaker big' : 'speaker'} role="status" aria-live="polite">
      {s.floor.speaker ? (
        <>
          <span class="muted">{t('speaker')}:</span> <strong>{name(s, s.floor.speaker)}</strong>
          {!Number.isNaN(since) && <span class="timer" aria-label={t('elapsed')}>{elapsed(now - store.skewMs - since)}</span>}
        </>
      ) : (
        <span class="muted">{t('nobodySpeaks')}</span>
      )}
    </div>
  );
}

export function QueueList({ s, action }: { s: State; action?: (id: string) => ComponentChildren }) {
  const { t } = useApp();
  const q = s.floor.queue ?? [];
  if (q.length === 0) return <p class="muted">{t('queueEmpty')}</p>;
  return (
    <ol class="queue">
      {q.map((id) => (
        <li key={id}>
          <span>{name(s, id)}</span>
          {action?.(id)}
        </li>
      ))}
    </ol>
  );
}
