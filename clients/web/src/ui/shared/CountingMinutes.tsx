// CountingMinutes downloads an election's counting minutes (biên bản kiểm
// phiếu), in Vietnamese or English, with the session's token.

import { countingMinutesPath, downloadCountingMinutes } from '../../core/api';
import type { MeetingStore } from '../../core/store';
import type { Poll } from '../../core/types';
import { useApp, useRun } from '../context';
import { RecordSignatures } from './RecordSignatures';
import '../../i18n-staff'; // the staff's words (i18n-staff.ts)

export const countingMinutesURL = countingMinutesPath;

export function CountingMinutes({ store, poll }: { store: MeetingStore; poll: Poll }) {
  const { t } = useApp();
  const [busy, run] = useRun();
  if (!poll.election) return null;
  const save = (lang: 'vi' | 'en') =>
    run(async () => {
      const { blob, name } = await downloadCountingMinutes({ meeting: store.state!.id, token: store.session.token, election: poll.election!, lang });
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = name;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    });
  return (
    <div class="row wrap counting-minutes">
      <button type="button" class="btn small" disabled={busy} onClick={() => void save('vi')}>
        ⬇ {t('ccMinutes')}
      </button>
      <button type="button" class="btn small" disabled={busy} onClick={() => void save('en')}>
        ⬇ {t('ccMinutesEn')}
      </button>
      <RecordSignatures store={store} record={`counting/${poll.election}/vi`} />
    </div>
  );
}
