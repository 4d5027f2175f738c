// Display is the room screen: the current item, the shown page full
// screen, the poll (its proposal's full text and the live count while open, the result chart when it
// closes, until the next page is shown) and the speaker with a timer. Over
// the page: the room's shared annotations and the presenter's live ink.

import { useEffect, useRef, useState } from 'preact/hooks';
import { documentURL } from '../../core/api';
import type { MeetingStore } from '../../core/store';
import * as v from '../../core/views';
import { LiveCount, ResultView } from '../shared/PollResults';
import { SpeakerLine } from '../shared/Floor';
import { ProposalText } from '../shared/ProposalText';
import { useApp } from '../context';
import { AnnotationLayer } from '../document/Annotations';
import { PdfView } from '../document/PdfView';
import { blocked } from '../../core/secrecy';
import { LevelBadge, levelKey } from '../shared/Secrecy';
import '../../i18n-staff'; // the staff's words (i18n-staff.ts)

export function Display({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const s = store.state!;
  const item = v.currentItem(s);
  const open = v.openPoll(s);
  const [resultFor, setResultFor] = useState<string | null>(null);
  const first = useRef(true);
  // The result shown is that of the poll this screen saw open last, once it
  // closes (polls may close in another order than they were created: an
  // election's approval after the committee's), else of the poll closed
  // last in creation order.
  const prevOpen = useRef<string | null>(open?.id ?? null);
  const seen = resultFor ? s.polls[resultFor] : undefined;
  const last = seen?.status === 'closed' ? seen : v.lastClosedPoll(s);
  // A linked room that does not follow the main hall shows its own page.
  const here = v.shownIn(s, s.participants[store.me]?.room);
  const shownKey = `${here.document ?? ''}:${here.page ?? 0}`;

  useEffect(() => {
    const was = prevOpen.current;
    prevOpen.current = open?.id ?? null;
    if (was && was !== open?.id && s.polls[was]?.status === 'closed') setResultFor(was);
  }, [open?.id]);
  const lastId = v.lastClosedPoll(s)?.id;
  useEffect(() => {
    if (first.current || !lastId || lastId === prevOpen.current) return;
    // A poll closed that this screen did not see open (it opened while the screen was away).
    if (!resultFor || s.polls[resultFor]?.status !== 'closed') setResultFor(lastId);
  }, [lastId]);
  useEffect(() => {
    if (!first.current) setResultFor(null);
  }, [shownKey]);
  useEffect(() => {
    first.current = false;
  }, []);

  // Secrecy: a document taken back, or kept off this linked room's display, is not shown.
  const why = blocked(s, here.document, store.me);
  const doc = why ? undefined : here.document;
  const shownMeta = here.document ? s.documents[here.document] : undefined;
  const showResult = !open && last && last.id === resultFor;
  return (
    <div class="display">
      <header class="display-head">
        <p class="eyebrow">{s.title}</p>
        <h1>{item ? `${v.itemNumber(s, item.id)}. ${item.title}` : t('noCurrentItem')}</h1>
        {doc && !open && !showResult && (
          <p class="display-secret">
            <LevelBadge s={s} d={s.documents[doc]} big />
          </p>
        )}
      </header>
      <main class="display-main">
        {open ? (
          <div class="display-poll">
            <p class="eyebrow">{v.isRound(open) ? t('ballotEyebrow') : open.secret ? t('secretVote') : t('vote')}</p>
            <h2>{v.electionOf(s, open)?.title ?? open.question}</h2>
            {v.isRound(open) && <p class="ballot-seats">{t('ballotSeats', { seats: open.seats ?? 0, n: open.candidates?.length ?? 0 })}</p>}
            <ProposalText s={s} id={open.proposal} big />
            <LiveCount store={store} poll={open} />
          </div>
        ) : showResult ? (
          // A long list (an election's) may scroll: reachable by keyboard too.
          <div class={last.result?.election ? 'display-poll election' : 'display-poll'} tabIndex={0} role="region" aria-labelledby="display-result-h">
            <h2 id="display-result-h">{last.result?.election ? t('elResult') : t('result')}</h2>
            <ResultView poll={last} big s={s} />
          </div>
        ) : why === 'kept_off' || why === 'taken_back' ? (
          <p class="display-kept-off" role="status">
            {why === 'kept_off' ? t('displayKeptOff', { level: t(levelKey(shownMeta)!) }) : t('takenBackView')}
          </p>
        ) : doc ? (
          <PdfView
            url={documentURL(s.id, doc)}
            token={store.session.token}
            page={here.page ?? 1}
            label={s.documents[doc]?.title}
            overlay={(view) => <AnnotationLayer store={store} document={doc} view={view} mine={false} tool={null} color="" share={false} />}
          />
        ) : (
          <p class="display-empty">{t('nothingShown')}</p>
        )}
      </main>
      <footer class="display-foot">
        <SpeakerLine store={store} big />
      </footer>
    </div>
  );
}
