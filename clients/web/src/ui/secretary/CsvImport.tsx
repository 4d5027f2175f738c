// CsvImport: participants from a CSV file, previewed row by row, then sent one at a time.

import { useEffect, useRef, useState } from 'preact/hooks';
import { decodeText, planImport, type Field, type ImportRow, type RowError } from '../../core/csv';
import type { MeetingStore } from '../../core/store';
import { errorText, type Key } from '../../i18n';
import { useApp } from '../context';
import '../../i18n-staff'; // the staff's words (i18n-staff.ts)

/** RowStatus is how one imported row fared: waiting to be sent, added or merged, or refused (with the error). */
type RowStatus = { state: 'waiting' } | { state: 'ok' } | { state: 'failed'; err: unknown };

/** Choice is what the secretary chose for a row that names someone already in the meeting. */
type Choice = 'skip' | 'merge';

/** RunRow is a row to send: AddParticipant (add) or UpdateParticipant (merge). */
type RunRow = ImportRow & { kind: 'add' | 'merge' };

interface ImportRun {
  rows: RunRow[];
  status: RowStatus[];
  done: number;
  running: boolean;
  stopped: boolean;
}

/**
 * CsvImport reads participants from a CSV file (or pasted text), previews
 * every row with what is wrong with it, and on the secretary's word sends
 * one AddParticipant per valid row, one after the other, with progress and
 * each refusal. A row that names someone already in the meeting is never
 * added again: the secretary chooses, row by row, to skip it (the default)
 * or to merge it (UpdateParticipant with the cells the row fills; the
 * preview lists what would change). Cancel (or never pressing import)
 * sends nothing; Stop sends nothing after the row in flight.
 */
