// Attendance per room with the quorum line.

import * as att from '../../core/attendance';
import type { State } from '../../core/types';
import * as v from '../../core/views';
import { useApp } from '../context';
import '../../i18n-staff'; // the staff's words (i18n-staff.ts)

export function AttendanceTable({ s, percent }: { s: State; percent: number }) {
  const { t } = useApp();
  const rows = v.attendanceByRoom(s);
  const q = v.quorum(s, percent);
  // Issue 13 (2): the absences recorded with a reason and the substitutes.
  const absent = att.absentMembers(s).map((p) => att.absenceOf(p)).filter((a) => a);
  const approved = absent.filter((a) => a!.approved).length;
  const subs = s.order.filter((id) => s.participants[id]?.for && s.participants[id]?.present).length;
  return (
    <div>
      <table class="table">
        <thead>
          <tr>
            <th scope="col">{t('room')}</th>
            <th scope="col" class="num-col">{t('present')}</th>
            <th scope="col" class="num-col">{t('members')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.room}>
              <td>{r.name}</td>
              <td class="num-col">{r.present}</td>
              <td class="num-col">{r.members}</td>
            </tr>
          ))}
          <tr class="total">
            <th scope="row">{t('total')}</th>
            <td class="num-col">{q.present}</td>
            <td class="num-col">{q.members}</td>
          </tr>
        </tbody>
      </table>
      {q.members === 0 ? (
        <p class="quorum missing" role="status">
          {t('noMembersYet')}
        </p>
      ) : (
        <p class={q.ok ? 'quorum ok' : 'quorum missing'} role="status">
          {t(q.ok ? 'quorumOk' : 'quorumMissing', { present: q.present, members: q.members, needed: q.needed })}
        </p>
      )}
      {(absent.length > 0 || subs > 0) && (
        <p class="muted small att-summary">
          {t('attSummary', { n: absent.length, approved, subs })}
          {s.attendance_rules?.substitutes_vote ? ' ' + t('attSubsVoteNote') : ''}
        </p>
      )}
    </div>
  );
}

/** quorumPercent is the share used for the quorum line: the open or last poll's rule, else more than half. */
export function quorumPercent(s: State): number {
  const p = v.openPoll(s) ?? v.lastClosedPoll(s);
  return p?.rule.quorum_percent || 50;
}
