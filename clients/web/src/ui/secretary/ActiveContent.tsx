// ActiveContentSetting chooses what an uploaded PDF holding JavaScript,
// embedded files or an XFA form gets: removed before anyone downloads it
// (the default; the document then says so) or refused.

import type { MeetingStore } from '../../core/store';
import { useApp, useRun } from '../context';
import '../../i18n-staff'; // the staff's words (i18n-staff.ts)

export function ActiveContentSetting({ store, closed }: { store: MeetingStore; closed: boolean }) {
  const { t } = useApp();
  const [busy, run] = useRun();
  const s = store.state!;
  const cur = s.active_content ?? 'remove';
  return (
    <label class="active-content">
      {t('activeContent')}
      <select
        value={cur}
        disabled={busy || closed}
        onChange={(e) => {
          const v = (e.target as HTMLSelectElement).value as 'remove' | 'refuse';
          (e.target as HTMLSelectElement).value = cur; // the event says when it changed
          void run(() => store.command('UpdateMeeting', { active_content: v }), t(v === 'refuse' ? 'activeContentRefuseDone' : 'activeContentRemoveDone'));
        }}
      >
        <option value="remove">{t('activeContentRemove')}</option>
        <option value="refuse">{t('activeContentRefuse')}</option>
      </select>
    </label>
  );
}
