// VotePanel opens by itself when the chair opens a poll: the proposal's
// full text (scrollable), large buttons, a confirmation step, then one
// state at a time from core/ballot.ts — sending, offline (sent by itself
// when the connection is back), recorded (only after the ack or the
// ballot's event), or refused with the reason. When the poll closes it
// shows the result until dismissed.
//
// On the chair's console (inline) the dialog sits in the live column
// instead of covering the screen: the chair votes there and still closes
// the poll.

import type { ComponentChildren } from 'preact';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import * as att from '../../core/attendance';
import { BallotSender, type BallotState } from '../../core/ballot';
import type { MeetingStore } from '../../core/store';
import type { Poll } from '../../core/types';
import * as v from '../../core/views';
import { errorText } from '../../i18n';
import { LiveCount, ResultView } from '../shared/PollResults';
import { ProposalText } from '../shared/ProposalText';
import { useApp } from '../context';
import { ElectionBallot } from './ElectionBallot';

export function VotePanel({ store, inline }: { store: MeetingStore; inline?: boolean }) {
  const { t } = useApp();
  const s = store.state!;
  const poll = v.openPoll(s);
  const [dismissed, setDismissed] = useState<Set<string>>(new Set());
  const [seenOpen, setSeenOpen] = useState<Set<string>>(new Set());
  // The poll to show the result of: the one this screen saw open last,
  // once closed (polls may close in another order than they were created).
  const last = [...seenOpen].reverse().map((id) => s.polls[id]).find((p) => p?.status === 'closed') ?? v.lastClosedPoll(s);
  const dialog = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (poll) setSeenOpen((x) => new Set(x).add(poll.id));
  }, [poll?.id]);
  useEffect(() => {
    if (!inline) dialog.current?.focus();
  }, [poll?.id, last?.id]);

  const dismiss = (id: string) => setDismissed((x) => new Set(x).add(id));
  const wrap = (body: ComponentChildren, labelledby: string, cls: string) =>
    inline ? (
      <div class={'dialog inline ' + cls} role="dialog" aria-modal="false" aria-labelledby={labelledby} ref={dialog}>
        {body}
      </div>
    ) : (
      <div class="overlay">
        <div class={'dialog ' + cls} role="dialog" aria-modal="true" aria-labelledby={labelledby} tabIndex={-1} ref={dialog}>
          {body}
        </div>
      </div>
    );

  if (poll && !dismissed.has(poll.id)) {
    if (v.isRound(poll)) return wrap(<RoundBallot key={poll.id} store={store} poll={poll} onClose={() => dismiss(poll.id)} />, 'vote-q', 'vote election-ballot');
    return wrap(<Ballot key={poll.id} store={store} poll={poll} onClose={() => dismiss(poll.id)} />, 'vote-q', 'vote');
  }
  // The result of a poll this screen saw open, until dismissed.
  if (last && last.result && seenOpen.has(last.id) && !dismissed.has('r:' + last.id)) {
    return wrap(
      <>
        <h2 id="res-h">{last.result?.election ? t('elResult') : t('result')}</h2>
        <ResultView poll={last} s={s} />
        <button type="button" class="btn" onClick={() => dismiss('r:' + last.id)}>
          {t('close')}
        </button>
      </>,
      'res-h',
      'result-dialog',
    );
  }
  return null;
}

