// AbsentList: voters not checked in, with a check-in button for each, the
// reason of each recorded absence (approved or not) and the substitute
// standing in (issue 13, part 2).

import * as att from '../../core/attendance';
import type { MeetingStore } from '../../core/store';
import * as v from '../../core/views';
import { useApp, useRun } from '../context';
import '../../i18n-staff'; // the staff's words (i18n-staff.ts)

export function AbsentList({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const [busy, run] = useRun();
  const s = store.state!;
  const absent = s.order.map((id) => s.participants[id]).filter((p) => p && v.isVoter(p) && !p.present);
  if (absent.length === 0) return null;
  return (
    <details>
      <summary>
        {t('checkInFor')} ({absent.length})
      </summary>
      <ul class="people">
        {absent.map((p) => (
          <li key={p.id} class="row between">
            <span>
              {p.name} <span class="muted small">{s.rooms.find((r) => r.id === p.room)?.name ?? p.room}</span>
              {att.absenceOf(p) && (
                <span class="small att-reason">
                  {' '}
                  — {att.absenceOf(p)!.reason} ({att.absenceOf(p)!.approved ? t('attApproved') : t('attNotApproved')})
                </span>
              )}
              {att.substituteOf(s, p.id) && (
                <span class="small att-sub">
                  {' '}
                  · {t('attSubstitute', { name: att.substituteOf(s, p.id)!.name })}
                </span>
              )}
            </span>
            <button type="button" class="btn small" disabled={busy} onClick={() => run(() => store.command('CheckIn', { participant: p.id }))}>
              {t('checkIn')}
            </button>
          </li>
        ))}
      </ul>
    </details>
  );
}
