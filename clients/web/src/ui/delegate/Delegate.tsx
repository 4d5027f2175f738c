// Delegate is the tablet: the agenda with the current item (and its
// proposals' full text), the document following the presenter, the vote
// panel, the speaker request and the check-in, and under the agenda the
// published conclusions and resolutions (Conclusions.tsx, a chunk of its own), and above the current
// item the member's written consultations to answer (Consultations.tsx, a chunk of its own). Observers get the same
// screen without the voting and speaking. On a phone (≤ 700 px wide) the
// shown page comes first and the rest sits behind tabs under it.
//
// The tablet keeps the documents it opens and those of the agenda for
// reading offline (core/offline.ts): fetched in the background once online,
// purged when they leave the meeting or change, dropped at sign-out.

import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { MeetingStore } from '../../core/store';
import * as v from '../../core/views';
import { AgendaList } from '../shared/AgendaList';
import { ResultView } from '../shared/PollResults';
import { Section } from '../shared/Section';
import { DocumentPane } from '../document/DocumentPane';
import { useApp } from '../context';
import { CurrentItemCard, FloorCard } from './cards';
import { OfflineList, useOfflineDocs } from './OfflineList';
import { VotePanel } from './VotePanel';
import { CommitteeConsole, DelegateConclusions, DelegateConsultations } from '../screens';
import { afterFirstPage } from '../../core/firstpage';
import { useAfterFirstPage } from '../shared/afterFirstPage';

/** Tab is a part of the tablet's side column, shown one at a time on a phone. */
type Tab = 'item' | 'floor' | 'agenda' | 'docs' | 'result';

export function Delegate({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const s = store.state!;
  const me = s.participants[store.me];
  const item = v.currentItem(s);
  const last = v.lastClosedPoll(s);
  const offline = useOfflineDocs(store);
  const narrow = useNarrow();
  const [tab, setTab] = useState<Tab>('item');
  // A member of the counting committee switches between the tablet and the committee's console.
  const member = v.isCommittee(s, store.me);
  const [console_, setConsole] = useState(false);
  // Its console is a chunk of its own: fetched once the first page is drawn (kept for offline use).
  useEffect(() => {
    if (member) void afterFirstPage().then(() => CommitteeConsole.preload()).catch(() => {});
  }, [member]);
  const showConsole = member && console_;
  // The side column (the item, the floor, the agenda, the documents, the last result) is built once
  // the first page is drawn: on a slow tablet it would delay the document's opening and its page.
  const full = useAfterFirstPage();
  const parts: Record<Tab, ComponentChildren> = {
    item: (
      <>
        {me?.role !== 'observer' && <DelegateConsultations store={store} />}
        <CurrentItemCard store={store} />
      </>
    ),
    floor: <FloorCard store={store} />,
    agenda: (
      <>
        <Section title={t('agenda')}>
          <AgendaList s={s} me={store.me} />
        </Section>
        <DelegateConclusions store={store} />
      </>
    ),
    docs: <OfflineList store={store} offline={offline} />,
    result: last?.result ? (
      <Section title={t('result')}>
        <ResultView poll={last} s={s} />
      </Section>
    ) : null,
  };
  const tabs: [Tab, string][] = [
    ['item', t('tabItem')],
    ['floor', t('tabFloor')],
    ['agenda', t('agenda')],
    ['docs', t('documents')],
    ...(last?.result ? ([['result', t('result')]] as [Tab, string][]) : []),
  ];
  const doc = showConsole ? (
    <main class="main committee-main" aria-labelledby="cc-h">
      <CommitteeConsole store={store} onBack={() => setConsole(false)} />
    </main>
  ) : (
    <main class="main" aria-label={item?.title ?? t('documents')}>
      <DocumentPane store={store} allowPresent={me?.role !== 'observer'} offline={offline} />
    </main>
  );
  const ccButton = member && !showConsole && (
    <button type="button" class="btn primary cc-open" onClick={() => setConsole(true)}>
      {t('ccOpenConsole')}
    </button>
  );
  if (narrow) {
    // A phone: the shown page first, the rest one tab at a time under it.
    const cur = tabs.some(([k]) => k === tab) ? tab : 'item';
    return (
      <div class="screen delegate phone">
        {ccButton}
        {doc}
        {full && (
          <>
            <div class="phone-tabs" role="tablist" aria-label={t('moreTabs')}>
              {tabs.map(([k, label]) => (
                <button key={k} type="button" role="tab" id={'tab-' + k} aria-selected={cur === k} aria-controls="tab-panel" class={cur === k ? 'tab on' : 'tab'} onClick={() => setTab(k)}>
                  {label}
                </button>
              ))}
            </div>
            <div class="phone-panel" role="tabpanel" id="tab-panel" aria-labelledby={'tab-' + cur}>
              {parts[cur]}
            </div>
          </>
        )}
        <VotePanel store={store} />
      </div>
    );
  }
  return (
    <div class="screen delegate">
      <aside class="side">
        {full && (
          <>
            {ccButton}
            {parts.item}
            {parts.floor}
            {parts.agenda}
            {parts.docs}
            {parts.result}
          </>
        )}
      </aside>
      {doc}
      <VotePanel store={store} />
    </div>
  );
}

/** useNarrow reports whether the screen is phone-sized (at most 700 CSS px wide), following rotation. */
function useNarrow(): boolean {
  const q = typeof matchMedia === 'function' ? matchMedia('(max-width: 700px)') : null;
  const [narrow, setNarrow] = useState(!!q?.matches);
  useEffect(() => {
    if (!q) return;
    const on = () => setNarrow(q.matches);
    q.addEventListener?.('change', on);
    return () => q.removeEventListener?.('change', on);
  }, []);
  return narrow;
}
