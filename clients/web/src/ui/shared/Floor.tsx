// The floor: who speaks (with a timer, the kind of turn and its topic)
// and the queue (each request's kind and topic).

import type { ComponentChildren } from 'preact';
import { currentSpeech, queueEntries } from '../../core/floor';
import type { MeetingStore } from '../../core/store';
import type { SpeechKind, State } from '../../core/types';
import { useApp, useNow } from '../context';
import { elapsed, name } from './format';
import { kindWord } from './floorWords';

/** KindBadge shows the kind of a turn; a plain speech gets none unless always. */
export function KindBadge({ kind, always }: { kind?: SpeechKind; always?: boolean }) {
  const { lang } = useApp();
  if (!kind && !always) return null;
  return <span class={'kind-badge kind-' + (kind || 'speech')}>{kindWord(lang, kind)}</span>;
}

export function SpeakerLine({ store, big }: { store: MeetingStore; big?: boolean }) {
  const { t } = useApp();
  const s = store.state!;
  const now = useNow(1000, !!s.floor.speaker);
  const since = s.floor.since ? Date.parse(s.floor.since) : NaN;
  const sp = currentSpeech(s);
  return (
    <div class={big ? 'speaker big' : 'speaker'} role="status" aria-live="polite">
      {s.floor.speaker ? (
        <>
          <span class="muted">{t('speaker')}:</span> <strong>{name(s, s.floor.speaker)}</strong>
          {!Number.isNaN(since) && <span class="timer" aria-label={t('elapsed')}>{elapsed(now - store.skewMs - since)}</span>}
          {sp && (sp.kind || sp.topic) && (
            <div class="speaker-topic">
              <KindBadge kind={sp.kind} always={!!sp.topic} />
              {sp.topic && <span class="topic">{sp.topic}</span>}
            </div>
          )}
        </>
      ) : (
        <span class="muted">{t('nobodySpeaks')}</span>
      )}
    </div>
  );
}

export function QueueList({ s, action }: { s: State; action?: (id: string) => ComponentChildren }) {
  const { t } = useApp();
  const q = queueEntries(s);
  if (q.length === 0) return <p class="muted">{t('queueEmpty')}</p>;
  return (
    <ol class="queue">
      {q.map((r) => (
        <li key={r.id}>
          <span class="queue-who">
            <span>{name(s, r.id)}</span>
            <KindBadge kind={r.kind} always={!!r.topic} />
            {r.topic && <span class="topic">{r.topic}</span>}
          </span>
          {action?.(r.id)}
        </li>
      ))}
    </ol>
  );
}
