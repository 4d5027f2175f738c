// ElectionBallot is the paper ballot on the tablet, for a round of an
// election or a confidence vote: every name in full, in the list's order,
// with large targets. With more names than seats the delegate taps a name
// to strike it through and taps again to restore it; with as many names as
// seats each name has "Đồng ý" and "Không đồng ý"; a confidence vote has
// the three levels per person. The ballot's validity (core/election.ts)
// shows as the delegate marks, and again on the confirmation screen, which
// shows the ballot as it will be cast. An invalid ballot may still be cast
// (the delegate's right), but only by a button that says it is invalid.
// Cast through the offline-safe ballot machine (core/ballot.ts): offline
// is said at once and the same ballot (the same ballot id) goes by itself
// when the connection is back; "recorded" only after the server's ack.
// The marks never leave this component except in the CastBallot command.

import { useEffect, useMemo, useState } from 'preact/hooks';
import { BallotSender, type BallotState } from '../../core/ballot';
import { blank, encode, encodeLevels, judge, LEVELS, tick, toggle, type Form, type Judgement, type LevelMark, type Mark } from '../../core/election';
import type { MeetingStore } from '../../core/store';
import type { Candidate, Poll } from '../../core/types';
import * as v from '../../core/views';
import { errorText, type Key } from '../../i18n';
import { LiveCount } from '../shared/PollResults';
import { useApp } from '../context';

export function ElectionBallot({ store, poll, onClose, online, isOnline }: { store: MeetingStore; poll: Poll; onClose: () => void; online: boolean; isOnline: () => boolean }) {
  const { t, lang } = useApp();
  const s = store.state!;
  const el = v.electionOf(s, poll);
  const cands = v.roundCandidates(s, poll);
  const seats = poll.seats ?? el?.seats ?? 0;
  const style = poll.style ?? (el?.kind === 'confidence' ? 'confidence' : cands.length === seats ? 'agree' : 'strike');
  const me = s.participants[store.me];
  const voter = v.isVoter(me);
  const onPaper = v.votesOnPaper(s, el, store.me);
  const [marks, setMarks] = useState<Mark[]>(() => (style === 'confidence' ? [] : blank(style as Form, cands.length)));
  const [levels, setLevels] = useState<LevelMark[]>(() => cands.map(() => 'none'));
  const [reviewing, setReviewing] = useState(false);
  const [state, setState] = useState<BallotState>({ kind: 'idle' });
  const sender = useMemo(() => new BallotSender({ send: (c) => store.castBallot(poll.id, c), online: isOnline, changed: setState }), [store, poll.id]);
  useEffect(() => sender.connection(online), [sender, online]);
  const known = v.myBallot(poll, store.me);
  useEffect(() => {
    if (known.voted) sender.seen();
  }, [sender, known.voted]);

  const j: Judgement | null = style === 'confidence' ? null : judge(style as Form, seats, marks);
  const wire = style === 'confidence' ? encodeLevels(levels) : encode(marks);
  const recorded = state.kind === 'recorded' || known.voted;
  const round = poll.round && poll.round > 1 ? ` — ${t('elRound', { n: poll.round })}` : '';

  let body;
  if (!voter) body = <p>{t('noVoteRight')}</p>;
  else if (onPaper) body = <p class="ballot-paper-room">{t('ballotOnPaper')}</p>;
  else if (recorded)
    body = (
      <div class="recorded" role="status" aria-live="assertive">
        <p class="big-ok">✓ {t('ballotRecorded')}</p>
      </div>
    );
  else if (state.kind === 'sending')
    body = (
      <p class="ballot-state sending" role="status" aria-live="assertive">
        {t('ballotSending')}
      </p>
    );
  else if (state.kind === 'waiting')
    body = (
      <div class="ballot-state waiting" role="status" aria-live="assertive">
        <p>
          <strong>{t('voteOffline')}</strong>
        </p>
        <p>{t('ballotWaiting')}</p>
        <button type="button" class="btn" onClick={() => (sender.reset(), setReviewing(false))}>
          {t('ballotBack')}
        </button>
      </div>
    );
  else if (reviewing)
    body = (
      <div class="confirm ballot-confirm">
        {state.kind === 'refused' && (
          <p class="error" role="alert">
            {t('voteRefused')} {errorText(lang, state.error)}
          </p>
        )}
        <h3 class="confirm-q">{t('ballotConfirmTitle')}</h3>
        <PaperView cands={cands} style={style} marks={marks} levels={levels} />
        <Verdict j={j} seats={seats} cands={cands} marks={marks} alert />
        <div class="row">
          <button type="button" class={'btn huge ' + (j && !j.valid ? 'danger' : 'primary')} onClick={() => sender.cast(wire)}>
            {j && !j.valid ? t('ballotCastInvalid') : t('ballotCast')}
          </button>
          <button type="button" class="btn huge" onClick={() => (sender.reset(), setReviewing(false))}>
            {t('ballotBack')}
          </button>
        </div>
      </div>
    );
  else
    body = (
      <div class="ballot-marking">
        <p class="ballot-how">
          {style === 'strike' ? t('ballotHowStrike', { seats }) : style === 'agree' ? t('ballotHowApprove') : t('ballotHowConfidence')}
        </p>
        {style === 'strike' && (
          <ol class="paper-ballot strike">
            {cands.map((c, i) => {
              const struck = marks[i] === 'strike';
              return (
                <li key={c.id}>
                  <button
                    type="button"
                    class={'ballot-name' + (struck ? ' struck' : '')}
                    aria-pressed={struck}
                    aria-label={struck ? t('struckName', { name: c.name }) : t('keptName', { name: c.name })}
                    onClick={() => setMarks((m) => toggle(m, i))}
                  >
                    <span class="ballot-no">{i + 1}.</span>
                    <CandidateLine c={c} />
                    <span class="ballot-hint" aria-hidden="true">
                      {struck ? t('restoreHint') : t('strikeHint')}
                    </span>
                  </button>
                </li>
              );
            })}
          </ol>
        )}
        {style === 'agree' && (
          <ol class="paper-ballot agree">
            {cands.map((c, i) => (
              <li key={c.id} class="ballot-row">
                <span class="ballot-no">{i + 1}.</span>
                <CandidateLine c={c} />
                <span class="ballot-boxes" role="group" aria-label={c.name}>
                  {(['yes', 'no'] as const).map((box) => {
                    const on = marks[i] === box || marks[i] === 'both';
                    return (
                      <button key={box} type="button" class={'ballot-box ' + box + (on ? ' on' : '')} aria-pressed={on} onClick={() => setMarks((m) => tick(m, i, box))}>
                        <span aria-hidden="true">{on ? '✕ ' : ''}</span>
                        {box === 'yes' ? t('agree') : t('disagree')}
                      </button>
                    );
                  })}
                </span>
              </li>
            ))}
          </ol>
        )}
        {style === 'confidence' && (
          <ol class="paper-ballot confidence">
            {cands.map((c, i) => (
              <li key={c.id} class="ballot-row">
                <span class="ballot-no">{i + 1}.</span>
                <CandidateLine c={c} />
                <span class="ballot-boxes" role="group" aria-label={c.name}>
                  {LEVELS.map((lv) => {
                    const on = levels[i] === lv;
                    return (
                      <button
                        key={lv}
                        type="button"
                        class={'ballot-box level-' + lv + (on ? ' on' : '')}
                        aria-pressed={on}
                        onClick={() => setLevels((ls) => ls.map((x, k) => (k === i ? (x === lv ? 'none' : lv) : x)))}
                      >
                        <span aria-hidden="true">{on ? '✕ ' : ''}</span>
                        {t(('level_' + lv) as Key)}
                      </button>
                    );
                  })}
                </span>
              </li>
            ))}
          </ol>
        )}
        <Verdict j={j} seats={seats} cands={cands} marks={marks} />
        <button type="button" class="btn huge primary" onClick={() => setReviewing(true)}>
          {t('ballotReview')}
        </button>
      </div>
    );

  return (
    <>
      <p class="eyebrow">{el?.kind === 'confidence' ? t('ballotConfEyebrow') : t('ballotEyebrow')}</p>
      <h2 id="vote-q">
        {el?.title ?? poll.question}
        {round}
      </h2>
      {el?.kind !== 'confidence' && <p class="ballot-seats">{t('ballotSeats', { seats, n: cands.length })}</p>}
      {body}
      <LiveCount store={store} poll={poll} />
      {(recorded || !voter || onPaper) && (
        <button type="button" class="btn" onClick={onClose}>
          {t('close')}
        </button>
      )}
    </>
  );
}

