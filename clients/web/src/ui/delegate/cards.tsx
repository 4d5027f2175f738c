// The tablet's cards: the current item, and the floor with the check-in.

import { useState } from 'preact/hooks';
import { checkTopic, MAX_TOPIC, myRequest, pending, REQUEST_KINDS, requestArgs } from '../../core/floor';
import type { MeetingStore } from '../../core/store';
import type { SpeechKind } from '../../core/types';
import * as v from '../../core/views';
import { SpeakerLine } from '../shared/Floor';
import { name } from '../shared/format';
import { ProposalText } from '../shared/ProposalText';
import { fw, kindWord } from '../shared/floorWords';
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
  const { t, lang } = useApp();
  const [busy, run] = useRun();
  const [asking, setAsking] = useState(false);
  const s = store.state!;
  const me = s.participants[store.me];
  if (!me) return null;
  const place = v.queuePlace(s, store.me);
  const mine = myRequest(s, store.me);
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
              {mine && (mine.kind || mine.topic) && (
                <p class="my-request">
                  {fw(lang, 'yourRequest', { what: kindWord(lang, mine.kind) + (mine.topic ? ' — ' + mine.topic : '') })}
                </p>
              )}
              <button type="button" class="btn large" disabled={busy} onClick={() => run(() => store.command('WithdrawFloor'))}>
                {t('withdrawFloor')}
              </button>
            </>
          ) : asking ? (
            <RequestForm store={store} onDone={() => setAsking(false)} />
          ) : (
            <button type="button" class="btn large primary" disabled={busy} onClick={() => setAsking(true)}>
              {t('requestFloor')}
            </button>
          )}
        </div>
      )}
      {pending(s).map((c, i, list) =>
        c.participant === store.me ? (
          <p key={c.id} class="my-contribution">
            {fw(lang, 'yourContribution', { topic: c.topic, n: list.indexOf(c) + 1 })}
          </p>
        ) : null,
      )}
      <CheckInLine store={store} />
    </section>
  );
}

/**
 * RequestForm is the short form behind "Đăng ký phát biểu": the kind of
 * turn (three large choices, a speech chosen) and an optional one-line
 * topic, checked as the server checks it before it is sent.
 */
export function RequestForm({ store, onDone }: { store: MeetingStore; onDone(): void }) {
  const { lang } = useApp();
  const [busy, run] = useRun();
  const [kind, setKind] = useState<SpeechKind>('');
  const [topic, setTopic] = useState('');
  const [error, setError] = useState('');
  const left = MAX_TOPIC - [...topic.trim()].length;
  const submit = async (e: Event) => {
    e.preventDefault();
    const c = checkTopic(topic);
    if (!c.ok) {
      setError(c.error === 'topicTooLong' ? fw(lang, 'topicTooLong', { n: c.n, max: MAX_TOPIC }) : fw(lang, 'topicControl'));
      return;
    }
    setError('');
    if (await run(() => store.command('RequestFloor', requestArgs(kind, c.topic)), fw(lang, 'sent'))) onDone();
  };
  return (
    <form class="request-form stack" onSubmit={submit} aria-label={fw(lang, 'askTitle')}>
      <fieldset class="kind-choices">
        <legend>{fw(lang, 'kind')}</legend>
        {REQUEST_KINDS.map((k) => (
          <label key={k || 'speech'} class={'kind-choice' + (kind === k ? ' on' : '')}>
            <input type="radio" name="floor-kind" value={k || 'speech'} checked={kind === k} onChange={() => setKind(k)} />
            {kindWord(lang, k)}
          </label>
        ))}
      </fieldset>
      <label class="topic-field">
        {fw(lang, 'topicOptional')}
        <input
          type="text"
          value={topic}
          maxLength={MAX_TOPIC + 20}
          placeholder={fw(lang, 'topicPlaceholder')}
          aria-invalid={error ? 'true' : undefined}
          aria-describedby="topic-left"
          onInput={(e) => setTopic((e.target as HTMLInputElement).value)}
        />
        <span id="topic-left" class={'muted small' + (left < 0 ? ' over' : '')}>
          {fw(lang, 'topicLeft', { n: left })}
        </span>
      </label>
      {error && (
        <p class="form-error" role="alert">
          {error}
        </p>
      )}
      <div class="row wrap">
        <button type="submit" class="btn large primary" disabled={busy}>
          {fw(lang, 'send')}
        </button>
        <button type="button" class="btn large" disabled={busy} onClick={onDone}>
          {fw(lang, 'cancel')}
        </button>
      </div>
    </form>
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
