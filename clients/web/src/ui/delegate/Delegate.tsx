// Delegate is the tablet: the agenda with the current item, the document
// following the presenter, the vote panel, the speaker request and the
// check-in. Observers get the same screen without the voting and speaking.
//
// The tablet keeps the documents it opens and those of the agenda for
// reading offline (core/offline.ts): fetched in the background once online,
// purged when they leave the meeting or change, dropped at sign-out.

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

export function Delegate({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const s = store.state!;
  const me = s.participants[store.me];
  const item = v.currentItem(s);
  const last = v.lastClosedPoll(s);
  const offline = useOfflineDocs(store);
  return (
    <div class="screen delegate">
      <aside class="side">
        <CurrentItemCard store={store} />
        <FloorCard store={store} />
        <Section title={t('agenda')}>
          <AgendaList s={s} />
        </Section>
        <OfflineList store={store} offline={offline} />
        {last?.result && (
          <Section title={t('result')}>
            <ResultView poll={last} />
          </Section>
        )}
      </aside>
      <main class="main" aria-label={item?.title ?? t('documents')}>
        <DocumentPane store={store} allowPresent={me?.role !== 'observer'} offline={offline} />
      </main>
      <VotePanel store={store} />
    </div>
  );
}