/** CandidateLine is a name in full with the year of birth and the position, as printed on the ballot. */
export function CandidateLine({ c }: { c: Candidate }) {
  return (
    <span class="cand">
      <span class="cand-name">{c.name}</span>
      {(c.birth_year || c.position) && (
        <span class="cand-more">
          {c.birth_year ? c.birth_year : ''}
          {c.birth_year && c.position ? ' · ' : ''}
          {c.position ?? ''}
        </span>
      )}
    </span>
  );
}

/** Verdict says whether the ballot is valid and, when not, why; and which names get no vote for their marks. */
function Verdict({ j, seats, cands, marks, alert }: { j: Judgement | null; seats: number; cands: Candidate[]; marks: Mark[]; alert?: boolean }) {
  const { t } = useApp();
  if (!j) return null;
  if (!j.valid)
    return (
      <p class="ballot-verdict invalid" role={alert ? 'alert' : 'status'}>
        ⚠ {t(('ballotInvalid_' + j.reason) as Key, { kept: j.kept, seats })}
      </p>
    );
  const unmarked = cands.filter((_, i) => marks[i] === 'none' || marks[i] === 'both').map((c) => c.name);
  return (
    <div class="ballot-verdict valid" role="status">
      <p>{marks.some((m) => m === 'keep' || m === 'strike') ? t('ballotKept', { kept: j.kept, seats }) : t('ballotValid', { kept: j.kept })}</p>
      {unmarked.length > 0 && <p class="small">{t('ballotNoVoteFor', { names: unmarked.join(', ') })}</p>}
    </div>
  );
}

/** PaperView shows the ballot as it will be cast: struck names crossed out, the marked boxes. */
function PaperView({ cands, style, marks, levels }: { cands: Candidate[]; style: string; marks: Mark[]; levels: LevelMark[] }) {
  const { t } = useApp();
  return (
    <ol class={'paper-ballot review ' + style}>
      {cands.map((c, i) => {
        const m = marks[i];
        let what = '';
        if (style === 'agree') what = m === 'yes' ? t('agree') : m === 'no' ? t('disagree') : m === 'both' ? `${t('agree')} + ${t('disagree')}` : '—';
        if (style === 'confidence') what = levels[i] === 'none' ? '—' : t(('level_' + levels[i]) as Key);
        const struck = style === 'strike' && m === 'strike';
        return (
          <li key={c.id} class={'ballot-row' + (struck ? ' struck' : '')}>
            <span class="ballot-no">{i + 1}.</span>
            <span class="cand">
              <span class="cand-name">
                {struck ? <s>{c.name}</s> : c.name}
                {struck && <span class="sr-only"> — {t('struck')}</span>}
              </span>
            </span>
            {what && <span class="ballot-mark">{what}</span>}
          </li>
        );
      })}
    </ol>
  );
}