export function CsvImport({ store }: { store: MeetingStore }) {
  const { t, lang } = useApp();
  const s = store.state!;
  const [text, setText] = useState('');
  const [fileError, setFileError] = useState('');
  const [job, setJob] = useState<ImportRun | null>(null);
  // The secretary's choice per matched row, by line; a row not chosen is skipped.
  const [choices, setChoices] = useState<Record<number, Choice>>({});
  const stop = useRef(false);
  const form = useRef<HTMLFormElement>(null);
  // The form is in the page only while the box is open: the workspace has
  // one file input (the PDF upload's) otherwise.
  const box = useRef<HTMLDetailsElement>(null);
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const d = box.current;
    if (!d) return;
    const onToggle = () => setOpen(d.open);
    d.addEventListener('toggle', onToggle);
    return () => d.removeEventListener('toggle', onToggle);
  }, []);
  const plan = open && !job && text.trim() ? planImport(text, { rooms: s.rooms, participants: s.participants }) : null;
  // Rows naming someone already in the meeting are never added again: skipped, or merged when chosen.
  const valid = plan ? plan.rows.filter((r) => r.errors.length === 0 && !r.match) : [];
  const matched = plan ? plan.rows.filter((r) => r.errors.length === 0 && r.match) : [];
  const merging = matched.filter((r) => r.merge && r.changes?.length && choices[r.line] === 'merge');
  const fieldName = (f: Field) => t(({ name: 'name', title: 'titleField', role: 'roleField', room: 'room', seat: 'seat', id: 'csvId' } as const)[f]);
  const fieldValue = (f: Field, v: string | undefined) => (!v ? '—' : f === 'role' ? t(('role_' + v) as Key) : f === 'room' ? roomName(v) : v);
  const roomName = (id: string) => s.rooms.find((r) => r.id === id)?.name ?? id;
  const why = (e: RowError) => t(('csvErr_' + e.code) as Key, { value: e.value ?? '' });

  const reset = () => {
    setText('');
    setFileError('');
    setJob(null);
    setChoices({});
    form.current?.reset();
  };
  const readFile = async (f: File | undefined) => {
    setFileError('');
    if (!f) return;
    try {
      setText(decodeText(await f.arrayBuffer()));
    } catch (err) {
      setFileError(errorText(lang, err));
    }
  };
  const start = async () => {
    const rows: RunRow[] = [...valid.map((r) => ({ ...r, kind: 'add' as const })), ...merging.map((r) => ({ ...r, kind: 'merge' as const }))];
    if (rows.length === 0) return;
    stop.current = false;
    const status: RowStatus[] = rows.map(() => ({ state: 'waiting' }));
    let cur: ImportRun = { rows, status, done: 0, running: true, stopped: false };
    setJob(cur);
    for (let i = 0; i < rows.length && !stop.current; i++) {
      try {
        if (rows[i].kind === 'merge') await store.command('UpdateParticipant', { participant: rows[i].merge });
        else await store.command('AddParticipant', { participant: rows[i].participant });
        status[i] = { state: 'ok' };
      } catch (err) {
        status[i] = { state: 'failed', err };
      }
      cur = { ...cur, status: [...status], done: i + 1 };
      setJob(cur);
    }
    setJob({ ...cur, running: false, stopped: cur.done < rows.length });
  };

  const statusCell = (st: RowStatus, r: RunRow) =>
    st.state === 'ok' ? (
      <span class="ok-text">✓ {t(r.kind === 'merge' ? 'csvMerged' : 'csvAdded')}</span>
    ) : st.state === 'failed' ? (
      <span class="error">{errorText(lang, st.err)}</span>
    ) : (
      <span class="muted">{job?.running ? t('csvWaiting') : t('csvNotSent')}</span>
    );

  const ok = job ? job.status.filter((x) => x.state === 'ok').length : 0;
  const refused = job ? job.status.filter((x) => x.state === 'failed').length : 0;
  return (
    <details class="csv-import" ref={box}>
      <summary>{t('csvImport')}</summary>
      {open && !job && (
        <form ref={form} class="form" onSubmit={(e) => e.preventDefault()}>
          <p class="muted small">{t('csvHelp')}</p>
          <label>
            {t('csvFile')}
            <input type="file" accept=".csv,.txt,text/csv,text/plain" onChange={(e) => void readFile((e.target as HTMLInputElement).files?.[0])} />
          </label>
          <label>
            {t('csvPaste')}
            <textarea rows={4} spellcheck={false} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
          </label>
          {fileError && <p class="error">{fileError}</p>}
        </form>
      )}
      {plan?.error && (
        <p class="error" role="alert">
          {t(('csvErr_' + plan.error) as Key)}
        </p>
      )}
      {plan && !plan.error && (
        <div class="stack">
          <p role="status" class={valid.length + matched.length < plan.rows.length ? 'error' : 'ok-text'}>
            {t('csvSummary', { ok: valid.length, bad: plan.rows.length - valid.length - matched.length })}
            {matched.length > 0 && <> {t('csvMatched', { n: matched.length })}</>}
          </p>
          {plan.ignored.length > 0 && <p class="muted small">{t('csvIgnored', { cols: plan.ignored.join(', ') })}</p>}
          <div class="csv-preview" tabIndex={0} role="region" aria-label={t('csvImport')}>
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">{t('csvLine')}</th>
                  <th scope="col">{t('name')}</th>
                  <th scope="col">
                    {t('roleField')} · {t('room')} · {t('seat')}
                  </th>
                  <th scope="col">{t('csvCheck')}</th>
                </tr>
              </thead>
              <tbody>
                {plan.rows.map((r) => {
                  const p = r.participant;
                  return (
                    <tr key={r.line} class={r.errors.length ? 'bad' : ''}>
                      <td class="num-col">{r.line}</td>
                      <td>
                        {p.name}
                        {p.title && <div class="muted small">{p.title}</div>}
                        {p.id && !r.generated && (
                          <div class="small">
                            {t('csvId')}: <span class="csv-id">{p.id}</span>
                          </div>
                        )}
                      </td>
                      <td>
                        <span class="csv-role">{r.errors.some((e) => e.code === 'unknown_role') ? '—' : t(('role_' + p.role) as Key)}</span>
                        <div class="small">
                          <span class="csv-room">{r.errors.some((e) => e.code === 'unknown_room') ? '—' : roomName(p.room)}</span>
                          {p.seat && <span class="csv-seat"> · {p.seat}</span>}
                        </div>
                      </td>
                      <td class="csv-check">
                        {r.errors.length === 0 && r.match ? (
                          <div class="csv-match">
                            <span>{t('csvSkip', { name: s.participants[r.match]?.name ?? p.name })}</span>
                            {r.changes?.length ? (
                              <>
                                <ul class="csv-changes small">
                                  {r.changes.map((f) => (
                                    <li key={f}>
                                      {fieldName(f)}: {fieldValue(f, s.participants[r.match!]?.[f as 'name'])} → {fieldValue(f, r.merge?.[f as 'name'])}
                                    </li>
                                  ))}
                                </ul>
                                <label class="small">
                                  <select
                                    aria-label={t('csvChoice', { line: r.line, name: s.participants[r.match]?.name ?? p.name })}
                                    value={choices[r.line] ?? 'skip'}
                                    onChange={(e) => setChoices({ ...choices, [r.line]: (e.target as HTMLSelectElement).value as Choice })}
                                  >
                                    <option value="skip">{t('csvChoiceSkip')}</option>
                                    <option value="merge">{t('csvChoiceMerge')}</option>
                                  </select>
                                </label>
                              </>
                            ) : (
                              <div class="muted small">{t('csvSame')}</div>
                            )}
                          </div>
                        ) : r.errors.length === 0 ? (
                          <span class="ok-text">{t('csvOk')}</span>
                        ) : (
                          <ul class="row-errors">
                            {r.errors.map((e, i) => (
                              <li key={i} class="error">
                                {why(e)}
                              </li>
                            ))}
                          </ul>
                        )}
                        {r.warnings.filter((w) => !(r.match && w.code === 'name_exists')).map((w, i) => (
                          <div key={i} class="csv-warn small">
                            {why(w)}
                          </div>
                        ))}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          <div class="row wrap">
            <button type="button" class="btn primary" disabled={valid.length + merging.length === 0} onClick={() => void start()}>
              {!merging.length ? t('csvRun', { n: valid.length }) : valid.length ? t('csvRunMerge', { n: valid.length, m: merging.length }) : t('csvRunUpdate', { m: merging.length })}
            </button>
            <button type="button" class="btn" onClick={reset}>
              {t('csvCancel')}
            </button>
          </div>
        </div>
      )}
      {job && (
        <div class="stack">
          <div class="progress">
            <progress max={job.rows.length} value={job.done} aria-label={t('csvProgress', { done: job.done, total: job.rows.length })} />
            <span role="status">
              {job.running
                ? t('csvProgress', { done: job.done, total: job.rows.length })
                : t('csvDone', { ok, total: job.rows.length }) +
                  (refused ? ' — ' + t('csvRefused', { n: refused }) : '') +
                  (job.stopped ? ' — ' + t('csvStopped', { n: job.rows.length - job.done }) : '')}
            </span>
          </div>
          <div class="csv-preview" tabIndex={0} role="region" aria-label={t('csvImport')}>
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">{t('csvLine')}</th>
                  <th scope="col">{t('name')}</th>
                  <th scope="col">{t('titleField')}</th>
                  <th scope="col">{t('csvCheck')}</th>
                </tr>
              </thead>
              <tbody>
                {job.rows.map((r, i) => (
                  <tr key={r.line} class={'import-' + job.status[i].state}>
                    <td class="num-col">{r.line}</td>
                    <td>{r.participant.name}</td>
                    <td class="small">{(r.kind === 'merge' ? r.merge?.title : r.participant.title) ?? ''}</td>
                    <td>{statusCell(job.status[i], r)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <div class="row wrap">
            {job.running ? (
              <button type="button" class="btn danger" onClick={() => (stop.current = true)}>
                {t('csvStop')}
              </button>
            ) : (
              <button type="button" class="btn" onClick={reset}>
                {t('csvClose')}
              </button>
            )}
          </div>
        </div>
      )}
    </details>
  );
}
