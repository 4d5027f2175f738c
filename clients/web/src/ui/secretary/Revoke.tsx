// RevokeButton: a secretary signs a participant out of every device (a lost
// tablet, one handed to someone else). Two steps, so that a stray tap does
// not wipe a delegate's tablet in the middle of a meeting.

import { useState } from 'preact/hooks';
import { revokeParticipant } from '../../core/access';
import type { MeetingStore } from '../../core/store';
import type { Participant } from '../../core/types';
import { useApp, useRun } from '../context';
import '../../i18n-staff'; // the staff's words (i18n-staff.ts)

export function RevokeButton({ store, p }: { store: MeetingStore; p: Participant }) {
  const { t } = useApp();
  const [busy, run] = useRun();
  const [asking, setAsking] = useState(false);
  if (p.id === store.me) return null;
  if (!asking) {
    return (
      <button type="button" class="btn small ghost" disabled={busy} onClick={() => setAsking(true)}>
        {t('revokeDevices')}
      </button>
    );
  }
  return (
    <span class="row">
      <button
        type="button"
        class="btn small danger"
        disabled={busy}
        onClick={() =>
          void run(() => revokeParticipant(store.session.meeting, store.session.token, p.id), t('toastRevoked', { name: p.name })).then(() => setAsking(false))
        }
      >
        {t('revokeConfirm', { name: p.name })}
      </button>
      <button type="button" class="btn small ghost" onClick={() => setAsking(false)}>
        {t('annCancel')}
      </button>
    </span>
  );
}
