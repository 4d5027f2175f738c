// RecordSignatures: the line under a record's download that says who
// signed it and whether it changed since (issue 12), and, when the server
// has a signing certificate, a button to sign with it.

import { useEffect, useState } from 'preact/hooks';
import { recordReport, signRecord } from '../../core/api';
import { signatureLine, type RecordReport } from '../../core/records';
import type { MeetingStore } from '../../core/store';
import { useApp, useRun } from '../context';
import '../../i18n-staff'; // the staff's words (i18n-staff.ts)

export function RecordSignatures({ store, record }: { store: MeetingStore; record: string }) {
  const { t, lang } = useApp();
  const [busy, run] = useRun();
  const [rep, setRep] = useState<RecordReport | null>(null);
  const auth = { meeting: store.state!.id, token: store.session.token, record };
  // Asked again when the log says the record changed (RecordIssued, RecordSigned).
  const sha = store.state?.records?.[record]?.sha256 ?? '';
  useEffect(() => {
    let live = true;
    recordReport(auth).then(
      (r) => live && setRep(r),
      () => live && setRep(null),
    );
    return () => {
      live = false;
    };
  }, [record, sha]);
  const l = lang === 'en' ? 'en' : 'vi';
  return (
    <div class="row wrap record-signatures">
      <small class="muted">{signatureLine(rep, l)}</small>
      {rep?.server_signer && (
        <button type="button" class="btn small" disabled={busy} onClick={() => void run(async () => setRep(await signRecord(auth)), t('recordSigned'))}>
          ✍ {t('signOnServer')}
        </button>
      )}
    </div>
  );
}
