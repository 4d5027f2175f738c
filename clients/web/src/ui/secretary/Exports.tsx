// Exports: the minutes, the packet and the ballots, downloaded with the session.

import { downloadExport, type ExportKind } from '../../core/api';
import type { MeetingStore } from '../../core/store';
import type { Key } from '../../i18n';
import { useApp, useRun } from '../context';
import { RecordSignatures } from '../shared/RecordSignatures';
import '../../i18n-staff'; // the staff's words (i18n-staff.ts)

const exportKeys: [ExportKind, Key][] = [
  ['minutes-vi', 'minutesVi'],
  ['minutes-en', 'minutesEn'],
  ['packet', 'packetPdf'],
  ['ballots', 'ballotsCsv'],
];

/** signedRecord is the record key (meeting.ParseRecord) of the exports that are signed. */
const signedRecord: Partial<Record<ExportKind, string>> = { 'minutes-vi': 'minutes/vi', 'minutes-en': 'minutes/en', packet: 'packet' };

/** Exports downloads the files the server generates, with the session's token, and saves them. */
export function Exports({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const [busy, run] = useRun();
  const save = (kind: ExportKind) =>
    run(async () => {
      const { blob, name } = await downloadExport({ meeting: store.state!.id, token: store.session.token, kind });
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
    <ul class="docs">
      {exportKeys.map(([kind, key]) => (
        <li key={kind}>
          <button type="button" class="btn small" disabled={busy} onClick={() => void save(kind)}>
            ⬇ {t(key)}
          </button>
          {signedRecord[kind] && <RecordSignatures store={store} record={signedRecord[kind]!} />}
        </li>
      ))}
    </ul>
  );
}
