// Secretary is the preparation workspace: participants (one by one, or
// imported from a CSV file), the agenda (reordered by dragging or with
// up/down buttons), documents (upload with progress), proposals and polls.

import type { MeetingStore } from '../../core/store';
import { AttendanceTable, quorumPercent } from '../shared/Attendance';
import { ContributionList } from '../shared/Contributions';
import { fw } from '../shared/floorWords';
import { Section } from '../shared/Section';
import { PollForm, PollList } from '../shared/PollTools';
import { useApp, useRun } from '../context';
import { AgendaEditor } from './AgendaEditor';
import { CsvImport } from './CsvImport';
import { Documents } from './Documents';
import { Exports } from './Exports';
import { Invitations } from './Invitations';
import { LinkAccounts } from '../account/LinkAccounts';
import { MeetingDetails } from './MeetingDetails';
import { NewMeeting } from './NewMeeting';
import { Participants } from './Participants';
import { Proposals } from './Proposals';
import { ElectionEditor } from './Elections';
import { CopyRegister, SecrecyRules } from './Secrecy';
import { MeetingConclusions } from '../tasks/MeetingConclusions';
import { tw } from '../tasks/words';
import '../../i18n-staff'; // the staff's words (i18n-staff.ts)

export function Secretary({ store }: { store: MeetingStore }) {
  const { t, lang } = useApp();
  const [busy, run] = useRun();
  const s = store.state!;
  return (
    <div class="screen workspace">
      <div class="col">
        <Section title={t('meetings')} class="meetings-panel">
          <NewMeeting store={store} />
        </Section>
        {s.status === 'draft' && (
          <div class="panel publish-panel">
            <button type="button" class="btn primary" disabled={busy} onClick={() => run(() => store.command('Publish'), t('published'))}>
              {t('publish')}
            </button>
            <p class="publish-hint">{t('publishHint')}</p>
          </div>
        )}
        <Section title={t('participants')}>
          <Participants store={store} />
          <CsvImport store={store} />
        </Section>
        <Section title={t('attendance')}>
          <AttendanceTable s={s} percent={quorumPercent(s)} />
        </Section>
      </div>
      <div class="col">
        <Section title={t('agenda')}>
          <AgendaEditor store={store} />
        </Section>
        <Section title={fw(lang, 'contributions')} class="contributions-panel">
          <ContributionList store={store} mode="secretary" />
        </Section>
        <Section title={t('proposals')}>
          <Proposals store={store} />
        </Section>
        <Section title={t('elections')} class="elections-panel">
          <ElectionEditor store={store} />
        </Section>
        <Section title={tw(lang, 'panelTitle')} class="conclusions-panel">
          <MeetingConclusions store={store} mode="secretary" />
        </Section>
      </div>
      <div class="col">
        <Section title={t('documents')}>
          <Documents store={store} />
        </Section>
        <Section title={t('secrecyRules')} class="secrecy-panel">
          <SecrecyRules store={store} />
        </Section>
        <Section title={t('polls')}>
          <PollList store={store} canRun={false} />
          <PollForm store={store} />
        </Section>
        <Section title={t('exports')}>
          <Exports store={store} />
        </Section>
        <Section title={t('meetingDetails')}>
          <MeetingDetails store={store} />
        </Section>
        <LinkAccounts store={store} />
      </div>
      <Section title={t('register')} class="span-all register-panel">
        <CopyRegister store={store} />
      </Section>
      <Section title={t('invitations')} class="span-all">
        <Invitations store={store} />
      </Section>
    </div>
  );
}
