// Participants: the list with check-in, and the form to add one.

import type { MeetingStore } from '../../core/store';
import type { Role } from '../../core/types';
import type { Key } from '../../i18n';
import { newId, useApp, useRun } from '../context';
import { FormBox, useFields } from '../shared/FormBox';
import { Absences } from './Absences';
import { RevokeButton } from './Revoke';
import * as att from '../../core/attendance';
import '../../i18n-staff'; // the staff's words (i18n-staff.ts)

export function Participants({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const [busy, run] = useRun();
  const s = store.state!;
  const f = useFields({ name: '', title: '', role: 'delegate' as string, room: s.rooms.find((r) => r.main)?.id ?? s.rooms[0]?.id ?? '', seat: '' });
  const form = f.values;
  return (
    <div class="stack">
      <table class="table">
        <thead>
          <tr>
            <th scope="col">{t('name')}</th>
            <th scope="col">{t('roleField')}</th>
            <th scope="col">{t('room')}</th>
            <th scope="col">{t('present')}</th>
          </tr>
        </thead>
        <tbody>
          {s.order.map((id) => {
            const p = s.participants[id];
            if (!p) return null;
            return (
              <tr key={id}>
                <td>
                  {p.name}
                  {p.title && <div class="muted small">{p.title}</div>}
                  {p.for && s.participants[p.for] && <div class="muted small att-for">{t('attStandsIn', { name: '', member: s.participants[p.for]!.name }).trim()}</div>}
                  {!p.present && att.absenceOf(p) && (
                    <div class="muted small att-reason">
                      {t('attAbsentTitle')}: {att.absenceOf(p)!.reason} ({att.absenceOf(p)!.approved ? t('attApproved') : t('attNotApproved')})
                    </div>
                  )}
                </td>
                <td>{t(('role_' + p.role) as Key)}</td>
                <td>
                  {s.rooms.find((r) => r.id === p.room)?.name ?? p.room}
                  {p.seat && <span class="muted small"> · {p.seat}</span>}
                </td>
                <td>
                  <button
                    type="button"
                    class={p.present ? 'btn small on' : 'btn small'}
                    aria-pressed={!!p.present}
                    disabled={busy}
                    onClick={() => run(() => store.command(p.present ? 'CheckOut' : 'CheckIn', { participant: p.id }))}
                  >
                    {p.present ? '✓ ' + t('checkedIn') : t('checkIn')}
                  </button>{' '}
                  <RevokeButton store={store} p={p} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <Absences store={store} />
      <FormBox
        summary={t('addParticipant')}
        submitLabel={t('add')}
        busy={busy}
        reset={f.reset}
        onSubmit={() => {
          const participant = { id: newId('p'), name: form.name.trim(), title: form.title.trim() || undefined, role: form.role as Role, room: form.room, seat: form.seat.trim() || undefined };
          return run(() => store.command('AddParticipant', { participant }), t('toastAddedParticipant', { name: participant.name }));
        }}
      >
          <label>
            {t('name')}
            <input required {...f.text('name')} />
          </label>
          <label>
            {t('titleField')}
            <input {...f.text('title')} />
          </label>
          <div class="row wrap">
            <label>
              {t('roleField')}
              <select {...f.pick('role')}>
                {(['delegate', 'chair', 'secretary', 'observer', 'display'] as Role[]).map((r) => (
                  <option key={r} value={r}>
                    {t(('role_' + r) as Key)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('room')}
              <select {...f.pick('room')}>
                {s.rooms.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('seat')}
              <input {...f.text('seat')} size={5} />
            </label>
          </div>
      </FormBox>
    </div>
  );
}
