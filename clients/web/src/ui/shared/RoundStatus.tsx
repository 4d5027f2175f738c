// RoundStatus is what the counting committee and the chair follow while a
// round is open: ballots issued (voters present) and returned per room —
// tablet ballots (the state says who voted, never what) or paper sheets
// entered — with the live total; and the paper sheets whose three entries
// do not agree yet.

import type { MeetingStore } from '../../core/store';
import type { Candidate, Poll, State } from '../../core/types';
import * as v from '../../core/views';
import { decode, decodeLevels, type Form } from '../../core/election';
import type { Key } from '../../i18n';
import { useApp } from '../context';
import { formatNumber } from './format';
import '../../i18n-staff'; // the staff's words (i18n-staff.ts)

export function RoundStatus({ store, poll }: { store: MeetingStore; poll: Poll }) {
  const { t, lang } = useApp();
  const s = store.state!;
  const live = store.progress?.poll === poll.id ? store.progress : null;
  const rows = v.roundProgress(s, poll, live);
  const issued = rows.reduce((n, r) => n + r.issued, 0);
  // Tablet ballots: per room when the progress says, at least its total; paper: the sheets entered.
  const returned = Math.max(
    rows.reduce((n, r) => n + r.returned, 0),
    (live?.cast ?? 0) + rows.filter((r) => r.paper).reduce((n, r) => n + r.returned, 0),
  );
  return (
    <div class="round-status">
      <table class="table rooms-count">
        <caption class="sr-only">{t('ccProgress', { cast: returned, issued })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('ccRoom')}</th>
            <th scope="col" class="num-col">
              {t('ccIssued')}
            </th>
            <th scope="col" class="num-col">
              {t('ccReturned')}
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.room}>
              <th scope="row">
                {r.name}
                {r.paper && <span class="tag paper-tag">{t('ccPaper')}</span>}
              </th>
              <td class="num-col">{formatNumber(lang, r.issued)}</td>
              <td class="num-col">{formatNumber(lang, r.returned)}</td>
            </tr>
          ))}
          <tr class="total">
            <th scope="row">{t('ccTotal')}</th>
            <td class="num-col">{formatNumber(lang, issued)}</td>
            <td class="num-col">{formatNumber(lang, returned)}</td>
          </tr>
        </tbody>
      </table>
      <p class="live-count" role="status" aria-live="polite">
        {t('ccProgress', { cast: returned, issued })}
      </p>
      <progress class="cc-progress" max={Math.max(1, issued)} value={returned} aria-label={t('ccProgress', { cast: returned, issued })} />
    </div>
  );
}

/** marksText writes a sheet's marks as words: the struck names, the boxes, or the levels. */
export function marksText(t: (k: Key, p?: Record<string, string | number>) => string, poll: Poll, cands: Candidate[], marks: string): string {
  if (marks === 'void') return t('ccVoid');
  if (poll.style === 'confidence') {
    const ls = decodeLevels(marks);
    if (!ls) return marks;
    return cands.map((c, i) => `${c.name}: ${ls[i] === 'none' ? '—' : ls[i] === 'many' ? t('ccMany') : t(('level_' + ls[i]) as Key)}`).join('; ');
  }
  const ms = decode((poll.style ?? 'strike') as Form, marks);
  if (!ms) return marks;
  if (poll.style === 'agree') return cands.map((c, i) => `${c.name}: ${ms[i] === 'yes' ? t('agree') : ms[i] === 'no' ? t('disagree') : ms[i] === 'both' ? t('ccBoth') : '—'}`).join('; ');
  const struck = cands.filter((_, i) => ms[i] === 'strike').map((c) => c.name);
  return struck.length ? t('ccStruck', { names: struck.join(', ') }) : t('ccNoneStruck');
}

/** Mismatches lists the paper sheets whose entries differ, each entry in words, with who typed it. */
export function Mismatches({ s, poll, resolve }: { s: State; poll: Poll; resolve?: (room: string, sheet: number, start: string) => void }) {
  const { t } = useApp();
  const cands = v.roundCandidates(s, poll);
  const sheets = v.paperSheets(s, poll).filter((x) => x.sheetData.status === 'mismatch');
  const roomName = (id: string) => s.rooms.find((r) => r.id === id)?.name ?? id;
  return (
    <section class="mismatches" aria-labelledby={'mm-' + poll.id}>
      <h3 id={'mm-' + poll.id}>
        {t('ccMismatches')} ({sheets.length})
      </h3>
      {sheets.length === 0 ? (
        <p class="ok-text">{t('ccNoMismatch')}</p>
      ) : (
        <ul class="mismatch-list">
          {sheets.map(({ room, sheet, sheetData }) => (
            <li key={room + ':' + sheet} class="mismatch">
              <strong>
                {roomName(room)} — {t('ccSheet')} {sheet}
              </strong>
              <ul>
                {Object.entries(sheetData.entries).map(([member, marks]) => (
                  <li key={member}>
                    <span class="muted">{s.participants[member]?.name ?? member}:</span> {marksText(t, poll, cands, marks)}
                  </li>
                ))}
              </ul>
              {resolve && (
                <button type="button" class="btn" onClick={() => resolve(room, sheet, Object.values(sheetData.entries)[0] ?? '')}>
                  {t('ccResolve')} — {t('ccSheet')} {sheet}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

/** SheetCounts sums a round's paper sheets by status. */
export function SheetCounts({ s, poll }: { s: State; poll: Poll }) {
  const { t } = useApp();
  const sheets = v.paperSheets(s, poll);
  if (sheets.length === 0) return null;
  const n = (st: string) => sheets.filter((x) => x.sheetData.status === st).length;
  return (
    <p class="sheet-counts">
      {t('ccSheetCounts', { total: sheets.length, agreed: n('agreed'), resolved: n('resolved'), mismatch: n('mismatch'), incomplete: n('incomplete') })}
    </p>
  );
}
