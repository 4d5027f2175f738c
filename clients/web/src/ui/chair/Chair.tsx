// Chair is the chair's console: the session, the agenda, what the room is
// shown and who presents, the polls, the speaker queue, the linked rooms
// (whether each follows the main hall, or what it shows on its own) and
// attendance.

import type { MeetingStore } from '../../core/store';
import { AttendanceTable, quorumPercent } from '../shared/Attendance';
import { Section } from '../shared/Section';
import { PollForm, PollList } from '../shared/PollTools';
import { DocumentPane } from '../document/DocumentPane';
import { useApp } from '../context';
import { AbsentList } from './AbsentList';
import { AgendaControl, PresentationControl, SessionControls } from './Controls';
import { FloorControl } from './FloorControl';
import { LinkedRooms } from './LinkedRooms';

export function Chair({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const s = store.state!;
  return (
    <div class="screen console">
      <div class="col">
        <SessionControls store={store} />
        <Section title={t('agenda')}>
          <AgendaControl store={store} />
        </Section>
        <Section title={t('floor')}>
          <FloorControl store={store} />
        </Section>
      </div>
      <div class="col wide">
        <Section title={t('presentation')}>
          <PresentationControl store={store} />
        </Section>
        <DocumentPane store={store} allowPresent={true} />
      </div>
      <div class="col">
        <Section title={t('polls')}>
          <PollList store={store} canRun={true} />
          <PollForm store={store} />
        </Section>
        {s.rooms.some((r) => !r.main) && (
          <Section title={t('lrTitle')}>
            <LinkedRooms store={store} />
          </Section>
        )}
        <Section title={t('attendance')}>
          <AttendanceTable s={s} percent={quorumPercent(s)} />
          <AbsentList store={store} />
        </Section>
      </div>
    </div>
  );
}
