// Secretary is the preparation workspace: participants (one by one, or
// imported from a CSV file), the agenda (reordered by dragging or with
// up/down buttons), documents (upload with progress), proposals and polls.

import { useEffect, useRef, useState } from 'preact/hooks';
import { downloadExport, prepareCopies, uploadDocument, type ExportKind, type PrepareProgress } from '../core/api';
import { decodeText, planImport, type ImportRow, type RowError } from '../core/csv';
import { CommandError } from '../core/protocol';
import type { MeetingStore } from '../core/store';
import type { Role } from '../core/types';
import * as v from '../core/views';
import { errorText, type Key } from '../i18n';
import { AgendaList, AttendanceTable, Section, quorumPercent } from './common';
import { newId, useApp, useRun } from './context';
import { PollForm, PollList } from './polls';
import { Invitations } from './Invitations';
import { NewMeeting } from './NewMeeting';
import { MeetingDetails } from './MeetingDetails';

export function Secretary({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const [busy, run] = useRun();
  const s = store.state!;
  return (
    <div class="screen workspace">
      <div class="col">
        {s.status === 'draft' && (
          <div class="panel">
            <button type="button" class="btn primary" disabled={busy} onClick={() => run(() => store.command('Publish'), t('done'))}>
              {t('publish')}
            </button>
          </div>
        )}
        <Section title={t('participants')}>
          <Participants store={store} />
        </Section>
        <Section title={t('attendance')}>
          <AttendanceTable s={s} percent={quorumPercent(s)} />
        </Section>
      </div>
      <div class="col">
        <Section title={t('agenda')}>
          <Agenda store={store} />
        </Section>
        <Section title={t('proposals')}>
          <Proposals store={store} />
        </Section>
      </div>
      <div class="col">
        <Section title={t('documents')}>
          <Documents store={store} />
        </Section>
        <Section title={t('polls')}>
          <PollList store={store} canRun={false} />
          <details>
            <summary>{t('newPoll')}</summary>
            <PollForm store={store} />
          </details>
        </Section>
        <Section title={t('exports')}>
          <Exports store={store} />
        </Section>
        <Section title={t('meetingDetails')}>
          <MeetingDetails store={store} />
        </Section>
        <Section title={t('meetings')}>
          <NewMeeting store={store} />
        </Section>
      </div>
      <Section title={t('invitations')} class="span-all">
        <Invitations store={store} />
      </Section>
    </div>
  );
}

function Participants({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const [busy, run] = useRun();
  const s = store.state!;
  const [form, setForm] = useState({ name: '', title: '', role: 'delegate' as Role, room: s.rooms[0]?.id ?? '', seat: '' });
  const set = (k: keyof typeof form) => (e: Event) => setForm({ ...form, [k]: (e.target as HTMLInputElement).value });
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
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <details>
        <summary>{t('addParticipant')}</summary>
        <form
          class="form"
          onSubmit={async (e) => {
            e.preventDefault();
            const participant = { id: newId('p'), name: form.name.trim(), title: form.title.trim() || undefined, role: form.role, room: form.room, seat: form.seat.trim() || undefined };
            if (await run(() => store.command('AddParticipant', { participant }), t('done'))) setForm({ ...form, name: '', title: '', seat: '' });
          }}
        >
          <label>
            {t('name')}
            <input required value={form.name} onInput={set('name')} />
          </label>
          <label>
            {t('titleField')}
            <input value={form.title} onInput={set('title')} />
          </label>
          <div class="row wrap">
            <label>
              {t('roleField')}
              <select value={form.role} onChange={set('role')}>
                {(['delegate', 'chair', 'secretary', 'observer'] as Role[]).map((r) => (
                  <option key={r} value={r}>
                    {t(('role_' + r) as Key)}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('room')}
              <select value={form.room} onChange={set('room')}>
                {s.rooms.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('seat')}
              <input value={form.seat} onInput={set('seat')} size={5} />
            </label>
          </div>
          <button type="submit" class="btn primary" disabled={busy}>
            {t('add')}
          </button>
        </form>
      </details>
      <CsvImport store={store} />
    </div>
  );
}

/** RowStatus is how one imported row fared: waiting to be sent, added, or refused (with the error). */
type RowStatus = { state: 'waiting' } | { state: 'ok' } | { state: 'failed'; err: unknown };

interface ImportRun {
  rows: ImportRow[];
  status: RowStatus[];
  done: number;
  running: boolean;
  stopped: boolean;
}

/**
 * CsvImport reads participants from a CSV file (or pasted text), previews
 * every row with what is wrong with it, and on the secretary's word sends
 * one AddParticipant per valid row, one after the other, with progress and
 * each refusal. Cancel (or never pressing import) sends nothing; Stop
 * sends nothing after the row in flight.
 */
function CsvImport({ store }: { store: MeetingStore }) {
  const { t, lang } = useApp();
  const s = store.state!;
  const [text, setText] = useState('');
  const [fileError, setFileError] = useState('');
  const [job, setJob] = useState<ImportRun | null>(null);
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
  const valid = plan ? plan.rows.filter((r) => r.errors.length === 0) : [];
  const roomName = (id: string) => s.rooms.find((r) => r.id === id)?.name ?? id;
  const why = (e: RowError) => t(('csvErr_' + e.code) as Key, { value: e.value ?? '' });

  const reset = () => {
    setText('');
    setFileError('');
    setJob(null);
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
    const rows = valid;
    if (rows.length === 0) return;
    stop.current = false;
    const status: RowStatus[] = rows.map(() => ({ state: 'waiting' }));
    let cur: ImportRun = { rows, status, done: 0, running: true, stopped: false };
    setJob(cur);
    for (let i = 0; i < rows.length && !stop.current; i++) {
      try {
        await store.command('AddParticipant', { participant: rows[i].participant });
        status[i] = { state: 'ok' };
      } catch (err) {
        status[i] = { state: 'failed', err };
      }
      cur = { ...cur, status: [...status], done: i + 1 };
      setJob(cur);
    }
    setJob({ ...cur, running: false, stopped: cur.done < rows.length });
  };

  const statusCell = (st: RowStatus) =>
    st.state === 'ok' ? (
      <span class="ok-text">✓ {t('csvAdded')}</span>
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
          <p role="status" class={valid.length < plan.rows.length ? 'error' : 'ok-text'}>
            {t('csvSummary', { ok: valid.length, bad: plan.rows.length - valid.length })}
          </p>
          {plan.ignored.length > 0 && <p class="muted small">{t('csvIgnored', { cols: plan.ignored.join(', ') })}</p>}
          <div class="csv-preview">
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
                        {p.id && (
                          <div class={r.generated ? 'muted small' : 'small'}>
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
                        {r.errors.length === 0 ? (
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
                        {r.warnings.map((w, i) => (
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
            <button type="button" class="btn primary" disabled={valid.length === 0} onClick={() => void start()}>
              {t('csvRun', { n: valid.length })}
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
          <div class="csv-preview">
            <table class="table">
              <thead>
                <tr>
                  <th scope="col">{t('csvLine')}</th>
                  <th scope="col">{t('name')}</th>
                  <th scope="col">{t('csvId')}</th>
                  <th scope="col">{t('csvCheck')}</th>
                </tr>
              </thead>
              <tbody>
                {job.rows.map((r, i) => (
                  <tr key={r.line} class={'import-' + job.status[i].state}>
                    <td class="num-col">{r.line}</td>
                    <td>{r.participant.name}</td>
                    <td class="small">{r.participant.id}</td>
                    <td>{statusCell(job.status[i])}</td>
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

function Agenda({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const [busy, run] = useRun();
  const s = store.state!;
  const [title, setTitle] = useState('');
  const [parent, setParent] = useState('');
  const [presenter, setPresenter] = useState('');
  const list = useRef<HTMLDivElement>(null);
  // drag: the item being dragged by a pointer, and the slot (0…n among its
  // siblings, before the sibling of that number) it would land in.
  const [drag, setDrag] = useState<{ id: string; pointer: number; slot: number } | null>(null);
  const siblings = (id: string) => {
    const it = s.agenda.find((i) => i.id === id);
    return it ? s.agenda.filter((i) => (i.parent ?? '') === (it.parent ?? '')) : [];
  };
  const siblingIndex = (id: string) => siblings(id).findIndex((i) => i.id === id);
  const send = (id: string, index: number) => run(() => store.command('MoveAgendaItem', { item: id, index }));
  const move = (id: string, delta: number) => send(id, Math.max(0, siblingIndex(id) + delta));
  const rowOf = (id: string) => list.current?.querySelector(`[data-agenda-id="${id}"]`)?.closest('li') ?? null;
  // slotAt counts the siblings whose row's middle is above y.
  const slotAt = (id: string, y: number) =>
    siblings(id).filter((x) => {
      const r = rowOf(x.id)?.getBoundingClientRect();
      return !!r && y > r.top + r.height / 2;
    }).length;
  // The drop line: before the sibling at the slot, or after the last one's
  // block; none where the item would not move.
  const mark = (id: string): 'before' | 'after' | undefined => {
    if (!drag) return undefined;
    const sib = siblings(drag.id);
    const from = siblingIndex(drag.id);
    if (from < 0 || drag.slot === from || drag.slot === from + 1) return undefined;
    if (drag.slot < sib.length) return sib[drag.slot].id === id ? 'before' : undefined;
    const last = sib[sib.length - 1];
    const block = s.agenda.filter((i) => i.id === last.id || (!last.parent && i.parent === last.id));
    return block[block.length - 1].id === id ? 'after' : undefined;
  };
  const drop = (id: string, y: number) => {
    const from = siblingIndex(id);
    const slot = slotAt(id, y);
    setDrag(null);
    // MoveAgendaItem's index counts the siblings without the moved item.
    const index = slot > from ? slot - 1 : slot;
    if (from >= 0 && index !== from) void send(id, index);
  };
  return (
    <div class="stack" ref={list}>
      <AgendaList
        s={s}
        action={(id) => {
          const it = s.agenda.find((i) => i.id === id)!;
          const at = siblingIndex(id);
          const m = mark(id);
          return (
            <span class={'row agenda-move' + (drag?.id === id ? ' dragging' : '')}>
              {m && <span class={'drop-mark ' + m} aria-hidden="true" />}
              <span
                class="drag-handle"
                data-agenda-id={id}
                title={t('dragItem', { title: it.title })}
                aria-hidden="true"
                onPointerDown={(e) => {
                  if (busy || (e.pointerType === 'mouse' && e.button !== 0)) return;
                  e.preventDefault();
                  (e.currentTarget as HTMLElement).setPointerCapture?.(e.pointerId);
                  setDrag({ id, pointer: e.pointerId, slot: at });
                }}
                onPointerMove={(e) => {
                  if (drag?.id !== id || drag.pointer !== e.pointerId) return;
                  const slot = slotAt(id, e.clientY);
                  if (slot !== drag.slot) setDrag({ ...drag, slot });
                }}
                onPointerUp={(e) => {
                  if (drag?.id === id && drag.pointer === e.pointerId) drop(id, e.clientY);
                }}
                onPointerCancel={() => setDrag(null)}
              >
                ⠿
              </span>
              <button type="button" class="btn small" disabled={busy || at <= 0} onClick={() => move(id, -1)} aria-label={t('moveUpItem', { title: it.title })}>
                ↑
              </button>
              <button type="button" class="btn small" disabled={busy || at >= siblings(id).length - 1} onClick={() => move(id, 1)} aria-label={t('moveDownItem', { title: it.title })}>
                ↓
              </button>
            </span>
          );
        }}
      />
      <details>
        <summary>{t('addItem')}</summary>
        <form
          class="form"
          onSubmit={async (e) => {
            e.preventDefault();
            const item = { id: newId('i'), title: title.trim(), parent: parent || undefined, presenter: presenter || undefined };
            if (await run(() => store.command('AddAgendaItem', { item }), t('done'))) setTitle('');
          }}
        >
          <label>
            {t('itemTitle')}
            <input required value={title} onInput={(e) => setTitle((e.target as HTMLInputElement).value)} />
          </label>
          <label>
            {t('parentItem')}
            <select value={parent} onChange={(e) => setParent((e.target as HTMLSelectElement).value)}>
              <option value="">{t('topLevel')}</option>
              {s.agenda
                .filter((i) => !i.parent)
                .map((i) => (
                  <option key={i.id} value={i.id}>
                    {v.itemNumber(s, i.id)}. {i.title}
                  </option>
                ))}
            </select>
          </label>
          <label>
            {t('presenter')}
            <select value={presenter} onChange={(e) => setPresenter((e.target as HTMLSelectElement).value)}>
              <option value="">{t('none')}</option>
              {s.order.map((id) => (
                <option key={id} value={id}>
                  {s.participants[id]?.name}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" class="btn primary" disabled={busy}>
            {t('add')}
          </button>
        </form>
      </details>
    </div>
  );
}

function Documents({ store }: { store: MeetingStore }) {
  const { t, lang, toast } = useApp();
  const s = store.state!;
  const [title, setTitle] = useState('');
  const [confidential, setConfidential] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<number | null>(null);
  // Readers of a confidential upload: every voter unless unticked.
  const voters = s.order.filter((id) => s.participants[id] && v.isVoter(s.participants[id]));
  const [unticked, setUnticked] = useState<Set<string>>(new Set());
  const readers = voters.filter((id) => !unticked.has(id));

  const upload = async (e: Event) => {
    e.preventDefault();
    if (!file) return;
    setProgress(0);
    try {
      const doc = await uploadDocument({
        meeting: s.id,
        token: store.session.token,
        title: title.trim() || file.name.replace(/\.pdf$/i, ''),
        confidential,
        readers: confidential ? readers : undefined,
        file,
        onProgress: setProgress,
      });
      // The server may already have registered the document; if it has
      // not, register it. "Already there" (conflict) is fine either way.
      if (!store.state?.documents[doc.id]) {
        try {
          await store.command('AddDocument', { document: doc });
        } catch (err) {
          if (!(err instanceof CommandError && err.code === 'conflict')) throw err;
        }
      }
      toast(t('uploaded', { title: doc.title }), 'ok');
      setTitle('');
      setFile(null);
      (e.target as HTMLFormElement).reset();
    } catch (err) {
      toast(errorText(lang, err), 'error');
    } finally {
      setProgress(null);
    }
  };

  const docs = v.documentsInOrder(s);
  return (
    <div class="stack">
      {docs.length === 0 ? (
        <p class="muted">{t('noDocuments')}</p>
      ) : (
        <ul class="docs">
          {docs.map((id) => (
            <DocRow key={id} store={store} id={id} />
          ))}
        </ul>
      )}
      <form class="form" onSubmit={upload}>
        <h3>{t('upload')}</h3>
        <label>
          {t('file')}
          <input type="file" accept="application/pdf,.pdf" required onChange={(e) => setFile((e.target as HTMLInputElement).files?.[0] ?? null)} />
        </label>
        <label>
          {t('docTitle')}
          <input value={title} onInput={(e) => setTitle((e.target as HTMLInputElement).value)} />
        </label>
        <label class="check">
          <input type="checkbox" checked={confidential} onChange={(e) => setConfidential((e.target as HTMLInputElement).checked)} /> {t('confidential')}
        </label>
        {confidential && (
          <fieldset class="readers">
            <legend>{t('readers')}</legend>
            {voters.map((id) => (
              <label key={id} class="check">
                <input
                  type="checkbox"
                  checked={!unticked.has(id)}
                  onChange={(e) => {
                    const next = new Set(unticked);
                    if ((e.target as HTMLInputElement).checked) next.delete(id);
                    else next.add(id);
                    setUnticked(next);
                  }}
                />{' '}
                {s.participants[id].name}
              </label>
            ))}
          </fieldset>
        )}
        {progress !== null && (
          <div class="progress">
            <progress max={1} value={progress} aria-label={t('uploading', { pct: Math.round(progress * 100) })} />
            <span>{t('uploading', { pct: Math.round(progress * 100) })}</span>
          </div>
        )}
        <button type="submit" class="btn primary" disabled={progress !== null || !file || (confidential && readers.length === 0)}>
          {t('upload')}
        </button>
      </form>
    </div>
  );
}

function DocRow({ store, id }: { store: MeetingStore; id: string }) {
  const { t, lang, toast } = useApp();
  const [busy, run] = useRun();
  const [item, setItem] = useState('');
  const [prep, setPrep] = useState<PrepareProgress | null>(null);
  const s = store.state!;
  const d = s.documents[id];
  const prepare = async () => {
    setPrep({ document: id, done: 0, total: 0, failed: 0, running: true });
    try {
      const p = await prepareCopies({ meeting: s.id, token: store.session.token, doc: id, onProgress: setPrep });
      toast(t('prepared', { done: p.done, total: p.total }) + (p.failed ? ' — ' + t('prepareFailed', { failed: p.failed }) : ''), p.failed ? 'error' : 'ok');
    } catch (err) {
      setPrep(null);
      toast(errorText(lang, err), 'error');
    }
  };
  return (
    <li class="doc-row">
      <span>
        {d.title} <span class="muted small">· {t('pages', { n: d.pages })}</span>
        {d.confidential && <span class="tag danger">{t('confidential')}</span>}
      </span>
      <span class="row">
        <label class="grow">
          <span class="sr-only">{t('attachTo')}</span>
          <select value={item} onChange={(e) => setItem((e.target as HTMLSelectElement).value)}>
            <option value="">{t('attachTo')}…</option>
            {s.agenda.map((i) => (
              <option key={i.id} value={i.id}>
                {v.itemNumber(s, i.id)}. {i.title}
              </option>
            ))}
          </select>
        </label>
        <button type="button" class="btn small" disabled={busy || !item} onClick={() => run(() => store.command('AttachDocument', { item, document: id }), t('done'))}>
          {t('attach')}
        </button>
      </span>
      {d.confidential && (
        <span class="row">
          <button type="button" class="btn small" disabled={!!prep?.running} onClick={() => void prepare()}>
            {t('prepareCopies')}
          </button>
          {prep && (
            <span class="progress">
              <progress max={Math.max(1, prep.total)} value={prep.done} aria-label={t('prepareCopies')} />
              <span>{t(prep.running ? 'preparing' : 'prepared', { done: prep.done, total: prep.total })}</span>
              {prep.failed > 0 && <span class="tag danger">{t('prepareFailed', { failed: prep.failed })}</span>}
            </span>
          )}
        </span>
      )}
    </li>
  );
}

function Proposals({ store }: { store: MeetingStore }) {
  const { t } = useApp();
  const [busy, run] = useRun();
  const s = store.state!;
  const [title, setTitle] = useState('');
  const [text, setText] = useState('');
  const [item, setItem] = useState('');
  const list = Object.values(s.proposals);
  return (
    <div class="stack">
      {list.length > 0 && (
        <ul class="docs">
          {list.map((p) => (
            <li key={p.id}>
              {p.title} <span class="tag">{t(('proposal_' + p.status) as Key)}</span>
            </li>
          ))}
        </ul>
      )}
      <details>
        <summary>{t('addProposal')}</summary>
        <form
          class="form"
          onSubmit={async (e) => {
            e.preventDefault();
            const proposal = { id: newId('pr'), title: title.trim(), text: text.trim() || undefined, status: 'draft' };
            if (await run(() => store.command('AddProposal', { proposal, item: item || undefined }), t('done'))) {
              setTitle('');
              setText('');
            }
          }}
        >
          <label>
            {t('itemTitle')}
            <input required value={title} onInput={(e) => setTitle((e.target as HTMLInputElement).value)} />
          </label>
          <label>
            {t('proposalText')}
            <textarea rows={3} value={text} onInput={(e) => setText((e.target as HTMLTextAreaElement).value)} />
          </label>
          <label>
            {t('attachTo')}
            <select value={item} onChange={(e) => setItem((e.target as HTMLSelectElement).value)}>
              <option value="">{t('none')}</option>
              {s.agenda.map((i) => (
                <option key={i.id} value={i.id}>
                  {v.itemNumber(s, i.id)}. {i.title}
                </option>
              ))}
            </select>
          </label>
          <button type="submit" class="btn primary" disabled={busy}>
            {t('add')}
          </button>
        </form>
      </details>
    </div>
  );
}

const exportKeys: [ExportKind, Key][] = [
  ['minutes-vi', 'minutesVi'],
  ['minutes-en', 'minutesEn'],
  ['packet', 'packetPdf'],
  ['ballots', 'ballotsCsv'],
];

/** Exports downloads the files the server generates, with the session's token, and saves them. */
function Exports({ store }: { store: MeetingStore }) {
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
        </li>
      ))}
    </ul>
  );
}
