// Chair is the chair's console, one screen at 1280×800: on the left what
// the chair prepares (session, agenda, what the room is shown, polls,
// linked rooms); in the middle the page the room sees; on the right the
// live state — the vote dialog while a poll is open (the chair votes here
// too), the floor with a badge that lights up when someone asks to speak,
// and attendance.

import type { MeetingStore } from '../../core/store';
import { AttendanceTable, quorumPercent } from '../shared/Attendance';
import { Section } from '../shared/Section';
import { PollForm, PollList } from '../shared/PollTools';
import { DocumentPane } from '../document/DocumentPane';
import { VotePanel } from '../delegate/VotePanel';
import { useApp } from '../context';
import { AbsentList } from './AbsentList';
import { AgendaControl, PresentationControl, SessionControls } from './Controls';
import { FloorSection } from './FloorControl';
import { LinkedRooms } from './LinkedRooms';
import { SitesPanel } from './Sites';
import { ElectionsControl } from './Elections';
import { MeetingConclusions } from '../tasks/MeetingConclusions';
import { tw } from '../tasks/words';
import '../../i18n-staff'; // the staff's words (i18n-staff.ts)

export function Chair({ store }: { store: MeetingStore }) {
  const { t, lang } = useApp();
  const s = store.state!;
  return (
    <div class="screen console">
      <div class="col controls">
        <SessionControls store={store} />
        <Section title={t('agenda')}>
          <AgendaControl store={store} />
        </Section>
        <Section title={t('presentation')}>
          <PresentationControl store={store} />
        </Section>
        <Section title={t('polls')}>
          <PollList store={store} canRun={true} />
          <PollForm store={store} />
        </Section>
        {s.election_order.length > 0 && (
          <Section title={t('elections')} class="elections-panel">
            <ElectionsControl store={store} canRun={true} />
          </Section>
        )}
        {s.rooms.some((r) => !r.main) && <SitesPanel store={store} />}
        {s.rooms.some((r) => !r.main) && (
          <Section title={t('lrTitle')}>
            <LinkedRooms store={store} />
          </Section>
        )}
      </div>
      <div class="col wide stage">
        <DocumentPane store={store} allowPresent={true} />
      </div>
      <div class="col live">
        <VotePanel store={store} inline />
        <FloorSection store={store} />
        <Section title={t('attendance')}>
          <AttendanceTable s={s} percent={quorumPercent(s)} />
          <AbsentList store={store} />
        </Section>
        <Section title={tw(lang, 'panelTitle')} class="conclusions-panel">
          <MeetingConclusions store={store} mode="chair" />
        </Section>
      </div>
    </div>
  );
}
