// Absences: the secretary records why a member is away (with the
// approval), seats a substitute (người dự thay) — an observer already in
// the list or a new one — and sets the meeting's rules for both
// (docs/between-meetings.md, "Attendance with reasons").

import { useState } from 'preact/hooks';
import * as att from '../../core/attendance';
import type { MeetingStore } from '../../core/store';
import { newId, useApp, useRun } from '../context';
import '../../i18n-staff'; // the staff's words (i18n-staff.ts)

export function Absences({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const [busy, run] = useRun();
  const s = store.state!;
  const absent = att.absentMembers(s);
  const recorded = absent.filter((p) => att.absenceOf(p));
  const seated = s.order.map((id) => s.participants[id]).filter((p) => p?.for && s.participants[p.for]);
  const [who, setWho] = useState('');
  const [reason, setReason] = useState('');
  const [approved, setApproved] = useState(true);
  const [member, setMember] = useState('');
  const [sub, setSub] = useState('');
  const [subName, setSubName] = useState('');
  const [subTitle, setSubTitle] = useState('');
  const rules = s.attendance_rules ?? {};
  const setRules = (next: { substitutes_vote?: boolean; excused_off_base?: boolean }) =>
    run(() => store.command('SetAttendanceRules', { rules: { substitutes_vote: !!rules.substitutes_vote, excused_off_base: !!rules.excused_off_base, ...next } }));
  return (
    <div class="stack absences">
      <section aria-labelledby="att-absent-h">
        <h3 id="att-absent-h">{t('attAbsentTitle')}</h3>
        {recorded.length > 0 && (
          <ul class="docs att-absent-list">
            {recorded.map((p) => {
              const a = att.absenceOf(p)!;
              return (
                <li key={p.id}>
                  <strong>{p.name}</strong> — {a.reason} ({a.approved ? t('attApproved') : t('attNotApproved')}
                  {a.during ? ', ' + t('attDuring') : ''}){' '}
                  <button type="button" class="btn small" disabled={busy} onClick={() => run(() => store.command('MarkAbsent', { participant: p.id, reason: '' }))}>
                    {t('attWithdraw')}
                  </button>
                </li>
              );
            })}
          </ul>
        )}
        <form
          class="form"
          aria-label={t('attAbsentTitle')}
          onSubmit={async (e) => {
            e.preventDefault();
            if (!who || !reason.trim()) return;
            if (await run(() => store.command('MarkAbsent', { participant: who, reason: reason.trim(), approved }), t('attAbsentDone'))) {
              setWho('');
              setReason('');
            }
          }}
        >
          <div class="row wrap">
            <label>
              {t('attMember')}
              <select name="att-member" value={who} onChange={(e) => setWho((e.target as HTMLSelectElement).value)}>
                <option value="">—</option>
                {absent.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('attReason')}
              <input name="att-reason" value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
            </label>
            <label class="check">
              <input type="checkbox" name="att-approved" checked={approved} onChange={(e) => setApproved((e.target as HTMLInputElement).checked)} />
              {t('attApprovedBox')}
            </label>
          </div>
          <button type="submit" class="btn" disabled={busy || !who || !reason.trim()}>
            {t('attMarkAbsent')}
          </button>
        </form>
      </section>
      <section aria-labelledby="att-sub-h">
        <h3 id="att-sub-h">{t('attSubTitle')}</h3>
        {seated.length > 0 && (
          <ul class="docs att-sub-list">
            {seated.map((p) => (
              <li key={p!.id}>
                {t('attStandsIn', { name: p!.name, member: s.participants[p!.for!]!.name })}{' '}
                <button type="button" class="btn small" disabled={busy} onClick={() => run(() => store.command('SeatSubstitute', { participant: p!.id, for: '' }))}>
                  {t('attUnseat')}
                </button>
              </li>
            ))}
          </ul>
        )}
        <form
          class="form"
          aria-label={t('attSubTitle')}
          onSubmit={async (e) => {
            e.preventDefault();
            if (!member || (!sub && !subName.trim())) return;
            let id = sub;
            if (!id) {
              // A new participant: an observer in the member's room.
              id = newId('p');
              const room = s.participants[member]?.room ?? s.rooms[0]?.id ?? '';
              const participant = { id, name: subName.trim(), title: subTitle.trim() || undefined, role: 'observer', room };
              if (!(await run(() => store.command('AddParticipant', { participant })))) return;
            }
            if (await run(() => store.command('SeatSubstitute', { participant: id, for: member }), t('attSubDone'))) {
              setMember('');
              setSub('');
              setSubName('');
              setSubTitle('');
            }
          }}
        >
          <div class="row wrap">
            <label>
              {t('attMember')}
              <select name="att-sub-member" value={member} onChange={(e) => setMember((e.target as HTMLSelectElement).value)}>
                <option value="">—</option>
                {att.needsSubstitute(s).map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('attSubWho')}
              <select name="att-sub-who" value={sub} onChange={(e) => setSub((e.target as HTMLSelectElement).value)}>
                <option value="">{t('attSubNew')}</option>
                {att.seatable(s).map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
            </label>
            {!sub && (
              <>
                <label>
                  {t('name')}
                  <input name="att-sub-name" value={subName} onInput={(e) => setSubName((e.target as HTMLInputElement).value)} />
                </label>
                <label>
                  {t('titleField')}
                  <input name="att-sub-title" value={subTitle} onInput={(e) => setSubTitle((e.target as HTMLInputElement).value)} />
                </label>
              </>
            )}
          </div>
          <button type="submit" class="btn" disabled={busy || !member || (!sub && !subName.trim())}>
            {t('attSeat')}
          </button>
        </form>
        <label class="check">
          <input type="checkbox" name="att-sub-vote" checked={!!rules.substitutes_vote} disabled={busy} onChange={(e) => setRules({ substitutes_vote: (e.target as HTMLInputElement).checked })} />
          {t('attSubVote')}
        </label>
        <label class="check">
          <input type="checkbox" name="att-excused-off" checked={!!rules.excused_off_base} disabled={busy} onChange={(e) => setRules({ excused_off_base: (e.target as HTMLInputElement).checked })} />
          {t('attExcusedOff')}
        </label>
      </section>
    </div>
  );
}