/** Ballot is the voting part of the dialog for one open poll. */
function Ballot({ store, poll, onClose }: { store: MeetingStore; poll: Poll; onClose: () => void }) {
  const { t, lang } = useApp();
  const s = store.state!;
  const me = s.participants[store.me];
  // A seated substitute votes for the member where the meeting allows it:
  // the ballot is the member's (core/attendance.ts ballotVoter).
  const ballotFor = att.ballotVoter(s, store.me);
  const voter = v.isVoter(me) || ballotFor !== store.me;
  const [picked, setPicked] = useState<string | null>(null);
  const [state, setState] = useState<BallotState>({ kind: 'idle' });
  // Online: the connection is up and the device has a network (the browser
  // says so at once, before a dead socket is noticed).
  const net = useNetwork();
  const isOnline = () => store.status === 'online' && (typeof navigator === 'undefined' || navigator.onLine !== false);
  const online = store.status === 'online' && net;
  const sender = useMemo(() => new BallotSender({ send: (c) => store.castBallot(poll.id, c), online: isOnline, changed: setState }), [store, poll.id]);
  useEffect(() => sender.connection(online), [sender, online]);
  const local = store.localChoice(poll.id);
  const known = v.myBallot(poll, ballotFor, local);
  useEffect(() => {
    if (known.voted) sender.seen(known.choice);
  }, [sender, known.voted]);
  const label = (id?: string) => poll.choices.find((c) => c.id === id)?.label ?? '';
  const recorded = state.kind === 'recorded' ? state : known.voted ? { kind: 'recorded' as const, choice: known.choice } : null;

  let body;
  const standsIn = ballotFor !== store.me ? s.participants[ballotFor]?.name : undefined;
  if (!voter) body = <p>{t('noVoteRight')}</p>;
  else if (recorded)
    body = (
      <div class="recorded" role="status" aria-live="assertive">
        <p class="big-ok">✓ {t('voteRecorded')}</p>
        {recorded.choice && <p>{t('yourChoice', { choice: label(recorded.choice) })}</p>}
      </div>
    );
  else if (state.kind === 'sending')
    body = (
      <p class="ballot-state sending" role="status" aria-live="assertive">
        {t('sendingChoice', { choice: label(state.choice) })}
      </p>
    );
  else if (state.kind === 'waiting')
    body = (
      <div class="ballot-state waiting" role="status" aria-live="assertive">
        <p>
          <strong>{t('voteOffline')}</strong>
        </p>
        <p>{t('voteWillSend', { choice: label(state.choice) })}</p>
        <button type="button" class="btn" onClick={() => (sender.reset(), setPicked(null))}>
          {t('change')}
        </button>
      </div>
    );
  else if (picked)
    body = (
      <div class="confirm">
        {state.kind === 'refused' && (
          <p class="error" role="alert">
            {t('voteRefused')} {errorText(lang, state.error)}
          </p>
        )}
        <p class="confirm-q">{t('confirmChoice', { choice: label(picked) })}</p>
        <div class="row">
          <button type="button" class="btn huge primary" onClick={() => sender.cast(picked)}>
            {t('confirm')}
          </button>
          <button type="button" class="btn huge" onClick={() => (sender.reset(), setPicked(null))}>
            {t('change')}
          </button>
        </div>
      </div>
    );
  else
    body = (
      <div class="choices" role="group" aria-label={t('vote')}>
        {poll.choices.map((c) => (
          <button type="button" key={c.id} class={'btn huge choice choice-' + c.id} onClick={() => setPicked(c.id)}>
            {c.label}
          </button>
        ))}
      </div>
    );
  return (
    <>
      <p class="eyebrow">{poll.secret ? t('secretVote') : t('namedVote')}</p>
      <h2 id="vote-q">{poll.question}</h2>
      <ProposalText s={s} id={poll.proposal} />
      {standsIn && <p class="muted att-votes-for">{t('votesFor', { name: standsIn })}</p>}
      {body}
      <LiveCount store={store} poll={poll} />
      {(recorded || !voter) && (
        <button type="button" class="btn" onClick={onClose}>
          {t('close')}
        </button>
      )}
    </>
  );
}

/** RoundBallot is the dialog's ballot for a round of an election (the paper ballot on the tablet). */
function RoundBallot({ store, poll, onClose }: { store: MeetingStore; poll: Poll; onClose: () => void }) {
  const net = useNetwork();
  const isOnline = () => store.status === 'online' && (typeof navigator === 'undefined' || navigator.onLine !== false);
  return <ElectionBallot store={store} poll={poll} onClose={onClose} online={store.status === 'online' && net} isOnline={isOnline} />;
}

/** useNetwork follows the browser's online/offline events. */
function useNetwork(): boolean {
  const [on, setOn] = useState(typeof navigator === 'undefined' || navigator.onLine !== false);
  useEffect(() => {
    const up = () => setOn(true);
    const down = () => setOn(false);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    return () => {
      window.removeEventListener('online', up);
      window.removeEventListener('offline', down);
    };
  }, []);
  return on;
}
